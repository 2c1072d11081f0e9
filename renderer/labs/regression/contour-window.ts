/**
 * Which part of the (slope, intercept) plane the contour map shows. It must hold the starting
 * point and the minimum; with unnormalised data those sit far apart along a long, thin valley,
 * and showing both is the lesson. Lanes that wander outside grow the window (with a margin, so
 * it does not regrow every frame), but not without bound: a diverging lane is left to leave
 * (the caller also skips points whose loss is climbing).
 */
import type { RegressionStats } from '../../../main/protocol/messages';

export interface ParamWindow {
  aMin: number;
  aMax: number;
  bMin: number;
  bMax: number;
}

const PAD = 0.25;
const GROW_MARGIN = 0.15;
const MAX_GROWTH = 50;

export function baseWindow(points: readonly [number, number][], stats: RegressionStats): ParamWindow {
  // The problem's natural scales (sd_y / sd_x for slope, sd_y for intercept) stand in when
  // start and minimum coincide on an axis.
  const vxx = Math.max(stats.sxx - stats.sx * stats.sx, 1e-300);
  const vyy = Math.max(stats.syy - stats.sy * stats.sy, 1e-300);
  return windowAround(points, 0.05 * Math.sqrt(vyy / vxx), 0.05 * Math.sqrt(vyy));
}

/** The padded box around `points`, at least minSpanA × minSpanB (a model's map gives its own scales). */
export function windowAround(points: readonly [number, number][], minSpanA: number, minSpanB: number): ParamWindow {
  let [aMin, aMax, bMin, bMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [a, b] of points) {
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    aMin = Math.min(aMin, a);
    aMax = Math.max(aMax, a);
    bMin = Math.min(bMin, b);
    bMax = Math.max(bMax, b);
  }
  if (!Number.isFinite(aMin)) [aMin, aMax, bMin, bMax] = [-1, 1, -1, 1];
  const spanA = Math.max(aMax - aMin, minSpanA);
  const spanB = Math.max(bMax - bMin, minSpanB);
  const ca = (aMin + aMax) / 2;
  const cb = (bMin + bMax) / 2;
  return {
    aMin: ca - spanA * (0.5 + PAD),
    aMax: ca + spanA * (0.5 + PAD),
    bMin: cb - spanB * (0.5 + PAD),
    bMax: cb + spanB * (0.5 + PAD),
  };
}

/** The window grown to take in (a, b) if it is within reach; the same object when unchanged. */
export function growWindow(w: ParamWindow, base: ParamWindow, a: number, b: number): ParamWindow {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return w;
  if (a >= w.aMin && a <= w.aMax && b >= w.bMin && b <= w.bMax) return w;
  const spanA = base.aMax - base.aMin;
  const spanB = base.bMax - base.bMin;
  const ca = (base.aMin + base.aMax) / 2;
  const cb = (base.bMin + base.bMax) / 2;
  if (Math.abs(a - ca) > MAX_GROWTH * spanA || Math.abs(b - cb) > MAX_GROWTH * spanB) return w;
  const mA = (w.aMax - w.aMin) * GROW_MARGIN;
  const mB = (w.bMax - w.bMin) * GROW_MARGIN;
  return {
    aMin: a < w.aMin ? a - mA : w.aMin,
    aMax: a > w.aMax ? a + mA : w.aMax,
    bMin: b < w.bMin ? b - mB : w.bMin,
    bMax: b > w.bMax ? b + mB : w.bMax,
  };
}
