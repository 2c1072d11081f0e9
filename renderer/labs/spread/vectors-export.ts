/** A lane's vectors as the files the lab exports: CSV (one vector a row) and JSON. */
export function vectorsCsv(v: Float32Array, n: number, dim: number): string {
  const header = Array.from({ length: dim }, (_, d) => `x${d + 1}`).join(',');
  const rows = [header];
  for (let i = 0; i < n; i++) rows.push(Array.from(v.subarray(i * dim, (i + 1) * dim), (x) => String(x)).join(','));
  return rows.join('\n') + '\n';
}

export function vectorsJson(v: Float32Array, n: number, dim: number, about: Record<string, unknown>): string {
  const vectors = Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * dim, (i + 1) * dim)));
  return JSON.stringify({ ...about, n, dim, vectors }, null, 1) + '\n';
}
