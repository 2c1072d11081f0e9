/**
 * Carlini–Wagner L2 (Carlini & Wagner 2017), as ART's CarliniL2Method and the authors' code run
 * it. The image is x(w) = 255 · (tanh w + 1) / 2, so every w is a valid image and Adam runs
 * unconstrained on w, minimising
 *
 *     ‖(x(w) − x₀) / 255‖₂²  +  c · max(max_{i∈B} Z_i − max_{j∈G} Z_j, −κ)
 *
 * (x₀ is the original through the change of variables, x(atanh(…)), as in the authors' code:
 * measured from the original itself, its float32 mismatch would give every value a gradient
 * of 1e-9, which Adam, normalising each coordinate, turns into a full step)
 * (distances in [0, 1] units, so c means what it means in the attack libraries; Z the logits;
 * G the classes that count as success, B the others: untargeted, B is the original class).
 * A round is `iterations` Adam steps from the original; after it a binary search moves c
 * (ART's rule): a round that succeeded lowers the upper bound to c, one that did not raises
 * the lower bound, and c goes to the midpoint, or ×10 while nothing has succeeded. The run
 * keeps the smallest successful 8-bit image over all rounds (AttackRun, keepsBest), and each
 * step reports its round's c and the smallest c that has succeeded.
 *
 * Each step whose float image is across the boundary is returned as the 8-bit image at the
 * smallest scale of its perturbation that stays across (smallestRoundedScale, as DeepFool's):
 * Adam moves every value at about the same rate, so the float perturbation is dense, and scaling
 * it down lets its small components round away.
 *
 * ∇_w = ∇_x · 255/2 · (1 − tanh² w): the model's input gradient (ImageClassifier.gradient,
 * which carries the distance term too) times the change of variables.
 */
import * as tf from '@tensorflow/tfjs';
import { attackParams, type AttackDetail, type StepReport } from '../../protocol/adversarial';
import { fools, SelfGuidedAttack, smallestRoundedScale, type AttackContext, type AttackParams, type GradientRequest } from './attack-base';

/** Keeps atanh finite at pixel values 0 and 255. */
const TANH_MARGIN = 1 - 1e-6;
const MASKED = -1e9;

export class CarliniWagnerL2Attack extends SelfGuidedAttack {
  readonly method = 'cw-l2';
  override readonly keepsBest = true;
  private perRound = 1;
  private w: tf.Variable | undefined;
  /** The round's start, x(w₀): the distance is measured from it, so its gradient starts at exactly 0. */
  private start0: tf.Tensor4D | undefined;
  private optimizer: tf.Optimizer | undefined;
  private stepInRound = 0;
  private round = 0;
  private c: number;
  private lower = 0;
  private upper = Infinity;
  private roundSucceeded = false;
  private successC: number | null = null;
  private last: AttackDetail | undefined;
  /** The factor this step's perturbation was scaled by for its 8-bit image (smallestRoundedScale). */
  private scale: number | undefined;

  private readonly own: Record<string, number>;

  constructor(params: AttackParams) {
    super(params);
    this.own = attackParams('cw-l2', params.own);
    this.c = this.own.c!;
  }

  override maxSteps(iterations: number): number {
    this.perRound = iterations;
    return iterations * this.own.searchSteps!;
  }

  /** x(w) and the C&W loss at it (the distance term reads the pixels, the margin the logits). */
  gradientRequest(_x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): GradientRequest {
    if (!this.w || this.stepInRound === this.perRound) this.startRound(original);
    const from = this.start0!;
    const { good, bad } = this.masks(ctx);
    const c = this.c;
    const kappa = this.own.kappa!;
    return {
      inputs: tf.tidy(() => tf.mul(tf.add(tf.tanh(this.w!), 1), 127.5) as tf.Tensor4D),
      loss: (logits, px) => {
        const distance = tf.sum(tf.square(tf.div(tf.sub(px, from), 255)));
        const margin = tf.sub(tf.max(tf.add(logits, tf.tensor1d(bad)), -1), tf.max(tf.add(logits, tf.tensor1d(good)), -1));
        return tf.add(distance, tf.mul(tf.sum(tf.maximum(margin, -kappa)), c)) as tf.Scalar;
      },
      readsPixels: true,
    };
  }

