/**
 * A universal perturbation (Moosavi-Dezfooli et al. 2017): one δ, within ε in L∞, added to
 * every image of a set, that changes the model's top class on as many of them as it can. This
 * is the PGD-style batch variant (as in Shafahi et al. 2020's "universal adversarial training"):
 * each iteration takes the input gradient of every image at x_i + δ and steps δ by
 * α · sign(Σ_i ∇ℓ_i), projected onto [−ε, ε], where ℓ_i = max(z_{y_i} − max_{j≠y_i} z_j, −κ) is
 * the C&W margin of image i's original class y_i (minimised; an image fooled by κ stops pulling,
 * so the rest get the steps).
 *
 * Everything reported is of 8-bit images: δ is rounded to whole levels and each image is
 * round(δ) + x_i clipped to [0, 255], so the perturbation saved as a PNG (128 + δ) adds back
 * exactly. The fooling rate is the share of images whose top class differs from their
 * original's; the curve gives it for the rounded δ clipped to each smaller ε′ (the perturbation
 * confined to the smaller ball, not optimised again for it).
 */
import * as tf from '@tensorflow/tfjs';
import type { Classification } from '../../protocol/adversarial';
import { classify } from './attack-run';
import { exactSign } from './attack-base';
import type { ImageClassifier } from './image-classifier';
import { softmax64 } from './image-classifier';

/** Images per forward or backward pass: bounds memory for a large folder. */
const CHUNK = 8;
/** The logit margin past which an image stops pulling δ. */
const KAPPA = 2;
const MASKED = -1e9;

export interface UniversalOptions {
  /** L∞ radius, in levels. */
  epsilon: number;
  iterations: number;
  /** Sign step in levels; 2.5·ε/iterations (Madry et al.'s rule) when absent. */
  step?: number;
}

export interface UniversalImageResult {
  name: string;
  before: Classification;
  after: Classification;
  /** The top class of the perturbed 8-bit image differs from the original's. */
  success: boolean;
}

export interface UniversalReport {
  iteration: number;
  foolingRate: number;
}

/** What one universal perturbation came to: the CLI's report and the engine request's, from runUniversal. */
export interface UniversalOutcome {
  epsilon: number;
  iterations: number;
  step: number;
  foolingRate: number;
  perImage: UniversalImageResult[];
  /** δ rounded to whole levels, within ε: H × W × 3 values (row-major RGB). */
  perturbation: Int16Array;
  /** The fooling rate before any step (0) and after each iteration. */
  history: UniversalReport[];
  /** Wall milliseconds per iteration (the gradient of every image, the step and the new fooling rate). */
  msPerIteration: number;
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs a universal perturbation to its end, for the CLI and the window's request alike:
 * `onIteration` hears the fooling rate after each iteration; between two chunks of images the
 * event loop runs (a cancel gets in) and `cancelled` is asked, true ending it with undefined. `inspect`
 * sees the perturbation object before it is freed (the CLI reads its curve and PNG there).
 * Every tensor is freed whatever happens.
 */
export async function runUniversal(
  classifier: ImageClassifier,
  images: readonly { name: string; rgb: Uint8Array }[],
  options: UniversalOptions,
  hooks: {
    onIteration?: (report: UniversalReport) => void;
    /** After each chunk of images within an iteration but its last (a large set takes a while): images done of all. */
    onImages?: (done: number, of: number) => void;
    cancelled?: () => boolean;
    inspect?: (u: UniversalPerturbation) => void;
  } = {},
): Promise<UniversalOutcome | undefined> {
  const universal = new UniversalPerturbation(classifier, images, options);
  try {
    let ms = 0;
    while (!universal.done) {
      const steps = universal.iterateByChunks();
      for (;;) {
        await yieldToEvents();
        if (hooks.cancelled?.()) {
          steps.return(undefined as never);
          return undefined;
        }
        const t0 = performance.now();
        const r = steps.next();
        ms += performance.now() - t0;
        if (r.done) {
          hooks.onIteration?.(r.value);
          break;
        }
        hooks.onImages?.(r.value, images.length);
      }
    }
    const { foolingRate, perImage } = universal.evaluate();
    hooks.inspect?.(universal);
    return {
      epsilon: options.epsilon,
      iterations: options.iterations,
      step: universal.step,
      foolingRate,
      perImage: perImage.map(({ name, before, after, success }) => ({ name, before, after, success })),
      perturbation: universal.perturbation(),
      history: [...universal.history],
      msPerIteration: ms / options.iterations,
    };
  } finally {
    universal.dispose();
  }
}

export class UniversalPerturbation {
  readonly step: number;
  readonly history: UniversalReport[] = [];
  private readonly originals: tf.Tensor4D;
  private readonly originalClasses: number[];
  private readonly before: Classification[];
  private delta: tf.Tensor4D;
  private iterationsDone = 0;

