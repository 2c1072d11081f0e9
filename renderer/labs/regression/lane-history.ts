/**
 * One lane's loss and (slope, intercept) path, appended from frames without reallocating per
 * frame. Runs may be up to a million iterations, so once MAX_ENTRIES are held the history keeps
 * every second entry and doubles its stride: memory stays bounded (≈6 MB a lane) while the
 * chart and contour path still cover the whole run. The latest iteration is always exact.
 */
const INITIAL_CAPACITY = 1024;
const MAX_ENTRIES = 1 << 18;

export class LaneHistory {
  loss = new Float64Array(INITIAL_CAPACITY);
  slope = new Float64Array(INITIAL_CAPACITY);
  intercept = new Float64Array(INITIAL_CAPACITY);
  /** Stored entries; entry k is iteration k * stride. */
  length = 0;
  stride = 1;
  /** Iteration of the newest values below; -1 before the first frame. */
  lastIteration = -1;
  lastLoss = NaN;
  lastSlope = NaN;
  lastIntercept = NaN;
  firstLoss = NaN;
  firstSlope = NaN;
  firstIntercept = NaN;

  /** Writes iterations from, from+1, …; a `from` at or before the end rewinds (engine reset). */
  append(from: number, loss: Float64Array, slope: Float64Array, intercept: Float64Array): void {
    const n = Math.min(loss.length, slope.length, intercept.length);
    if (n === 0) return;
    if (from <= this.lastIteration) this.rewind(from);
    for (let i = 0; i < n; i++) {
      const it = from + i;
      if (it % this.stride !== 0) continue;
      const k = it / this.stride;
      if (k >= MAX_ENTRIES) {
        this.halve();
        if (it % this.stride !== 0) continue;
      }
      this.put(it / this.stride, loss[i]!, slope[i]!, intercept[i]!);
    }
    if (from === 0) {
      this.firstLoss = loss[0]!;
      this.firstSlope = slope[0]!;
      this.firstIntercept = intercept[0]!;
    }
    this.lastIteration = from + n - 1;
    this.lastLoss = loss[n - 1]!;
    this.lastSlope = slope[n - 1]!;
    this.lastIntercept = intercept[n - 1]!;
  }

  /** Loss at an iteration (nearest stored entry at or before it). */
  lossAt(iteration: number): number {
    if (iteration >= this.lastIteration) return this.lastLoss;
    const k = Math.min(this.length - 1, Math.floor(iteration / this.stride));
    return k >= 0 ? this.loss[k]! : NaN;
  }

  private put(k: number, loss: number, slope: number, intercept: number): void {
    if (k >= this.loss.length) this.grow(Math.min(MAX_ENTRIES, this.loss.length * 2));
    this.loss[k] = loss;
    this.slope[k] = slope;
    this.intercept[k] = intercept;
    this.length = k + 1;
  }

  private rewind(from: number): void {
    if (from <= 0) {
      // Back to the start (an engine reset): as good as new, stride and buffers included, so a
      // reset after a long run records every iteration again.
      this.clear();
      return;
    }
    this.length = Math.min(this.length, Math.ceil(from / this.stride));
    this.lastIteration = from - 1;
    const k = this.length - 1;
    this.lastLoss = k >= 0 ? this.loss[k]! : NaN;
    this.lastSlope = k >= 0 ? this.slope[k]! : NaN;
    this.lastIntercept = k >= 0 ? this.intercept[k]! : NaN;
  }

  private clear(): void {
    this.loss = new Float64Array(INITIAL_CAPACITY);
    this.slope = new Float64Array(INITIAL_CAPACITY);
    this.intercept = new Float64Array(INITIAL_CAPACITY);
    this.length = 0;
    this.stride = 1;
    this.lastIteration = -1;
    this.lastLoss = this.lastSlope = this.lastIntercept = NaN;
    this.firstLoss = this.firstSlope = this.firstIntercept = NaN;
  }

  private grow(capacity: number): void {
    for (const key of ['loss', 'slope', 'intercept'] as const) {
      const next = new Float64Array(capacity);
      next.set(this[key].subarray(0, this.length));
      this[key] = next;
    }
  }

  private halve(): void {
    const half = Math.ceil(this.length / 2);
    for (let k = 0; k < half; k++) {
      this.loss[k] = this.loss[2 * k]!;
      this.slope[k] = this.slope[2 * k]!;
      this.intercept[k] = this.intercept[2 * k]!;
    }
    this.length = half;
    this.stride *= 2;
  }
}
