/**
 * Spread lab: N unit vectors in D dimensions pushed apart by gradient descent. The vectors of
 * R independent restarts are one [R, N, D] variable, so every loss is one pass over the batched
 * N×N pair matrices (never a loop over pairs in JavaScript) and R restarts cost one step's ops.
 * Every tf.train optimizer updates element by element, so summing the restarts' losses keeps
 * them independent. Gradients are tangent to the sphere, and after every step the vectors are
 * renormalised onto it.
 *
 * Two kinds of step:
 * - energies (coulomb, riesz) use their closed-form gradient, s·P(W·X) with W = d^−(s+2) and P
 *   the projection on each vector's tangent plane (checked against finite differences in the
 *   tests). The pair weights W are built while measuring the vectors after each step and kept
 *   for the next, so one step is 7 passes over N² numbers and two matMuls.
 * - angle losses and the force loss are differentiated by tfjs (tf.variableGrads), through a
 *   clamped acos and angle minima that carry their own gradients (see angleMinima).
 * After each step one packed readback (R·N nearest-neighbour chords and a few sums per restart)
 * gives the loss, minimum angle, Coulomb energy and nearest-neighbour statistics in float64.
 *
 * Wasm's batched matMul is ~30× slower with transposeB than with a transposed copy of B
 * (N = 1000, D = 3: 15 ms vs 0.45 ms), so Gram matrices multiply by an explicit transpose.
 */
import * as tf from '@tensorflow/tfjs';
import type { LaneStatus } from '../../protocol/messages';
import type { OptimizerName } from '../../protocol/optimizers';
import { OPTIMIZER_SPECS } from '../../protocol/optimizers';
import {
  SPREAD_LIMITS,
  SPREAD_LOSS_SPECS,
  spreadSizeProblem,
  type SpreadLossName,
  type SpreadLossSettings,
} from '../../protocol/spread';
import { createOptimizer } from '../optimizers';
import { mulberry32 } from '../random';
import { exactSpreadMetrics, meanAndVariance, type ExactSpreadMetrics } from '../../protocol/spread-exact';

export { exactSpreadMetrics, meanAndVariance, polishEnergy, type ExactSpreadMetrics } from '../../protocol/spread-exact';

/**
 * acos never sees |x| ≥ 1: cosines are clamped to [COS_FLOOR, COS_LIMIT]. At the top (pairs
 * closer than 0.081°) the slope is held at its value there (≈ −707) rather than cut to zero, so
 * a near-coincident pair is still pushed apart; at the bottom the slope is zero, which is what
 * keeps the diagonal (placed at −1) out of the gradient. The bottom clamp caps an antipodal pair
 * at 180° − 0.028°, the closest float32 allows; only N = 2 ever has one as its minimum.
 */
const COS_LIMIT = 1 - 1e-6;
const COS_FLOOR = -1 + 2 ** -23;

const clampedAcos = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const c = tf.clipByValue(x, COS_FLOOR, COS_LIMIT);
  save([x, c]);
  return {
    value: tf.acos(c),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, clamped] = saved as [tf.Tensor, tf.Tensor];
      const slope = tf.neg(tf.rsqrt(tf.sub(1, tf.square(clamped))));
      // tf.step, not a comparison: wasm's comparisons cost ~20× a multiply.
      return tf.mul(dy, tf.mul(slope, tf.step(tf.sub(input, COS_FLOOR))));
    },
  };
});
/**
 * Squared chords are floored here. Float32 2 − 2·cos loses everything below ~2.4e-7 to
 * cancellation, and coincident vectors would give d = 0; at the floor a pair's weight d⁻³ is
 * 1e9, large and finite.
 */
export const MIN_CHORD_SQ = 1e-6;
/** Squared chord put on the diagonal: above every real pair's (≤ 4), so row minima skip it. */
const DIAGONAL_CHORD_SQ = 5;

