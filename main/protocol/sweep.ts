/**
 * Hyper-parameter sweeps (issue 14, "Tune"): one optimizer over a grid of one or two of its
 * hyper-parameters, every cell run as one batched computation, and the fair race built on
 * them. Plain data and checks shared by the engine, the CLI and the renderer.
 */
import { OPTIMIZER_SPECS, resolveHyperParams, type HyperParamSpec, type OptimizerName } from './optimizers';

/** One axis of the grid: a hyper-parameter from LO to HI in `cells` values, evenly or on a log scale. */
export interface SweepAxisSpec {
  name: string;
  lo: number;
  hi: number;
  log: boolean;
  cells: number;
}

export const SWEEP_LIMITS = {
  /** Values an axis takes at most (a grid of up to 32×32 cells). */
  maxCellsPerAxis: 32,
  /**
   * Float32 values the sweep's working tensors hold at most (the parameters, the optimizer's
   * slots, the gradient and the op chain's temporaries, all [cells, size of a cell]): 2^24 of
   * them, 64 MiB, far inside what one engine may take.
   */
  maxWorkingFloats: 2 ** 24,
  /** The Spread lab's cell (N·D) at most, as the issue sets it. */
  maxSpreadCellSize: 4096,
} as const;

/** Why a Spread sweep of N vectors in D dimensions is refused (one line naming the limit), or undefined. */
export function spreadSweepSizeProblem(n: number, dim: number): string | undefined {
  const size = n * dim;
  if (size <= SWEEP_LIMITS.maxSpreadCellSize) return undefined;
  return `a Spread sweep's cell holds N × D = ${n} × ${dim} = ${size} numbers, over the limit of N·D ≤ ${SWEEP_LIMITS.maxSpreadCellSize} per cell: use fewer vectors or dimensions`;
}

/** The hyper-parameters an optimizer's sweep may vary: every real-valued one (not SGD's batch size). */
export function sweepableParams(optimizer: OptimizerName): readonly HyperParamSpec[] {
  return OPTIMIZER_SPECS[optimizer].params.filter((p) => !p.integer);
}

/** Why an axis is refused (one line naming the flag or field), or undefined when it is good. */
export function sweepAxisProblem(optimizer: OptimizerName, axis: SweepAxisSpec): string | undefined {
  const spec = sweepableParams(optimizer).find((p) => p.name === axis.name);
  if (!spec) {
    return `${optimizer} has no hyper-parameter "${axis.name}" to sweep (it has ${sweepableParams(optimizer)
      .map((p) => p.name)
      .join(', ')})`;
  }
  if (!Number.isInteger(axis.cells) || axis.cells < 1 || axis.cells > SWEEP_LIMITS.maxCellsPerAxis) {
    return `${axis.name}: the cells must be a whole number from 1 to ${SWEEP_LIMITS.maxCellsPerAxis}, got ${axis.cells}`;
  }
  if (!Number.isFinite(axis.lo) || !Number.isFinite(axis.hi) || !(axis.lo < axis.hi)) {
    return `${axis.name}: the range needs LO < HI, got ${axis.lo}..${axis.hi}`;
  }
  if (axis.log && !(axis.lo > 0)) return `${axis.name}: a log range must be positive, got ${axis.lo}..${axis.hi}`;
  if (axis.lo < spec.min || axis.hi > spec.max) {
    return `${axis.name}: the range ${axis.lo}..${axis.hi} leaves ${optimizer}'s allowed [${spec.min}, ${spec.max}]`;
  }
  return undefined;
}

/**
 * The axis's values, LO and HI included (one cell: LO), each rounded to 4 significant digits:
 * a cell's settings then read, and type back, exactly (a lane made from a cell is that cell).
 */
export function sweepAxisValues(axis: SweepAxisSpec): number[] {
  const { lo, hi, cells, log } = axis;
  if (cells === 1) return [lo];
  const out: number[] = [];
  for (let i = 0; i < cells; i++) {
    const t = i / (cells - 1);
    out.push(Number((log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo)).toPrecision(4)));
  }
  out[0] = lo;
  out[cells - 1] = hi;
  return out;
}

/** A sweep's grid: the optimizer, its fixed hyper-parameters and one or two axes. */
export interface SweepGridSpec {
  optimizer: OptimizerName;
  /** Hyper-parameters that stay fixed (defaults fill the rest); the axes override them. */
  params: Record<string, number>;
  axes: SweepAxisSpec[];
}

/**
 * Every cell's resolved hyper-parameters, row-major: cell (i, j) is axes[0]'s i-th value with
 * axes[1]'s j-th, at index i·cells₂ + j. Throws a RangeError naming the first bad axis or value.
 */
export function sweepCells(grid: SweepGridSpec): Record<string, number>[] {
  if (grid.axes.length < 1 || grid.axes.length > 2) throw new RangeError(`a sweep has one or two axes, got ${grid.axes.length}`);
  if (grid.axes.length === 2 && grid.axes[0]!.name === grid.axes[1]!.name) throw new RangeError(`both axes sweep ${grid.axes[0]!.name}`);
  for (const axis of grid.axes) {
    const problem = sweepAxisProblem(grid.optimizer, axis);
    if (problem) throw new RangeError(problem);
  }
  const [a, b] = grid.axes as [SweepAxisSpec, SweepAxisSpec | undefined];
  const av = sweepAxisValues(a);
  const bv = b ? sweepAxisValues(b) : [undefined];
  const cells: Record<string, number>[] = [];
  for (const x of av) {
    for (const y of bv) {
      const given = { ...grid.params, [a.name]: x, ...(b && y !== undefined ? { [b.name]: y } : {}) };
      cells.push(resolveHyperParams(grid.optimizer, given));
    }
  }
  return cells;
}

/** Refuses a sweep whose working tensors would pass the memory limit, naming it. */
export function checkSweepMemory(cells: number, floatsPerCell: number): void {
  const need = cells * floatsPerCell;
  if (need > SWEEP_LIMITS.maxWorkingFloats) {
    throw new RangeError(
      `this sweep needs ${cells} cells × ${floatsPerCell} working values = ${need.toLocaleString('en-US')} float32s, over the limit of ${SWEEP_LIMITS.maxWorkingFloats.toLocaleString('en-US')} (${(SWEEP_LIMITS.maxWorkingFloats * 4) / 2 ** 20} MiB): use fewer cells`,
    );
  }
}

/** The best cell: the lowest finite final loss (ties: the first), or undefined when every cell diverged. */
export function bestCell(finalLoss: ArrayLike<number>): number | undefined {
  let best: number | undefined;
  for (let i = 0; i < finalLoss.length; i++) {
    const v = finalLoss[i]!;
    if (Number.isFinite(v) && (best === undefined || v < finalLoss[best]!)) best = i;
  }
  return best;
}

/** A finished (or, with `done` false, partial) sweep. */
export interface SweepResult {
  optimizer: OptimizerName;
  /** Each axis with the values its cells take. */
  axes: { name: string; log: boolean; values: number[] }[];
  /** Row-major [cells₁ × cells₂]: each cell's loss after the iterations (NaN: diverged). */
  finalLoss: Float64Array;
  /** Row-major like finalLoss: the first iteration whose loss was at or under the tolerance (−1: never); present when a tolerance was given. */
  itersToTolerance?: Int32Array;
  /** Every cell's resolved hyper-parameters, row-major. */
  cellParams: Record<string, number>[];
  best: number | undefined;
  iterations: number;
  /** Cells × iterations run, over the seconds the batched steps took. */
  cellStepsPerSecond: number;
  seconds: number;
}
