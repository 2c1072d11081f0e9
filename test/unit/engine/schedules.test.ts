/**
 * Learning-rate schedules in the engine: a scheduled optimizer steps exactly as a hand-written
 * loop of its update at the schedule's rates, a constant schedule is bit for bit the optimizer
 * without one, the rate each lab records per iteration is the one used, and no tensor leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/backend';
import { RegressionDriver } from '../../../main/engine/labs/regression-driver';
import { SpreadLab, type SpreadLaneSpec } from '../../../main/engine/labs/spread';
import { SpreadDriver } from '../../../main/engine/labs/spread-driver';
import { SurfaceDriver } from '../../../main/engine/labs/surface-driver';
import { createOptimizer } from '../../../main/engine/optimizers';
import type { RegressionLaneBatch, SurfaceLaneBatch } from '../../../main/protocol/messages';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../../main/protocol/optimizers';
import { CONSTANT_SCHEDULE, learningRateAt, resolveSchedule, type Schedule } from '../../../main/protocol/schedules';
import { SPREAD_COOLING } from '../../../main/protocol/spread';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** Half a cosine over 12 steps to 0.1 of the rate, after 5 warm-up steps: every step has its own rate. */
const COSINE = resolveSchedule({ name: 'cosine', params: { period: 12, floor: 0.1 }, warmup: 5 });
const STEPS = 25;
/** f(w) = Σ c·(w − 3)² over two coordinates of different curvature, from w = 0. */
const CURVATURE = [1, 4];
const gradient = (w: number[]) => w.map((v, i) => 2 * CURVATURE[i]! * (v - 3));

/** The tfjs update of each optimizer written out in float64, at rate lr[t] on step t. */
function handLoop(name: OptimizerName, p: Record<string, number>, lr: number[]): number[][] {
  const eps = 1e-7; // the cpu backend's epsilon, which adagrad uses
  let w = [0, 0];
  const zero = () => [0, 0];
  let a = zero();
  let b = p.initialAccumulatorValue !== undefined ? [p.initialAccumulatorValue, p.initialAccumulatorValue] : zero();
  let accBeta1 = p.beta1 ?? 0;
  let accBeta2 = p.beta2 ?? 0;
  const out: number[][] = [];
  for (let t = 0; t < lr.length; t++) {
    const g = gradient(w);
    const r = lr[t]!;
    switch (name) {
      case 'gd':
      case 'sgd':
        w = w.map((v, i) => v - r * g[i]!);
        break;
      case 'momentum':
      case 'nesterov': {
        a = a.map((v, i) => p.momentum! * v + g[i]!);
        w = w.map((v, i) => v - r * (name === 'nesterov' ? g[i]! + p.momentum! * a[i]! : a[i]!));
        break;
      }
      case 'adagrad':
        b = b.map((v, i) => v + g[i]! ** 2);
        w = w.map((v, i) => v - (r * g[i]!) / Math.sqrt(b[i]! + eps));
        break;
      case 'adadelta': {
        // a: E[g²], b: E[Δ²]; the step divides by E[g²] from before this step (as tfjs does).
        const u = g.map((gi, i) => (Math.sqrt(b[i]! + p.epsilon!) / Math.sqrt(a[i]! + p.epsilon!)) * gi);
        a = a.map((v, i) => p.rho! * v + (1 - p.rho!) * g[i]! ** 2);
        b = b.map((v, i) => p.rho! * v + (1 - p.rho!) * u[i]! ** 2);
        w = w.map((v, i) => v - r * u[i]!);
        break;
      }
      case 'rmsprop': {
        b = b.map((v, i) => p.decay! * v + (1 - p.decay!) * g[i]! ** 2);
        a = a.map((v, i) => p.momentum! * v + (r * g[i]!) / Math.sqrt(b[i]! + p.epsilon!));
        w = w.map((v, i) => v - a[i]!);
        break;
      }
      case 'adam': {
        a = a.map((v, i) => p.beta1! * v + (1 - p.beta1!) * g[i]!);
        b = b.map((v, i) => p.beta2! * v + (1 - p.beta2!) * g[i]! ** 2);
        const c1 = 1 - accBeta1;
        const c2 = 1 - accBeta2;
        w = w.map((v, i) => v - (r * (a[i]! / c1)) / (Math.sqrt(b[i]! / c2) + p.epsilon!));
        accBeta1 *= p.beta1!;
        accBeta2 *= p.beta2!;
        break;
      }
      case 'adamax': {
        a = a.map((v, i) => p.beta1! * v + (1 - p.beta1!) * g[i]!);
        b = b.map((v, i) => Math.max(p.beta2! * v, Math.abs(g[i]!)));
        const step = r / (1 + t * p.decay!) / (1 - accBeta1);
        w = w.map((v, i) => v - (step * a[i]!) / (b[i]! + p.epsilon!));
        accBeta1 *= p.beta1!;
        break;
      }
    }
    out.push(w);
  }
  return out;
}

