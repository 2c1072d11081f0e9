/**
 * A lane's per-iteration series (one Float64Array per named quantity), appended from frames
 * without reallocating per frame. Runs may be up to a million iterations, so once MAX_ENTRIES
 * are held the history keeps every second entry and doubles its stride: memory stays bounded
 * (2 MB a series) while charts still cover the whole run. The newest and the first values are
 * always exact.
 */
const INITIAL_CAPACITY = 1024;
const MAX_ENTRIES = 1 << 18;

/** A history as a session file keeps it (typed arrays travel raw: see protocol/session.ts). */
export interface SavedHistory {
  keys: string[];
  stride: number;
  lastIteration: number;
  values: Record<string, Float64Array>;
  last: Record<string, number>;
  first: Record<string, number>;
}

export class ThinnedHistory<K extends string> {
  /** Entry k of each series is iteration k * stride. */
  values: Record<K, Float64Array>;
  length = 0;
  stride = 1;
  /** Iteration of the newest values; -1 before the first frame. */
  lastIteration = -1;
  readonly last: Record<K, number>;
  readonly first: Record<K, number>;

  constructor(readonly keys: readonly K[]) {
    this.values = this.empty(INITIAL_CAPACITY);
    this.last = this.nans();
    this.first = this.nans();
  }

  /** Writes iterations from, from+1, …; a `from` at or before the end rewinds (engine reset). */
  append(from: number, batch: Readonly<Record<K, Float64Array>>): void {
    let n = Infinity;
    for (const key of this.keys) n = Math.min(n, batch[key].length);
    if (!(n > 0)) return;
    if (from <= this.lastIteration) this.rewind(from);
    for (let i = 0; i < n; i++) {
      const it = from + i;
      if (it % this.stride !== 0) continue;
      if (it / this.stride >= MAX_ENTRIES) {
        this.halve();
        if (it % this.stride !== 0) continue;
      }
      const k = it / this.stride;
      if (k >= this.values[this.keys[0]!].length) this.grow(Math.min(MAX_ENTRIES, this.values[this.keys[0]!].length * 2));
      for (const key of this.keys) this.values[key][k] = batch[key][i]!;
      this.length = k + 1;
    }
    for (const key of this.keys) {
      if (from === 0) this.first[key] = batch[key][0]!;
      this.last[key] = batch[key][n - 1]!;
    }
    this.lastIteration = from + n - 1;
  }

  save(): SavedHistory {
    return {
      keys: [...this.keys],
      stride: this.stride,
      lastIteration: this.lastIteration,
      values: Object.fromEntries(this.keys.map((k) => [k, this.values[k].slice(0, this.length)])),
      last: { ...this.last },
      first: { ...this.first },
    };
  }

  /**
   * A history read back from a session; keys it does not know are ignored, missing ones read NaN.
   * Throws on a history that cannot be one (no series, bad stride or iteration).
   */
  static load<K extends string>(keys: readonly K[], saved: SavedHistory): ThinnedHistory<K> {
    if (typeof saved !== 'object' || saved === null || typeof saved.values !== 'object' || saved.values === null) throw new Error('a lane has no history');
    const present = keys.filter((k) => saved.values[k] instanceof Float64Array);
    if (!present.length) throw new Error('a lane’s history holds none of its series');
    const stride = saved.stride;
    const lastIteration = saved.lastIteration;
    if (!Number.isInteger(stride) || stride < 1 || !Number.isInteger(lastIteration) || lastIteration < -1) throw new Error('a lane’s history is damaged');
    const length = Math.min(MAX_ENTRIES, ...present.map((k) => saved.values[k]!.length));
    const h = new ThinnedHistory(keys);
    h.values = h.empty(Math.max(INITIAL_CAPACITY, length));
    for (const k of keys) {
      const v = saved.values[k];
      if (v instanceof Float64Array) h.values[k].set(v.subarray(0, length));
      else h.values[k].fill(NaN, 0, length);
      h.last[k] = typeof saved.last?.[k] === 'number' ? saved.last[k]! : NaN;
      h.first[k] = typeof saved.first?.[k] === 'number' ? saved.first[k]! : NaN;
    }
    h.length = length;
    h.stride = stride;
    h.lastIteration = lastIteration;
    return h;
  }

  /** A value at an iteration (the nearest stored entry at or before it). */
  at(key: K, iteration: number): number {
    if (iteration >= this.lastIteration) return this.last[key];
    const k = Math.min(this.length - 1, Math.floor(iteration / this.stride));
    return k >= 0 ? this.values[key][k]! : NaN;
  }

  private rewind(from: number): void {
    if (from <= 0) {
      // Back to the start (an engine reset): as good as new, stride and buffers included, so a
      // reset after a long run records every iteration again.
      this.values = this.empty(INITIAL_CAPACITY);
      this.length = 0;
      this.stride = 1;
      this.lastIteration = -1;
      Object.assign(this.last, this.nans());
      Object.assign(this.first, this.nans());
      return;
    }
    this.length = Math.min(this.length, Math.ceil(from / this.stride));
    this.lastIteration = from - 1;
    const k = this.length - 1;
    for (const key of this.keys) this.last[key] = k >= 0 ? this.values[key][k]! : NaN;
  }

  private grow(capacity: number): void {
    const next = this.empty(capacity);
    for (const key of this.keys) next[key].set(this.values[key].subarray(0, this.length));
    this.values = next;
  }

  private halve(): void {
    const half = Math.ceil(this.length / 2);
    for (const key of this.keys) {
      const v = this.values[key];
      for (let k = 0; k < half; k++) v[k] = v[2 * k]!;
    }
    this.length = half;
    this.stride *= 2;
  }

  private empty(capacity: number): Record<K, Float64Array> {
    return Object.fromEntries(this.keys.map((k) => [k, new Float64Array(capacity)])) as Record<K, Float64Array>;
  }

  private nans(): Record<K, number> {
    return Object.fromEntries(this.keys.map((k) => [k, NaN])) as Record<K, number>;
  }
}
