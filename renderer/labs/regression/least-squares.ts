/**
 * The renderer's view of the shared least-squares maths (main/protocol/least-squares.ts): the
 * exact answer before any run (the engine's runStarted wins once a run starts) and a fast MSE
 * for the contour grid.
 */
import {
  leastSquares as fromMoments,
  moments,
  momentsFromStats,
  mseAt,
  regressionStats as statsOf,
} from '../../../main/protocol/least-squares';
import type { LeastSquares, RegressionStats } from '../../../main/protocol/messages';

/** Means of x, y, x², xy, y² (the form RegressionStats documents), from centred sums. */
export function regressionStats(x: Float64Array, y: Float64Array): RegressionStats {
  return statsOf(moments(x, y));
}

export function mseFunction(s: RegressionStats): (slope: number, intercept: number) => number {
  const m = momentsFromStats(s);
  return (a, b) => mseAt(m, a, b);
}

export function leastSquares(s: RegressionStats): LeastSquares {
  return fromMoments(momentsFromStats(s));
}
