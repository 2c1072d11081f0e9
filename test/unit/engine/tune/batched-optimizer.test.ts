/**
 * A sweep's cells against single lanes: every cell of a batched sweep, for all nine
 * optimizers, ends where a lane of the Surface lab with the registry's optimizer (tf.train)
 * and that cell's settings ends after the same steps; on wasm, where Surface sweeps run, bit
 * for bit where a lane on cpu, where the lab runs, ends; and repeated sweeps leave the tensor
 * count where it was.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { SurfaceLab } from '../../../../main/engine/labs/surface';
import { runSweep } from '../../../../main/engine/tune/sweep';
import { surfaceSweepProblem } from '../../../../main/engine/tune/surface-sweep';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../../../main/protocol/optimizers';
import { SURFACE_PRESETS } from '../../../../main/protocol/surface';
import type { SweepAxisSpec } from '../../../../main/protocol/sweep';

beforeAll(async () => {
  await selectBackend('cpu');
});

const ITERATIONS = 300;
/** Each optimizer's grid on Rosenbrock: its learning rate on a log range and, where it has one, a second hyper-parameter. */
const AXES: Record<OptimizerName, SweepAxisSpec[]> = {
  gd: [{ name: 'learningRate', lo: 1e-4, hi: 1.5e-3, log: true, cells: 4 }],
  sgd: [{ name: 'learningRate', lo: 1e-4, hi: 1.5e-3, log: true, cells: 4 }],
  momentum: [
    { name: 'learningRate', lo: 1e-4, hi: 5e-4, log: true, cells: 3 },
    { name: 'momentum', lo: 0.5, hi: 0.95, log: false, cells: 3 },
  ],
  nesterov: [
    { name: 'learningRate', lo: 1e-4, hi: 5e-4, log: true, cells: 3 },
    { name: 'momentum', lo: 0.5, hi: 0.95, log: false, cells: 3 },
  ],
  adagrad: [
    { name: 'learningRate', lo: 0.01, hi: 0.5, log: true, cells: 3 },
    { name: 'initialAccumulatorValue', lo: 0.01, hi: 1, log: true, cells: 3 },
  ],
  adadelta: [
    { name: 'learningRate', lo: 1e-4, hi: 3e-3, log: true, cells: 3 },
    // (tfjs's Adadelta divides by the accumulated gradient before its update: rho barely shows here)
    { name: 'epsilon', lo: 1e-7, hi: 1e-5, log: true, cells: 3 },
  ],
  rmsprop: [
    { name: 'learningRate', lo: 1e-4, hi: 3e-3, log: true, cells: 3 },
    { name: 'decay', lo: 0.8, hi: 0.99, log: false, cells: 3 },
  ],
  adam: [
    { name: 'learningRate', lo: 1e-3, hi: 0.05, log: true, cells: 3 },
    { name: 'beta1', lo: 0.5, hi: 0.95, log: false, cells: 3 },
  ],
  adamax: [
    { name: 'learningRate', lo: 1e-3, hi: 0.05, log: true, cells: 3 },
    { name: 'decay', lo: 0, hi: 0.01, log: false, cells: 3 },
  ],
};

const problem = { fn: { kind: 'preset', preset: 'rosenbrock' } as const, start: SURFACE_PRESETS.rosenbrock.start };

/** A lane of the Surface lab alone, stepped as its driver steps it: evaluate, then step. */
function singleLane(lab: SurfaceLab, optimizer: OptimizerName, params: Record<string, number>, iterations: number): [number, number] {
  const lane = lab.createLane({ id: 'alone', optimizer, params });
  lab.evaluate([lane]);
  for (let k = 0; k < iterations && lane.status === 'running'; k++) {
    lane.step();
    lab.evaluate([lane]);
  }
  const [x, y] = lane.point.dataSync();
  lane.dispose();
  return [x!, y!];
}

describe('batched sweep cells', () => {
  it.each(OPTIMIZER_NAMES)('%s: every cell equals a single registry-optimizer lane with its settings', async (optimizer) => {
    const lab = await SurfaceLab.create(problem);
    const sweepProblem = surfaceSweepProblem(lab);
    let params: Float32Array = new Float32Array();
    const result = await runSweep(sweepProblem, { optimizer, params: {}, axes: AXES[optimizer] }, { iterations: ITERATIONS, finalParams: (v) => (params = v) });
    expect(result).toBeDefined();
    const cells = result!.cellParams;
    let compared = 0;
    for (let i = 0; i < cells.length; i++) {
      const [x, y] = singleLane(lab, optimizer, cells[i]!, ITERATIONS);
      const [bx, by] = [params[i]!, params[cells.length + i]!];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      // float32 tolerance: the same ops in the same order, on [cells, 2] instead of [1, 2].
      expect(Math.abs(bx - x)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(x)));
      expect(Math.abs(by - y)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(y)));
      // and the cell moved: the comparison is not of two starts
      expect(Math.hypot(x - problem.start.x, y - problem.start.y)).toBeGreaterThan(1e-3);
      compared++;
    }
    expect(compared).toBe(cells.length);
    sweepProblem.dispose();
    lab.dispose();
  });

  it.each([
    ['rosenbrock', 'adam'],
    ['rosenbrock', 'rmsprop'],
    ['beale', 'adam'],
  ] as const)('%s, %s: a sweep on wasm (the Surface sweep\u2019s backend) ends every cell bit for bit where a lane on cpu (the lab\u2019s) ends', async (preset, optimizer) => {
    const fn = { fn: { kind: 'preset', preset } as const, start: SURFACE_PRESETS[preset].start };
    await selectBackend('wasm');
    const lab = await SurfaceLab.create(fn);
    const sweepProblem = surfaceSweepProblem(lab);
    let params: Float32Array = new Float32Array();
    const result = (await runSweep(sweepProblem, { optimizer, params: {}, axes: AXES[optimizer] }, { iterations: ITERATIONS, finalParams: (v) => (params = v) }))!;
    sweepProblem.dispose();
    lab.dispose();
    await selectBackend('cpu');
    const cpuLab = await SurfaceLab.create(fn);
    const cells = result.cellParams;
    for (let i = 0; i < cells.length; i++) {
      const [x, y] = singleLane(cpuLab, optimizer, cells[i]!, ITERATIONS);
      expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
      expect([params[i], params[cells.length + i]], `cell ${i}`).toEqual([x, y]);
    }
    cpuLab.dispose();
  }, 60_000);

  it('repeated sweeps leave the tensor count flat', async () => {
    const lab = await SurfaceLab.create(problem);
    const sweepProblem = surfaceSweepProblem(lab);
    const sweep = (optimizer: OptimizerName) => runSweep(sweepProblem, { optimizer, params: {}, axes: AXES[optimizer] }, { iterations: 20, tolerance: 1, onProgress: () => {}, progressMs: 0 });
    for (const o of OPTIMIZER_NAMES) await sweep(o); // the lab's kept ones per row count, kernels' first use
    const before = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) for (const o of OPTIMIZER_NAMES) await sweep(o);
    expect(tf.memory().numTensors).toBe(before);
    sweepProblem.dispose();
    lab.dispose();
  });
});
