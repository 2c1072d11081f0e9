/**
 * The learning-rate finder: its rates and blow-up rule on synthetic curves, and its suggestion
 * against the best rate a brute-force sweep of single lanes finds on the same problem.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/backend';
import { parseCsvDataset } from '../../../main/engine/csv-dataset';
import { RegressionLab } from '../../../main/engine/labs/regression';
import { SurfaceLab } from '../../../main/engine/labs/surface';
import { Engine } from '../../../main/engine/engine';
import { findLearningRate } from '../../../main/engine/lr-find';
import { parseRequest, type EngineMessage, type LrFindReply } from '../../../main/protocol/messages';
import { LR_FINDER, blownUp, finderRates, suggestLearningRate } from '../../../main/protocol/lr-finder';
import type { OptimizerName } from '../../../main/protocol/optimizers';
import { SURFACE_PRESETS } from '../../../main/protocol/surface';

beforeAll(async () => {
  await selectBackend('cpu');
});

const article = parseCsvDataset(readFileSync(resolve(__dirname, '../../../../shared/seed-data/height_v_weight.csv'), 'utf8'), { name: 'height_v_weight.csv' });
const REGRESSION = { x: article.x, y: article.y, normalize: true, initSlope: 0, initIntercept: 0 };
const ROSENBROCK = { fn: { kind: 'preset' as const, preset: 'rosenbrock' as const }, start: SURFACE_PRESETS.rosenbrock.start };
/** The sweep: 1e-5 to 10 at 8 rates a decade. */
const SWEEP = Array.from({ length: 49 }, (_, k) => 1e-5 * 10 ** (k / 8));

const run = <L extends 'regression' | 'surface'>(lab: L, problem: L extends 'regression' ? typeof REGRESSION : typeof ROSENBROCK, optimizer: OptimizerName) =>
  ({ lab, problem, lanes: [{ id: 'a', optimizer, params: {} }], maxIterations: 1, itersPerSecond: 0, seed: 1 }) as Parameters<typeof findLearningRate>[0];

/** The rate of the sweep whose lane ends lowest after `iterations` (a diverged lane counts as +∞). */
function bestOf(finals: number[]): number {
  return SWEEP[finals.indexOf(Math.min(...finals))]!;
}

function regressionSweep(optimizer: OptimizerName, iterations: number): number {
  const lab = new RegressionLab(REGRESSION);
  const finals = SWEEP.map((learningRate) => {
    const lane = lab.createLane({ id: 'a', optimizer, params: { learningRate } }, 1);
    for (let i = 0; i < iterations && lane.status === 'running'; i++) lane.step();
    const loss = lane.status === 'running' ? lane.current.loss : Infinity;
    lane.dispose();
    return loss;
  });
  lab.dispose();
  return bestOf(finals);
}

async function rosenbrockSweep(optimizer: OptimizerName, iterations: number): Promise<number> {
  const lab = await SurfaceLab.create(ROSENBROCK);
  const finals = SWEEP.map((learningRate) => {
    const lane = lab.createLane({ id: 'a', optimizer, params: { learningRate } });
    lab.evaluate([lane]);
    for (let i = 0; i < iterations && lane.status === 'running'; i++) {
      lane.step();
      lab.evaluate([lane]);
    }
    const f = lane.status === 'running' ? lane.current.f : Infinity;
    lane.dispose();
    return f;
  });
  lab.dispose();
  return bestOf(finals);
}