/**
 * Softened-minimum cooling: temperature and learning rate both fall by this factor per step,
 * down to COOLED_FRACTION of their start (reached after ≈ 3,450 steps). Measured on the Tammes
 * table with Adam at 0.01 and 16 restarts of 4,000 steps (`bench-spread.ts --reference`,
 * wasm): from 1° every N = 2…24 ends within 0.006° of the published angle (N = 13, the hard
 * one, in 1 restart of 16; most N in 10–16). From 5° the same schedule left all 16 restarts of
 * N = 13 0.33–0.66° short (the warmer minimum settles into other basins); ×0.999 per step has
 * not cooled by 4,000 steps (0.004–0.008° short); ×0.997 does as well as 0.998. The article's
 * hard minimum (temperature 0, no cooling) stays 0.5–1.5° short at 0.01 and 0.06–0.6° at 0.001:
 * its gradient moves one pair at a time and Adam's steps never shrink.
 */
export const COOLING_PER_STEP = 0.998;
export const COOLED_FRACTION = 1e-3;

export interface SpreadProblemSpec {
  n: number;
  dim: number;
  /** Start vectors, row-major [n, dim] (normalised here); otherwise a seeded random start. */
  init?: Float64Array;
}

export interface SpreadLaneSpec extends SpreadLossSettings {
  id: string;
  optimizer: OptimizerName;
  params: Record<string, number>;
  label?: string;
  /** Per-step cooling of a softened minimum (default COOLING_PER_STEP). */
  coolingPerStep?: number;
  /** Floor of the cooling, a fraction of the start (default COOLED_FRACTION). */
  cooledFraction?: number;
}

/** What one iteration records per lane (restart 0 in the app, which runs one restart). */
export interface SpreadState {
  /** The lane's own loss, hard minimum (no softening), at the current vectors. */
  loss: number;
  minAngleDeg: number;
  /** Coulomb energy Σ 1/r over pairs. */
  energy: number;
  nnMeanDeg: number;
  nnStdDeg: number;
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

function unitRows(x: tf.Tensor3D): tf.Tensor3D {
  return tf.mul(x, tf.rsqrt(tf.sum(tf.square(x), -1, true)));
}

function transposeRows(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/** Gram matrices of the rows, [R, N, N]. */
function gram(u: tf.Tensor3D): tf.Tensor3D {
  return tf.matMul(u, transposeRows(u));
}

/** Projects each row of g on the tangent plane at the matching unit row of u: g − (g·u)u. */
function tangent(g: tf.Tensor3D, u: tf.Tensor3D): tf.Tensor3D {
  return tf.sub(g, tf.mul(tf.sum(tf.mul(g, u), -1, true), u));
}

/** Pairwise angles with the diagonal at π, so row and global minima see only real pairs. */
function angles(g: tf.Tensor3D, twoEye: tf.Tensor2D): tf.Tensor3D {
  return clampedAcos(tf.sub(g, twoEye)) as tf.Tensor3D;
}

/**
 * Minima of each restart's angle matrix θ [R, N, N] as one tensor [R, 1 + N]: column 0 the
 * minimum over the whole matrix, then each row's (each vector's nearest neighbour). Hard when
 * t = 0, else softened: −t·log Σ exp(−θ/t) over the same entries.
 *
 * Written out with its gradient rather than left to tfjs: tf.logSumExp's and tf.min's gradients
 * compare every entry with the minimum (Equal, broadcast), which tfjs-wasm runs at ~0.5 µs per
 * entry, 200 ms of a 240 ms min-angle step at N = 1,000. Here the gradient is the softmax
 * weights (t > 0) or the mask of minimal entries (t = 0) times one scale per row: one pass over
 * N², no comparisons (masks come from tf.step). Each row is stabilised by its own minimum, so a
 * cold temperature (1e-5 rad) underflows no row. The matrix is symmetric, so the hard overall
 * minimum always ties θ_ij with θ_ji; its gradient is halved so the pair is not counted twice.
 */
function angleMinima(theta: tf.Tensor3D, t: number): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor3D, tf.GradSaveFunc];
    const rowMin = tf.min(x, 2, true); // [R, N, 1]
    const min = tf.min(rowMin, 1, true); // [R, 1, 1]
    let rows: tf.Tensor;
    let overall: tf.Tensor;
    let weights: tf.Tensor; // [R, N, N]: ∂(row minimum)/∂θ
    let overallPerRow: tf.Tensor; // [R, N, 1]: ∂(overall)/∂θ = weights × this
    if (t > 0) {
      weights = tf.exp(tf.mul(tf.sub(rowMin, x), 1 / t));
      const rowSum = tf.sum(weights, 2, true);
      rows = tf.sub(rowMin, tf.mul(tf.log(rowSum), t));
      const rowScale = tf.mul(tf.exp(tf.mul(tf.sub(min, rowMin), 1 / t)), rowSum); // row sums on the overall scale
      const total = tf.sum(rowScale, 1, true);
      overall = tf.sub(min, tf.mul(tf.log(total), t));
      overallPerRow = tf.div(rowScale, total);
      weights = tf.div(weights, rowSum);
    } else {
      weights = tf.sub(1, tf.step(tf.sub(x, rowMin))); // 1 where θ is its row's minimum
      rows = rowMin;
      overall = min;
      overallPerRow = tf.mul(tf.sub(1, tf.step(tf.sub(rowMin, min))), 0.5);
    }
    save([weights, overallPerRow]);
    const r = x.shape[0];
    return {
      value: tf.concat([tf.reshape(overall, [r, 1]), tf.reshape(rows, [r, -1])], 1) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [w, perRow] = saved as [tf.Tensor, tf.Tensor];
        const n = w.shape[1]!;
        const dOverall = tf.reshape(tf.slice(dy, [0, 0], [-1, 1]), [r, 1, 1]);
        const dRows = tf.reshape(tf.slice(dy, [0, 1], [-1, n]), [r, n, 1]);
        return tf.mul(w, tf.add(tf.mul(dOverall, perRow), dRows));
      },
    };
  });
  return op(theta) as tf.Tensor2D;
}

