/**
 * Nearest-neighbour edges and net repulsion for drawing (D = 3): O(N²) per call, so the views
 * ask for them only when shown and only when the vectors change. Plain maths, no imports.
 */

/** For each vector the index of its nearest neighbour (largest cosine). */
export function nearestNeighbours(v: Float32Array, n: number, dim: number, out: Int32Array): void {
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let at = i;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += v[i * dim + d]! * v[j * dim + d]!;
      if (dot > best) {
        best = dot;
        at = j;
      }
    }
    out[i] = at;
  }
}

/**
 * The net Coulomb (1/r²) force on each vector from all others, with its radial part removed:
 * the tangential push the article's force loss sums up. Written as [n, dim] into `out`.
 * Returns the mean size of the whole (radial and tangential) force, the scale arrows are drawn
 * against: at equilibrium the tangential parts vanish beside it.
 */
export function tangentialForces(v: Float32Array, n: number, dim: number, out: Float32Array): number {
  out.fill(0);
  let total = 0;
  const diff = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let r2 = 0;
      for (let d = 0; d < dim; d++) {
        diff[d] = v[i * dim + d]! - v[j * dim + d]!;
        r2 += diff[d]! ** 2;
      }
      const w = 1 / Math.max(1e-12, r2 * Math.sqrt(r2));
      for (let d = 0; d < dim; d++) out[i * dim + d]! += diff[d]! * w;
    }
    let radial = 0;
    let size = 0;
    for (let d = 0; d < dim; d++) {
      radial += out[i * dim + d]! * v[i * dim + d]!;
      size += out[i * dim + d]! ** 2;
    }
    total += Math.sqrt(size);
    for (let d = 0; d < dim; d++) out[i * dim + d]! -= radial * v[i * dim + d]!;
  }
  return n > 0 ? total / n : 0;
}

/** Counts of pairwise angles in `bins` equal bins over 0–180°, each pair once. */
export function angleHistogram(v: Float32Array, n: number, dim: number, bins: number): Float64Array {
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += v[i * dim + d]! * v[j * dim + d]!;
      const theta = Math.acos(Math.max(-1, Math.min(1, dot)));
      counts[Math.min(bins - 1, Math.floor((theta / Math.PI) * bins))]!++;
    }
  }
  return counts;
}
