/**
 * An image classifier for the attacks: takes pixels in 0..255 (float, [1, H, W, 3]), applies
 * the model's input scaling inside the graph, and gives log-probabilities, probabilities and
 * input gradients of a class-group objective. Gradients run through LayerProgram (plain ops,
 * layer by layer) rather than model.predict; see layer-program.ts for why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { classGroupsFor, type ClassGroups } from './class-groups';
import { diskModelHandler } from './disk-io-handler';
import { installWasmGradientFixes } from './input-gradient-ops';
import { LayerProgram } from './layer-program';
import { modelsFolder, type InputScaling, type ModelSource, type OutputKind } from './model-registry';

export interface ClassifierInfo {
  name: string;
  displayName: string;
  inputScaling: InputScaling;
  /** What the model's own output is; undefined: read off its last layer. */
  output?: OutputKind;
  labels?: string[];
}

/**
 * J(x) = direction · log Σ_{i ∈ classes} p_i(x): direction +1 raises the classes (a targeted
 * attack), −1 lowers them (untargeted: away from the original class).
 */
export interface Objective {
  classes: readonly number[];
  direction: 1 | -1;
}

let standardLabels: string[] | undefined;
/** The 1000 standard-order ImageNet labels that define the cat and dog groups. */
export function imagenetStandardLabels(): string[] {
  standardLabels ??= JSON.parse(readFileSync(join(modelsFolder(), 'labels/imagenet-standard.json'), 'utf8')) as string[];
  return standardLabels;
}

export class ImageClassifier {
  readonly inputHeight: number;
  readonly inputWidth: number;
  readonly numClasses: number;
  readonly labels: string[];
  readonly groups: ClassGroups;
  readonly output: OutputKind;
  private readonly program: LayerProgram;
  /** Input scaling as pixel·scale + shift. */
  private readonly scale: number;
  private readonly shift: number;

  private constructor(
    private readonly model: tf.LayersModel,
    readonly info: ClassifierInfo,
  ) {
    const shape = model.inputs[0]!.shape;
    const [, h, w, c] = shape;
    if (shape.length !== 4 || !h || !w || c !== 3) throw new Error(`the model's input is ${JSON.stringify(shape)}; an RGB image classifier takes [null, H, W, 3]`);
    this.inputHeight = h;
    this.inputWidth = w;
    const out = model.outputs[0]!.shape;
    this.numClasses = out[out.length - 1] ?? 0;
    if (out.length !== 2 || this.numClasses < 2) throw new Error(`the model's output is ${JSON.stringify(out)}; a classifier gives [null, classes]`);
    if (info.labels && info.labels.length !== this.numClasses) {
      throw new Error(`${info.name} has ${this.numClasses} classes but its label list has ${info.labels.length}`);
    }
    this.labels = info.labels ?? Array.from({ length: this.numClasses }, (_, i) => `class ${i}`);
    this.groups = info.labels && this.numClasses === 1000 ? classGroupsFor(this.labels, imagenetStandardLabels()) : { cat: [], dog: [] };
    [this.scale, this.shift] = info.inputScaling === 'pixel/255' ? [1 / 255, 0] : [1 / 127.5, -1];
    this.program = new LayerProgram(model);
    this.output = info.output ?? (this.program.returnsLogits ? 'probabilities' : 'scores');
  }

  /** Loads a layers model from its folder. */
  static async load(source: ModelSource): Promise<ImageClassifier> {
    if (source.format !== 'layers-model') throw new Error(`${source.dir} holds a TensorFlow.js graph model; the attacks need a layers model`);
    const model = await tf.loadLayersModel(diskModelHandler(source.dir));
    try {
      return new ImageClassifier(model, { ...source, output: source.output, labels: source.labels });
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /** Wraps a model already in memory (the tests' tiny models). Takes ownership of it. */
  static fromModel(model: tf.LayersModel, info: ClassifierInfo): ImageClassifier {
    return new ImageClassifier(model, info);
  }

  /**
   * Per-class scores whose softmax is the model's probabilities: logits where the model gives
   * them or its final softmax could be skipped, otherwise log-probabilities.
   */
  logits(pixels: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.program.run(tf.add(tf.mul(pixels, this.scale), this.shift)) as tf.Tensor2D;
      if (this.program.returnsLogits || this.output === 'scores') return out;
      return tf.log(tf.maximum(out, 1e-30)) as tf.Tensor2D; // probabilities with no softmax layer to skip
    });
  }