/**
 * Per restart: −(min angle) or −(min angle − 0.4·var(nearest-neighbour angle)), summed. The
 * softened minimum over the whole matrix counts each pair twice, which only shifts it by t·log 2.
 */
function angleLoss(theta: tf.Tensor3D, t: number, variance: boolean): tf.Scalar {
  const minima = angleMinima(theta, t);
  const minAngle = tf.slice(minima, [0, 0], [-1, 1]);
  if (!variance) return tf.neg(tf.sum(minAngle)) as tf.Scalar;
  const nn = tf.slice(minima, [0, 1], [-1, -1]); // [R, N]
  const { variance: v } = tf.moments(nn, [1], true);
  return tf.neg(tf.sum(tf.sub(minAngle, tf.mul(v, 0.4)))) as tf.Scalar;
}

/**
 * The article's force loss, Σ_i |F_t,i|, per restart [R]. F_i = Σ_j (u_i − u_j)/|u_i − u_j|³
 * = u_i·Σ_j W_ij − (W·U)_i with W = d⁻³; the first term and the diagonal's W_ii·u_i are radial,
 * so the tangential part is −P(W·U): N² memory, not N²·D, and no mask.
 */
function forcePerRestart(u: tf.Tensor3D, d2: tf.Tensor3D): tf.Tensor1D {
  const w = tf.mul(tf.rsqrt(d2), tf.reciprocal(d2));
  const f = tangent(tf.matMul(w, u), u);
  return tf.sum(tf.sqrt(tf.add(tf.sum(tf.square(f), -1), 1e-30)), -1);
}

/** Squared chords max(2 − 2·u_i·u_j, floor) with the diagonal at DIAGONAL_CHORD_SQ, [R, N, N]. */
function chordsSq(u: tf.Tensor3D, consts: PairConstants): tf.Tensor3D {
  // One fused matMul gives relu(2 − floor − 2·G); the add restores the floor and sets the diagonal.
  const raw = tf.fused.matMul({ a: tf.mul(u, -2), b: transposeRows(u), bias: consts.bias, activation: 'relu' });
  return tf.add(raw, consts.floorAndDiagonal);
}

