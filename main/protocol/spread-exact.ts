/**
 * Float64 answers for the Spread lab, in plain JavaScript (no imports: the engine, the CLI and
 * the window's readouts share it): metrics of a set of vectors, and a polish of a Riesz-energy
 * minimum. O(N²·D) per pass, for final figures (N = 32, D = 3 is ~1,500 pairs: microseconds);
 * the readouts use it at most ten times a second, and only for sets small enough.
 */

export function meanAndVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2;
  return { mean, variance: variance / n };
}

export interface ExactSpreadMetrics {
  minAngleDeg: number;
  /** Coulomb energy Σ_pairs 1/d. */
  energy: number;
  /** Σ_pairs d^−s for the s asked for. */
  rieszEnergy: number;
  nnMeanDeg: number;
  nnStdDeg: number;
}

function unitCopy(v: ArrayLike<number>, n: number, dim: number): Float64Array {
  const u = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += v[i * dim + d]! ** 2;
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) u[i * dim + d] = v[i * dim + d]! / norm;
  }
  return u;
}

/**
 * Exact float64 metrics of one set of vectors (row-major [n, dim], normalised here): minimum
 * angle, nearest-neighbour angle statistics and energies. Angles come from chord lengths
 * (θ = 2·asin(d/2)), which keep their digits at small angles where acos(cos) does not.
 */
export function exactSpreadMetrics(v: ArrayLike<number>, n: number, dim: number, s = 1): ExactSpreadMetrics {
  const u = unitCopy(v, n, dim);
  const nnDist2 = new Float64Array(n).fill(Infinity);
  let energy = 0;
  let riesz = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dist2 = 0;
      for (let d = 0; d < dim; d++) dist2 += (u[i * dim + d]! - u[j * dim + d]!) ** 2;
      if (dist2 < nnDist2[i]!) nnDist2[i] = dist2;
      if (dist2 < nnDist2[j]!) nnDist2[j] = dist2;
      const dist = Math.sqrt(dist2);
      energy += 1 / dist;
      riesz += s === 1 ? 1 / dist : dist ** -s;
    }
  }
  const nn = Array.from(nnDist2, (d2) => 2 * Math.asin(Math.min(1, Math.sqrt(d2) / 2)));
  const { mean, variance } = meanAndVariance(nn);
  const deg = 180 / Math.PI;
  return {
    minAngleDeg: Math.min(...nn) * deg,
    energy,
    rieszEnergy: riesz,
    nnMeanDeg: mean * deg,
    nnStdDeg: Math.sqrt(variance) * deg,
  };
}

/** Riesz s-energy of unit rows and, into `grad`, its gradient projected on each tangent plane. */
function energyAndTangentGradient(u: Float64Array, n: number, dim: number, s: number, grad: Float64Array): number {
  grad.fill(0);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dist2 = 0;
      for (let d = 0; d < dim; d++) dist2 += (u[i * dim + d]! - u[j * dim + d]!) ** 2;
      const e = dist2 ** (-s / 2);
      energy += e;
      // ∂(d^−s)/∂u_i = −s·d^−(s+2)·(u_i − u_j)
      const w = (s * e) / dist2;
      for (let d = 0; d < dim; d++) {
        const diff = u[i * dim + d]! - u[j * dim + d]!;
        grad[i * dim + d]! -= w * diff;
        grad[j * dim + d]! += w * diff;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    let radial = 0;
    for (let d = 0; d < dim; d++) radial += grad[i * dim + d]! * u[i * dim + d]!;
    for (let d = 0; d < dim; d++) grad[i * dim + d]! -= radial * u[i * dim + d]!;
  }
  return energy;
}

export interface PolishResult {
  vectors: Float64Array;
  /** Riesz s-energy before and after. */
  before: number;
  energy: number;
  steps: number;
}

/**
 * Float64 Riemannian gradient descent on the Riesz s-energy (Coulomb for s = 1) with an
 * adaptive step: a step that lowers the energy is kept and the next one is 1.5× longer, one that
 * does not is halved and retried. It stops when the energy stops falling. float32 tfjs steps
 * bring a Thomson minimum to a few 1e-8 relative; this reaches float64's ~1e-15 for the figures
 * compared with published tables. It only descends: it finds the bottom of the basin the tfjs
 * run reached, never a different one.
 */
export function polishEnergy(v: ArrayLike<number>, n: number, dim: number, s = 1, maxSteps = 20_000): PolishResult {
  let u: Float64Array = unitCopy(v, n, dim);
  let trial: Float64Array = new Float64Array(n * dim);
  const grad = new Float64Array(n * dim);
  const scratch = new Float64Array(n * dim);
  let energy = energyAndTangentGradient(u, n, dim, s, grad);
  const before = energy;
  let stepSize = 1e-3 / Math.max(1, n);
  let steps = 0;
  let stalls = 0;
  for (; steps < maxSteps && stalls < 60; steps++) {
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        const k = i * dim + d;
        trial[k] = u[k]! - stepSize * grad[k]!;
        norm += trial[k]! ** 2;
      }
      norm = Math.sqrt(norm);
      for (let d = 0; d < dim; d++) trial[i * dim + d]! /= norm;
    }
    const e = energyAndTangentGradient(trial, n, dim, s, scratch);
    if (e < energy) {
      [u, trial] = [trial, u];
      grad.set(scratch);
      stalls = energy - e > energy * 1e-16 ? 0 : stalls + 1;
      energy = e;
      stepSize *= 1.5;
    } else {
      stepSize /= 2;
      stalls++;
    }
  }
  return { vectors: u, before, energy, steps };
}
