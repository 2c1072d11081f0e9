/**
 * What every attack is to a run (attack-run.ts): a first iterate, then x_{k+1} from x_k. The
 * budgeted methods (attacks.ts) step along the gradient of the run's objective, which the run
 * hands them; the minimal-perturbation methods (deepfool.ts, carlini-wagner.ts) differentiate
 * the model themselves (`next`) and hear how each rounded step did (`observe`).
 *
 * Pixel space throughout: x is float32 [1, H, W, 3] in 0..255; ε and step sizes in levels.
 * `start`, `update` and `next` return new tensors and never dispose their arguments; state that
 * lives across steps is kept by the attack and freed by `dispose`.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttackDetail, AttackMethod, StepReport } from '../../protocol/adversarial';
import type { ImageClassifier, Objective } from './image-classifier';

/**
 * sign(g) exactly: +1, −1, or 0 only where g is 0 (or NaN). Not tf.sign: the wasm backend's
 * Sign (tfjs 4.22) returns 0 for |g| < FLT_EPSILON = 1.19e-7, and input gradients are that
 * small all the time — once a targeted attack nears p = 1 (MobileNet, cat → dog: max |∇| ≈ 6e-9
 * after two signed steps, so every later step stood still at L∞ 2) and in MI-FGSM, whose
 * L1-normalised gradient averages 1/150,528 ≈ 7e-6 per value. Comparisons are exact on every
 * backend.
 */
export function exactSign(g: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.cast(tf.greater(g, 0), 'float32'), tf.cast(tf.less(g, 0), 'float32')));
}

export interface AttackParams {
  /** Radius of the allowed change around the original, in levels (L∞, or L2 for pgd-l2). */
  epsilon: number;
  /** Step size in levels (per pixel for the sign methods, L2 length for pgd-l2). */
  step: number;
  /** MI-FGSM's momentum decay μ (Dong et al. 2018 use 1). */
  decay: number;
  /** Seeds PGD's random start. */
  seed: number;
  /** The method's own parameters (ATTACK_METHOD_SPECS[method].params); defaults where absent. */
  own?: Record<string, number>;
}

/** What a run knows that an attack computing its own gradients needs. */
export interface AttackContext {
  classifier: ImageClassifier;
  /** The run's objective (log-mass of the target classes, or minus that of the original class). */
  objective: Objective;
  /** The original image's top-1 class. */
  originalClass: number;
  /** The classes that count as success for a targeted attack; null: untargeted (anything but originalClass). */
  targetClasses: readonly number[] | null;
}

export abstract class Attack {
  abstract readonly method: AttackMethod;
  /** Stops at the first step whose rounded image succeeds (DeepFool: the boundary is crossed). */
  readonly stopsAtSuccess: boolean = false;
  /** Its result is the smallest successful rounded image over all steps, not the last (C&W). */
  readonly keepsBest: boolean = false;
  constructor(readonly params: AttackParams) {}

  /** Most steps this method takes (FGSM is a single step). */
  maxSteps(iterations: number): number {
    return iterations;
  }

  /** The first iterate: the original itself, or a random point near it. */
  start(original: tf.Tensor4D): tf.Tensor4D {
    return original.clone();
  }

  /** x_{k+1} from x_k and ∇J(x_k), J the run's objective. */
  abstract update(x: tf.Tensor4D, grad: tf.Tensor4D, original: tf.Tensor4D): tf.Tensor4D;

  /** x_{k+1} from x_k: by default one step along the objective's gradient. */
  next(x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): tf.Tensor4D {
    return tf.tidy(() => this.update(x, ctx.classifier.objectiveGradient(x, ctx.objective), original));
  }

  /** The report of the step just taken (of its rounded image); a search over c listens. */
  observe(_report: StepReport): void {}

  /** The method's own figures for the step just taken. */
  detail(): AttackDetail | undefined {
    return undefined;
  }

  dispose(): void {}
}

/** An attack that differentiates the model itself: the run calls `next`, never `update`. */
export abstract class SelfGuidedAttack extends Attack {
  update(): tf.Tensor4D {
    throw new Error(`${this.method} computes its own gradients: call next()`);
  }
  abstract override next(x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): tf.Tensor4D;
}

/** Whether the model's top class at x counts as success: the run's own test (AttackRun.report), on this image. */
export function fools(x: tf.Tensor4D, ctx: AttackContext): boolean {
  const logits = ctx.classifier.logits(x);
  const z = logits.dataSync();
  logits.dispose();
  let top = 0;
  for (let i = 1; i < z.length; i++) if (z[i]! > z[top]!) top = i;
  return ctx.targetClasses === null ? top !== ctx.originalClass : ctx.targetClasses.includes(top);
}

/** How far a perturbation may be scaled up or down to survive rounding, and how finely. */
const SCALE_RANGE = 1024;
const SCALE_BISECTIONS = 8;

/**
 * Rounding to 8 bits is where a minimal perturbation meets the saved image: a few levels of L2
 * spread over 150,528 values is far under half a level each, and the rounded image is the
 * original; a dense perturbation of about one level each, on the other hand, rounds to an L2 of
 * hundreds. Given a perturbation δ whose float image succeeds, this finds the smallest factor s
 * (doubling or halving from 1, then 8 bisections: forward passes only) for which
 * round(clip(original + s·δ)) still succeeds, and returns that 8-bit image (as float pixels)
 * and s; null if no factor up to 1024 does. Scaling down drops the smallest components first
 * (they round to 0), scaling up makes the largest survive: either way the result is sparser
 * than δ and its L2 is the one a saved PNG has.
 */
export function smallestRoundedScale(original: tf.Tensor4D, delta: tf.Tensor4D, ctx: AttackContext): { image: tf.Tensor4D; scale: number } | null {
  const rounded = (scale: number) => tf.tidy(() => tf.round(tf.clipByValue(tf.add(original, tf.mul(delta, scale)), 0, 255)) as tf.Tensor4D);
  const foolsAt = (scale: number) => {
    const r = rounded(scale);
    const ok = fools(r, ctx);
    r.dispose();
    return ok;
  };
  let lo: number;
  let hi: number;
  if (foolsAt(1)) {
    [lo, hi] = [0.5, 1];
    while (lo > 1 / SCALE_RANGE && foolsAt(lo)) [lo, hi] = [lo / 2, lo];
  } else {
    [lo, hi] = [1, 2];
    while (!foolsAt(hi)) {
      if (hi >= SCALE_RANGE) return null;
      [lo, hi] = [hi, hi * 2];
    }
  }
  for (let i = 0; i < SCALE_BISECTIONS; i++) {
    const mid = (lo + hi) / 2;
    if (foolsAt(mid)) hi = mid;
    else lo = mid;
  }
  return { image: rounded(hi), scale: hi };
}
