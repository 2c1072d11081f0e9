/**
 * The exact answer the descent is chasing, computed in the renderer so it can be shown before
 * any run (the engine sends its own in runStarted, which wins once a run starts).
 * Pure maths: no DOM, no React.
 */
import type { LeastSquares, RegressionStats } from '../../../main/protocol/messages';

/** Means of x, y, x², xy, y² (the form RegressionStats documents). */
export function regressionStats(x: Float64Array, y: Float64Array): RegressionStats {
  const n = Math.min(x.length, y.length);
  // Centre first: raw sums of squares of weights (~35,000) lose digits the MSE needs.
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let vxx = 0;
  let vxy = 0;
  let vyy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    vxx += dx * dx;
    vxy += dx * dy;
    vyy += dy * dy;
  }
  vxx /= n;
  vxy /= n;
  vyy /= n;
  return { n, sx: mx, sy: my, sxx: vxx + mx * mx, sxy: vxy + mx * my, syy: vyy + my * my };
}

/** Centred moments; MSE(a, b) = var(r) + mean(r)² for residual r = y − a·x − b. */
function moments(s: RegressionStats): { vxx: number; vxy: number; vyy: number } {
  return { vxx: s.sxx - s.sx * s.sx, vxy: s.sxy - s.sx * s.sy, vyy: s.syy - s.sy * s.sy };
}

/** A fast MSE(a, b) for a grid: the stats' expansion, regrouped so the minimum keeps its digits. */
export function mseFunction(s: RegressionStats): (slope: number, intercept: number) => number {
  const { vxx, vxy, vyy } = moments(s);
  return (a, b) => {
    const meanResidual = s.sy - a * s.sx - b;
    return Math.max(0, vyy - 2 * a * vxy + a * a * vxx) + meanResidual * meanResidual;
  };
}

export function leastSquares(s: RegressionStats): LeastSquares {
  const { vxx, vxy, vyy } = moments(s);
  if (!(vxx > 0)) return { slope: 0, intercept: s.sy, mse: Math.max(0, vyy) };
  const slope = vxy / vxx;
  const intercept = s.sy - slope * s.sx;
  return { slope, intercept, mse: Math.max(0, vyy - (vxy * vxy) / vxx) };
}
