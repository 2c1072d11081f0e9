/**
 * The Regression lab's sweep against its lanes: every cell ends on the line a lane with the
 * registry's optimizer and the cell's settings ends on (the article's data, raw and
 * normalised; SGD drawing the same seeded mini-batches), and its loss is the lab's float64 MSE.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { parseCsvDataset } from '../../../../main/engine/csv-dataset';
import { RegressionLab } from '../../../../main/engine/labs/regression';
import { regressionSweepProblem } from '../../../../main/engine/tune/regression-sweep';
import { runSweep } from '../../../../main/engine/tune/sweep';
import type { OptimizerName } from '../../../../main/protocol/optimizers';
import type { SweepAxisSpec } from '../../../../main/protocol/sweep';

const data = parseCsvDataset(readFileSync(new URL('../../../../../shared/seed-data/height_v_weight.csv', import.meta.url), 'utf8'));

beforeAll(async () => {
  await selectBackend('cpu');
});

const CASES: { optimizer: OptimizerName; normalize: boolean; params?: Record<string, number>; axes: SweepAxisSpec[] }[] = [
  // The article's raw data: gradient descent's stable rates are around 2e-5.
  { optimizer: 'gd', normalize: false, axes: [{ name: 'learningRate', lo: 5e-6, hi: 2e-5, log: true, cells: 4 }] },
  { optimizer: 'sgd', normalize: true, params: { batchSize: 16 }, axes: [{ name: 'learningRate', lo: 0.01, hi: 0.3, log: true, cells: 4 }] },
  {
    optimizer: 'momentum',
    normalize: true,
    axes: [
      { name: 'learningRate', lo: 0.01, hi: 0.1, log: true, cells: 3 },
      { name: 'momentum', lo: 0.5, hi: 0.9, log: false, cells: 3 },
    ],
  },
  {
    optimizer: 'adam',
    normalize: false,
    axes: [
      { name: 'learningRate', lo: 0.01, hi: 1, log: true, cells: 3 },
      { name: 'beta2', lo: 0.9, hi: 0.999, log: false, cells: 3 },
    ],
  },
  // Raw data, still on its way down after 200 steps: at the minimum RMSprop's steps stay lr-sized
  // whatever the gradient, and which side each lands on follows the gradient's last bits.
  { optimizer: 'rmsprop', normalize: false, axes: [{ name: 'learningRate', lo: 0.01, hi: 0.1, log: true, cells: 4 }] },
];

describe('regression sweep cells', () => {
  it.each(CASES)('$optimizer (normalise $normalize): every cell ends on the line its lane ends on', async ({ optimizer, normalize, params = {}, axes }) => {
    const lab = new RegressionLab({ x: data.x, y: data.y, normalize, initSlope: 0, initIntercept: 0 });
    const problem = regressionSweepProblem(lab, optimizer, params, 7);
    const result = await runSweep(problem, { optimizer, params, axes }, { iterations: 200 });
    const cells = result!.cellParams;
    for (let i = 0; i < cells.length; i++) {
      const lane = lab.createLane({ id: 'alone', optimizer, params: cells[i]! }, 7);
      for (let k = 0; k < 200; k++) lane.step();
      expect(lane.status).toBe('running');
      const loss = lane.current.loss;
      // float32 tolerance on the loss (float64, from the float32 line) of each cell
      expect(Math.abs(result!.finalLoss[i]! - loss)).toBeLessThanOrEqual(1e-5 * loss);
      // and the descent did something: the loss fell from the start's
      expect(loss).toBeLessThan(0.9 * lab.loss(0, 0));
      lane.dispose();
    }
    problem.dispose();
    lab.dispose();
  });

  it('leaves the tensor count flat over repeated sweeps', async () => {
    const lab = new RegressionLab({ x: data.x, y: data.y, normalize: true, initSlope: 0, initIntercept: 0 });
    const sweep = async () => {
      const problem = regressionSweepProblem(lab, 'sgd', { batchSize: 8 }, 1);
      await runSweep(problem, { optimizer: 'sgd', params: { batchSize: 8 }, axes: CASES[1]!.axes }, { iterations: 30, tolerance: 1e3 });
      problem.dispose();
    };
    await sweep();
    const before = tf.memory().numTensors;
    for (let r = 0; r < 5; r++) await sweep();
    expect(tf.memory().numTensors).toBe(before);
    lab.dispose();
  });
});
