/**
 * What the Regression lab must show for its built-in data (assets/data/adult-men-150.csv) and
 * its default start (slope 6.0411, intercept −180), worked out here in float64 from the data
 * alone, independently of the app's code, for the end-to-end and desktop tests to pin.
 */
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const BUILT_IN_CSV = path.resolve(__dirname, '../assets/data/adult-men-150.csv');
export const DEFAULT_START = { slope: 6.0411, intercept: -180 };

/** The built-in heights (x) and weights (y). */
export function builtInData(): { x: number[]; y: number[] } {
  const rows = Papa.parse<{ height_in: number; weight_lb: number }>(readFileSync(BUILT_IN_CSV, 'utf8'), { header: true, dynamicTyping: true, skipEmptyLines: true }).data;
  return { x: rows.map((r) => r.height_in), y: rows.map((r) => r.weight_lb) };
}

/** The least-squares line's mean squared error, (Syy − Sxy²/Sxx)/n from sums about the means. */
export function leastSquaresMse({ x, y }: { x: number[]; y: number[] }): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
    syy += (y[i]! - my) ** 2;
  }
  return (syy - (sxy * sxy) / sxx) / n;
}

/**
 * The mean squared error after `iterations` plain gradient-descent steps on (1/n)Σ(a·x + b − y)²:
 * a −= lr·(2/n)Σ(a·x + b − y)·x, b −= lr·(2/n)Σ(a·x + b − y). The app's steps are float32, so
 * compare to a relative 1e-5 or so, not exactly.
 */
export function gradientDescentMse({ x, y }: { x: number[]; y: number[] }, learningRate: number, iterations: number): number {
  const n = x.length;
  let { slope: a, intercept: b } = DEFAULT_START;
  const mse = () => x.reduce((sum, xi, i) => sum + (a * xi + b - y[i]!) ** 2, 0) / n;
  for (let k = 0; k < iterations; k++) {
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const r = a * x[i]! + b - y[i]!;
      ga += (2 / n) * r * x[i]!;
      gb += (2 / n) * r;
    }
    a -= learningRate * ga;
    b -= learningRate * gb;
  }
  return mse();
}

/**
 * The least-squares coefficients of Σ pₖ·φₖ(x) by the normal equations (ΦᵀΦ) p = Φᵀy, solved in
 * float64 by Gauss–Jordan elimination with partial pivoting: what any linear model's exact
 * answer must equal. Centre x in the basis functions for a well-conditioned solve.
 */
export function normalEquations(basis: ((x: number) => number)[], x: ArrayLike<number>, y: ArrayLike<number>): number[] {
  const P = basis.length;
  const M = Array.from({ length: P }, () => new Array<number>(P + 1).fill(0));
  for (let i = 0; i < x.length; i++) {
    const phi = basis.map((f) => f(x[i]!));
    for (let r = 0; r < P; r++) {
      for (let c = 0; c < P; c++) M[r]![c]! += phi[r]! * phi[c]!;
      M[r]![P]! += phi[r]! * y[i]!;
    }
  }
  for (let c = 0; c < P; c++) {
    let best = c;
    for (let r = c + 1; r < P; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[best]![c]!)) best = r;
    [M[c], M[best]] = [M[best]!, M[c]!];
    for (let r = 0; r < P; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= P; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, r) => row[P]! / row[r]!);
}

/** The least-squares quadratic a·x² + b·x + c, as [a, b, c], from the normal equations about the mean of x. */
export function quadraticLeastSquares({ x, y }: { x: ArrayLike<number>; y: ArrayLike<number> }): [number, number, number] {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]! / x.length;
  const [A, B, C] = normalEquations([(v) => (v - mean) ** 2, (v) => v - mean, () => 1], x, y) as [number, number, number];
  return [A, B - 2 * A * mean, A * mean * mean - B * mean + C];
}
