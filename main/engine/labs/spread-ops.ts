/**
 * The Spread lab's tensor maths on a batch of restarts, [R, N, D] unit rows: custom-gradient
 * ops (a clamped acos, angle minima), the losses built from them, and the one pass over the
 * pair matrices that every step's metrics (and an energy's next gradient) come from.
 *
 * Wasm's batched matMul is ~30× slower with transposeB than with a transposed copy of B
 * (N = 1000, D = 3: 15 ms vs 0.45 ms), so Gram matrices multiply by an explicit transpose.
 */
import * as tf from '@tensorflow/tfjs';
import type { SpreadLossName } from '../../protocol/spread';
import { mulberry32 } from '../random';

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
export const DIAGONAL_CHORD_SQ = 5;

/**
 * Each vector scaled to unit length. The vector runs along `axis`: the last for a lane's
 * [R, N, D]; a sweep's [N, D, cells] normalises along axis 1 with the same sums, so its cells
 * are renormalised exactly as lanes are (no transposes).
 */
export function unitRows<T extends tf.Tensor>(x: T, axis = -1): T {
  return tf.mul(x, tf.rsqrt(tf.sum(tf.square(x), axis, true)));
}

function transposeRows(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/** Gram matrices of the rows, [R, N, N]. */
export function gram(u: tf.Tensor3D): tf.Tensor3D {
  return tf.matMul(u, transposeRows(u));
}

/** Projects each row of g on the tangent plane at the matching unit row of u: g − (g·u)u. */
export function tangent(g: tf.Tensor3D, u: tf.Tensor3D): tf.Tensor3D {
  return tf.sub(g, tf.mul(tf.sum(tf.mul(g, u), -1, true), u));
}

/** Pairwise angles with the diagonal at π, so row and global minima see only real pairs. */
export function angles(g: tf.Tensor3D, twoEye: tf.Tensor2D): tf.Tensor3D {
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
export function angleLoss(theta: tf.Tensor3D, t: number, variance: boolean): tf.Scalar {
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
export function forcePerRestart(u: tf.Tensor3D, d2: tf.Tensor3D): tf.Tensor1D {
  const w = tf.mul(tf.rsqrt(d2), tf.reciprocal(d2));
  const f = tangent(tf.matMul(w, u), u);
  return tf.sum(tf.sqrt(tf.add(tf.sum(tf.square(f), -1), 1e-30)), -1);
}

/**
 * The training loss of the autodiff losses (the angle minima, softened at temperature t radians,
 * and the force), summed over the restarts (or a sweep's cells) of x, [R, N, D]: each restart's
 * gradient is its own. Energies step by their closed-form gradient (energyGradient) instead.
 */
export function spreadTrainingLoss(x: tf.Tensor3D, consts: PairConstants, loss: SpreadLossName, t: number): tf.Scalar {
  const u = unitRows(x);
  switch (loss) {
    case 'min-angle':
      return angleLoss(angles(gram(u), consts.twoEye!), t, false);
    case 'min-angle-variance':
      return angleLoss(angles(gram(u), consts.twoEye!), t, true);
    case 'force':
      return tf.sum(forcePerRestart(u, chordsSq(u, consts)));
    case 'coulomb':
    case 'riesz':
      throw new Error('energies use their closed-form gradient');
  }
}

/**
 * An energy's gradient at unit rows x [R, N, D]: scale·P(W·X), W the pair weights of x from
 * pairPass and `scale` one factor per restart, [R, 1, 1] (SpreadMetrics.energyScale).
 */
export function energyGradient(weights: EnergyWeights, x: tf.Tensor3D, scale: tf.Tensor3D): tf.Tensor3D {
  return tf.mul(tangent(tf.matMul(weights, x), x), scale);
}

/**
 * SGD in the Spread lab moves a seeded random subset of the N vectors each step (the rest see a
 * zero gradient): each call draws `batchSize` rows (with replacement) and returns the mask,
 * [1, N, 1], which multiplies the gradient of every restart (or every cell of a sweep) alike.
 */
export function sgdRowPicker(n: number, batchSize: number, seed: number): () => tf.Tensor3D {
  const batch = Math.min(batchSize, n);
  const random = mulberry32(seed);
  const mask = new Float32Array(n);
  return () => {
    mask.fill(0);
    for (let i = 0; i < batch; i++) mask[Math.floor(random() * n)] = 1;
    return tf.tensor3d(mask, [1, n, 1]);
  };
}

export interface PairConstants {
  /** [N] of 2 − floor: the fused matMul's bias (wasm takes rank-1 biases only). */
  bias: tf.Tensor1D;
  /** [N, N]: floor off the diagonal, floor + DIAGONAL_CHORD_SQ on it. */
  floorAndDiagonal: tf.Tensor2D;
  /** [N, N]: 2 on the diagonal, for angles; made with the first angle lane (64 MiB at N = 4096). */
  twoEye?: tf.Tensor2D;
}

/** The constants every lane of an N-vector lab shares; the lab disposes them. */
export function pairConstants(n: number): PairConstants {
  return tf.tidy(() => {
    const eye = tf.eye(n);
    return {
      bias: tf.fill([n], 2 - MIN_CHORD_SQ) as tf.Tensor1D,
      floorAndDiagonal: tf.add(tf.mul(eye, DIAGONAL_CHORD_SQ), MIN_CHORD_SQ) as tf.Tensor2D,
    };
  });
}

/** Squared chords max(2 − 2·u_i·u_j, floor) with the diagonal at DIAGONAL_CHORD_SQ, [R, N, N]. */
export function chordsSq(u: tf.Tensor3D, consts: PairConstants): tf.Tensor3D {
  // One fused matMul gives relu(2 − floor − 2·G); the add restores the floor and sets the diagonal.
  const raw = tf.fused.matMul({ a: tf.mul(u, -2), b: transposeRows(u), bias: consts.bias, activation: 'relu' });
  return tf.add(raw, consts.floorAndDiagonal);
}

/** The numbers one pass over the squared chords d² reads back, in float32 as the tensors hold them. */
export interface PairSums {
  /** Each vector's nearest-neighbour d², [R·N]. */
  nnChordSq: Float32Array;
  /** Per restart Σ d⁻¹ over the whole matrix, diagonal included, [R]. */
  inverseSums: Float32Array;
  /**
   * Per restart, the lane's own loss sum where it needs one, [R]: force, Σ|F_t|; Riesz with
   * s ≠ 1, Σ q^(−s/2) over the whole matrix with q = d²/(the restart's smallest d²). Otherwise empty.
   */
  ownSums: Float32Array;
}

/**
 * Pair weights of the vectors measured, for an energy's closed-form gradient s·P(W·X): d⁻³ for
 * Coulomb (and Riesz s = 1), q^−(s+2)/2 for Riesz (its scale goes back in per restart), [R, N, N].
 */
export type EnergyWeights = tf.Tensor3D;

/**
 * One pass over the squared chords of x, read back as one packed array: each vector's
 * nearest-neighbour d², then per restart Σ d⁻¹ and the lane's own sum. An energy lane's next
 * gradient needs weights made from the same d², so for coulomb and riesz the pass returns them
 * too (kept; the caller disposes them): a separate pass would cost a second N² matMul per step.
 */
export function pairPass(x: tf.Tensor3D, consts: PairConstants, loss: SpreadLossName, s: number): { sums: PairSums; weights: EnergyWeights | undefined } {
  const [restarts, n] = x.shape;
  const { packed, weights } = tf.tidy(() => {
    const d2 = chordsSq(x, consts);
    const rowMin = tf.min(d2, 2); // [R, N]
    const inverse = tf.rsqrt(d2);
    const parts: tf.Tensor[] = [tf.reshape(rowMin, [-1]), tf.sum(inverse, [1, 2])];
    let w: tf.Tensor3D | undefined;
    if (loss === 'coulomb' || (loss === 'riesz' && s === 1)) {
      w = tf.div(inverse, d2) as tf.Tensor3D; // d⁻³
    } else if (loss === 'riesz') {
      // d^−s overflows float32 for large s (s = 64 at d < 0.25): work with q = d²/m ≥ 1,
      // m the restart's smallest d², and put the scale back in float64 (spread-metrics.ts).
      const m = tf.reshape(tf.min(rowMin, 1), [restarts, 1, 1]);
      const q = tf.div(d2, m);
      const terms = tf.pow(q, -s / 2);
      parts.push(tf.sum(terms, [1, 2]));
      w = tf.div(terms, q) as tf.Tensor3D; // q^−(s+2)/2
    } else if (loss === 'force') {
      parts.push(forcePerRestart(x, d2));
    }
    return { packed: tf.concat(parts), weights: w };
  });
  const values = packed.dataSync() as Float32Array;
  packed.dispose();
  return {
    sums: {
      nnChordSq: values.slice(0, restarts * n),
      inverseSums: values.subarray(restarts * n, restarts * n + restarts),
      ownSums: values.subarray(restarts * n + restarts),
    },
    weights,
  };
}
