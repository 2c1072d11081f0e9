/**
 * The learning-rate range test: one lane from the lab's start, its rate growing exponentially
 * from 1e-7 to 10 over 100 steps, the loss recorded after each step; and the rate it suggests.
 * Plain data and pure functions, shared by the engine (which runs it), the CLI and the page
 * (which draws it).
 */
export const LR_FINDER = { minRate: 1e-7, maxRate: 10, steps: 100 } as const;
/** A positive loss has blown up once it passes this many times its lowest so far (see blownUp). */
export const BLOW_UP_FACTOR = 4;

/** Rate of step k of the test (0 = the first): minRate · (maxRate/minRate)^(k/(steps − 1)). */
export function finderRates(minRate: number = LR_FINDER.minRate, maxRate: number = LR_FINDER.maxRate, steps: number = LR_FINDER.steps): number[] {
  if (!(minRate > 0 && maxRate > minRate && Number.isFinite(maxRate))) throw new RangeError(`the range test needs 0 < minimum rate < maximum rate, got ${minRate} and ${maxRate}`);
  if (!(Number.isInteger(steps) && steps >= 2)) throw new RangeError(`the range test needs at least 2 steps, got ${steps}`);
  return Array.from({ length: steps }, (_, k) => minRate * (maxRate / minRate) ** (k / (steps - 1)));
}

/**
 * Whether a loss has blown up (or is not a number): risen above the lowest so far by
 * (BLOW_UP_FACTOR − 1) × the larger of that lowest's size and the fall to it from the start.
 * A positive loss that has fallen less than its lowest has blown up past 4× its lowest; one
 * that has fallen far must climb three times its fall; a negative loss (the Spread lab's
 * angles) is measured the same way, by size.
 */
export function blownUp(loss: number, lowest: number, start: number): boolean {
  return !Number.isFinite(loss) || loss - lowest > (BLOW_UP_FACTOR - 1) * Math.max(Math.abs(lowest), start - lowest);
}

/** The suggestion is the rate where the smoothed loss bottoms out, divided by this. */
export const SUGGESTION_DIVISOR = 3;

/**
 * The suggested rate: a third of the rate at which the smoothed loss bottoms out before it
 * blows up. The steepest part of the fall lies just below that bottom: for gradient descent on
 * a quadratic of curvature h the test's loss bottoms out near 2/h (past it every step grows
 * the error), a third of which is within a factor of 2 of the ideal fixed rate 1/h. (Taking
 * the steepest fall itself, as fastai's `steep` does, was measured 3.5–20× below the best rate
 * of a sweep on this app's problems: the test's loss falls fastest long before the rate is
 * right, because every earlier step has already moved it.) `start` is the loss before the
 * first step; losses[k] the loss after the step at rates[k]; the loss is smoothed by a
 * centred running mean over `window` steps. null when the loss never fell below its start.
 */
export function suggestLearningRate(rates: readonly number[], losses: readonly number[], start: number, window = 3): number | null {
  const n = Math.min(rates.length, losses.length);
  let lowest = start;
  let end = 0;
  for (; end < n && !blownUp(losses[end]!, lowest, start); end++) lowest = Math.min(lowest, losses[end]!);
  if (end < 1) return null;
  const kept = losses.slice(0, end);
  const half = Math.floor(window / 2);
  const smooth = kept.map((_, i) => {
    let sum = 0;
    let count = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(kept.length - 1, i + half); j++, count++) sum += kept[j]!;
    return sum / count;
  });
  let at = 0;
  for (let k = 1; k < end; k++) if (smooth[k]! < smooth[at]!) at = k;
  return smooth[at]! < start ? rates[at]! / SUGGESTION_DIVISOR : null;
}
