/**
 * Spread lab: N unit vectors in D dimensions pushed apart by gradient descent. The lab holds
 * the problem (every lane's start, R restarts of N vectors) and the pair constants its lanes
 * share; spread-lane.ts steps a lane, spread-ops.ts holds the tensor maths and its custom
 * gradients, spread-metrics.ts what is measured after each step.
 */
import * as tf from '@tensorflow/tfjs';
import { spreadSizeProblem, type SpreadLossName } from '../../protocol/spread';
import { mulberry32 } from '../random';
import { SpreadLane, type SpreadLaneSpec } from './spread-lane';
import { pairConstants, type PairConstants } from './spread-ops';

export { exactSpreadMetrics, polishEnergy } from '../../protocol/spread-exact';
export type { SpreadLane, SpreadLaneSpec } from './spread-lane';

export interface SpreadProblemSpec {
  n: number;
  dim: number;
  /** Start vectors, row-major [n, dim] (normalised here); otherwise a seeded random start. */
  init?: Float64Array;
}

/** Seeded standard normal start on the sphere, the same for every lane and backend. */
export function randomUnitVectors(count: number, dim: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const out = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      // Box–Muller; 1 − u keeps the log away from 0.
      const v = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      out[i * dim + d] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) out[i * dim + d]! /= norm;
  }
  return out;
}

export class SpreadLab {
  readonly n: number;
  readonly dim: number;
  readonly restarts: number;
  /** Row-major [restarts, n, dim], unit rows: every lane's start. */
  readonly start: Float32Array;
  private readonly consts: PairConstants;

  constructor(problem: SpreadProblemSpec, seed: number, restarts = 1) {
    const size = spreadSizeProblem(problem.n, problem.dim, restarts);
    if (size) throw new RangeError(size);
    this.n = problem.n;
    this.dim = problem.dim;
    this.restarts = restarts;
    const perRestart = problem.n * problem.dim;
    this.start = new Float32Array(restarts * perRestart);
    for (let r = 0; r < restarts; r++) {
      // Restart 0 is the given set (or the seed's); later restarts draw from seed + r.
      const set = r === 0 && problem.init ? normalisedCopy(problem.init, problem.n, problem.dim) : randomUnitVectors(problem.n, problem.dim, seed + r);
      this.start.set(set, r * perRestart);
    }
    this.consts = pairConstants(problem.n);
  }

  createLane(spec: SpreadLaneSpec, seed: number): SpreadLane {
    return new SpreadLane(this, spec, seed, this.constantsFor(spec.loss));
  }

  /** The pair constants a loss needs (the angles' 2·I made with the first angle lane or sweep); the lab owns them. */
  constantsFor(loss: SpreadLossName): PairConstants {
    if ((loss === 'min-angle' || loss === 'min-angle-variance') && !this.consts.twoEye) {
      this.consts.twoEye = tf.tidy(() => tf.mul(tf.eye(this.n), 2) as tf.Tensor2D);
    }
    return this.consts;
  }

  dispose(): void {
    tf.dispose([this.consts.bias, this.consts.floorAndDiagonal]);
    this.consts.twoEye?.dispose();
    this.consts.twoEye = undefined;
  }
}

function normalisedCopy(v: Float64Array, n: number, dim: number): Float64Array {
  if (v.length !== n * dim) throw new RangeError(`expected ${n} × ${dim} = ${n * dim} numbers, got ${v.length}`);
  const out = new Float64Array(v);
  for (let i = 0; i < n; i++) {
    // Scaled by the largest entry, so neither 1e200 nor 1e-200 entries overflow or vanish.
    let scale = 0;
    for (let d = 0; d < dim; d++) scale = Math.max(scale, Math.abs(out[i * dim + d]!));
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`vector ${i + 1} has zero or non-finite length`);
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (out[i * dim + d]! / scale) ** 2;
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) out[i * dim + d] = out[i * dim + d]! / scale / norm;
  }
  return out;
}
