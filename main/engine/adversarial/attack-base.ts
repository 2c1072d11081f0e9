/**
 * What every attack is to a run (attack-run.ts): a first iterate, then x_{k+1} from x_k, in two
 * halves: what to differentiate (`gradientRequest`: rows of images and a loss of their logits)
 * and what to do with the input gradient (`afterGradient`). Between the two, the requests of
 * every lane on an image go through the network as one batch (`nextTogether`), so eight lanes
 * make one forward and one backward pass over eight rows, and each method's own update stays
 * per lane. The budgeted methods (attacks.ts) ask for the gradient of the run's objective at x
 * and step along it (`update`); the minimal-perturbation methods (deepfool.ts,
 * carlini-wagner.ts) ask for their own losses and hear how each rounded step did (`observe`).
 *
 * Pixel space throughout: x is float32 [1, H, W, 3] in 0..255; ε and step sizes in levels.
 * `start`, `update`, `afterGradient` and `next` return new tensors and never dispose their
 * arguments; state that lives across steps is kept by the attack and freed by `dispose`.
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

/**
 * What one lane differentiates in a step: the gradient of `loss` with respect to `inputs`.
 * Row r's term of the loss may depend on row r of the logits and pixels only (a sum over rows),
 * so requests can share a batch: each row's gradient is then its own.
 */
export interface GradientRequest {
  /** [rows, H, W, 3] pixels; owned by the request (whoever runs it disposes it). */
  inputs: tf.Tensor4D;
  /** Called inside the gradient with this request's rows of the logits and of the pixels. */
  loss: (logits: tf.Tensor2D, pixels: tf.Tensor4D) => tf.Scalar;
  /** The loss reads its pixels (C&W's distance term); otherwise a batch does not cut them out for it. */
  readsPixels?: boolean;
  /** The loss is this objective of every row (ImageClassifier.objectiveLoss): a batch of such requests takes one loss over all rows. */
  objective?: Objective;
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

  /** What this step differentiates: by default the run's objective at x. */
  gradientRequest(x: tf.Tensor4D, _original: tf.Tensor4D, ctx: AttackContext): GradientRequest {
    return { inputs: x.clone(), loss: ctx.classifier.objectiveLoss([ctx.objective]), objective: ctx.objective };
  }

  /** x_{k+1} from x_k and the gradient `gradientRequest` asked for: by default `update`. */
  afterGradient(grad: tf.Tensor4D, x: tf.Tensor4D, original: tf.Tensor4D, _ctx: AttackContext): tf.Tensor4D {
    return this.update(x, grad, original);
  }

  /** x_{k+1} from x_k, this lane alone (nextTogether with one lane). */
  next(x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): tf.Tensor4D {
    return nextTogether([{ attack: this, x, original, ctx }])[0]!;
  }

  /** The report of the step just taken (of its rounded image); a search over c listens. */
  observe(_report: StepReport): void {}

  /** The method's own figures for the step just taken. */
  detail(): AttackDetail | undefined {
    return undefined;
  }

  dispose(): void {}
}

/** An attack that differentiates the model itself: it asks for its own gradients and never `update`s. */
export abstract class SelfGuidedAttack extends Attack {
  update(): tf.Tensor4D {
    throw new Error(`${this.method} computes its own gradients: call next()`);
  }
  abstract override gradientRequest(x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): GradientRequest;
  abstract override afterGradient(grad: tf.Tensor4D, x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): tf.Tensor4D;
}

/**
 * The input gradients of several requests on one classifier from one forward and one backward
 * pass over all their rows (concatenated in order); request i gets its own rows back, cut out
 * by slices (wasm's SplitV took 130 ms of CPU to split eight MobileNet gradients, eight slices
 * 12). When every request is an objective's, the batch's loss is one objectiveLoss over all the
 * rows (the same arithmetic row by row, without a slice and a loss graph per request: ≈ 100 ms
 * of CPU less for eight MobileNet lanes). A single request runs as it is, with no copying.
 */
export function requestedGradients(classifier: ImageClassifier, requests: readonly GradientRequest[]): tf.Tensor4D[] {
  if (requests.length === 1) return [classifier.gradient(requests[0]!.inputs, requests[0]!.loss)];
  const rows = requests.map((r) => r.inputs.shape[0]);
  const starts = rows.map((_, i) => rows.slice(0, i).reduce((a, b) => a + b, 0));
  const objectives = requests.every((r) => r.objective) ? requests.flatMap((r, i) => Array.from({ length: rows[i]! }, () => r.objective!)) : undefined;
  return tf.tidy(() => {
    const x = tf.concat(requests.map((r) => r.inputs)) as tf.Tensor4D;
    const all = objectives ? classifier.gradient(x, classifier.objectiveLoss(objectives)) : classifier.gradient(x, (logits, pixels) => {
      const terms = requests.map((r, i) => {
        const [from, n] = [starts[i]!, rows[i]!];
        const own = r.readsPixels ? (tf.slice(pixels, [from, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D) : pixels;
        return r.loss(tf.slice(logits, [from, 0], [n, -1]), own);
      });
      return tf.addN(terms) as tf.Scalar;
    });
    return requests.map((_, i) => tf.slice(all, [starts[i]!, 0, 0, 0], [rows[i]!, -1, -1, -1]));
  });
}

/** One lane's part in a step: its attack, iterate, original and context. */
export interface LaneStep {
  attack: Attack;
  x: tf.Tensor4D;
  original: tf.Tensor4D;
  ctx: AttackContext;
}

/**
 * x_{k+1} of every lane: their gradient requests through the network together (they must share
 * the classifier), then each method's own update on its own rows. New tensors, one per lane.
 */
export function nextTogether(lanes: readonly LaneStep[]): tf.Tensor4D[] {
  const classifier = lanes[0]!.ctx.classifier;
  if (lanes.some((l) => l.ctx.classifier !== classifier)) throw new Error('lanes stepped together must share their classifier');
  const requests: GradientRequest[] = [];
  let grads: tf.Tensor4D[];
  try {
    for (const l of lanes) requests.push(l.attack.gradientRequest(l.x, l.original, l.ctx));
    grads = requestedGradients(classifier, requests);
  } finally {
    for (const r of requests) r.inputs.dispose();
  }
  const next: tf.Tensor4D[] = [];
  try {
    lanes.forEach((l, i) => next.push(l.attack.afterGradient(grads[i]!, l.x, l.original, l.ctx)));
    return next;
  } catch (e) {
    for (const t of next) t.dispose();
    throw e;
  } finally {
    for (const g of grads) g.dispose();
  }
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
