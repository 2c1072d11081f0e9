/**
 * DeepFool (Moosavi-Dezfooli, Fawzi, Frossard 2016), multi-class, in L2 or L∞, as Foolbox runs
 * it: at the current iterate, linearise f_k − f_ref for each of the top `candidates` classes k,
 * take the boundary nearest in the chosen norm, d_k = |f_k − f_ref| / ‖∇(f_k − f_ref)‖_dual, and
 * step onto it: r = (|f_l| + 1e-4) · w_l / ‖w_l‖₂² (L2) or (|f_l| + 1e-4) · sign(w_l) / ‖w_l‖₁
 * (L∞). The steps add up, and the iterate is original + (1 + overshoot) · Σ r, clipped to
 * [0, 255]. The run stops at the first step whose 8-bit image succeeds.
 *
 * Rounding to 8 bits is where a minimal perturbation meets the saved image: DeepFool's L2 step
 * spreads a few levels of L2 over 150,528 values, far under half a level each, so the rounded
 * image is the original. Once the iterate is across the boundary, the step therefore scales the
 * whole perturbation by the smallest factor (doubling, then 8 bisections: forward passes only)
 * whose rounded image is still across, and returns that 8-bit image; `roundingScale` reports
 * the factor.
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
import { exactSign, SelfGuidedAttack, type AttackContext, type AttackParams } from './attack-base';

/** Foolbox's constant against a zero step where the iterate sits on the boundary. */
const BOUNDARY_NUDGE = 1e-4;
/** Past the boundary, how far the perturbation may be scaled up to survive rounding, and how finely. */
const MAX_ROUNDING_SCALE = 1024;
const ROUNDING_BISECTIONS = 8;

export class DeepFoolAttack extends SelfGuidedAttack {
  readonly method: AttackMethod;
  override readonly stopsAtSuccess = true;
  /** Σ r so far, in levels. */
  private total: tf.Tensor4D | undefined;
  private last: AttackDetail | undefined;
  private readonly own: Record<string, number>;

  constructor(
    params: AttackParams,
    readonly norm: 'l2' | 'linf',
  ) {
    super(params);
    this.method = norm === 'l2' ? 'deepfool' : 'deepfool-linf';
    this.own = attackParams(this.method, params.own);
  }

  next(x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): tf.Tensor4D {
    const { classifier } = ctx;
    const logits = classifier.logits(x);
    const z = logits.dataSync();
    logits.dispose();
    const { ref, candidates } = boundaries(z, ctx, this.own.candidates!);
    const k = candidates.length;
    const n = classifier.numClasses;
    const signs = new Float32Array(k * n);
    candidates.forEach((c, i) => {
      signs[i * n + c] = 1;
      signs[i * n + ref] = -1;
    });
    const w = tf.tidy(() => {
      const mask = tf.tensor2d(signs, [k, n]);
      return classifier.gradient(tf.tile(x, [k, 1, 1, 1]), (l) => tf.sum(tf.mul(l, mask)));
    });
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
    w.dispose();
    this.last = { boundaryClass: candidates[best]!, boundaryDistance: bestDistance };
    const delta = tf.tidy(() => tf.mul(this.total!, 1 + this.own.overshoot!) as tf.Tensor4D);
    try {
      const at = (scale: number) => tf.tidy(() => tf.clipByValue(tf.add(original, tf.mul(delta, scale)), 0, 255) as tf.Tensor4D);
      const x1 = at(1);
      if (!this.fools(x1, ctx)) return x1;
      x1.dispose();
      // Across the boundary, but a change this small rounds away at 8 bits: the smallest scale of
      // it whose rounded image still succeeds, by doubling and then bisection (forward passes only).
      const rounded = (scale: number) => tf.tidy(() => tf.round(at(scale)) as tf.Tensor4D);
      const foolsAt = (scale: number) => {
        const r = rounded(scale);
        const ok = this.fools(r, ctx);
        r.dispose();
        return ok;
      };
      let lo = 0.5;
      let hi = 1;
      while (!foolsAt(hi) && hi < MAX_ROUNDING_SCALE) [lo, hi] = [hi, hi * 2];
      for (let i = 0; i < ROUNDING_BISECTIONS && hi - lo > 1e-3 * hi; i++) {
        const mid = (lo + hi) / 2;
        if (foolsAt(mid)) hi = mid;
        else lo = mid;
      }
      this.last.roundingScale = hi;
      return rounded(hi);
    } finally {
      delta.dispose();
    }
  }

  /** Whether the model's top class at x counts as success (the run's own test, on this image). */
  private fools(x: tf.Tensor4D, ctx: AttackContext): boolean {
    const logits = ctx.classifier.logits(x);
    const z = logits.dataSync();
    logits.dispose();
    let top = 0;
    for (let i = 1; i < z.length; i++) if (z[i]! > z[top]!) top = i;
    return ctx.targetClasses === null ? top !== ctx.originalClass : ctx.targetClasses.includes(top);
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
