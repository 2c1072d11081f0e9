/**
 * Where every number the window shows (readouts, axis ticks) switches to exponent form: at a
 * million and above, below 1e-4. One cut-off, so a figure reads the same in a table and on the
 * axis beside it.
 */
export function needsExponent(v: number): boolean {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-4);
}

/** Readout numbers: six significant digits, exponent form when very large or small. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  if (needsExponent(v)) return v.toExponential(4).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** A rate for the readouts: whole numbers from 10 up, two significant digits below; "—" unknown. */
export function formatRate(itersPerSecond: number): string {
  if (!(itersPerSecond > 0) || !Number.isFinite(itersPerSecond)) return '— it/s';
  return `${itersPerSecond >= 10 ? formatNumber(Math.round(itersPerSecond)) : Number(itersPerSecond.toPrecision(2))} it/s`;
}
