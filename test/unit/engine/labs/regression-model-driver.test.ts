/**
 * A model of your own in the Regression lab's window, engine side: the page's check of a model
 * (its exact answer against a float64 normal-equations solve, its curves against the model
 * evaluated by hand, a two-parameter model's loss grid against the MSE summed by hand) and a
 * run of a model through the engine (parameters per iteration, the curve each frame carries,
 * bad models refused with what and where, tensors freed).
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { parseCsvDataset } from '../../../../main/engine/csv-dataset';
import { Engine } from '../../../../main/engine/engine';
import { describeModel } from '../../../../main/engine/labs/regression-model-driver';
import { parseRequest, type EngineMessage, type RegressionFrame, type RegressionModelReply, type RegressionRunConfig, type RegressionRunStarted } from '../../../../main/protocol/messages';
import { MODEL_CURVE_POINTS, plotXRange } from '../../../../main/protocol/regression-model';
import { quadraticLeastSquares } from '../../../regression-expected';

const ARTICLE_CSV = resolve(__dirname, '../../../../../shared/seed-data/height_v_weight.csv');
const article = parseCsvDataset(readFileSync(ARTICLE_CSV, 'utf8'), { name: 'height_v_weight.csv' });

beforeAll(async () => {
  await selectBackend('cpu');
});

function harness() {
  const messages: EngineMessage[] = [];
  const engine = new Engine((m) => messages.push(m), 'cpu');
  const waitFor = async (pred: (m: EngineMessage) => boolean, timeoutMs = 20_000): Promise<EngineMessage> => {
    const t0 = Date.now();
    for (;;) {
      const found = messages.find(pred);
      if (found) return found;
      if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for a message');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { engine, messages, waitFor };
}

const modelRun = (model: string, init: Record<string, number>, maxIterations: number): RegressionRunConfig => ({
  lab: 'regression',
  problem: { x: article.x, y: article.y, normalize: false, initSlope: 0, initIntercept: 0, model, init },
  lanes: [
    { id: 'adam', optimizer: 'adam', params: { learningRate: 0.05 } },
    { id: 'gd', optimizer: 'gd', params: { learningRate: 1e-8 } },
  ],
  maxIterations,
  itersPerSecond: 0,
  seed: 1,
});

describe('regression model check (the page asks as the model is typed)', () => {
  it("should give a quadratic's exact answer equal to a float64 normal-equations solve", async () => {
    const d = await describeModel({ model: 'a*x^2 + b*x + c', x: article.x, y: article.y });
    expect(d.parameters).toEqual(['a', 'b', 'c']);
    expect(d.linear).toBe(true);
    expect(d.exactNote).toBeNull();
    const hand = quadraticLeastSquares(article);
    for (let k = 0; k < 3; k++) expect(d.exact!.values[k]).toBeCloseTo(hand[k]!, Math.max(0, 8 - Math.ceil(Math.log10(Math.abs(hand[k]!) + 1))));
    let sse = 0;
    for (let i = 0; i < article.x.length; i++) sse += (hand[0]! * article.x[i]! ** 2 + hand[1]! * article.x[i]! + hand[2]! - article.y[i]!) ** 2;
    expect(d.exact!.mse).toBeCloseTo(sse / article.x.length, 6);
  });

  it('should sample the exact and start curves at the plotted x range, equal to the model evaluated in float64', async () => {
    const d = await describeModel({ model: 'a*exp(b*x/100) + c', x: article.x, y: article.y, init: { a: 2, b: -0.5 } });
    expect(d.start).toEqual([2, -0.5, 1]);
    const [lo, hi] = plotXRange(article.x);
    expect(d.xs.length).toBe(MODEL_CURVE_POINTS);
    expect(d.xs[0]).toBe(lo);
    expect(d.xs[MODEL_CURVE_POINTS - 1]).toBeCloseTo(hi, 12);
    for (let i = 0; i < d.xs.length; i++) expect(d.startCurve[i]).toBeCloseTo(2 * Math.exp((-0.5 * d.xs[i]!) / 100) + 1, 12);
    // Linear in a and c only: no exact answer, and the reason.
    expect(d.linear).toBe(false);
    expect(d.exact).toBeNull();
    expect(d.exactNote).toBe('nonlinear');
    expect(d.exactCurve).toBeNull();
    const q = await describeModel({ model: 'a*x^2 + b*x + c', x: article.x, y: article.y });
    const [a, b, c] = q.exact!.values as [number, number, number];
    for (let i = 0; i < q.xs.length; i += 7) expect(q.exactCurve![i]).toBeCloseTo(a * q.xs[i]! ** 2 + b * q.xs[i]! + c, 8);
  });

  it("should give a two-parameter model's loss grid equal to the MSE summed by hand, and none for other models", async () => {
    const window = { xMin: 50, xMax: 150, yMin: -0.01, yMax: 0.03 };
    const d = await describeModel({ model: 'a*exp(b*x)', x: article.x, y: article.y, grid: { window, resolution: 16 } });
    expect(d.grid!.resolution).toBe(16);
    for (const [i, j] of [[0, 0], [15, 15], [7, 3], [2, 11]] as const) {
      const a = 50 + (100 * i) / 15;
      const b = -0.01 + (0.04 * j) / 15;
      let sse = 0;
      for (let r = 0; r < article.x.length; r++) sse += (a * Math.exp(b * article.x[r]!) - article.y[r]!) ** 2;
      expect(d.grid!.values[j * 16 + i]).toBeCloseTo(sse / article.x.length, 6);
    }
    expect((await describeModel({ model: 'a*x^2 + b*x + c', x: article.x, y: article.y, grid: { window, resolution: 16 } })).grid).toBeNull();
  });

  it('should refuse a bad model with what and where, and pass over starts of names the model lacks', async () => {
    const { engine, waitFor } = harness();
    await engine.handle({ type: 'regressionModel', requestId: 'q1', model: 'a*x + sine(b)', x: article.x, y: article.y });
    expect(await waitFor((m) => m.type === 'error' && m.requestId === 'q1')).toMatchObject({ error: { name: 'FormulaError', message: "unknown function 'sine' at column 7 (functions: sin, cos, tan, exp, log, sqrt, abs, tanh, sinh, cosh, min, max)" } });
    await engine.handle({ type: 'regressionModel', requestId: 'q2', model: 'a*x^2 + b', x: article.x, y: article.y, init: { c: 5, b: 2 } });
    const reply = (await waitFor((m) => m.type === 'regressionModel' && m.requestId === 'q2')) as RegressionModelReply;
    expect(reply.parameters).toEqual(['a', 'b']);
    expect(reply.start).toEqual([1, 2]);
    engine.dispose();
  });

  it('should validate the request: the model text bounded, the data paired', () => {
    const long = parseRequest({ type: 'regressionModel', requestId: 'q', model: 'a*x+'.repeat(200), x: article.x, y: article.y });
    expect(long).toMatchObject({ ok: false, error: { message: 'model: the model is longer than 500 characters' } });
    const unpaired = parseRequest({ type: 'regressionModel', requestId: 'q', model: 'a*x', x: article.x, y: article.y.subarray(1) });
    expect(unpaired.ok).toBe(false);
  });
});

describe('regression model runs', () => {
  it('should run a quadratic: parameters per iteration, slope and intercept its first two, the curve of the last iteration in every frame', async () => {
    const { engine, messages, waitFor } = harness();
    await engine.handle({ type: 'start', runId: 'm', config: modelRun('a*x^2 + b*x + c', { a: 0, b: 3, c: 0 }, 200) });
    await waitFor((m) => m.type === 'frame' && m.status === 'done');
    const started = messages.find((m): m is RegressionRunStarted => m.type === 'runStarted' && m.lab === 'regression')!;
    expect(started.model!.parameters).toEqual(['a', 'b', 'c']);
    expect(started.model!.exact!.values).toHaveLength(3);
    const frames = messages.filter((m): m is RegressionFrame => m.type === 'frame' && m.lab === 'regression');
    const first = frames[0]!.lanes[0]!;
    expect(first.from).toBe(0);
    expect([first.params![0]![0], first.params![1]![0], first.params![2]![0]]).toEqual([0, 3, 0]);
    let next = 0;
    for (const f of frames) {
      const lane = f.lanes.find((l) => l.id === 'adam')!;
      expect(lane.from).toBe(next);
      next += lane.loss.length;
      expect(lane.slope).toEqual(lane.params![0]);
      expect(lane.intercept).toEqual(lane.params![1]);
      if (lane.loss.length === 0) continue;
      const [a, b, c] = lane.params!.map((p) => p[p.length - 1]!) as [number, number, number];
      for (let i = 0; i < started.model!.xs.length; i += 10) {
        const x = started.model!.xs[i]!;
        expect(lane.curve![i]).toBeCloseTo(a * x * x + b * x + c, 6);
      }
      // The loss recorded is the float64 MSE of the parameters recorded.
      let sse = 0;
      for (let r = 0; r < article.x.length; r++) sse += (a * article.x[r]! ** 2 + b * article.x[r]! + c - article.y[r]!) ** 2;
      expect(lane.loss[lane.loss.length - 1]).toBeCloseTo(sse / article.x.length, 6);
    }
    expect(next).toBe(201);
    engine.dispose();
  });

  it('should refuse a run of a bad model with what and where, the current run carrying on', async () => {
    const { engine, waitFor } = harness();
    await engine.handle({ type: 'start', runId: 'bad', config: modelRun('a*x +* b', {}, 10) });
    const err = await waitFor((m) => m.type === 'error' && m.runId === 'bad');
    expect(err).toMatchObject({ error: { name: 'FormulaError' } });
    expect((err as { error: { message: string } }).error.message).toMatch(/at column \d+/);
    engine.dispose();
  });

  it('should keep the tensor count flat across repeated model runs and checks', async () => {
    const once = async () => {
      const { engine, waitFor } = harness();
      await engine.handle({ type: 'start', runId: 'r', config: modelRun('a*exp(b*x/100)', { a: 100, b: 0.5 }, 50) });
      await waitFor((m) => m.type === 'frame' && m.status === 'done');
      await engine.handle({ type: 'regressionModel', requestId: 'q', model: 'a*exp(b*x/100)', x: article.x, y: article.y, grid: { window: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, resolution: 16 } });
      await waitFor((m) => m.type === 'regressionModel');
      engine.dispose();
    };
    await once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await once();
    expect(tf.memory().numTensors).toBe(before);
  });
});