/** The registry's optimizer with a schedule, stepping f from w = 0; each step's rate set by useRateOf. */
function scheduled(name: OptimizerName, given: Record<string, number>, schedule: Schedule, steps: number) {
  const built = createOptimizer(name, given, schedule);
  const w0 = tf.tensor1d([0, 0]);
  const w = tf.variable(w0);
  w0.dispose();
  const c = tf.tensor1d(CURVATURE);
  const path: Float32Array[] = [];
  const rates: number[] = [];
  for (let t = 0; t < steps; t++) {
    rates.push(built.useRateOf(t));
    built.optimizer.minimize(() => tf.sum(tf.mul(c, tf.square(tf.sub(w, 3)))) as tf.Scalar, false, [w]);
    path.push(w.dataSync() as Float32Array);
  }
  w.dispose();
  c.dispose();
  built.optimizer.dispose();
  return { path, rates, params: built.params };
}

/** tf.train's optimizer as the registry builds it, never touched again: what a lane did before schedules. */
function unscheduled(name: OptimizerName, given: Record<string, number>, steps: number): Float32Array[] {
  const { optimizer } = createOptimizer(name, given);
  const w0 = tf.tensor1d([0, 0]);
  const w = tf.variable(w0);
  w0.dispose();
  const c = tf.tensor1d(CURVATURE);
  const path: Float32Array[] = [];
  for (let t = 0; t < steps; t++) {
    optimizer.minimize(() => tf.sum(tf.mul(c, tf.square(tf.sub(w, 3)))) as tf.Scalar, false, [w]);
    path.push(w.dataSync() as Float32Array);
  }
  w.dispose();
  c.dispose();
  optimizer.dispose();
  return path;
}

const RATES: Record<OptimizerName, number> = { gd: 0.05, sgd: 0.05, momentum: 0.02, nesterov: 0.02, adagrad: 0.5, adadelta: 1, rmsprop: 0.05, adam: 0.1, adamax: 0.1 };
const EXTRA: Partial<Record<OptimizerName, Record<string, number>>> = { rmsprop: { momentum: 0.5 }, adamax: { decay: 0.01 } };