  /** ∇_w = ∇_x · 255/2 · (1 − tanh² w), one Adam step on w, and the new x(w) (8-bit and scaled once across). */
  afterGradient(gradX: tf.Tensor4D, _x: tf.Tensor4D, original: tf.Tensor4D, ctx: AttackContext): tf.Tensor4D {
    const w = this.w!;
    const gradW = tf.tidy(() => tf.mul(gradX, tf.mul(tf.sub(1, tf.square(tf.tanh(w))), 127.5)));
    this.optimizer!.applyGradients({ [w.name]: gradW });
    gradW.dispose();
    this.stepInRound++;
    this.scale = undefined;
    const x = tf.tidy(() => tf.mul(tf.add(tf.tanh(w), 1), 127.5) as tf.Tensor4D);
    if (!fools(x, ctx)) return x;
    // Across: the 8-bit image at the smallest scale of this perturbation that stays across.
    const delta = tf.sub(x, original) as tf.Tensor4D;
    const found = smallestRoundedScale(original, delta, ctx);
    delta.dispose();
    if (!found) return x;
    x.dispose();
    this.scale = found.scale;
    return found.image;
  }

  /** Hears how the step's 8-bit image did; at a round's end moves c by the binary search. */
  override observe(report: StepReport): void {
    if (report.success) {
      this.roundSucceeded = true;
      this.successC = Math.min(this.successC ?? Infinity, this.c);
    }
    this.last = { round: this.round, c: this.c, successC: this.successC, roundSucceeded: this.roundSucceeded, ...(this.scale !== undefined ? { roundingScale: this.scale } : {}) };
    if (this.stepInRound < this.perRound) return;
    if (this.roundSucceeded) this.upper = Math.min(this.upper, this.c);
    else this.lower = Math.max(this.lower, this.c);
    this.c = Number.isFinite(this.upper) ? (this.lower + this.upper) / 2 : this.c * 10;
  }

  override detail(): AttackDetail | undefined {
    return this.last;
  }

  private startRound(original: tf.Tensor4D): void {
    this.disposeRound();
    // atanh y = ½ log((1 + y) / (1 − y)), spelled out: not every backend has Atanh.
    const w0 = tf.tidy(() => {
      const y = tf.mul(tf.sub(tf.div(original, 127.5), 1), TANH_MARGIN);
      return tf.mul(tf.log(tf.div(tf.add(1, y), tf.sub(1, y))), 0.5);
    });
    this.w = tf.variable(w0, true); // a variable is a second tensor over the same data
    w0.dispose();
    this.start0 = tf.tidy(() => tf.mul(tf.add(tf.tanh(this.w!), 1), 127.5) as tf.Tensor4D);
    this.optimizer = tf.train.adam(this.own.lr!);
    this.stepInRound = 0;
    this.roundSucceeded = false;
    this.round++;
  }

  private masksFor: AttackContext | undefined;
  private maskValues: { good: Float32Array; bad: Float32Array } | undefined;

  /** Additive masks: 0 on the classes taken, MASKED elsewhere (max over a subset, wasm-safe). */
  private masks(ctx: AttackContext): { good: Float32Array; bad: Float32Array } {
    if (this.maskValues && this.masksFor === ctx) return this.maskValues;
    const n = ctx.classifier.numClasses;
    const isGood = (i: number) => (ctx.targetClasses === null ? i !== ctx.originalClass : ctx.targetClasses.includes(i));
    const good = new Float32Array(n);
    const bad = new Float32Array(n);
    for (let i = 0; i < n; i++) (isGood(i) ? bad : good)[i] = MASKED;
    this.masksFor = ctx;
    this.maskValues = { good, bad };
    return this.maskValues;
  }

  private disposeRound(): void {
    this.optimizer?.dispose();
    this.w?.dispose();
    this.start0?.dispose();
    this.optimizer = undefined;
    this.w = undefined;
    this.start0 = undefined;
  }

  override dispose(): void {
    this.disposeRound();
  }
}
