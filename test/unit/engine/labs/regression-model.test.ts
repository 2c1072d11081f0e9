/**
 * Models of your own in the Regression lab: parameters named by the formula, linearity told
 * right, the exact fit against closed forms (the line's normal equations, a quadratic that fits
 * noise-free data exactly), descent on nonlinear models to known parameters, mini-batches,
 * refusals, and tensors freed.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { parseCsvDataset } from '../../../../main/engine/csv-dataset';
import { checkModel } from '../../../../main/engine/formula/formula';
import { RegressionModel } from '../../../../main/engine/labs/regression-model';
import { leastSquares, moments } from '../../../../main/protocol/least-squares';

const ARTICLE_CSV = resolve(__dirname, '../../../../../shared/seed-data/height_v_weight.csv');
const article = parseCsvDataset(readFileSync(ARTICLE_CSV, 'utf8'), { name: 'height_v_weight.csv' });

beforeAll(async () => {
  await selectBackend('cpu');
});

const grid = (n: number, from: number, to: number) => Float64Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe('regression models', () => {
  it('should name the parameters in order of appearance, x being the data', async () => {
    expect((await checkModel('a*x + b')).parameters).toEqual(['a', 'b']);
    expect((await checkModel('L/(1 + exp(-k*(x - x0)))')).parameters).toEqual(['L', 'k', 'x0']);
    expect((await checkModel('w1*sin(x) + w1*cos(x) + pi*c')).parameters).toEqual(['w1', 'c']);
    await expect(checkModel('2*x + 1')).rejects.toThrow('the model has no parameter to fit: name one, as in a*x + b');
    await expect(checkModel('sine(x)*a')).rejects.toThrow("unknown function 'sine' at column 1");
    const many = Array.from({ length: 17 }, (_, i) => `p${i}*x^${i}`).join(' + ');
    await expect(checkModel(many)).rejects.toThrow('the model has 17 parameters; at most 16 can be fitted');
  });

  it.each([
    ['a*x + b', true],
    ['a*x^2 + b*x + c', true],
    ['a*sin(x) + b*exp(-x) + 3', true],
    ['(a + 2*b)*x + b', true],
    ['a*exp(b*x)', false],
    ['a/(1 + exp(-b*(x - c)))', false],
    ['a*b*x', false],
    ['a^2*x', false],
  ])('should tell whether %s is linear in its parameters (%s)', async (text, linear) => {
    const x = grid(30, -2, 2);
    const m = await RegressionModel.create(text, x, x.map((v) => 1 + v));
    expect(m.linear).toBe(linear);
    m.dispose();
  });

  it('should give the line its exact answer: the normal equations on the article data', async () => {
    const m = await RegressionModel.create('a*x + b', article.x, article.y);
    const line = leastSquares(moments(article.x, article.y));
    expect(m.exact!.values[0]).toBeCloseTo(line.slope, 9);
    expect(m.exact!.values[1]).toBeCloseTo(line.intercept, 7);
    expect(m.exact!.mse).toBeCloseTo(line.mse, 8);
    m.dispose();
  });

  it('should recover a quadratic exactly from noise-free data, at unnormalised scale', async () => {
    // y = 0.5x² − 30x + 700 at x = 60 … 75: columns x², x, 1 differ by four decades.
    const x = grid(40, 60, 75);
    const m = await RegressionModel.create('a*x^2 + b*x + c', x, x.map((v) => 0.5 * v * v - 30 * v + 700));
    expect(m.exact!.values[0]).toBeCloseTo(0.5, 8);
    expect(m.exact!.values[1]).toBeCloseTo(-30, 6);
    expect(m.exact!.values[2]).toBeCloseTo(700, 4);
    expect(m.exact!.mse).toBeLessThan(1e-12);
    m.dispose();
  });

  it('should say why a linear model has no exact answer when its parameters cannot be told apart', async () => {
    const x = grid(20, 0, 1);
    const m = await RegressionModel.create('(a + b)*x', x, x);
    expect(m.linear).toBe(true);
    expect(m.exact).toBeNull();
    expect(m.exactNote).toBe('not identifiable');
    m.dispose();
  });

  it('should fit a*exp(b*x) and a logistic curve by descent to the parameters that made the data', async () => {
    const x = grid(50, 0, 4);
    const growth = await RegressionModel.create('a*exp(b*x)', x, x.map((v) => 2 * Math.exp(0.5 * v)));
    expect(growth.exact).toBeNull();
    const lane = growth.createLane({ id: 'g', optimizer: 'adam', params: { learningRate: 0.05 } }, [1, 0.1], 1);
    for (let i = 0; i < 3000; i++) lane.step();
    expect(lane.current.values[0]).toBeCloseTo(2, 2);
    expect(lane.current.values[1]).toBeCloseTo(0.5, 3);
    expect(lane.current.loss).toBeLessThan(1e-5);
    lane.dispose();
    growth.dispose();

    const xs = grid(60, -6, 6);
    const logistic = await RegressionModel.create('L/(1 + exp(-k*(x - m)))', xs, xs.map((v) => 3 / (1 + Math.exp(-1.5 * (v - 0.5)))));
    const l = logistic.createLane({ id: 'l', optimizer: 'adam', params: { learningRate: 0.05 } }, [1, 1, 0], 1);
    for (let i = 0; i < 3000; i++) l.step();
    expect(l.current.values[0]).toBeCloseTo(3, 2);
    expect(l.current.values[1]).toBeCloseTo(1.5, 2);
    expect(l.current.values[2]).toBeCloseTo(0.5, 2);
    l.dispose();
    logistic.dispose();
  });

  it('should step a gd lane as param −= lr·∇MSE, the gradient worked out by hand', async () => {
    // MSE(a, b) = mean((a·x + b − y)²): ∂a = 2·mean(r·x), ∂b = 2·mean(r), r = a·x + b − y.
    const x = Float64Array.from([1, 2, 3]);
    const y = Float64Array.from([2, 3, 7]);
    const m = await RegressionModel.create('a*x + b', x, y);
    const lane = m.createLane({ id: 'gd', optimizer: 'gd', params: { learningRate: 0.1 } }, [1, 0], 1);
    // r = (1 − 2, 2 − 3, 3 − 7) = (−1, −1, −4): ∂a = 2·(−1 − 2 − 12)/3 = −10, ∂b = 2·(−6)/3 = −4.
    lane.step();
    expect(lane.current.values[0]).toBeCloseTo(2, 6);
    expect(lane.current.values[1]).toBeCloseTo(0.4, 6);
    // The loss recorded is float64 over every row at the new parameters.
    const r = [2 * 1 + 0.4 - 2, 2 * 2 + 0.4 - 3, 2 * 3 + 0.4 - 7];
    expect(lane.current.loss).toBeCloseTo(r.reduce((s, v) => s + v * v, 0) / 3, 5);
    lane.dispose();
    m.dispose();
  });

  it('should draw seeded mini-batches for sgd and keep the tensor count flat over 1,000 steps', async () => {
    const x = grid(200, -1, 1);
    const m = await RegressionModel.create('a*x^2 + b', x, x.map((v) => 3 * v * v - 1));
    const run = () => {
      const lane = m.createLane({ id: 's', optimizer: 'sgd', params: { learningRate: 0.1, batchSize: 8 } }, [0, 0], 42);
      for (let i = 0; i < 10; i++) lane.step();
      const after10 = tf.memory().numTensors;
      for (let i = 10; i < 1000; i++) lane.step();
      expect(tf.memory().numTensors).toBe(after10);
      const values = Array.from(lane.current.values);
      lane.dispose();
      return values;
    };
    const first = run();
    expect(run()).toEqual(first); // the same seed, the same batches
    expect(first[0]).toBeCloseTo(3, 1);
    expect(first[1]).toBeCloseTo(-1, 1);
    const before = tf.memory().numTensors;
    m.dispose();
    // The model kept the data's x and y, and no constant (x^2 compiles to a square).
    expect(tf.memory().numTensors).toBe(before - 2);
  });
});