describe('schedules in the engine', () => {
  for (const name of OPTIMIZER_NAMES) {
    it(`should step ${name} as its update written out by hand at the schedule's rates`, () => {
      const { path, rates, params } = scheduled(name, { learningRate: RATES[name], ...EXTRA[name] }, COSINE, STEPS);
      const expectedRates = Array.from({ length: STEPS }, (_, t) => learningRateAt(COSINE, RATES[name], t));
      expect(rates).toEqual(expectedRates);
      // Warm-up then cosine: the rates really change from step to step.
      expect(new Set(rates).size).toBeGreaterThan(STEPS - 9);
      const hand = handLoop(name, params, rates);
      for (let t = 0; t < STEPS; t++) {
        for (let i = 0; i < 2; i++) expect(Math.abs(path[t]![i]! - hand[t]![i]!), `${name} step ${t} coordinate ${i}`).toBeLessThan(2e-5 * Math.max(1, Math.abs(hand[t]![i]!)));
      }
    });
  }

  it('should step bit for bit as before schedules under the constant schedule, for every optimizer', () => {
    for (const name of OPTIMIZER_NAMES) {
      const given = { learningRate: RATES[name], ...EXTRA[name] };
      const before = unscheduled(name, given, 40);
      const now = scheduled(name, given, CONSTANT_SCHEDULE, 40);
      expect(now.path, name).toEqual(before);
    }
  });

  it('should not make a tensor per step when the rate changes every step (kept scalar and number field alike)', () => {
    const schedule = resolveSchedule({ name: 'exponential', params: { decayRate: 0.999 }, warmup: 10 });
    const built = OPTIMIZER_NAMES.map((name) => createOptimizer(name, { learningRate: 1e-3 }, schedule));
    const w0 = tf.tensor1d([0, 0]);
    const ws = built.map(() => tf.variable(w0));
    w0.dispose();
    const stepAll = (t: number) =>
      built.forEach((b, i) => {
        b.useRateOf(t);
        b.optimizer.minimize(() => tf.sum(tf.square(tf.sub(ws[i]!, 3))) as tf.Scalar, false, [ws[i]!]);
      });
    for (let t = 0; t < 10; t++) stepAll(t);
    const after10 = tf.memory().numTensors;
    for (let t = 10; t < 500; t++) stepAll(t);
    expect(tf.memory().numTensors).toBe(after10);
    for (const b of built) b.optimizer.dispose();
    for (const w of ws) w.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });

  it('should record per iteration the rate each regression lane steps with, and report its schedule', () => {
    const x = Float64Array.from({ length: 20 }, (_, i) => i);
    const y = x.map((v) => 2 * v + 1);
    const step = resolveSchedule({ name: 'step', params: { stepSize: 4, gamma: 0.5 }, warmup: 3 });
    const driver = new RegressionDriver({
      lab: 'regression',
      problem: { x, y, normalize: true, initSlope: 0, initIntercept: 0 },
      lanes: [
        { id: 'a', optimizer: 'momentum', params: { learningRate: 0.1 }, schedule: step },
        { id: 'b', optimizer: 'adam', params: { learningRate: 0.1 } },
      ],
      maxIterations: 30,
      itersPerSecond: 0,
      seed: 1,
    });
    driver.createLanes();
    for (let t = 0; t < 30; t++) for (let i = 0; i < driver.laneCount; i++) driver.stepLane(i);
    const frame = driver.frame(0, 31, false);
    const [a, b] = frame.lanes as RegressionLaneBatch[];
    expect(Array.from(a!.learningRate)).toEqual(Array.from({ length: 31 }, (_, t) => learningRateAt(step, 0.1, t)));
    expect(Array.from(b!.learningRate)).toEqual(new Array(31).fill(0.1));
    const started = driver.started();
    expect(started.lab === 'regression' && started.lanes.map((l) => l.schedule)).toEqual([step, CONSTANT_SCHEDULE]);
    driver.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });

  it('should record the surface lanes\u2019 rates, and step a lane as the registry optimizer at those rates', async () => {
    const exp = resolveSchedule({ name: 'exponential', params: { decayRate: 0.9, floor: 0.2 } });
    const driver = await SurfaceDriver.create({
      lab: 'surface',
      problem: { fn: { kind: 'formula', formula: '(x - 3)^2 + 4*(y - 3)^2' }, start: { x: 0, y: 0 } },
      lanes: [{ id: 'a', optimizer: 'adam', params: { learningRate: 0.1 }, schedule: exp }],
      maxIterations: STEPS,
      itersPerSecond: 0,
      seed: 1,
    });
    driver.createLanes();
    for (let t = 0; t < STEPS; t++) driver.stepLane(0);
    const lane = driver.frame(0, STEPS + 1, false).lanes[0] as SurfaceLaneBatch;
    const rates = Array.from({ length: STEPS + 1 }, (_, t) => learningRateAt(exp, 0.1, t));
    expect(Array.from(lane.learningRate)).toEqual(rates);
    const hand = handLoop('adam', { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, rates.slice(0, STEPS));
    for (let t = 0; t < STEPS; t++) {
      expect(lane.x[t + 1]).toBeCloseTo(hand[t]![0]!, 4);
      expect(lane.y[t + 1]).toBeCloseTo(hand[t]![1]!, 4);
    }
    driver.dispose();
  });

  it('should cool a softened minimum as before schedules: rate and temperature ×0.998 a step to 1e-3, by default', () => {
    const spec = (extra: Partial<SpreadLaneSpec> = {}): SpreadLaneSpec => ({ id: 'a', optimizer: 'adam', params: { learningRate: 0.01 }, loss: 'min-angle', s: 1, temperatureDeg: 1, ...extra });
    const lab = new SpreadLab({ n: 6, dim: 3 }, 5);
    const byDefault = lab.createLane(spec(), 5);
    const explicit = lab.createLane(spec({ schedule: SPREAD_COOLING }), 5);
    expect(byDefault.schedule).toEqual(SPREAD_COOLING);
    for (let t = 0; t < 60; t++) {
      // What the lab did before: temperature and rate both times max(1e-3, 0.998^t).
      const cooling = Math.max(1e-3, 0.998 ** t);
      expect(byDefault.temperature()).toBe(((1 * Math.PI) / 180) * cooling);
      expect(byDefault.current.learningRate).toBe(0.01 * cooling);
      byDefault.step();
      explicit.step();
    }
    expect(byDefault.vectors()).toEqual(explicit.vectors());
    // An energy keeps its rate, and a schedule given to a softened minimum drives its temperature.
    const energy = lab.createLane(spec({ loss: 'coulomb', temperatureDeg: 0 }), 5);
    const stepped = lab.createLane(spec({ schedule: resolveSchedule({ name: 'step', params: { stepSize: 2, gamma: 0.5 }, warmup: 1 }) }), 5);
    for (let t = 0; t < 5; t++) {
      expect(energy.current.learningRate).toBe(0.01);
      expect(stepped.temperature()).toBeCloseTo((Math.PI / 180) * (t < 1 ? 1 : 0.5 ** Math.floor((t - 1) / 2)), 15);
      energy.step();
      stepped.step();
    }
    for (const l of [byDefault, explicit, energy, stepped]) l.dispose();
    lab.dispose();
  });

  it('should send the spread lanes\u2019 rates in their frames', () => {
    const driver = new SpreadDriver({
      lab: 'spread',
      problem: { n: 5, dim: 3 },
      lanes: [{ id: 'a', optimizer: 'adam', params: { learningRate: 0.01 }, loss: 'min-angle', s: 1, temperatureDeg: 1 }],
      maxIterations: 10,
      itersPerSecond: 0,
      seed: 2,
    });
    driver.createLanes();
    for (let t = 0; t < 10; t++) driver.stepLane(0);
    const lane = driver.frame(0, 11, false, false).lanes[0] as { learningRate: Float64Array };
    expect(Array.from(lane.learningRate)).toEqual(Array.from({ length: 11 }, (_, t) => learningRateAt(SPREAD_COOLING, 0.01, t)));
    driver.dispose();
  });
});
