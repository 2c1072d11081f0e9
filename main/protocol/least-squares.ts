/**
 * The exact answer the descent is chasing, in float64, from centred (two-pass) sums so that
 * unnormalised data (x ≈ 70, y ≈ 190) loses no digits to cancellation. Plain maths shared by
 * the engine (the loss it records) and the renderer (the answer shown before a run, the
 * contour grid).
 */
import type { LeastSquares, RegressionStats } from './messages';

export interface Moments {
  n: number;
  meanX: number;
  meanY: number;
  varX: number;
  varY: number;
  cov: number;
}

export function moments(x: ArrayLike<number>, y: ArrayLike<number>): Moments {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const meanX = sx / n;
  const meanY = sy / n;
  let vx = 0;
  let vy = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - meanX;
    const dy = y[i]! - meanY;
    vx += dx * dx;
    vy += dy * dy;
    c += dx * dy;
  }
  return { n, meanX, meanY, varX: vx / n, varY: vy / n, cov: c / n };
}

export function leastSquares(m: Moments): LeastSquares {
  if (!(m.varX > 0)) throw new RangeError('all x values are equal: the slope is undefined');
  const slope = m.cov / m.varX;
  const intercept = m.meanY - slope * m.meanX;
  return { slope, intercept, mse: Math.max(0, m.varY - (m.cov * m.cov) / m.varX) };
}

/**
 * MSE of the line y = slope·x + intercept, exactly, from the moments: the residual's variance
 * (clamped: it is ≥ 0, rounding aside) plus its mean squared.
 */
export function mseAt(m: Moments, slope: number, intercept: number): number {
  const bias = m.meanY - slope * m.meanX - intercept;
  return Math.max(0, m.varY - 2 * slope * m.cov + slope * slope * m.varX) + bias * bias;
}

/** Raw (uncentred) means, for the renderer's contour grid. */
export function regressionStats(m: Moments): RegressionStats {
  return {
    n: m.n,
    sx: m.meanX,
    sy: m.meanY,
    sxx: m.varX + m.meanX * m.meanX,
    sxy: m.cov + m.meanX * m.meanY,
    syy: m.varY + m.meanY * m.meanY,
  };
}

/** The inverse of regressionStats: centred moments from the raw means a run announces. */
export function momentsFromStats(s: RegressionStats): Moments {
  return {
    n: s.n,
    meanX: s.sx,
    meanY: s.sy,
    varX: s.sxx - s.sx * s.sx,
    varY: s.syy - s.sy * s.sy,
    cov: s.sxy - s.sx * s.sy,
  };
}

/**
 * The map between a line in data units (slope, intercept) and the same line over the data
 * standardised to mean 0 and spread 1 (a, b), where the loss is a round bowl: what the engine
 * descends with "normalise" on and what the contour map draws then. The identity when off.
 */
export interface LineScaling {
  /** x' = (x − mx)/sx and y' = (y − my)/sy: how the data are standardised. */
  readonly mx: number;
  readonly my: number;
  readonly sx: number;
  readonly sy: number;
  toInternal(slope: number, intercept: number): [number, number];
  toOriginal(a: number, b: number): [number, number];
}

export function lineScaling(m: Moments, normalize: boolean): LineScaling {
  const mx = normalize ? m.meanX : 0;
  const my = normalize ? m.meanY : 0;
  const sx = normalize ? Math.sqrt(m.varX) : 1;
  const sy = normalize ? Math.sqrt(m.varY) || 1 : 1;
  return {
    mx,
    my,
    sx,
    sy,
    toInternal: (slope, intercept) => [(slope * sx) / sy, (intercept + slope * mx - my) / sy],
    toOriginal: (a, b) => {
      const slope = (a * sy) / sx;
      return [slope, my + b * sy - slope * mx];
    },
  };
}
