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

  /** A copy of the entries from `from` on. */
  slice(from: number): Float64Array {
    return this.data.slice(from, this.length);
  }
}
