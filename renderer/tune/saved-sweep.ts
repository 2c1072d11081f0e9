/**
 * A finished sweep as a lab's session keeps it: the grid (optimizer, fixed settings, axes), the
 * iterations, the tolerance if the sweep had one, each cell's final loss (and iterations to the
 * tolerance), the best cell, and what it cost. The axes' values, every cell's settings and the
 * best cell are derived from the grid and the losses again when it is opened, so a file cannot
 * make the heatmap and the lanes its cells race disagree.
 */
import { useCallback, useState } from 'react';
import { LIMITS } from '../../main/protocol/limits';
import { isOptimizerName } from '../../main/protocol/optimizers';
import { bestCell, sweepAxisValues, sweepCells, SWEEP_LIMITS, type SweepAxisSpec, type SweepGridSpec, type SweepResult } from '../../main/protocol/sweep';
import { finiteNumber, wholeNumber } from '../session/check-fields';
import { asRecord } from '../session/session-parts';

export interface SavedSweep {
  grid: SweepGridSpec;
  iterations: number;
  /** The loss the iterations to tolerance were counted to, when the sweep counted them. */
  tolerance: number | null;
  /** Row-major [cells₁ × cells₂]; NaN where a cell diverged. */
  finalLoss: Float64Array;
  /** Row-major like finalLoss (−1: never reached), or null. */
  itersToTolerance: Int32Array | null;
  /** The best cell's index (lowest finite final loss), or null when every cell diverged. */
  best: number | null;
  seconds: number;
  cellStepsPerSecond: number;
}

/** What a session keeps of a finished sweep run over `grid`. */
export function saveSweep(grid: SweepGridSpec, result: SweepResult, tolerance: number | undefined): SavedSweep {
  return {
    grid: { optimizer: grid.optimizer, params: { ...grid.params }, axes: grid.axes.map((a) => ({ ...a })) },
    iterations: result.iterations,
    tolerance: result.itersToTolerance && tolerance !== undefined ? tolerance : null,
    finalLoss: Float64Array.from(result.finalLoss),
    itersToTolerance: result.itersToTolerance ? Int32Array.from(result.itersToTolerance) : null,
    best: result.best ?? null,
    seconds: result.seconds,
    cellStepsPerSecond: result.cellStepsPerSecond,
  };
}

/** The sweep's result again, its axes, cells and best cell derived from the grid and losses. */
export function savedSweepResult(saved: SavedSweep): SweepResult {
  const { grid } = saved;
  return {
    optimizer: grid.optimizer,
    axes: grid.axes.map((a) => ({ name: a.name, log: a.log, values: sweepAxisValues(a) })),
    finalLoss: saved.finalLoss,
    ...(saved.itersToTolerance ? { itersToTolerance: saved.itersToTolerance } : {}),
    cellParams: sweepCells(grid),
    best: bestCell(saved.finalLoss),
    iterations: saved.iterations,
    cellStepsPerSecond: saved.cellStepsPerSecond,
    seconds: saved.seconds,
  };
}

function checkAxis(v: unknown, where: string): SweepAxisSpec {
  const a = asRecord(v, where);
  if (typeof a.name !== 'string') throw new Error(`${where} has no hyper-parameter name`);
  if (typeof a.log !== 'boolean') throw new Error(`${where}'s log scale must be true or false`);
  return {
    name: a.name,
    lo: finiteNumber(a.lo, `${where}'s LO`),
    hi: finiteNumber(a.hi, `${where}'s HI`),
    log: a.log,
    cells: wholeNumber(a.cells, `${where}'s cells`, 1, SWEEP_LIMITS.maxCellsPerAxis),
  };
}

/** A saved sweep read from a session file, checked field by field (the grid as a sweep request's is). */
export function checkSavedSweep(v: unknown): SavedSweep {
  const s = asRecord(v, 'the sweep');
  const g = asRecord(s.grid, "the sweep's grid");
  if (typeof g.optimizer !== 'string' || !isOptimizerName(g.optimizer)) throw new Error(`the sweep's optimizer ${String(g.optimizer)} is unknown`);
  const params = asRecord(g.params, "the sweep's fixed settings");
  for (const [k, p] of Object.entries(params)) finiteNumber(p, `the sweep's ${k}`);
  if (!Array.isArray(g.axes) || g.axes.length < 1 || g.axes.length > 2) throw new Error('the sweep must have one or two axes');
  const grid: SweepGridSpec = { optimizer: g.optimizer, params: params as Record<string, number>, axes: g.axes.map((a, i) => checkAxis(a, `the sweep's axis ${i + 1}`)) };
  try {
    sweepCells(grid);
  } catch (e) {
    throw new Error(`the sweep's grid: ${(e as Error).message}`);
  }
  const cells = grid.axes.reduce((n, a) => n * a.cells, 1);
  if (!(s.finalLoss instanceof Float64Array) || s.finalLoss.length !== cells) throw new Error(`the sweep's final losses must be ${cells} numbers`);
  let itersToTolerance: Int32Array | null = null;
  let tolerance: number | null = null;
  if (s.itersToTolerance !== null && s.itersToTolerance !== undefined) {
    if (!(s.itersToTolerance instanceof Int32Array) || s.itersToTolerance.length !== cells) throw new Error(`the sweep's iterations to tolerance must be ${cells} whole numbers`);
    itersToTolerance = s.itersToTolerance;
    tolerance = finiteNumber(s.tolerance, "the sweep's tolerance", 0, LIMITS.maxAbsValue);
  }
  const finalLoss = s.finalLoss;
  return {
    grid,
    iterations: wholeNumber(s.iterations, "the sweep's iterations", 1, LIMITS.maxIterations),
    tolerance,
    finalLoss,
    itersToTolerance,
    best: bestCell(finalLoss) ?? null,
    seconds: finiteNumber(s.seconds, "the sweep's seconds", 0),
    cellStepsPerSecond: finiteNumber(s.cellStepsPerSecond, "the sweep's cell-steps per second", 0),
  };
}

/**
 * A lab's last finished sweep for its session: `panel` goes to the SweepPanel (it reports each
 * finished sweep, and shows a session's again); the lab saves `saved` in its part, and on open
 * calls `check` on the part's sweep first (it throws naming a bad field, leaving the lab as it
 * was) and the function it returns once the whole part has passed.
 */
export function useSavedSweep() {
  const [saved, setSaved] = useState<SavedSweep | null>(null);
  const [restore, setRestore] = useState<{ sweep: SavedSweep | null } | null>(null);
  const check = useCallback((raw: unknown): (() => void) => {
    const sweep = raw === undefined || raw === null ? null : checkSavedSweep(raw);
    return () => {
      setSaved(sweep);
      setRestore({ sweep });
    };
  }, []);
  return { saved, check, panel: { restore, onSweepDone: setSaved } };
}
