/**
 * What both gradient compilers are tested on (formula.test.ts: TensorFlow.js autodiff;
 * formula-gradient.test.ts: the symbolic program): every function of the language, the seeded
 * points to test a formula at, and the check against float64 central differences.
 */
import { expect } from 'vitest';
import { centralDifferences, type Float64Formula } from '../../../../main/engine/formula/formula-float64';
import { mulberry32 } from '../../../../main/engine/random';
import type { SurfaceWindow } from '../../../../main/protocol/surface';

/** Each function of the language (and ^ with a constant and a variable exponent) inside a smooth context that keeps its argument in its domain. */
export const EVERY_FUNCTION = [
  'sin(x*y) + y',
  'cos(x - 2*y)',
  'tan(0.3*x + 0.2*y)',
  'exp(0.5*x - y)',
  'log(1 + x^2 + y^2)',
  'sqrt(2 + x^2 + x*y + y^2)',
  'abs(x + 3) * y',
  'tanh(x*y)',
  'sinh(x) * y',
  'cosh(x - y)',
  'min(x^2, y + 3)',
  'max(x*y, x - 4)',
  'x^3 - 3*x*y^2',
  'x / (2 + y^2)',
  '(2 + sin(x))^(1.5 + 0.1*y)',
  '2^x + (1 + y^2)^x',
  '-x*e + pi*y',
];

/** n points uniform in `window`, seeded by the formula's length (plus `salt`, so two tests can draw different ones). */
export function randomPoints(text: string, n: number, window: SurfaceWindow, salt = 0): { xs: number[]; ys: number[] } {
  const random = mulberry32(text.length * 7919 + salt);
  const xs = Array.from({ length: n }, () => window.xMin + (window.xMax - window.xMin) * random());
  const ys = Array.from({ length: n }, () => window.yMin + (window.yMax - window.yMin) * random());
  return { xs, ys };
}

/** Expects a float32 gradient (gx[i], gy[i] at (xs[i], ys[i])) to match f's float64 central differences. */
export function expectCentralDifferences(f: Float64Formula, xs: readonly number[], ys: readonly number[], gx: ArrayLike<number>, gy: ArrayLike<number>): void {
  for (let i = 0; i < xs.length; i++) {
    const [dx, dy] = centralDifferences(f, [xs[i]!, ys[i]!]);
    // float32 against float64 differences: relative 1e-4 of the gradient's size (or absolute where it is small)
    const tol = 1e-4 * Math.max(1, Math.abs(dx!), Math.abs(dy!));
    expect(Math.abs(gx[i]! - dx!), `∂f/∂x at (${xs[i]}, ${ys[i]})`).toBeLessThan(tol);
    expect(Math.abs(gy[i]! - dy!), `∂f/∂y at (${xs[i]}, ${ys[i]})`).toBeLessThan(tol);
  }
}
