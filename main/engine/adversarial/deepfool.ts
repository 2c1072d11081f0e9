/**
 * DeepFool (Moosavi-Dezfooli, Fawzi, Frossard 2016), multi-class, in L2 or L∞, as Foolbox runs
 * it: at the current iterate, linearise f_k − f_ref for each of the top `candidates` classes k,
 * take the boundary nearest in the chosen norm, d_k = |f_k − f_ref| / ‖∇(f_k − f_ref)‖_dual, and
 * step onto it: r = (|f_l| + 1e-4) · w_l / ‖w_l‖₂² (L2) or (|f_l| + 1e-4) · sign(w_l) / ‖w_l‖₁
 * (L∞). The steps add up, and the iterate is original + (1 + overshoot) · Σ r, clipped to
 * [0, 255]. The run stops at the first step whose 8-bit image succeeds.
 *
 * DeepFool's L2 step spreads a few levels of L2 over 150,528 values, far under half a level
 * each, so its rounded image is the original: once the iterate is across the boundary, the step
 * returns the 8-bit image at the smallest scale of the perturbation that stays across
 * (smallestRoundedScale), and `roundingScale` reports the factor.
 *
 * f are the model's logits (scores whose softmax is the probabilities). Where the lab asks for
 * a target, the candidates are the target classes (a group's top `candidates` by score) and
 * ref is the highest-scoring class outside them, so each step crosses the nearest boundary
 * into the target; untargeted, ref is the original class and the candidates every other.
 *
 * The k gradients are one backward pass over a batch of k copies of the image: row i's loss is
 * f_{c_i} − f_ref, so row i's input gradient is that class's (rows do not interact).
 */
import * as tf from '@tensorflow/tfjs';
import { attackParams, type AttackDetail, type AttackMethod } from '../../protocol/adversarial';
import { exactSign, fools, SelfGuidedAttack, smallestRoundedScale, type AttackContext, type AttackParams, type GradientRequest } from './attack-base';

/** Foolbox's constant against a zero step where the iterate sits on the boundary. */
const BOUNDARY_NUDGE = 1e-4;

export class DeepFoolAttack extends SelfGuidedAttack {
  readonly method: AttackMethod;
  override readonly stopsAtSuccess = true;
  /** Σ r so far, in levels. */
  private total: tf.Tensor4D | undefined;
  private last: AttackDetail | undefined;
  /** The boundaries linearised this step, from gradientRequest to afterGradient. */
  private pending: { z: Float32Array; ref: number; candidates: number[] } | undefined;
  private readonly own: Record<string, number>;

  constructor(
    params: AttackParams,
    readonly norm: 'l2' | 'linf',
  ) {
    super(params);
    this.method = norm === 'l2' ? 'deepfool' : 'deepfool-linf';
    this.own = attackParams(this.method, params.own);
  }

  /** The logits at x pick the boundaries; row i of k copies of x differentiates f_{c_i} − f_ref. */
  gradientRequest(x: tf.Tensor4D, _original: tf.Tensor4D, ctx: AttackContext): GradientRequest {
    const { classifier } = ctx;
    const logits = classifier.logits(x);
    const z = logits.dataSync() as Float32Array;
    logits.dispose();
    const { ref, candidates } = boundaries(z, ctx, this.own.candidates!);
    this.pending = { z, ref, candidates };
    const k = candidates.length;
    const n = classifier.numClasses;
    const signs = new Float32Array(k * n);
    candidates.forEach((c, i) => {
      signs[i * n + c] = 1;
      signs[i * n + ref] = -1;
    });
    return { inputs: tf.tile(x, [k, 1, 1, 1]), loss: (l) => tf.sum(tf.mul(l, tf.tensor2d(signs, [k, n]))) };
  }

  afterGradient(w: tf.Tensor4D, _x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): tf.Tensor4D {
    if (!this.pending) throw new Error('DeepFool: afterGradient before gradientRequest');
    const { z, ref, candidates } = this.pending;
    this.pending = undefined;
    // The dual norm of each w_i: ‖·‖₂ for L2 distances, ‖·‖₁ for L∞.
    const normsT = tf.tidy(() => (this.norm === 'l2' ? tf.sqrt(tf.sum(tf.square(w), [1, 2, 3])) : tf.sum(tf.abs(w), [1, 2, 3])));
    const norms = normsT.dataSync();
    normsT.dispose();
    let best = 0;
    let bestDistance = Infinity;
    candidates.forEach((c, i) => {
      const d = Math.abs(z[c]! - z[ref]!) / Math.max(norms[i]!, 1e-12);
      if (d < bestDistance) [best, bestDistance] = [i, d];
    });
    const f = Math.abs(z[candidates[best]!]! - z[ref]!) + BOUNDARY_NUDGE;
    const size = Math.max(norms[best]!, 1e-12);
    const previous = this.total;
    this.total = tf.keep(
      tf.tidy(() => {
        const wl = tf.slice(w, [best, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
        const r = this.norm === 'l2' ? tf.mul(wl, f / (size * size)) : tf.mul(exactSign(wl), f / size);
        return (previous ? tf.add(previous, r) : r) as tf.Tensor4D;
      }),
    );
    previous?.dispose();
    this.last = { boundaryClass: candidates[best]!, boundaryDistance: bestDistance };
    const delta = tf.tidy(() => tf.mul(this.total!, 1 + this.own.overshoot!) as tf.Tensor4D);
    try {
      const x1 = tf.tidy(() => tf.clipByValue(tf.add(original, delta), 0, 255) as tf.Tensor4D);
      if (!fools(x1, ctx)) return x1;
      // Across the boundary: the 8-bit image at the smallest scale of the step that stays across.
      const found = smallestRoundedScale(original, delta, ctx);
      if (!found) return x1;
      x1.dispose();
      this.last.roundingScale = found.scale;
      return found.image;
    } finally {
      delta.dispose();
    }
  }

  override detail(): AttackDetail | undefined {
    return this.last;
  }

  override dispose(): void {
    this.total?.dispose();
    this.total = undefined;
  }
}

/**
 * The reference class and the classes whose boundaries with it are linearised: untargeted, the
 * original class against the `count` highest-scoring others; targeted, the highest-scoring
 * class outside the targets against the `count` highest-scoring targets.
 */
export function boundaries(z: ArrayLike<number>, ctx: Pick<AttackContext, 'originalClass' | 'targetClasses'>, count: number): { ref: number; candidates: number[] } {
  const byScore = Array.from({ length: z.length }, (_, i) => i).sort((a, b) => z[b]! - z[a]!);
  if (ctx.targetClasses === null) {
    const ref = ctx.originalClass;
    return { ref, candidates: byScore.filter((i) => i !== ref).slice(0, count) };
  }
  const targets = new Set(ctx.targetClasses);
  const ref = byScore.find((i) => !targets.has(i))!;
  return { ref, candidates: byScore.filter((i) => targets.has(i)).slice(0, count) };
}
