/**
 * The Spread lab's sweep against its lanes: every cell of a sweep ends with the vectors, and
 * reports the loss, that a Spread lane of the registry's optimizer with the cell's settings (a
 * constant schedule, the sweep's) ends with after the same steps, for every loss of the lab
 * and several optimizers (SGD drawing the lane's seeded rows); cells stay unit vectors; the
 * N·D limit is refused by name; repeated sweeps leave the tensor count flat.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { Engine } from '../../../../main/engine/engine';
import { SpreadLab } from '../../../../main/engine/labs/spread';
import { spreadSweepProblem } from '../../../../main/engine/tune/spread-sweep';
import { runSweep } from '../../../../main/engine/tune/sweep';
import type { EngineMessage } from '../../../../main/protocol/messages';
import type { OptimizerName } from '../../../../main/protocol/optimizers';
import { CONSTANT_SCHEDULE } from '../../../../main/protocol/schedules';
import type { SpreadLossSettings } from '../../../../main/protocol/spread';
import type { SweepAxisSpec, SweepResult } from '../../../../main/protocol/sweep';

beforeAll(async () => {
  await selectBackend('cpu');
});

const N = 7;
const DIM = 3;
const SEED = 5;
const ITERATIONS = 150;

interface Case {
  optimizer: OptimizerName;
  settings: SpreadLossSettings;
  params?: Record<string, number>;
  axes: SweepAxisSpec[];
}

const lr = (lo: number, hi: number, cells = 3): SweepAxisSpec => ({ name: 'learningRate', lo, hi, log: true, cells });

const CASES: Case[] = [
  { optimizer: 'adam', settings: { loss: 'coulomb', s: 1, temperatureDeg: 0 }, axes: [lr(1e-3, 0.05), { name: 'beta1', lo: 0.5, hi: 0.9, log: false, cells: 2 }] },
  { optimizer: 'gd', settings: { loss: 'coulomb', s: 1, temperatureDeg: 0 }, axes: [lr(1e-3, 3e-2, 4)] },
  { optimizer: 'momentum', settings: { loss: 'riesz', s: 4, temperatureDeg: 0 }, axes: [lr(1e-3, 1e-2), { name: 'momentum', lo: 0.5, hi: 0.9, log: false, cells: 2 }] },
  { optimizer: 'rmsprop', settings: { loss: 'min-angle', s: 1, temperatureDeg: 2 }, axes: [lr(1e-3, 2e-2)] },
  { optimizer: 'adamax', settings: { loss: 'min-angle-variance', s: 1, temperatureDeg: 1 }, axes: [lr(1e-3, 2e-2)] },
  { optimizer: 'adagrad', settings: { loss: 'min-angle', s: 1, temperatureDeg: 0 }, axes: [lr(1e-3, 5e-2)] },
  { optimizer: 'nesterov', settings: { loss: 'force', s: 1, temperatureDeg: 0 }, axes: [lr(1e-4, 1e-3), { name: 'momentum', lo: 0.5, hi: 0.9, log: false, cells: 2 }] },
  { optimizer: 'adadelta', settings: { loss: 'coulomb', s: 1, temperatureDeg: 0 }, axes: [lr(0.1, 1)] },
  { optimizer: 'sgd', settings: { loss: 'coulomb', s: 1, temperatureDeg: 0 }, params: { batchSize: 3 }, axes: [lr(1e-3, 3e-2)] },
];

describe('spread sweep cells', () => {
  it.each(CASES)('$optimizer on $settings.loss: every cell equals a Spread lane with its settings', async ({ optimizer, settings, params = {}, axes }) => {
    const lab = new SpreadLab({ n: N, dim: DIM }, SEED);
    const problem = spreadSweepProblem(lab, settings, optimizer, params, SEED);
    let finalParams: Float32Array = new Float32Array();
    const result = await runSweep(problem, { optimizer, params, axes }, { iterations: ITERATIONS, finalParams: (v) => (finalParams = v) });
    const cells = result!.cellParams;
    const c = cells.length;
    let moved = 0;
    for (let i = 0; i < c; i++) {
      const lane = lab.createLane({ id: 'alone', optimizer, params: cells[i]!, schedule: CONSTANT_SCHEDULE, ...settings }, SEED);
      const start = lane.current.loss;
      for (let k = 0; k < ITERATIONS; k++) lane.step();
      expect(lane.status).toBe('running');
      const v = lane.vectors();
      let worst = 0;
      for (let j = 0; j < N; j++) {
        let norm = 0;
        for (let d = 0; d < DIM; d++) {
          const cell = finalParams[(j * DIM + d) * c + i]!;
          worst = Math.max(worst, Math.abs(cell - v[j * DIM + d]!));
          norm += cell * cell;
        }
        expect(Math.abs(Math.sqrt(norm) - 1)).toBeLessThan(1e-6); // renormalised as a lane is
      }
      expect(worst).toBeLessThanOrEqual(1e-5);
      const loss = lane.current.loss;
      expect(Math.abs(result!.finalLoss[i]! - loss)).toBeLessThanOrEqual(1e-5 * Math.abs(loss));
      if (loss < start - 1e-4 * Math.abs(start)) moved++;
      lane.dispose();
    }
    // the descent did something in most cells (the smallest rates may barely move the hard minimum)
    expect(moved).toBeGreaterThanOrEqual(Math.ceil(c / 2));
    problem.dispose();
    lab.dispose();
  });

  it('refuses a cell of more than 4,096 numbers, naming the limit', () => {
    const lab = new SpreadLab({ n: 65, dim: 64 }, 1);
    expect(() => spreadSweepProblem(lab, { loss: 'coulomb', s: 1, temperatureDeg: 0 }, 'adam', {}, 1)).toThrow(
      "a Spread sweep's cell holds N × D = 65 × 64 = 4160 numbers, over the limit of N·D ≤ 4096 per cell: use fewer vectors or dimensions",
    );
    lab.dispose();
  });

  it('leaves the tensor count flat over repeated sweeps', async () => {
    const lab = new SpreadLab({ n: N, dim: DIM }, SEED);
    const sweep = async (c: Case) => {
      const problem = spreadSweepProblem(lab, c.settings, c.optimizer, c.params ?? {}, SEED);
      await runSweep(problem, { optimizer: c.optimizer, params: c.params ?? {}, axes: c.axes }, { iterations: 20, tolerance: 1 });
      problem.dispose();
    };
    for (const c of CASES) await sweep(c);
    const before = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) for (const c of CASES) await sweep(c);
    expect(tf.memory().numTensors).toBe(before);
    lab.dispose();
  });

  it('runs through the engine\u2019s sweep request, and the request refuses N·D over 4,096 by name', async () => {
    const messages: EngineMessage[] = [];
    const engine = new Engine((m) => messages.push(m), 'cpu');
    const request = (n: number, dim: number) => ({
      type: 'sweep',
      requestId: `s${n}`,
      problem: { lab: 'spread', problem: { n, dim }, loss: { loss: 'coulomb', s: 1, temperatureDeg: 0 }, seed: SEED },
      grid: { optimizer: 'adam', params: {}, axes: [lr(1e-3, 0.05)] },
      iterations: 100,
    });
    await engine.handle(request(N, DIM));
    const done = messages.find((m) => m.type === 'sweepResult') as { result: SweepResult } | undefined;
    expect(done!.result.finalLoss).toHaveLength(3);
    // the same cells as a sweep run directly
    const lab = new SpreadLab({ n: N, dim: DIM }, SEED);
    const problem = spreadSweepProblem(lab, { loss: 'coulomb', s: 1, temperatureDeg: 0 }, 'adam', {}, SEED);
    const direct = await runSweep(problem, { optimizer: 'adam', params: {}, axes: [lr(1e-3, 0.05)] }, { iterations: 100 });
    expect(Array.from(done!.result.finalLoss)).toEqual(Array.from(direct!.finalLoss));
    problem.dispose();
    lab.dispose();
    await engine.handle(request(64, 65));
    expect(messages.at(-1)).toEqual({
      type: 'error',
      requestId: 's64',
      error: { name: 'InvalidRequest', message: "problem.problem: a Spread sweep's cell holds N × D = 64 × 65 = 4160 numbers, over the limit of N·D ≤ 4096 per cell: use fewer vectors or dimensions" },
    });
    engine.dispose();
  });
});