describe('learning-rate finder', () => {
  it('should grow the rate exponentially from 1e-7 to 10 over 100 steps', () => {
    const r = finderRates();
    expect(r).toHaveLength(100);
    expect(r[0]).toBe(1e-7);
    expect(r[99]).toBeCloseTo(10, 10);
    // A constant factor a step: (10 / 1e-7)^(1/99) = 10^(8/99).
    for (let k = 1; k < 100; k++) expect(r[k]! / r[k - 1]!).toBeCloseTo(10 ** (8 / 99), 10);
    expect(() => finderRates(1, 0.1, 100)).toThrow('the range test needs 0 < minimum rate < maximum rate, got 1 and 0.1');
    expect(() => finderRates(1e-7, 10, 1)).toThrow('at least 2 steps');
  });

  it('should call a loss blown up past 4× its lowest, or past the start by three times its fall', () => {
    expect(blownUp(3.9, 1, 1.2)).toBe(false);
    expect(blownUp(4.1, 1, 1.2)).toBe(true);
    expect(blownUp(NaN, 1, 1.2)).toBe(true);
    expect(blownUp(Infinity, 1, 1.2)).toBe(true);
    // Fallen from 100 to 1: it must climb 3 × 99 above the lowest (past 298), not just past 4.
    expect(blownUp(250, 1, 100)).toBe(false);
    expect(blownUp(299, 1, 100)).toBe(true);
    // A negative loss (the Spread lab's angles): measured by its size and its fall.
    expect(blownUp(-0.2, -1, -0.5)).toBe(false);
    expect(blownUp(2.1, -1, -0.5)).toBe(true);
  });

  it('should suggest a third of the rate where the smoothed loss bottoms out before it blows up', () => {
    const rates = finderRates(1e-3, 1e3, 13); // 1e-3, 1e-2.5, …, 1e3
    // Falls to its lowest after the step at rates[8] = 10, then blows up; a later low (after the blow-up) is ignored.
    const losses = [10, 9.9, 9.5, 9, 7, 5, 3, 1.5, 1, 2.5, 40, 0.1, 0.1];
    expect(suggestLearningRate(rates, losses, 10)).toBeCloseTo(10 / 3, 10);
    // The running mean over three steps: one dip alone (at rates[4]) does not win over a lasting bottom.
    const noisy = [10, 9, 8, 7, 0.5, 7, 4, 2, 2, 2.1, 9, 9, 9];
    expect(suggestLearningRate(rates, noisy, 10)).toBeCloseTo(rates[8]! / 3, 10);
    // Never below its start: no suggestion.
    expect(suggestLearningRate(rates, [10, 10.5, 11, 50], 10)).toBeNull();
    expect(suggestLearningRate(rates, [NaN], 10)).toBeNull();
  });

  it('should run the range test on a real lane, stopping once the loss blows up, and free every tensor', async () => {
    const before = tf.memory().numTensors;
    const a = await findLearningRate(run('regression', REGRESSION, 'gd'), 'a');
    expect(tf.memory().numTensors).toBe(before);
    const b = await findLearningRate(run('regression', REGRESSION, 'gd'), 'a');
    expect(tf.memory().numTensors).toBe(before);
    expect(b).toEqual(a);
    // Normalised data, GD: the MSE's curvature is 2 in each standardised coordinate, so rates past 2/2 = 1 blow up.
    expect(a.learningRates).toEqual(finderRates().slice(0, a.losses.length));
    expect(a.losses.length).toBeLessThan(LR_FINDER.steps);
    expect(a.learningRates.at(-1)).toBeGreaterThan(1);
    expect(blownUp(a.losses.at(-1)!, Math.min(...a.losses.slice(0, -1)), a.start)).toBe(true);
    await expect(findLearningRate(run('regression', REGRESSION, 'gd'), 'nope')).rejects.toThrow('the run has no lane "nope"');
  });

  // Measured (README, "Learning-rate finder"): RMSprop and Adam on Rosenbrock are left out. Their
  // sweep's best is set by the budget, which a 100-step range test cannot see: RMSprop's best rate
  // (smoothed over neighbouring rates) is ≈ 5.5 / iterations (1.8e-2, 5.6e-3, 1.8e-3, 5.6e-4 for
  // 300, 1,000, 3,000, 10,000 steps), its raw best a lucky landing among rates that oscillate
  // (2.4, 1.3, 1.8e-3, 3.2); Adam's best wanders 0.056–2.4 over the same budgets among rates that
  // all end below 1e-10, and the test's loss stops falling at ≈ 0.03 and never blows up below 10.
  const regressionCases: [OptimizerName, number][] = [
    ['gd', 20],
    ['momentum', 50],
    ['rmsprop', 50],
    ['adam', 50],
  ];
  for (const [optimizer, iterations] of regressionCases) {
    it(`should suggest for ${optimizer} on normalised regression within 3× of the best rate of a sweep of ${iterations}-iteration lanes`, async () => {
      const { suggested } = await findLearningRate(run('regression', REGRESSION, optimizer), 'a');
      const best = regressionSweep(optimizer, iterations);
      expect(suggested).not.toBeNull();
      expect(Math.max(suggested! / best, best / suggested!), `suggested ${suggested}, sweep's best ${best}`).toBeLessThan(3);
    });
  }

  for (const optimizer of ['gd', 'momentum'] as const) {
    it(`should suggest for ${optimizer} on Rosenbrock within 3× of the best rate of a sweep of 1,000-iteration lanes`, async () => {
      const { suggested } = await findLearningRate(run('surface', ROSENBROCK, optimizer), 'a');
      const best = await rosenbrockSweep(optimizer, 1000);
      expect(suggested).not.toBeNull();
      expect(Math.max(suggested! / best, best / suggested!), `suggested ${suggested}, sweep's best ${best}`).toBeLessThan(3);
    }, 60_000);
  }

  it('should answer an lrFind request with the test’s arrays, and refuse one for the Adversarial lab', async () => {
    const messages: EngineMessage[] = [];
    const engine = new Engine((m) => messages.push(m), 'cpu');
    const config = run('regression', REGRESSION, 'gd');
    // handle() validates the request as every process boundary does (parseRequest).
    await engine.handle({ type: 'lrFind', requestId: 'q', config, laneId: 'a' });
    for (let i = 0; i < 400 && !messages.some((m) => m.type === 'lrFind'); i++) await new Promise((r) => setTimeout(r, 10));
    const reply = messages.find((m): m is LrFindReply => m.type === 'lrFind')!;
    const direct = await findLearningRate(config, 'a');
    expect(reply).toMatchObject({ requestId: 'q', laneId: 'a', start: direct.start, suggested: direct.suggested });
    expect(Array.from(reply.learningRates)).toEqual(direct.learningRates);
    expect(Array.from(reply.losses)).toEqual(direct.losses);
    const attack = parseRequest({ type: 'lrFind', requestId: 'q', config: { lab: 'adversarial' }, laneId: 'a' });
    expect(attack.ok).toBe(false);
  });
});
