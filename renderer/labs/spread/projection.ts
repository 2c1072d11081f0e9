/**
 * D > 3: the current vectors projected onto their top three principal axes, so the view shows
 * the directions in which the set spreads most. Axes come from subspace iteration on the D×D
 * second-moment matrix (the set's mean is near 0 on a spread sphere, so no centring: the
 * projection of a unit vector then stays inside the unit ball), warm-started from the last
 * frame's axes with their signs kept, so the picture turns smoothly instead of flipping.
 * Plain maths, no imports.
 */
const ITERATIONS = 8;
export const PROJECTED_DIM = 3;

export class Projection {
  /** Row-major [3, dim]. */
  private axes: Float64Array | null = null;
  private dim = 0;

  /** Writes the [n, 3] projection of row-major [n, dim] vectors into `out`. */
  project(vectors: Float32Array, n: number, dim: number, out: Float32Array): void {
    if (dim <= PROJECTED_DIM) {
      for (let i = 0; i < n; i++) for (let k = 0; k < PROJECTED_DIM; k++) out[i * 3 + k] = k < dim ? vectors[i * dim + k]! : 0;
      return;
    }
    const c = secondMoment(vectors, n, dim);
    if (!this.axes || this.dim !== dim) {
      this.dim = dim;
      this.axes = new Float64Array(PROJECTED_DIM * dim);
      // Start from the first three coordinate axes; a few more iterations on first use.
      for (let k = 0; k < PROJECTED_DIM; k++) this.axes[k * dim + k] = 1;
      iterate(c, dim, this.axes, ITERATIONS * 4);
    } else {
      const previous = this.axes.slice();
      iterate(c, dim, this.axes, ITERATIONS);
      keepSigns(this.axes, previous, dim);
    }
    const a = this.axes;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < PROJECTED_DIM; k++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += vectors[i * dim + d]! * a[k * dim + d]!;
        out[i * 3 + k] = s;
      }
    }
  }

  reset(): void {
    this.axes = null;
  }
}

function secondMoment(v: Float32Array, n: number, dim: number): Float64Array {
  const c = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let a = 0; a < dim; a++) {
      const va = v[row + a]!;
      if (va === 0) continue;
      for (let b = a; b < dim; b++) c[a * dim + b]! += va * v[row + b]!;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) c[a * dim + b] = c[b * dim + a]!;
  return c;
}

/** Subspace iteration: axes ← orthonormalise(C · axes), `steps` times. */
function iterate(c: Float64Array, dim: number, axes: Float64Array, steps: number): void {
  const next = new Float64Array(axes.length);
  for (let s = 0; s < steps; s++) {
    next.fill(0);
    for (let k = 0; k < PROJECTED_DIM; k++) {
      for (let a = 0; a < dim; a++) {
        let sum = 0;
        for (let b = 0; b < dim; b++) sum += c[a * dim + b]! * axes[k * dim + b]!;
        next[k * dim + a] = sum;
      }
    }
    axes.set(next);
    orthonormalise(axes, dim);
  }
}

/** Gram–Schmidt on the three rows; a row that collapses is replaced by a coordinate axis. */
function orthonormalise(axes: Float64Array, dim: number): void {
  for (let k = 0; k < PROJECTED_DIM; k++) {
    for (let attempt = 0; attempt <= dim; attempt++) {
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += axes[k * dim + d]! * axes[j * dim + d]!;
        for (let d = 0; d < dim; d++) axes[k * dim + d]! -= dot * axes[j * dim + d]!;
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += axes[k * dim + d]! ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-12) {
        for (let d = 0; d < dim; d++) axes[k * dim + d]! /= norm;
        break;
      }
      for (let d = 0; d < dim; d++) axes[k * dim + d] = d === (k + attempt) % dim ? 1 : 0;
    }
  }
}

function keepSigns(axes: Float64Array, previous: Float64Array, dim: number): void {
  for (let k = 0; k < PROJECTED_DIM; k++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += axes[k * dim + d]! * previous[k * dim + d]!;
    if (dot < 0) for (let d = 0; d < dim; d++) axes[k * dim + d] = -axes[k * dim + d]!;
  }
}
