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
 */
export function tangentialForces(v: Float32Array, n: number, dim: number, out: Float32Array): void {
  out.fill(0);
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
    for (let d = 0; d < dim; d++) radial += out[i * dim + d]! * v[i * dim + d]!;
    for (let d = 0; d < dim; d++) out[i * dim + d]! -= radial * v[i * dim + d]!;
  }
}