  /** Class probabilities for a batch of one, softmax taken in float64. */
  probabilities(pixels: tf.Tensor4D): Float64Array {
    if (pixels.shape[0] !== 1) throw new RangeError(`probabilities takes a batch of one; use probabilityRows for ${pixels.shape[0]}`);
    return this.probabilityRows(pixels)[0]!;
  }

  /** Class probabilities of each image of a batch (one forward pass), softmax taken in float64 per row. */
  probabilityRows(pixels: tf.Tensor4D): Float64Array[] {
    const logits = this.logits(pixels);
    const values = logits.dataSync();
    logits.dispose();
    const n = this.numClasses;
    return Array.from({ length: pixels.shape[0] }, (_, r) => softmax64(values.subarray(r * n, (r + 1) * n)));
  }

  /**
   * J(x) = direction · log Σ_{i∈classes} softmax(logits(x))_i of `objective` for a batch of
   * one; objectiveLoss for what it differentiates.
   */
  objectiveGradient(pixels: tf.Tensor4D, objective: Objective): tf.Tensor4D {
    return this.gradient(pixels, this.objectiveLoss(Array.from({ length: pixels.shape[0] }, () => objective)));
  }

  /**
   * Σ_r J_r(row r) for a batch whose row r has objective r: each row's group log-mass is
   * logsumexp over the group's logits (others masked by a large negative bias: a one-hot style
   * product, since wasm lacks the UnsortedSegmentSum that gather's gradient needs) minus
   * logsumexp over all, times its direction. Row r's term depends on row r alone, so the
   * gradient of the sum is each row's own gradient.
   */
  objectiveLoss(objectives: readonly Objective[]): (logits: tf.Tensor2D) => tf.Scalar {
    const n = this.numClasses;
    const bias = new Float32Array(objectives.length * n).fill(-1e9);
    objectives.forEach((o, r) => {
      for (const i of o.classes) {
        if (!(i >= 0 && i < n)) throw new RangeError(`class ${i} is not among the model's ${n}`);
        bias[r * n + i] = 0;
      }
    });
    const directions = Float32Array.from(objectives, (o) => o.direction);
    return (logits) => {
      if (logits.shape[0] !== objectives.length) throw new RangeError(`${objectives.length} objectives for ${logits.shape[0]} rows`);
      const mask = tf.tensor2d(bias, [objectives.length, n]);
      const group = tf.logSumExp(tf.add(logits, mask), -1);
      return tf.sum(tf.mul(tf.sub(group, tf.logSumExp(logits, -1)), tf.tensor1d(directions)));
    };
  }

  /**
   * ∇_pixels of any scalar loss of the logits (and of the pixels themselves), for a batch of
   * any size: the one way every attack differentiates the model (DeepFool's per-class
   * gradients ride as a batch of copies, C&W adds its distance term).
   */
  gradient(pixels: tf.Tensor4D, loss: (logits: tf.Tensor2D, pixels: tf.Tensor4D) => tf.Scalar): tf.Tensor4D {
    // Here rather than at load: importing the wasm backend (re-)registers its own kernels.
    if (tf.getBackend() === 'wasm') installWasmGradientFixes();
    return tf.tidy(() => tf.grad((x: tf.Tensor) => loss(this.logits(x as tf.Tensor4D), x as tf.Tensor4D))(pixels) as tf.Tensor4D);
  }

  dispose(): void {
    this.program.dispose();
    this.model.dispose();
  }
}

/** Softmax of float32 scores in float64 (max-shifted). */
export function softmax64(scores: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]!);
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += out[i] = Math.exp(scores[i]! - max);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}