  /** `images`: 8-bit RGB at the classifier's input size, height × width × 3 bytes each. */
  constructor(
    readonly classifier: ImageClassifier,
    readonly images: readonly { name: string; rgb: Uint8Array }[],
    readonly options: UniversalOptions,
  ) {
    const { inputHeight: h, inputWidth: w } = classifier;
    if (images.length === 0) throw new RangeError('a universal perturbation needs at least one image');
    for (const im of images) if (im.rgb.length !== h * w * 3) throw new RangeError(`${im.name} must be ${w}×${h} RGB for ${classifier.info.name}`);
    if (!(options.epsilon > 0 && options.epsilon <= 255)) throw new RangeError(`epsilon must be in (0, 255] levels, got ${options.epsilon}`);
    if (!(Number.isInteger(options.iterations) && options.iterations >= 1)) throw new RangeError(`iterations must be a positive integer, got ${options.iterations}`);
    this.step = options.step ?? (2.5 * options.epsilon) / options.iterations;
    const all = new Float32Array(images.length * h * w * 3);
    images.forEach((im, i) => all.set(im.rgb, i * h * w * 3));
    this.originals = tf.tensor4d(all, [images.length, h, w, 3]);
    this.delta = tf.zeros([1, h, w, 3]);
    const probabilities = this.probabilitiesOf(this.originals);
    this.originalClasses = probabilities.map(argmax);
    this.before = probabilities.map((p) => classify(p, classifier));
    this.history.push({ iteration: 0, foolingRate: 0 });
  }

  get iterations(): number {
    return this.iterationsDone;
  }

  get done(): boolean {
    return this.iterationsDone >= this.options.iterations;
  }

