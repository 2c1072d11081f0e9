/** A growable float64 series: a lane's per-iteration history of one quantity. */
export class Series {
  data = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  /** A copy of the entries [from, to). */
  slice(from: number, to = this.length): Float64Array {
    return this.data.slice(from, Math.min(to, this.length));
  }
}

/** A lane's named series, one entry per iteration each, recorded from the lane's state object. */
export class SeriesRecord<K extends string> {
  private readonly series: Record<K, Series>;

  constructor(private readonly keys: readonly K[]) {
    this.series = Object.fromEntries(keys.map((k) => [k, new Series()])) as Record<K, Series>;
  }

  record(state: Readonly<Record<K, number>>): void {
    for (const k of this.keys) this.series[k].push(state[k]);
  }

  /** Copies of every series for iterations [from, to). */
  slice(from: number, to: number): Record<K, Float64Array> {
    return Object.fromEntries(this.keys.map((k) => [k, this.series[k].slice(from, to)])) as Record<K, Float64Array>;
  }
}
