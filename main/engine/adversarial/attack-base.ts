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
