/**
 * A finished sweep in a session file: a real sweep (Beale, momentum over the learning rate
 * and the momentum, with iterations to a tolerance; one rate diverges) saved as a lab's part, written and
 * read back through the session format, checks out equal, and gives back the sweep's axes,
 * cells, losses and best cell; damaged parts are refused naming the field.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/backend';
import { SurfaceLab } from '../../../main/engine/labs/surface';
import { runSweep } from '../../../main/engine/tune/sweep';
import { surfaceSweepProblem } from '../../../main/engine/tune/surface-sweep';
import { decodeSession, encodeSession } from '../../../main/protocol/session';
import { SURFACE_PRESETS } from '../../../main/protocol/surface';
import type { SweepGridSpec, SweepResult } from '../../../main/protocol/sweep';
import { checkSavedSweep, saveSweep, savedSweepResult, type SavedSweep } from '../../../renderer/tune/saved-sweep';

let grid: SweepGridSpec;
let result: SweepResult;

beforeAll(async () => {
  await selectBackend('cpu');
  const lab = await SurfaceLab.create({ fn: { kind: 'preset', preset: 'beale' }, start: SURFACE_PRESETS.beale.start });
  const problem = surfaceSweepProblem(lab);
  grid = {
    optimizer: 'momentum',
    params: {},
    axes: [
      { name: 'learningRate', lo: 1e-3, hi: 1, log: true, cells: 4 },
      { name: 'momentum', lo: 0.5, hi: 0.9, log: false, cells: 3 },
    ],
  };
  result = (await runSweep(problem, grid, { iterations: 200, tolerance: 1e-2 }))!;
  problem.dispose();
  lab.dispose();
  tf.disposeVariables();
});

function roundTrip(part: unknown): unknown {
  const bytes = encodeSession({ format: 'descent-session', version: 1, savedWith: 'test', savedAt: '2026-12-02T00:00:00Z', activeLab: 'surface', labs: { surface: part } });
  return (decodeSession(bytes).labs.surface as { sweep: unknown }).sweep;
}

describe('a sweep in a session', () => {
  it('comes back from the file equal, with the same axes, cells, losses and best cell', () => {
    expect(result.finalLoss.some((v) => !Number.isFinite(v))).toBe(true); // lr 1 diverges: NaN travels too
    expect(result.itersToTolerance!.some((v) => v > 0)).toBe(true);
    const saved = saveSweep(grid, result, 1e-2);
    const back = checkSavedSweep(roundTrip({ sweep: saved }));
    expect(back).toEqual(saved);
    expect(back.finalLoss).toBeInstanceOf(Float64Array);
    expect(back.itersToTolerance).toBeInstanceOf(Int32Array);
    expect(back.best).toBe(result.best);
    const again = savedSweepResult(back);
    expect(again.axes).toEqual(result.axes);
    expect(again.cellParams).toEqual(result.cellParams);
    expect(Array.from(again.finalLoss)).toEqual(Array.from(result.finalLoss));
    expect(Array.from(again.itersToTolerance!)).toEqual(Array.from(result.itersToTolerance!));
    expect(again.best).toBe(result.best);
    expect(again.iterations).toBe(200);
  });

  it('keeps a sweep without a tolerance as one', () => {
    const { itersToTolerance: _, ...plain } = result;
    const back = checkSavedSweep(roundTrip({ sweep: saveSweep(grid, plain, 1e-2) }));
    expect(back.tolerance).toBeNull();
    expect(back.itersToTolerance).toBeNull();
    expect(savedSweepResult(back).itersToTolerance).toBeUndefined();
  });

  it.each<[string, (s: SavedSweep) => unknown, string]>([
    ['losses of the wrong length', (s) => ({ ...s, finalLoss: s.finalLoss.slice(1) }), "the sweep's final losses must be 12 numbers"],
    ['losses as a plain array', (s) => ({ ...s, finalLoss: Array.from(s.finalLoss) }), "the sweep's final losses must be 12 numbers"],
    ['an unknown optimizer', (s) => ({ ...s, grid: { ...s.grid, optimizer: 'lbfgs' } }), "the sweep's optimizer lbfgs is unknown"],
    ['a range with LO above HI', (s) => ({ ...s, grid: { ...s.grid, axes: [{ ...s.grid.axes[0]!, lo: 2e3 }, s.grid.axes[1]] } }), "the sweep's grid: learningRate: the range needs LO < HI, got 2000..1"],
    ['too many cells', (s) => ({ ...s, grid: { ...s.grid, axes: [{ ...s.grid.axes[0]!, cells: 40 }] } }), "the sweep's axis 1's cells must be a number from 1 to 32"],
    ['iterations to tolerance without the tolerance', (s) => ({ ...s, tolerance: null }), "the sweep's tolerance must be a number from 0 to 1e+30"],
    ['no iterations', (s) => ({ ...s, iterations: 0 }), "the sweep's iterations must be a number from 1 to 1000000"],
  ])('refuses %s, naming the field', (_, damage, message) => {
    const saved = saveSweep(grid, result, 1e-2);
    expect(() => checkSavedSweep(roundTrip({ sweep: damage(saved) }))).toThrow(message);
  });
});
