/**
 * One attack on one image, step by step, with an honest report after each step: the iterate is
 * rounded to 8 bits per channel and *that* image is classified and measured, so what is shown
 * is what a saved PNG gives. The attack itself continues from the unrounded iterate (rounding
 * every step would erase PGD-L2's sub-level moves).
 *
 * A lane: `new AttackRun(classifier, rgb, spec)` (reports step 0 as `before`), then `step()`
 * until `done`, reading `adversarialRgb` for the picture, and `dispose()` at the end. Lanes on
 * one image step together (`AttackRun.stepTogether`): one batch through the network for all of
 * them, each report as the lane alone would give it. Each step is synchronous (≈ 0.1 s on
 * wasm for one lane of the shipped models, see `npm run bench`), so a run loop yields between
 * steps.
 */
import * as tf from '@tensorflow/tfjs';
import { attackParams, type AttackSpec, type Classification, type StepReport } from '../../protocol/adversarial';
import { nextTogether } from './attack-base';
import { createAttack, type Attack, type AttackContext } from './attacks';
import { groupProbability } from './class-groups';
import type { ImageClassifier, Objective } from './image-classifier';
import { imageDistance, ssimReference, type SsimReference } from './image-distance';

export type { AttackSpec, AttackTarget, Classification, RankedClass, StepReport } from '../../protocol/adversarial';

