/**
 * The article's start (slope 6.0411, intercept −180) suits the height/weight sample only; on
 * other data it can miss the plot entirely, leaving nothing to drag. When the start line passes
 * above or below every point, a flat line through the mean of y replaces it.
 */
export function fallbackStartLine(
  x: Float64Array,
  y: Float64Array,
  slope: number,
  intercept: number,
): { slope: number; intercept: number } | null {
  if (x.length === 0) return null;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  let ySum = 0;
  for (let i = 0; i < x.length; i++) {
    xMin = Math.min(xMin, x[i]!);
    xMax = Math.max(xMax, x[i]!);
    yMin = Math.min(yMin, y[i]!);
    yMax = Math.max(yMax, y[i]!);
    ySum += y[i]!;
  }
  const a = slope * xMin + intercept;
  const b = slope * xMax + intercept;
  const misses = (a > yMax && b > yMax) || (a < yMin && b < yMin);
  if (!misses) return null;
  return { slope: 0, intercept: Number((ySum / x.length).toPrecision(3)) };
}
