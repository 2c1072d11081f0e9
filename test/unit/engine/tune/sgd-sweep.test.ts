/**
 * SGD in a sweep as the engine's request makes it (createSweepProblem with the panel's fixed
 * settings): its batch size is resolved as a lane resolves it (the default 16 when none is
 * given, not the whole data set), so every cell draws the seeded mini-batches (Regression) or
 * rows (Spread) a lane made from the cell draws, and ends where that lane ends.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { parseCsvDataset } from '../../../../main/engine/csv-dataset';
import { RegressionLab } from '../../../../main/engine/labs/regression';
import { SpreadLab } from '../../../../main/engine/labs/spread';
import { runSweep } from '../../../../main/engine/tune/sweep';
import { createSweepProblem } from '../../../../main/engine/tune/sweep-labs';
import { CONSTANT_SCHEDULE } from '../../../../main/protocol/schedules';
import type { SweepAxisSpec } from '../../../../main/protocol/sweep';

const data = parseCsvDataset(readFileSync(new URL('../../../../../shared/seed-data/height_v_weight.csv', import.meta.url), 'utf8'));

beforeAll(async () => {
  await selectBackend('cpu');
});

const SEED = 11;

describe('SGD sweeps through the engine\u2019s problem', () => {
  it.each<Record<string, number>>([{}, { batchSize: 40 }])('regression, fixed %j: every cell draws its lane\u2019s mini-batches and ends on its lane\u2019s line', async (fixed) => {
    const problemSpec = { x: data.x, y: data.y, normalize: true, initSlope: 0, initIntercept: 0 };
    const axes: SweepAxisSpec[] = [{ name: 'learningRate', lo: 0.01, hi: 0.3, log: true, cells: 4 }];
    const problem = await createSweepProblem({ lab: 'regression', problem: problemSpec, seed: SEED }, 'sgd', fixed);
    const result = (await runSweep(problem, { optimizer: 'sgd', params: fixed, axes }, { iterations: 150 }))!;
    problem.dispose();
    const gd = await createSweepProblem({ lab: 'regression', problem: problemSpec, seed: SEED }, 'gd', {});
    const full = (await runSweep(gd, { optimizer: 'gd', params: {}, axes }, { iterations: 150 }))!;
    gd.dispose();
    const lab = new RegressionLab(problemSpec);
    for (let i = 0; i < result.cellParams.length; i++) {
      const params = result.cellParams[i]!;
      expect(params.batchSize).toBe('batchSize' in fixed ? fixed.batchSize : 16);
      const lane = lab.createLane({ id: 'alone', optimizer: 'sgd', params }, SEED);
      for (let k = 0; k < 150; k++) lane.step();
      expect(Math.abs(result.finalLoss[i]! - lane.current.loss)).toBeLessThanOrEqual(1e-5 * lane.current.loss);
      lane.dispose();
      // the mini-batches were drawn: not the full-batch descent's loss at the same rate
      expect(Math.abs(result.finalLoss[i]! - full.finalLoss[i]!)).toBeGreaterThan(1e-4 * full.finalLoss[i]!);
    }
    lab.dispose();
  });

  it('spread: every cell moves the rows its lane moves, with the default batch of 16 of 24 vectors', async () => {
    const loss = { loss: 'coulomb', s: 1, temperatureDeg: 0 } as const;
    const axes: SweepAxisSpec[] = [{ name: 'learningRate', lo: 1e-3, hi: 3e-2, log: true, cells: 3 }];
    const problem = await createSweepProblem({ lab: 'spread', problem: { n: 24, dim: 3 }, loss, seed: SEED }, 'sgd', {});
    let vectors: Float32Array = new Float32Array();
    const result = (await runSweep(problem, { optimizer: 'sgd', params: {}, axes }, { iterations: 100, finalParams: (v) => (vectors = v) }))!;
    problem.dispose();
    const lab = new SpreadLab({ n: 24, dim: 3 }, SEED);
    for (let i = 0; i < 3; i++) {
      expect(result.cellParams[i]!.batchSize).toBe(16);
      const lane = lab.createLane({ id: 'alone', optimizer: 'sgd', params: result.cellParams[i]!, schedule: CONSTANT_SCHEDULE, ...loss }, SEED);
      for (let k = 0; k < 100; k++) lane.step();
      const v = lane.vectors();
      for (let j = 0; j < 24 * 3; j++) expect(Math.abs(vectors[j * 3 + i]! - v[j]!)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(result.finalLoss[i]! - lane.current.loss)).toBeLessThanOrEqual(1e-6 * lane.current.loss);
      lane.dispose();
    }
    lab.dispose();
  });
});