  /** One PGD step of δ over every image; returns the fooling rate of the rounded δ. */
  iterate(): UniversalReport {
    const steps = this.iterateByChunks();
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * iterate() a chunk of images at a time: yields the images done after each chunk's gradient
   * but the last (a caller may stop there: return() frees the partial sum and leaves δ as it
   * was), and returns the report once δ has stepped.
   */
  *iterateByChunks(): Generator<number, UniversalReport, void> {
    const n = this.images.length;
    const c = this.classifier.numClasses;
    let sum: tf.Tensor = tf.zerosLike(this.delta);
    try {
      for (let start = 0; start < n; start += CHUNK) {
        const size = Math.min(CHUNK, n - start);
        const own = new Float32Array(size * c).fill(MASKED);
        const others = new Float32Array(size * c);
        for (let i = 0; i < size; i++) {
          const y = this.originalClasses[start + i]!;
          own[i * c + y] = 0;
          others[i * c + y] = MASKED;
        }
        const previous = sum;
        sum = tf.tidy(() => {
          const x = tf.clipByValue(tf.add(tf.slice(this.originals, [start, 0, 0, 0], [size, -1, -1, -1]), this.delta), 0, 255) as tf.Tensor4D;
          const ownMask = tf.tensor2d(own, [size, c]);
          const otherMask = tf.tensor2d(others, [size, c]);
          const g = this.classifier.gradient(x, (z) => {
            const margin = tf.sub(tf.max(tf.add(z, ownMask), -1), tf.max(tf.add(z, otherMask), -1));
            return tf.sum(tf.maximum(margin, -KAPPA));
          });
          return tf.add(previous, tf.sum(g, 0, true));
        });
        previous.dispose();
        if (start + size < n) yield start + size;
      }
      const { epsilon } = this.options;
      const total = sum;
      const updated = tf.tidy(() => tf.clipByValue(tf.sub(this.delta, tf.mul(exactSign(total), this.step)), -epsilon, epsilon) as tf.Tensor4D);
      this.delta.dispose();
      this.delta = updated;
    } finally {
      sum.dispose();
    }
    this.iterationsDone++;
    const report = { iteration: this.iterationsDone, foolingRate: this.evaluate(this.options.epsilon).foolingRate };
    this.history.push(report);
    return report;
  }

  /** δ rounded to whole levels, within ε: H × W × 3 values (row-major RGB). */
  perturbation(): Int16Array {
    const rounded = this.rounded(this.options.epsilon);
    const values = Int16Array.from(rounded.dataSync());
    rounded.dispose();
    return values;
  }

  /** The perturbation as 8-bit RGB, 128 + k·δ clipped to [0, 255] (k = 1 adds back exactly). */
  perturbationRgb(amplify = 1): Uint8Array {
    return Uint8Array.from(this.perturbation(), (d) => Math.min(255, Math.max(0, 128 + amplify * d)));
  }

  /** Each image with round(δ) clipped to ε′ (the run's ε by default), as 8-bit RGB and classified. */
  evaluate(epsilon = this.options.epsilon): { foolingRate: number; perImage: (UniversalImageResult & { rgb: Uint8Array })[] } {
    const { inputHeight: h, inputWidth: w } = this.classifier;
    const size = h * w * 3;
    const adversarial = tf.tidy(() => tf.clipByValue(tf.add(this.originals, this.rounded(epsilon)), 0, 255) as tf.Tensor4D);
    const bytes = Uint8Array.from(adversarial.dataSync());
    const probabilities = this.probabilitiesOf(adversarial);
    adversarial.dispose();
    const perImage = this.images.map((im, i) => {
      const p = probabilities[i]!;
      return { name: im.name, before: this.before[i]!, after: classify(p, this.classifier), success: argmax(p) !== this.originalClasses[i], rgb: bytes.slice(i * size, (i + 1) * size) };
    });
    return { foolingRate: perImage.filter((r) => r.success).length / perImage.length, perImage };
  }

  /** Fooling rate against ε′ = each of `points` levels up to ε: the rounded δ clipped to the smaller ball. */
  curve(points?: readonly number[]): { epsilon: number; foolingRate: number }[] {
    const eps = this.options.epsilon;
    const levels = points ?? Array.from(new Set([...Array.from({ length: Math.min(10, Math.floor(eps)) }, (_, i) => Math.round(((i + 1) * eps) / Math.min(10, Math.floor(eps)))), eps]));
    return [{ epsilon: 0, foolingRate: 0 }, ...levels.map((e) => ({ epsilon: e, foolingRate: this.evaluate(e).foolingRate }))];
  }

  private rounded(epsilon: number): tf.Tensor4D {
    const bound = Math.floor(epsilon);
    return tf.tidy(() => tf.clipByValue(tf.round(this.delta), -bound, bound) as tf.Tensor4D);
  }

  private probabilitiesOf(images: tf.Tensor4D): Float64Array[] {
    const out: Float64Array[] = [];
    const n = images.shape[0];
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      const logits = tf.tidy(() => this.classifier.logits(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D));
      const values = logits.dataSync();
      logits.dispose();
      const c = this.classifier.numClasses;
      for (let i = 0; i < size; i++) out.push(softmax64(values.subarray(i * c, (i + 1) * c)));
    }
    return out;
  }

  dispose(): void {
    this.delta.dispose();
    this.originals.dispose();
  }
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
