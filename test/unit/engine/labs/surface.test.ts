/**
 * The Surface lab against truth: every preset's autodiff gradient against its hand-derived
 * gradient, the article's comparisons (the saddle, Beale), every known minimum reached by a
 * suggested lane, lanes batched into one op chain stepping exactly as each would alone, a
 * diverging lane stopped while the others go on, and the tensor count flat over 10,000 steps.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { Engine } from '../../../../main/engine/engine';
import { FormulaError } from '../../../../main/engine/formula/formula';
import { SurfaceLab } from '../../../../main/engine/labs/surface';
import { SurfaceDriver } from '../../../../main/engine/labs/surface-driver';
import { mulberry32 } from '../../../../main/engine/random';
import type { EngineMessage, LaneConfig, SurfaceFrame, SurfaceRunConfig } from '../../../../main/protocol/messages';
import { nearestMinimum, SURFACE_PRESET_NAMES, SURFACE_PRESETS, type SurfaceFunction, type SurfacePoint, type SurfacePresetName } from '../../../../main/protocol/surface';

beforeAll(async () => {
  await selectBackend('cpu');
});

type Gradient = (x: number, y: number) => [number, number];
const { PI, exp, sin, sqrt, cos } = Math;

/** Worked out by hand from each preset's formula (protocol/surface.ts); the bowl at κ = 10. */
const HAND_GRADIENTS: Record<SurfacePresetName, Gradient> = {
  bowl: (x, y) => [2 * x, 20 * y],
  rosenbrock: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  beale: (x, y) => {
    const a = 1.5 - x + x * y;
    const b = 2.25 - x + x * y * y;
    const c = 2.625 - x + x * y ** 3;
    return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1), 2 * a * x + 4 * b * x * y + 6 * c * x * y * y];
  },
  himmelblau: (x, y) => [4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)],
  booth: (x, y) => [2 * (x + 2 * y - 7) + 4 * (2 * x + y - 5), 4 * (x + 2 * y - 7) + 2 * (2 * x + y - 5)],
  // f = 4x² − 2.1x⁴ + x⁶/3 + xy − 4y² + 4y⁴
  'six-hump-camel': (x, y) => [8 * x - 8.4 * x ** 3 + 2 * x ** 5 + y, x - 8 * y + 16 * y ** 3],
  rastrigin: (x, y) => [2 * x + 20 * PI * sin(2 * PI * x), 2 * y + 20 * PI * sin(2 * PI * y)],
  // r = √(½(x² + y²)), g = ½(cos 2πx + cos 2πy): ∂x = 2x·e^(−0.2r)/r + π·sin(2πx)·e^g
  ackley: (x, y) => {
    const r = sqrt(0.5 * (x * x + y * y));
    const g = exp(0.5 * (cos(2 * PI * x) + cos(2 * PI * y)));
    return [(2 * x * exp(-0.2 * r)) / r + PI * sin(2 * PI * x) * g, (2 * y * exp(-0.2 * r)) / r + PI * sin(2 * PI * y) * g];
  },
  // f = A·B, A = 1 + s²·P, B = 30 + t²·Q with s = x + y + 1, t = 2x − 3y.
  'goldstein-price': (x, y) => {
    const s = x + y + 1;
    const t = 2 * x - 3 * y;
    const P = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
    const Q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
    const A = 1 + s * s * P;
    const B = 30 + t * t * Q;
    const dA = 2 * s * P + s * s * (-14 + 6 * x + 6 * y); // the same for x and y
    const dBx = 4 * t * Q + t * t * (-32 + 24 * x - 36 * y);
    const dBy = -6 * t * Q + t * t * (48 - 36 * x + 54 * y);
    return [dA * B + A * dBx, dA * B + A * dBy];
  },
  saddle: (x, y) => [2 * x, -2 * y],
  'monkey-saddle': (x, y) => [3 * x * x - 3 * y * y, -6 * x * y],
};