export function classify(probabilities: Float64Array, classifier: ImageClassifier): Classification {
  const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b]! - probabilities[a]!);
  const { cat, dog } = classifier.groups;
  return {
    top5: order.slice(0, 5).map((index) => ({ index, label: classifier.labels[index]!, probability: probabilities[index]! })),
    cat: cat.length ? groupProbability(probabilities, cat) : null,
    dog: dog.length ? groupProbability(probabilities, dog) : null,
  };
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export class AttackRun {
  readonly attack: Attack;
  readonly before: StepReport;
  /** Original top-1 class: what an untargeted attack moves away from. */
  readonly originalClass: number;
  readonly objective: Objective;
  readonly maxSteps: number;
  private readonly targetClasses: ReadonlySet<number>;
  private readonly original: tf.Tensor4D;
  /** The original blurred once for SSIM: each step's distances blur only the new image. */
  private readonly ssimOriginal: SsimReference;
  private x: tf.Tensor4D;
  private rounded: Uint8Array;
  private last: StepReport;
  private stepsTaken = 0;
  private readonly context: AttackContext;
  /** keepsBest (C&W): the smallest successful rounded image so far, and its report. */
  private best: { report: StepReport; rgb: Uint8Array } | undefined;

  /**
   * `classifier` is shared by every lane on the image and outlives the run (ClassifierStore
   * owns it); `originalRgb` is the decoded image at the classifier's input size
   * (decodeForModel), height × width × 3 bytes, and is not copied or modified.
   */
  constructor(
    readonly classifier: ImageClassifier,
    readonly originalRgb: Uint8Array,
    readonly spec: AttackSpec,
  ) {
    const { inputHeight: h, inputWidth: w } = classifier;
    if (originalRgb.length !== h * w * 3) throw new RangeError(`the image must be ${w}×${h} RGB for ${classifier.info.name}`);
    if (!Number.isInteger(spec.iterations) || spec.iterations < 1) throw new RangeError(`iterations must be a positive integer, got ${spec.iterations}`);
    this.attack = createAttack(spec.method, {
      epsilon: spec.method === 'signed' ? Infinity : spec.epsilon,
      step: spec.method === 'signed' ? 1 : spec.step,
      decay: spec.decay ?? 1,
      seed: spec.seed ?? 1,
      own: attackParams(spec.method, spec.params),
    });
    this.maxSteps = this.attack.maxSteps(spec.iterations);
    this.ssimOriginal = ssimReference(originalRgb, w, h);
    this.original = tf.tensor4d(Float32Array.from(originalRgb), [1, h, w, 3]);
    const probabilities = classifier.probabilities(this.original);
    this.originalClass = argmax(probabilities);
    const t = spec.target;
    const classes =
      t.kind === 'untargeted' ? [this.originalClass] : t.kind === 'class' ? [t.index] : classifier.groups[t.group];
    if (t.kind === 'class' && !(Number.isInteger(t.index) && t.index >= 0 && t.index < classifier.numClasses)) {
      this.original.dispose();
      throw new RangeError(`class ${t.index} is not among ${classifier.info.name}'s ${classifier.numClasses} classes`);
    }
    if (classes.length === 0) {
      this.original.dispose();
      throw new RangeError(`${classifier.info.name}'s labels have no ImageNet ${t.kind === 'group' ? t.group : ''} classes`);
    }
    this.targetClasses = new Set(classes);
    this.objective = { classes, direction: t.kind === 'untargeted' ? -1 : 1 };
    this.context = { classifier, objective: this.objective, originalClass: this.originalClass, targetClasses: t.kind === 'untargeted' ? null : classes };
    this.x = this.attack.start(this.original);
    this.rounded = originalRgb.slice();
    this.before = this.report(0, originalRgb, probabilities, undefined);
    this.last = this.before;
  }

  get steps(): number {
    return this.stepsTaken;
  }

  get latest(): StepReport {
    return this.last;
  }

  /** True once every step is taken, or the attack succeeded with enough confidence. */
  get done(): boolean {
    if (this.stepsTaken >= this.maxSteps) return true;
    if (this.attack.stopsAtSuccess && this.stepsTaken > 0 && this.last.success) return true;
    const stop = this.spec.stopAtConfidence;
    return this.stepsTaken > 0 && stop !== null && this.last.success && this.last.targetConfidence >= stop;
  }

  /**
   * The latest rounded adversarial image (8-bit RGB): what is saved and what was classified.
   * For an attack that keeps its best (C&W), the smallest successful one so far, once there is one.
   */
  get adversarialRgb(): Uint8Array {
    return this.best?.rgb ?? this.rounded;
  }

  /** The unrounded iterate (owned by the run; valid until its next step). */
  get iterate(): tf.Tensor4D {
    return this.x;
  }

  /** One step of this lane alone: stepTogether with one run. */
  step(): StepReport {
    return AttackRun.stepTogether([this])[0]!;
  }

  /**
   * One step of each run (lanes on one classifier, usually one image): their gradients come
   * from one forward and one backward pass over all their rows (nextTogether), each method
   * updates its own iterate, and the rounded images are classified in one more batched forward
   * pass; then each run reports as it would alone. Each report's stepMs is the run's share of
   * the batch's time (the whole time divided by the runs). Runs already done are for the caller
   * to leave out.
   */
  static stepTogether(runs: readonly AttackRun[]): StepReport[] {
    if (runs.length === 0) return [];
    const t0 = performance.now();
    const next = nextTogether(runs.map((r) => ({ attack: r.attack, x: r.x, original: r.original, ctx: r.context })));
    runs.forEach((r, i) => {
      r.x.dispose();
      r.x = next[i]!;
    });
    const roundedTensor = tf.tidy(() => tf.round(tf.clipByValue(runs.length === 1 ? next[0]! : tf.concat(next), 0, 255)) as tf.Tensor4D);
    const probabilities = runs[0]!.classifier.probabilityRows(roundedTensor);
    const rounded = roundedTensor.dataSync();
    roundedTensor.dispose();
    const size = rounded.length / runs.length;
    runs.forEach((r, i) => (r.rounded = Uint8Array.from(rounded.subarray(i * size, (i + 1) * size))));
    const shareMs = (performance.now() - t0) / runs.length;
    // Each report's time: the run's share of the batch, then its own measuring.
    return runs.map((r, i) => r.recordStep(probabilities[i]!, performance.now() - shareMs));
  }

  /** The step's report of the rounded image just made, heard by the attack; a keepsBest run's result stays its best. */
  private recordStep(probabilities: Float64Array, startedMs: number): StepReport {
    this.stepsTaken++;
    const report = this.report(this.stepsTaken, this.rounded, probabilities, startedMs);
    this.attack.observe(report);
    const detail = this.attack.detail();
    if (detail) report.detail = { ...detail };
    this.last = report;
    if (this.attack.keepsBest) {
      if (report.success && (!this.best || report.distance.l2 < this.best.report.distance.l2)) this.best = { report, rgb: this.rounded };
      // The result so far is the best image; the step's own figures (time, c) stay this step's.
      if (this.best && this.best.report !== report) this.last = { ...this.best.report, step: report.step, stepMs: report.stepMs, bestStep: this.best.report.step, ...(report.detail ? { detail: report.detail } : {}) };
    }
    return this.last;
  }

  private report(step: number, rgb: Uint8Array, probabilities: Float64Array, startedMs: number | undefined): StepReport {
    const top = argmax(probabilities);
    const untargeted = this.spec.target.kind === 'untargeted';
    const targetConfidence = untargeted
      ? 1 - probabilities[this.originalClass]!
      : groupProbability(probabilities, [...this.targetClasses]);
    const success = untargeted ? top !== this.originalClass : this.targetClasses.has(top);
    const distance = imageDistance(this.originalRgb, rgb, this.classifier.inputWidth, this.classifier.inputHeight, this.ssimOriginal);
    const classification = classify(probabilities, this.classifier);
    return { step, classification, targetConfidence, success, distance, stepMs: startedMs === undefined ? 0 : performance.now() - startedMs };
  }

  dispose(): void {
    this.attack.dispose();
    this.x.dispose();
    this.original.dispose();
  }
}
