/**
 * The symbolic gradient program (formula-gradient.ts) against TensorFlow.js's autodiff, as the
 * Surface lab takes it (tf.grad of f over split rows, upstream ones): bit for bit equal on every
 * preset and on typed formulas that use every function, a repeated subexpression, a constant
 * formula and a missing variable; against float64 central differences; in far fewer kernels;
 * and with every tensor freed.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { checkFormula } from '../../../../main/engine/formula/formula';
import { compileFloat64 } from '../../../../main/engine/formula/formula-float64';
import { compileTfGradient } from '../../../../main/engine/formula/formula-gradient';
import { compileTf } from '../../../../main/engine/formula/formula-tf';
import { FORMULA_DEFAULTS, SURFACE_PRESET_NAMES, SURFACE_PRESETS, surfaceFormula, type SurfaceWindow } from '../../../../main/protocol/surface';
import { EVERY_FUNCTION, expectCentralDifferences, randomPoints } from './formula-fixtures';

beforeAll(async () => {
  await selectBackend('cpu');
});

const TYPED = [
  ...EVERY_FUNCTION,
  '-(-(x*y))',
  '1*x + x^1*y',
  // the same subexpression in three places (the tape sums its gradients at x in its own order)
  'x*x + x*x*y + sin(x*x)',
  'y^2',
  '2*pi + 1',
];
const CASES: [string, SurfaceWindow][] = [
  ...SURFACE_PRESET_NAMES.map((p): [string, SurfaceWindow] => [surfaceFormula({ kind: 'preset', preset: p }), SURFACE_PRESETS[p].window]),
  ...TYPED.map((t): [string, SurfaceWindow] => [t, FORMULA_DEFAULTS.window]),
];

/** Kernels dispatched while `f` runs. */
function kernels(f: () => void): number {
  const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  let count = 0;
  engine.runKernel = (...a: unknown[]) => (count++, runKernel.apply(engine, a));
  try {
    f();
  } finally {
    engine.runKernel = runKernel;
  }
  return count;
}

async function both(text: string, points: tf.Tensor2D) {
  const formula = await checkFormula(text);
  const tfFormula = compileTf(formula);
  const program = compileTfGradient(formula);
  const ones = tf.ones([1, points.shape[1]]);
  // The autodiff gradient as the Surface lab takes it: f over split rows, upstream ones.
  const autodiff = tf.grad((p: tf.Tensor) => tfFormula.apply(tf.split(p, 2, 0)));
  const symbolic = (p: tf.Tensor) => tf.concat(program.apply(tf.split(p, 2, 0)), 0);
  const a = tf.tidy(() => autodiff(points, ones));
  const s = tf.tidy(() => symbolic(points));
  const out = {
    autodiff: a.dataSync() as Float32Array,
    symbolic: s.dataSync() as Float32Array,
    kernels: { autodiff: kernels(() => tf.tidy(() => void autodiff(points, ones))), symbolic: kernels(() => tf.tidy(() => void symbolic(points))) },
  };
  tf.dispose([a, s, ones]);
  program.dispose();
  tfFormula.dispose();
  return out;
}

describe('symbolic gradient program', () => {
  it.each(CASES)('%s: equals tf.grad bit for bit, and float64 central differences', async (text, w) => {
    const n = 64;
    const { xs, ys } = randomPoints(text, n, w, 1);
    const points = tf.tensor2d([xs, ys]);
    const before = tf.memory().numTensors;
    const got = await both(text, points);
    expect(tf.memory().numTensors).toBe(before);
    points.dispose();
    for (let i = 0; i < 2 * n; i++) expect(Object.is(got.symbolic[i], got.autodiff[i]), `element ${i}: ${got.symbolic[i]} vs tf.grad's ${got.autodiff[i]}`).toBe(true);
    const f = compileFloat64(await checkFormula(text));
    expectCentralDifferences(f, xs, ys, got.symbolic.subarray(0, n), got.symbolic.subarray(n));
    expect(got.kernels.symbolic).toBeLessThan(got.kernels.autodiff);
  });

  it('differentiates Rosenbrock in 12 kernels (split, 3 forward, 7 backward, concat), under a third of tf.grad’s', async () => {
    const points = tf.tensor2d([[-1.2, 0.5, 1], [1, 2, 1]]);
    const got = await both(surfaceFormula({ kind: 'preset', preset: 'rosenbrock' }), points);
    points.dispose();
    expect(got.kernels.symbolic).toBe(12);
    expect(got.kernels.autodiff).toBeGreaterThan(3 * 12); // 39 in tfjs 4.22
    // ∂f/∂x = −2(1 − x) − 400x(y − x²), ∂f/∂y = 200(y − x²), by hand
    const [x, y] = [[-1.2, 0.5, 1], [1, 2, 1]];
    for (let i = 0; i < 3; i++) {
      expect(got.symbolic[i]).toBeCloseTo(-2 * (1 - x![i]!) - 400 * x![i]! * (y![i]! - x![i]! ** 2), 3);
      expect(got.symbolic[3 + i]).toBeCloseTo(200 * (y![i]! - x![i]! ** 2), 3);
    }
  });
});
