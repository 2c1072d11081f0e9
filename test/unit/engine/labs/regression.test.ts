import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { parseCsvDataset } from '../../../../main/engine/csv-dataset';
import { RegressionLab } from '../../../../main/engine/labs/regression';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../../../main/protocol/optimizers';

const ARTICLE_CSV = resolve(__dirname, '../../../../../shared/seed-data/height_v_weight.csv');
const article = parseCsvDataset(readFileSync(ARTICLE_CSV, 'utf8'), { name: 'height_v_weight.csv' });
const ARTICLE_START = { initSlope: 6.0411, initIntercept: -180 };

beforeAll(async () => {
  await selectBackend('cpu');
});

function trajectory(optimizer: OptimizerName, learningRate: number, iterations: number, normalize = false) {
  const lab = new RegressionLab({ x: article.x, y: article.y, normalize, ...ARTICLE_START });
  const lane = lab.createLane({ id: 'a', optimizer, params: { learningRate } }, 7);
  const states = [{ ...lane.current }];
  for (let i = 0; i < iterations; i++) states.push({ ...lane.step() });
  lane.dispose();
  lab.dispose();
  return { states, exact: lab.exact };
}

describe('regression lab', () => {
  it('should read the article data as 150 rows of height and weight', () => {
    expect(article.x.length).toBe(150);
    expect([article.xColumn, article.yColumn]).toEqual(['Height', 'Weight']);
    expect(article.skippedCount).toBe(0);
  });

  it('should give the exact least-squares line, equal to the normal equations solved independently', () => {
    // Normal equations with raw sums: [Σx² Σx; Σx n]·[a b]ᵀ = [Σxy Σy]ᵀ, solved by Cramer's rule.
    let sx = 0, sy = 0, sxx = 0, sxy = 0;
    const n = article.x.length;
    for (let i = 0; i < n; i++) {
      const x = article.x[i]!, y = article.y[i]!;
      sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    const det = sxx * n - sx * sx;
    const a = (sxy * n - sx * sy) / det;
    const b = (sxx * sy - sx * sxy) / det;
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (article.y[i]! - a * article.x[i]! - b) ** 2;
    const lab = new RegressionLab({ x: article.x, y: article.y, normalize: false, initSlope: 0, initIntercept: 0 });
    expect(lab.exact.slope).toBeCloseTo(a, 8);
    expect(lab.exact.intercept).toBeCloseTo(b, 6);
    expect(lab.exact.mse / (sse / n)).toBeCloseTo(1, 10);
    expect(lab.loss(a, b)).toBeCloseTo(sse / n, 8);
    lab.dispose();
  });

  it('should converge to the exact answer within 1e-4 relative MSE when normalised', () => {
    // Adaptive methods jitter around the minimum at a scale set by lr: small rates for them.
    for (const optimizer of ['gd', 'adam', 'rmsprop'] as const) {
      const lr = { gd: 0.1, adam: 0.01, rmsprop: 0.001 }[optimizer];
      const { states, exact } = trajectory(optimizer, lr, 3000, true);
      const last = states.at(-1)!;
      expect((last.loss - exact.mse) / exact.mse, optimizer).toBeLessThan(1e-4);
      expect(last.slope, optimizer).toBeCloseTo(exact.slope, 1);
    }
  });

  it('should reproduce the article: plain steps at lr 2e-5 reach near the minimum while the intercept barely moves', () => {
    const { states, exact } = trajectory('gd', 2e-5, 25);
    const last = states.at(-1)!;
    expect(states[0]!.loss).toBeGreaterThan(20 * exact.mse); // starts far away (≈ 2,680 vs 127)
    expect((last.loss - exact.mse) / exact.mse).toBeLessThan(0.05); // ≈ 130.5 vs 127.1
    expect(Math.abs(last.intercept - -180)).toBeLessThan(0.05); // slope dominates: b stays near −180
    expect(Math.abs(last.slope - 6.0411)).toBeGreaterThan(0.5);
  });

  it('should reproduce the article: RMSprop at lr 0.1 goes straight in, loss falling every step', () => {
    const { states, exact } = trajectory('rmsprop', 0.1, 25);
    for (let i = 1; i < states.length; i++) expect(states[i]!.loss).toBeLessThan(states[i - 1]!.loss);
    expect((states.at(-1)!.loss - exact.mse) / exact.mse).toBeLessThan(0.05);
  });

  it('should reproduce the article: Adam at lr 0.1 overshoots and swings back within 50 iterations', () => {
    const { states } = trajectory('adam', 0.1, 50);
    const losses = states.map((s) => s.loss);
    const minIndex = losses.indexOf(Math.min(...losses));
    // Overshoot: the loss reaches a low point, rises again (≈ 130 → 143), then falls back.
    const firstLow = losses.findIndex((l, i) => i > 0 && i < 49 && l < losses[i + 1]!);
    expect(firstLow).toBeGreaterThan(0);
    const peakAfter = Math.max(...losses.slice(firstLow));
    expect(peakAfter).toBeGreaterThan(losses[firstLow]! * 1.05);
    expect(losses.at(-1)!).toBeLessThan(peakAfter);
    const slopes = states.map((s) => s.slope);
    const lowestSlope = Math.min(...slopes);
    expect(slopes.at(-1)!).toBeGreaterThan(lowestSlope + 0.05); // it swung past and is coming back
  });

  it('should report parameters in original units when normalised (round trip)', () => {
    const lab = new RegressionLab({ x: article.x, y: article.y, normalize: true, initSlope: 6.0411, initIntercept: -180 });
    const [a, b] = lab.toInternal(6.0411, -180);
    const [slope, intercept] = lab.toOriginal(a, b);
    expect(slope).toBeCloseTo(6.0411, 10);
    expect(intercept).toBeCloseTo(-180, 9);
    lab.dispose();
  });

  it('should draw the same mini-batches for the same seed with sgd', () => {
    const run = () => {
      const lab = new RegressionLab({ x: article.x, y: article.y, normalize: true, initSlope: 0, initIntercept: 0 });
      const lane = lab.createLane({ id: 's', optimizer: 'sgd', params: { learningRate: 0.05, batchSize: 8 } }, 42);
      for (let i = 0; i < 400; i++) lane.step();
      const out = { ...lane.current, exact: lab.exact.mse };
      lane.dispose();
      lab.dispose();
      return out;
    };
    const a = run();
    const b = run();
    expect(a.slope).toBe(b.slope);
    expect((a.loss - a.exact) / a.exact).toBeLessThan(0.05); // noisy, but near the minimum
  });

  it('should mark a lane diverged when its loss stops being finite', () => {
    const lab = new RegressionLab({ x: article.x, y: article.y, normalize: false, initSlope: 6, initIntercept: -180 });
    const lane = lab.createLane({ id: 'd', optimizer: 'gd', params: { learningRate: 1 } }, 1);
    for (let i = 0; i < 200 && lane.status === 'running'; i++) lane.step();
    expect(lane.status).toBe('diverged');
    lane.dispose();
    lab.dispose();
  });

  it('should not grow the tensor count: the same after 10,000 iterations of every optimizer as after 10', () => {
    const lab = new RegressionLab({ x: article.x, y: article.y, normalize: true, initSlope: 0, initIntercept: 0 });
    const lanes = OPTIMIZER_NAMES.map((o, i) => lab.createLane({ id: `l${i}`, optimizer: o, params: { learningRate: 1e-3 } }, 3));
    for (let i = 0; i < 10; i++) for (const lane of lanes) lane.step();
    const after10 = tf.memory().numTensors;
    for (let i = 10; i < 10_000; i++) for (const lane of lanes) lane.step();
    expect(tf.memory().numTensors).toBe(after10);
    const before = tf.memory().numTensors;
    for (const lane of lanes) lane.dispose();
    lab.dispose();
    // Disposing frees theta and the slots of every lane and the lab's two data tensors.
    expect(tf.memory().numTensors).toBeLessThan(before);
    expect(tf.memory().numTensors).toBe(0);
  });
});
