import { needsExponent } from './format-number';

/** Round tick values (1, 2, 5 × 10ⁿ steps) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) return [];
  const rough = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / mag;
  const step = (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return ticks;
}

/** A plain label without float noise (0.30000000000000004). */
const plain = (v: number): string => String(Number(v.toPrecision(6)));

/**
 * Labels for one axis in one style: scientific for all of them when any would need it (very
 * large or small) or when they span four decades or more, plain otherwise. Mixed styles
 * (1.0e6 above 10000) read as a different scale. Scientific labels get the fewest digits that
 * keep neighbours apart.
 */
export function formatTicks(values: readonly number[]): string[] {
  const mags = values.filter((v) => Number.isFinite(v) && v !== 0).map((v) => Math.abs(v));
  if (mags.length === 0) return values.map((v) => (Number.isFinite(v) ? plain(v) : ''));
  const lo = Math.min(...mags);
  const hi = Math.max(...mags);
  const scientific = needsExponent(hi) || needsExponent(lo) || hi / lo >= 1e4;
  if (!scientific) return values.map((v) => (Number.isFinite(v) ? plain(v) : ''));
  for (let digits = 0; ; digits++) {
    const labels = values.map((v) => (!Number.isFinite(v) ? '' : v === 0 ? '0' : v.toExponential(digits).replace('e+', 'e')));
    if (digits >= 6 || new Set(labels).size === new Set(values).size) return labels;
  }
}