interface PairConstants {
  /** [N] of 2 − floor: the fused matMul's bias (wasm takes rank-1 biases only). */
  bias: tf.Tensor1D;
  /** [N, N]: floor off the diagonal, floor + DIAGONAL_CHORD_SQ on it. */
  floorAndDiagonal: tf.Tensor2D;
  /** [N, N]: 2 on the diagonal, for angles; made with the first angle lane (64 MiB at N = 4096). */
  twoEye?: tf.Tensor2D;
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
    const n = problem.n;
    this.consts = tf.tidy(() => {
      const eye = tf.eye(n);
      return {
        bias: tf.fill([n], 2 - MIN_CHORD_SQ) as tf.Tensor1D,
        floorAndDiagonal: tf.add(tf.mul(eye, DIAGONAL_CHORD_SQ), MIN_CHORD_SQ) as tf.Tensor2D,
      };
    });
  }

  createLane(spec: SpreadLaneSpec, seed: number): SpreadLane {
    if ((spec.loss === 'min-angle' || spec.loss === 'min-angle-variance') && !this.consts.twoEye) {
      this.consts.twoEye = tf.tidy(() => tf.mul(tf.eye(this.n), 2) as tf.Tensor2D);
    }
    return new SpreadLane(this, spec, seed, this.consts);
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

function isEnergy(loss: SpreadLossName): loss is 'coulomb' | 'riesz' {
  return loss === 'coulomb' || loss === 'riesz';
}

export class SpreadLane {
  readonly id: string;
  readonly label: string;
  readonly params: Record<string, number>;
  readonly settings: SpreadLossSettings;
  status: LaneStatus = 'running';
  iteration = 0;
  private readonly x: tf.Variable<tf.Rank.R3>;
  private readonly optimizer: tf.Optimizer;
  /** sgd moves a seeded random subset of vectors each step (the rest see a zero gradient). */
  private readonly pickRows: (() => tf.Tensor3D) | undefined;
  private readonly coolingPerStep: number;
  private readonly cooledFraction: number;
  private readonly state: SpreadState;
  /**
   * Energies only: pair weights of the current vectors, [R, N, N], built by measure() and used
   * by the next step's gradient. Kept out of measure()'s tidy; disposed by the next measure()
   * and by dispose().
   */
  private pairWeights: tf.Tensor3D | undefined;
  /** Energies only: per-restart factor of the gradient s·P(W·X) (see measure()), [R]. */
  private gradScale: Float32Array;
  /** Smallest squared chord per vector (its nearest neighbour), [R·N]. */
  private nnChordSq: Float32Array;
  private readonly minChordSq: Float64Array;
  private readonly energies: Float64Array;
  private readonly losses: Float64Array;

  constructor(
    private readonly lab: SpreadLab,
    spec: SpreadLaneSpec,
    seed: number,
    private readonly consts: PairConstants,
  ) {
    this.id = spec.id;
    this.settings = { loss: spec.loss, s: spec.s, temperatureDeg: spec.temperatureDeg };
    if (!(spec.s >= SPREAD_LIMITS.minRieszS && spec.s <= SPREAD_LIMITS.maxRieszS)) {
      throw new RangeError(`Riesz s must be in [${SPREAD_LIMITS.minRieszS}, ${SPREAD_LIMITS.maxRieszS}], got ${spec.s}`);
    }
    if (!(spec.temperatureDeg >= 0 && spec.temperatureDeg <= SPREAD_LIMITS.maxTemperatureDeg)) {
      throw new RangeError(`temperature must be in [0, ${SPREAD_LIMITS.maxTemperatureDeg}] degrees, got ${spec.temperatureDeg}`);
    }
    this.coolingPerStep = spec.coolingPerStep ?? COOLING_PER_STEP;
    this.cooledFraction = spec.cooledFraction ?? COOLED_FRACTION;
    if (!(this.coolingPerStep > 0 && this.coolingPerStep <= 1) || !(this.cooledFraction > 0 && this.cooledFraction <= 1)) {
      throw new RangeError('cooling per step and cooled fraction must be in (0, 1]');
    }
    const built = createOptimizer(spec.optimizer, spec.params);
    this.optimizer = built.optimizer;
    this.params = built.params;
    this.label = spec.label || `${OPTIMIZER_SPECS[spec.optimizer].label} · ${SPREAD_LOSS_SPECS[spec.loss].label}`;
    const { restarts, n, dim } = lab;
    const initial = tf.tensor3d(lab.start, [restarts, n, dim]);
    this.x = tf.variable(initial, true); // the variable copies its value: free the source
    initial.dispose();
    if (spec.optimizer === 'sgd') {
      const batch = Math.min(this.params.batchSize ?? n, n);
      const random = mulberry32(seed);
      const mask = new Float32Array(n);
      this.pickRows = () => {
        mask.fill(0);
        for (let i = 0; i < batch; i++) mask[Math.floor(random() * n)] = 1;
        return tf.tensor3d(mask, [1, n, 1]);
      };
    }
    this.gradScale = new Float32Array(restarts);
    this.nnChordSq = new Float32Array(restarts * n);
    this.minChordSq = new Float64Array(restarts);
    this.energies = new Float64Array(restarts);
    this.losses = new Float64Array(restarts);
    this.state = { loss: 0, minAngleDeg: 0, energy: 0, nnMeanDeg: 0, nnStdDeg: 0 };
    this.measure();
  }

  /** How far the softened minimum has cooled: 1 at the start, falling to cooledFraction. */
  private cooling(): number {
    return Math.max(this.cooledFraction, this.coolingPerStep ** this.iteration);
  }

  private get smoothed(): boolean {
    return this.settings.temperatureDeg > 0 && SPREAD_LOSS_SPECS[this.settings.loss].smoothable;
  }

  /** Softened-minimum temperature at the current iteration, radians (0 = hard). */
  temperature(): number {
    return this.smoothed ? ((this.settings.temperatureDeg * Math.PI) / 180) * this.cooling() : 0;
  }

  /**
   * A softened minimum's curvature grows like 1/t, and Adam-like steps stay near the learning
   * rate whatever the gradient, so the learning rate cools with the temperature: without it the
   * vectors jitter by about one step around the optimum.
   */
  private coolLearningRate(): void {
    if (!this.smoothed) return;
    const lr = this.params.learningRate! * this.cooling();
    const o = this.optimizer as tf.Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };
    if (o.setLearningRate) o.setLearningRate(lr);
    else o.learningRate = lr;
  }

  /** The lane's training loss summed over restarts (autodiff losses only). */
  private lossOf(x: tf.Tensor3D, t: number): tf.Scalar {
    const u = unitRows(x);
    switch (this.settings.loss) {
      case 'min-angle':
        return angleLoss(angles(gram(u), this.consts.twoEye!), t, false);
      case 'min-angle-variance':
        return angleLoss(angles(gram(u), this.consts.twoEye!), t, true);
      case 'force':
        return tf.sum(forcePerRestart(u, chordsSq(u, this.consts)));
      case 'coulomb':
      case 'riesz':
        throw new Error('energies use their closed-form gradient');
    }
  }

  /** The gradient of the lane's loss at the current vectors, [R, N, D], tangent. */
  private gradient(): tf.Tensor3D {
    if (isEnergy(this.settings.loss)) {
      const scale = tf.tensor3d(this.gradScale, [this.lab.restarts, 1, 1]);
      return tf.mul(tangent(tf.matMul(this.pairWeights!, this.x), this.x), scale);
    }
    const t = this.temperature();
    const { grads } = tf.variableGrads(() => this.lossOf(this.x, t), [this.x]);
    return grads[this.x.name] as tf.Tensor3D;
  }

  /**
   * The training loss at the current vectors, summed over restarts (softened at the current
   * temperature; for energies their own loss), and the gradient a step would follow, [R·N·D]
   * row-major. For tests and diagnostics: it reads back the whole gradient.
   */
  lossAndGradient(): { loss: number; gradient: Float32Array } {
    const loss = isEnergy(this.settings.loss)
      ? this.losses.reduce((a, b) => a + b, 0)
      : tf.tidy(() => this.lossOf(this.x, this.temperature()).dataSync()[0]!);
    const g = tf.tidy(() => this.gradient());
    const gradient = g.dataSync() as Float32Array;
    g.dispose();
    return { loss, gradient };
  }

  /** One optimizer step, renormalisation, and the new state's metrics. */
  step(): SpreadState {
    if (this.status !== 'running') return this.state;
    this.coolLearningRate();
    tf.tidy(() => {
      let g = this.gradient();
      if (this.pickRows) g = tf.mul(g, this.pickRows());
      this.optimizer.applyGradients({ [this.x.name]: g });
      this.x.assign(unitRows(this.x));
    });
    this.iteration++;
    this.measure();
    return this.state;
  }

  /**
   * Metrics of the current vectors from one pass over their squared chords d², read back in one
   * packed array: each vector's nearest-neighbour d² [R·N], then per restart Σ d⁻¹ over the whole
   * matrix [R] and, for force and Riesz lanes, their own loss's sum [R]. For energies it also
   * builds the next step's pair weights. Diagonal terms and pair double counting are removed in
   * float64 afterwards, where they cost nothing.
   */
  private measure(): void {
    const { n, restarts } = this.lab;
    const loss = this.settings.loss;
    const s = loss === 'coulomb' ? 1 : this.settings.s;
    this.pairWeights?.dispose();
    this.pairWeights = undefined;
    const packed = tf.tidy(() => {
      const d2 = chordsSq(this.x, this.consts);
      const rowMin = tf.min(d2, 2); // [R, N]
      const inverse = tf.rsqrt(d2);
      const parts: tf.Tensor[] = [tf.reshape(rowMin, [-1]), tf.sum(inverse, [1, 2])];
      if (loss === 'coulomb' || (loss === 'riesz' && s === 1)) {
        this.pairWeights = tf.keep(tf.div(inverse, d2) as tf.Tensor3D); // d⁻³; disposed by the next measure()
      } else if (loss === 'riesz') {
        // d^−s overflows float32 for large s (s = 64 at d < 0.25): work with q = d²/m ≥ 1,
        // m the restart's smallest d², and put the scale back in float64 (see below).
        const m = tf.reshape(tf.min(rowMin, 1), [restarts, 1, 1]);
        const q = tf.div(d2, m);
        const terms = tf.pow(q, -s / 2);
        parts.push(tf.sum(terms, [1, 2]));
        this.pairWeights = tf.keep(tf.div(terms, q) as tf.Tensor3D); // q^−(s+2)/2; disposed by the next measure()
      } else if (loss === 'force') {
        parts.push(forcePerRestart(this.x, d2));
      }
      return tf.concat(parts);
    });
    const values = packed.dataSync() as Float32Array;
    packed.dispose();
    this.nnChordSq = values.slice(0, restarts * n);
    const sums = values.subarray(restarts * n, restarts * n + restarts);
    const own = values.subarray(restarts * n + restarts);
    const diagonalInverse = DIAGONAL_CHORD_SQ ** -0.5;
    for (let r = 0; r < restarts; r++) {
      let m = Infinity;
      for (let i = 0; i < n; i++) m = Math.min(m, this.nnChordSq[r * n + i]!);
      this.minChordSq[r] = m;
      this.energies[r] = (sums[r]! - n * diagonalInverse) / 2;
    }
    if (loss === 'coulomb' || (loss === 'riesz' && s === 1)) this.gradScale.fill(1);
    if (loss === 'riesz' && s !== 1) {
      for (let r = 0; r < restarts; r++) {
        // Riesz loss = E^(1/s), E = Σ_pairs d^−s = m^(−s/2)·S with S = Σ_pairs q^(−s/2): the root
        // keeps it finite for any s (E^(1/s) → 1/min d as s → ∞) and has E's minimisers.
        // Its gradient E^(1/s−1)·s·m^(−s/2−1)·P(Q·X) simplifies to m^(−3/2)·S^(1/s−1)·P(Q·X).
        const m = this.minChordSq[r]!;
        const S = (own[r]! - n * (DIAGONAL_CHORD_SQ / m) ** (-s / 2)) / 2;
        this.losses[r] = m ** -0.5 * S ** (1 / s);
        this.gradScale[r] = m ** -1.5 * S ** (1 / s - 1);
      }
    }
    for (let r = 0; r < restarts; r++) this.losses[r] = this.hardLoss(r, own);
    Object.assign(this.state, this.restartState(0));
    if (!Number.isFinite(this.state.loss) || !Number.isFinite(this.state.energy)) this.status = 'diverged';
  }

  /** Nearest-neighbour angles of one restart, radians, from the squared chords (θ = 2·asin(d/2)). */
  private nnAnglesRad(r: number): Float64Array {
    const { n } = this.lab;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = chordSqToAngleRad(this.nnChordSq[r * n + i]!);
    return out;
  }

  private hardLoss(r: number, own: Float32Array): number {
    switch (this.settings.loss) {
      case 'min-angle':
        return -chordSqToAngleRad(this.minChordSq[r]!);
      case 'min-angle-variance': {
        const { variance } = meanAndVariance(this.nnAnglesRad(r));
        return -(chordSqToAngleRad(this.minChordSq[r]!) - 0.4 * variance);
      }
      case 'coulomb':
        return this.energies[r]!;
      case 'riesz':
        return this.settings.s === 1 ? this.energies[r]! : this.losses[r]!;
      case 'force':
        return own[r]!;
    }
  }

  /** Metrics of one restart's current vectors. */
  restartState(r: number): SpreadState {
    const nn = this.nnAnglesRad(r);
    const { mean, variance } = meanAndVariance(nn);
    const deg = 180 / Math.PI;
    return {
      loss: this.losses[r]!,
      minAngleDeg: chordSqToAngleRad(this.minChordSq[r]!) * deg,
      energy: this.energies[r]!,
      nnMeanDeg: mean * deg,
      nnStdDeg: Math.sqrt(variance) * deg,
    };
  }

  /**
   * Per restart, live views (overwritten by the next step): own loss, Coulomb energy and minimum
   * angle (degrees) of the current vectors. For recording every restart's history cheaply.
   */
  restartSeries(): { losses: Readonly<Float64Array>; energies: Readonly<Float64Array>; minAngleDeg: (r: number) => number } {
    return {
      losses: this.losses,
      energies: this.energies,
      minAngleDeg: (r) => (chordSqToAngleRad(this.minChordSq[r]!) * 180) / Math.PI,
    };
  }

  /** The restart with the lowest loss now (its own loss, hard minimum). */
  bestRestart(): number {
    let best = 0;
    for (let r = 1; r < this.lab.restarts; r++) if (this.losses[r]! < this.losses[best]!) best = r;
    return best;
  }

  /**
   * Float64 metrics of every restart's current vectors (Riesz energy with exponent `s`), the best
   * restart by the lane's own loss, and the current vectors themselves ([restarts, n, dim]).
   */
  restartMetrics(s = 1): { all: ExactSpreadMetrics[]; best: number; vectors: Float32Array } {
    const { restarts, n, dim } = this.lab;
    const vectors = this.vectors();
    const per = n * dim;
    const all = Array.from({ length: restarts }, (_, r) => exactSpreadMetrics(vectors.subarray(r * per, (r + 1) * per), n, dim, s));
    return { all, best: this.bestRestart(), vectors };
  }

  get current(): Readonly<SpreadState> {
    return this.state;
  }

  /** The current unit vectors, row-major [restarts, n, dim]. */
  vectors(): Float32Array {
    return this.x.dataSync() as Float32Array;
  }

  /** Histogram of all pairwise angles (0–180°) of restart 0, `bins` equal bins. */
  angleHistogram(bins: number = SPREAD_LIMITS.histogramBins): Float64Array {
    const { n } = this.lab;
    const counts = tf.tidy(() => {
      const x0 = tf.slice(this.x, [0, 0, 0], [1, -1, -1]);
      const g = tf.reshape(gram(x0), [n, n]);
      const theta = tf.acos(tf.clipByValue(g, -1, 1));
      // Upper triangle only: each pair once, no diagonal.
      const upper = tf.sub(tf.linalg.bandPart(tf.onesLike(g), 0, -1), tf.eye(n));
      const bin = tf.cast(tf.minimum(tf.floor(tf.mul(theta, bins / Math.PI)), bins - 1), 'int32');
      return tf.bincount(tf.reshape(bin, [-1]) as tf.Tensor1D, tf.reshape(upper, [-1]) as tf.Tensor1D, bins);
    });
    const out = Float64Array.from(counts.dataSync());
    counts.dispose();
    return out;
  }

  dispose(): void {
    this.pairWeights?.dispose();
    this.pairWeights = undefined;
    this.x.dispose();
    this.optimizer.dispose();
  }
}

/** θ = 2·asin(d/2): accurate for small angles, where acos(1 − d²/2) loses half the digits. */
function chordSqToAngleRad(d2: number): number {
  return 2 * Math.asin(Math.min(1, Math.sqrt(Math.max(0, d2)) / 2));
}
