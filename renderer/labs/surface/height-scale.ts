/**
 * The heights the surface and the contour levels use: f above its minimum over the window,
 * log-compressed, h = log(1 + (f − f_min)/s) / log(1 + (f_max − f_min)/s), so Rosenbrock's
 * valley (f spans four decades over its window) is as visible as a bowl's. The scale s is the
 * lowest tenth of f − f_min over the grid: a bowl stays nearly linear, a function whose values
 * pile up near its minimum is stretched there. Below f_min (a lane escaping down a saddle) the
 * height mirrors, so it keeps falling.
 */
export interface HeightScale {
  fMin: number;
  fMax: number;
  /** Height of f, 0 at f_min and 1 at f_max. */
  height(f: number): number;
  /** f at height t (for contour levels evenly spaced in height, so log-spaced in f). */
  level(t: number): number;
}

export function heightScale(values: ArrayLike<number>): HeightScale {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]!);
  if (finite.length === 0) return { fMin: 0, fMax: 1, height: () => 0, level: (t) => t };
  finite.sort((a, b) => a - b);
  const fMin = finite[0]!;
  const fMax = finite[finite.length - 1]!;
  const range = fMax - fMin;
  if (!(range > 0)) return { fMin, fMax, height: () => 0, level: () => fMin };
  const s = Math.max(finite[Math.floor(finite.length / 10)]! - fMin, range * 1e-9);
  const top = Math.log1p(range / s);
  return {
    fMin,
    fMax,
    height: (f) => {
      const d = f - fMin;
      return (Math.sign(d) * Math.log1p(Math.abs(d) / s)) / top;
    },
    level: (t) => fMin + s * Math.expm1(t * top),
  };
}