/** Runs lanes over a function, every lane's history of (x, y, f) and its status at the end. */
async function race(fn: SurfaceFunction, start: SurfacePoint, lanes: readonly Omit<LaneConfig, 'id'>[], iterations: number) {
  const config: SurfaceRunConfig = {
    lab: 'surface',
    problem: { fn, start },
    lanes: lanes.map((l, i) => ({ ...l, id: `lane-${i}` })),
    maxIterations: iterations,
    itersPerSecond: 0,
    seed: 1,
  };
  const driver = await SurfaceDriver.create(config);
  driver.createLanes();
  for (let k = 0; k < iterations; k++) for (let i = 0; i < driver.laneCount; i++) driver.stepLane(i);
  const frame = driver.frame(0, iterations + 1, true) as Omit<SurfaceFrame, 'type'>;
  driver.dispose();
  return frame.lanes;
}

describe('surface lab', () => {
  it.each(SURFACE_PRESET_NAMES)('should differentiate %s by autodiff as its hand-derived gradient', async (preset) => {
    const spec = SURFACE_PRESETS[preset];
    const random = mulberry32(preset.length);
    const w = spec.window;
    for (let k = 0; k < 10; k++) {
      const x = w.xMin + (w.xMax - w.xMin) * (0.1 + 0.8 * random());
      const y = w.yMin + (w.yMax - w.yMin) * (0.1 + 0.8 * random());
      const lab = await SurfaceLab.create({ fn: { kind: 'preset', preset }, start: { x, y } });
      const lane = lab.createLane({ id: 'a', optimizer: 'gd', params: { learningRate: 0.1 } });
      lab.evaluate([lane]);
      // The lane's point is float32: the hand gradient is taken there.
      const { x: px, y: py, gx, gy } = lane.current;
      const [hx, hy] = HAND_GRADIENTS[preset](px, py);
      // float32 arithmetic: relative 1e-4 of the gradient's size.
      const tol = 1e-4 * Math.max(1, Math.hypot(hx, hy));
      expect(Math.abs(gx - hx), `∂f/∂x at (${px}, ${py})`).toBeLessThan(tol);
      expect(Math.abs(gy - hy), `∂f/∂y at (${px}, ${py})`).toBeLessThan(tol);
      // And the float64 finite differences recorded beside it agree with the hand gradient.
      expect(Math.abs(lane.current.fdx - hx)).toBeLessThan(1e-6 * Math.max(1, Math.abs(hx)));
      expect(Math.abs(lane.current.fdy - hy)).toBeLessThan(1e-6 * Math.max(1, Math.abs(hy)));
      lane.dispose();
      lab.dispose();
    }
  });

  it('should let RMSprop and Adam leave the saddle in under half the iterations plain gradient descent needs', async () => {
    // x² − y² from (1, 0.001), all at learning rate 0.01. Gradient descent grows y by ×1.02 a
    // step: ln(1000)/ln(1.02) ≈ 349 steps to |y| > 1. The adaptive methods step ≈ lr in y
    // whatever the gradient's size, so ≈ 100.
    const lanes = await race({ kind: 'preset', preset: 'saddle' }, { x: 1, y: 0.001 }, [
      { optimizer: 'gd', params: { learningRate: 0.01 } },
      { optimizer: 'rmsprop', params: { learningRate: 0.01 } },
      { optimizer: 'adam', params: { learningRate: 0.01 } },
    ], 600);
    const escape = lanes.map((l) => l.y.findIndex((y) => Math.abs(y) > 1));
    expect(escape[0]).toBeGreaterThan(340);
    expect(escape[0]).toBeLessThan(360);
    expect(escape[1]).toBeGreaterThan(0);
    expect(escape[2]).toBeGreaterThan(0);
    expect(escape[1]! * 2).toBeLessThan(escape[0]!);
    expect(escape[2]! * 2).toBeLessThan(escape[0]!);
  });

  it('should bring Adam to f < 1e-6 on Beale while gradient descent at a stable rate is still in the flat valley', async () => {
    // Measured (cpu): after 3,000 steps from (1, 1.5), Adam at lr 0.02 is at f ≈ 3e-11, 1.5e-5
    // from (3, 0.5); gradient descent at lr 0.001 is at f ≈ 7.4e-3, (2.81, 0.448), 0.2 away.
    const lanes = await race({ kind: 'preset', preset: 'beale' }, SURFACE_PRESETS.beale.start, [
      { optimizer: 'gd', params: { learningRate: 0.001 } },
      { optimizer: 'adam', params: { learningRate: 0.02 } },
    ], 3000);
    const [gd, adam] = lanes;
    expect(adam!.f[3000]).toBeLessThan(1e-6);
    expect(Math.hypot(adam!.x[3000]! - 3, adam!.y[3000]! - 0.5)).toBeLessThan(1e-3);
    expect(gd!.status).toBe('done');
    expect(gd!.f[3000]).toBeGreaterThan(1e-3);
    expect(Math.hypot(gd!.x[3000]! - 3, gd!.y[3000]! - 0.5)).toBeGreaterThan(0.1);
    // Stable: f never rose on the way.
    for (let k = 1; k <= 3000; k++) expect(gd!.f[k]).toBeLessThanOrEqual(gd!.f[k - 1]! * (1 + 1e-6));
  });

  it.each(SURFACE_PRESET_NAMES.filter((p) => SURFACE_PRESETS[p].minima.length > 0))(
    'should reach a known minimum of %s from its standard start with one of its suggested lanes',
    async (preset) => {
      const spec = SURFACE_PRESETS[preset];
      const lanes = await race({ kind: 'preset', preset }, spec.start, spec.lanes, spec.iterations);
      const best = Math.min(
        ...lanes.map((l) => {
          const x = l.x[spec.iterations]!;
          const y = l.y[spec.iterations]!;
          const m = nearestMinimum(spec.minima, x, y)!;
          expect(l.f[spec.iterations]! - m.f).toBeGreaterThan(-1e-6); // nobody goes below a global minimum
          return m.distance;
        }),
      );
      expect(best).toBeLessThan(5e-3);
    },
  );

  it('should step lanes batched in one op chain exactly as each would alone', async () => {
    const fn: SurfaceFunction = { kind: 'preset', preset: 'rosenbrock' };
    const configs: Omit<LaneConfig, 'id'>[] = [
      { optimizer: 'adam', params: { learningRate: 0.02 } },
      { optimizer: 'momentum', params: { learningRate: 0.0005, momentum: 0.95 } },
      { optimizer: 'rmsprop', params: { learningRate: 0.002 } },
    ];
    const together = await race(fn, { x: -1.2, y: 1 }, configs, 200);
    for (let i = 0; i < configs.length; i++) {
      const [alone] = await race(fn, { x: -1.2, y: 1 }, [configs[i]!], 200);
      expect(Array.from(together[i]!.x)).toEqual(Array.from(alone!.x));
      expect(Array.from(together[i]!.y)).toEqual(Array.from(alone!.y));
    }
  });

  it('should stop a lane whose value turns non-finite as diverged at that iteration, and go on with the others', async () => {
    const lanes = await race({ kind: 'preset', preset: 'rosenbrock' }, { x: -1.2, y: 1 }, [
      { optimizer: 'gd', params: { learningRate: 1 } },
      { optimizer: 'adam', params: { learningRate: 0.02 } },
    ], 100);
    const [wild, calm] = lanes;
    expect(wild!.status).toBe('diverged');
    // The point overflows float32's gradient first (f, in float64, may still be finite there).
    const at = wild!.f.findIndex((f, k) => ![f, wild!.gx[k], wild!.gy[k]].every(Number.isFinite));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(20);
    // Frozen from then on: every later entry repeats the diverged state.
    expect(wild!.x[100]).toEqual(wild!.x[at]);
    expect(calm!.status).toBe('done');
    expect(calm!.f[100]).toBeLessThan(calm!.f[0]!);
  });

  it('should keep the tensor count flat over 10,000 steps', async () => {
    const config: SurfaceRunConfig = {
      lab: 'surface',
      problem: { fn: { kind: 'preset', preset: 'rosenbrock' }, start: { x: -1.2, y: 1 } },
      lanes: [
        { id: 'a', optimizer: 'adam', params: { learningRate: 0.02 } },
        { id: 'm', optimizer: 'momentum', params: { learningRate: 0.0005, momentum: 0.95 } },
      ],
      maxIterations: 10_000,
      itersPerSecond: 0,
      seed: 1,
    };
    const before = tf.memory().numTensors;
    const driver = await SurfaceDriver.create(config);
    driver.createLanes();
    const step = () => {
      for (let i = 0; i < driver.laneCount; i++) driver.stepLane(i);
    };
    for (let k = 0; k < 10; k++) step();
    const after10 = tf.memory().numTensors;
    for (let k = 10; k < 10_000; k++) step();
    // Kept between steps: the constants of the formula (1, 100 and the folded ones), each lane's
    // point, optimizer slots and the gradient it steps with next: the same after 10 and 10,000.
    expect(tf.memory().numTensors).toBe(after10);
    driver.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('should refuse a bad formula before any lane exists, saying what and where', async () => {
    const before = tf.memory().numTensors;
    await expect(
      SurfaceDriver.create({
        lab: 'surface',
        problem: { fn: { kind: 'formula', formula: 'x^2 + sine(y)' }, start: { x: 0, y: 0 } },
        lanes: [{ id: 'a', optimizer: 'adam', params: {} }],
        maxIterations: 10,
        itersPerSecond: 0,
        seed: 1,
      }),
    ).rejects.toThrow(new FormulaError("unknown function 'sine' at column 7 (functions: sin, cos, tan, exp, log, sqrt, abs, tanh, sinh, cosh, min, max)"));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('should answer the engine requests: a grid of f, a probe of f and ∇f, and a refused formula with its message', async () => {
    const messages: EngineMessage[] = [];
    const engine = new Engine((m) => messages.push(m), 'cpu');
    const window = { xMin: -1, xMax: 1, yMin: 0, yMax: 2 };
    await engine.handle({ type: 'surfaceGrid', requestId: 'g', fn: { kind: 'formula', formula: 'x^2 + y' }, window, resolution: 11 });
    const grid = messages.find((m) => m.type === 'surfaceGrid')!;
    expect(grid).toMatchObject({ requestId: 'g', formula: 'x^2 + y', resolution: 11, window, minima: [] });
    // Node (i, j) is (−1 + 0.2i, 0.2j): f = x² + y.
    const values = (grid as Extract<EngineMessage, { type: 'surfaceGrid' }>).values;
    expect(values[0]).toBeCloseTo(1, 12);
    expect(values[5 * 11 + 5]).toBeCloseTo(1, 12);
    expect(values[10 * 11 + 10]).toBeCloseTo(3, 12);
    await engine.handle({ type: 'surfaceProbe', requestId: 'p', fn: { kind: 'preset', preset: 'rosenbrock' }, point: { x: 0, y: 1 } });
    const probe = messages.find((m) => m.type === 'surfaceProbe') as Extract<EngineMessage, { type: 'surfaceProbe' }>;
    // Rosenbrock at (0, 1): f = 1 + 100 = 101, ∇f = (−2, 200).
    expect(probe.f).toBeCloseTo(101, 10);
    expect(probe.gradient[0]).toBeCloseTo(-2, 6);
    expect(probe.gradient[1]).toBeCloseTo(200, 6);
    await engine.handle({ type: 'surfaceGrid', requestId: 'bad', fn: { kind: 'formula', formula: 'x +* y' }, window, resolution: 11 });
    expect(messages.at(-1)).toEqual({ type: 'error', requestId: 'bad', error: { name: 'FormulaError', message: 'value expected at column 4' } });
    await engine.handle({ type: 'surfaceGrid', requestId: 'w', fn: { kind: 'formula', formula: 'x' }, window: { xMin: 1, xMax: 0, yMin: 0, yMax: 1 }, resolution: 11 });
    expect(messages.at(-1)).toMatchObject({ type: 'error', requestId: 'w', error: { name: 'InvalidRequest', message: 'window: the window needs xMin < xMax and yMin < yMax' } });
    engine.dispose();
  });
});
