/** A lane's vectors as the files the lab exports: CSV (one vector a row) and JSON. */
import { csvText } from '../../export/csv-text';

/** `about`: the lane, its iteration and the run card, as the file's leading comment lines. */
export function vectorsCsv(v: Float32Array, n: number, dim: number, about: Record<string, unknown> | null = null): string {
  const header = Array.from({ length: dim }, (_, d) => `x${d + 1}`);
  return csvText(header, Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * dim, (i + 1) * dim))), about);
}

export function vectorsJson(v: Float32Array, n: number, dim: number, about: Record<string, unknown>): string {
  const vectors = Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * dim, (i + 1) * dim)));
  return JSON.stringify({ ...about, n, dim, vectors }, null, 1) + '\n';
}
