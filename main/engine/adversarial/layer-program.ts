/**
 * A TensorFlow.js layers model replayed layer by layer with plain ops, for fast input
 * gradients. model.predict runs convolutions through tf.fused.conv2d, whose gradient computes
 * the filter gradient too whatever tf.grad asks for: that made a MobileNet input gradient 56 s
 * on cpu. Plain tf.conv2d only backpropagates along inputs that lead from x (2.3 s on cpu;
 * on wasm the convolutions differentiate on forward kernels, see input-gradient-ops.ts).
 * Batch normalisation becomes one multiply-add with precomputed scale and offset, or is folded
 * into the convolution before it. Layers not listed here run through the layer's own apply()
 * (correct, maybe slower).
 *
 * When the model ends in a softmax (possibly followed by reshapes), the program stops before
 * it and returns logits, so losses work on log-probabilities without log(softmax) underflow.
 */
import * as tf from '@tensorflow/tfjs';
import {
  conv2dBackFilter,
  conv2dWithInputGrad,
  depthwiseBackFilter,
  depthwiseConv2dWithInputGrad,
  leakyReluWithInputGrad,
  maxPoolWithInputGrad,
  relu6WithInputGrad,
} from './input-gradient-ops';

type Pad = 'same' | 'valid';
type Op = (inputs: tf.Tensor[]) => tf.Tensor;

/** One layer as the program runs it. */
export interface ProgramLayer {
  name: string;
  /** The layer's class, e.g. 'Conv2D'. */
  className: string;
  inputs: string[];
  op: Op;
}

/** Called by run() after each layer, for tests that check the layers one by one. */
export type LayerVisitor = (layer: Readonly<ProgramLayer>, inputs: readonly tf.Tensor[], output: tf.Tensor) => void;

/** The serialised config every layer has; fields read below are checked where used. */
type LayerConfig = Record<string, unknown>;

const SHAPE_ONLY = new Set(['Reshape', 'Flatten', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D']);

function pair(v: unknown, fallback: number): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  return [fallback, fallback];
}

function padding(v: unknown): Pad {
  if (v === 'same' || v === 'valid') return v;
  throw new Error(`padding "${String(v)}" is not supported`);
}

/** A named activation as ops, or undefined where tfjs's own layer must run it. */
function activation(name: unknown): ((x: tf.Tensor) => tf.Tensor) | undefined {
  switch (name ?? 'linear') {
    case 'linear':
      return (x) => x;
    case 'relu':
      return (x) => tf.relu(x);
    case 'relu6':
      return relu6WithInputGrad;
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    case 'tanh':
      return (x) => tf.tanh(x);
    case 'elu':
      return (x) => tf.elu(x);
    case 'selu':
      return (x) => tf.selu(x);
    case 'softplus':
      return (x) => tf.softplus(x);
    case 'swish':
      return (x) => tf.mul(x, tf.sigmoid(x));
    case 'softmax':
      return (x) => tf.softmax(x);
    default:
      return undefined;
  }
}

function batchNormOnChannels(config: LayerConfig): boolean {
  const axis = Array.isArray(config.axis) ? config.axis[0] : config.axis;
  return axis === -1 || axis === 3;
}

/** y = γ(x − μ)/√(σ² + ε) + β = x·scale + offset, per channel. New tensors; the caller owns them. */
function batchNormFactors(config: LayerConfig, weights: tf.Tensor[]): { scale: tf.Tensor1D; offset: tf.Tensor1D } {
  const epsilon = Number(config.epsilon ?? 1e-3);
  const rest = [...weights];
  const gamma = config.scale === false ? undefined : rest.shift();
  const beta = config.center === false ? undefined : rest.shift();
  const [mean, variance] = rest as [tf.Tensor1D, tf.Tensor1D];
  const scale = tf.tidy(() => tf.div(gamma ?? tf.onesLike(variance), tf.sqrt(tf.add(variance, epsilon))) as tf.Tensor1D);
  const offset = tf.tidy(() => tf.sub(beta ?? tf.zerosLike(mean), tf.mul(mean, scale)) as tf.Tensor1D);
  return { scale, offset };
}

export class LayerProgram {
  private readonly nodes: ProgramLayer[] = [];
  /** Tensors the program made (folded batch-norm factors, backward filters); disposed with it. */
  private readonly owned: tf.Tensor[] = [];
  private readonly inputName: string;
  private readonly outputName: string;
  /** True when the final softmax was left out and run() returns logits. */
  readonly returnsLogits: boolean;
  /** Convolution name → the batch normalisation folded into it. */
  private readonly foldedInto = new Map<string, tf.layers.Layer>();
  /** Layer classes that fell back to the layer's own apply(), for diagnostics. */
  readonly fallbacks: string[] = [];

  constructor(model: tf.LayersModel) {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('only models with one input and one output are supported');
    this.inputName = model.inputs[0]!.sourceLayer.name;
    this.outputName = model.outputs[0]!.sourceLayer.name;
    const byName = new Map(model.layers.map((l) => [l.name, l]));
    const softmaxLayer = this.finalSoftmax(byName);
    this.returnsLogits = softmaxLayer !== undefined;
    this.findFoldableBatchNorms(model);
    for (const layer of model.layers) {
      if (layer.name === this.inputName) continue;
      if (layer.inboundNodes.length !== 1) throw new Error(`layer ${layer.name} is used ${layer.inboundNodes.length} times; shared layers are not supported`);
      const inputs = layer.inboundNodes[0]!.inboundLayers.map((l) => l.name);
      this.nodes.push({ name: layer.name, className: layer.getClassName(), inputs, op: this.compile(layer, layer === softmaxLayer) });
    }
  }

  /**
   * Batch normalisations that directly follow a linear convolution whose output nothing else
   * reads: y = conv(x, W)·scale + offset = conv(x, W·scale) + offset, so the convolution takes
   * the scaled kernel and a bias, and the normalisation disappears — a multiply and an add less
   * per layer each way (27 of each in MobileNet).
   */
  private findFoldableBatchNorms(model: tf.LayersModel): void {
    for (const layer of model.layers) {
      if (layer.getClassName() !== 'BatchNormalization' || !batchNormOnChannels(layer.getConfig() as LayerConfig)) continue;
      const inbound = layer.inboundNodes[0]?.inboundLayers;
      const conv = inbound?.length === 1 ? inbound[0]! : undefined;
      if (!conv || !['Conv2D', 'DepthwiseConv2D'].includes(conv.getClassName()) || conv.outboundNodes.length !== 1) continue;
      const config = conv.getConfig() as LayerConfig;
      if ((config.activation ?? 'linear') !== 'linear' || config.dataFormat === 'channels_first' || (config.groups !== undefined && config.groups !== 1)) continue;
      this.foldedInto.set(conv.name, layer);
    }
  }

  /** The layer whose softmax ends the model, if only shape changes follow it. */
  private finalSoftmax(byName: Map<string, tf.layers.Layer>): tf.layers.Layer | undefined {
    let layer = byName.get(this.outputName);
    while (layer && SHAPE_ONLY.has(layer.getClassName())) {
      const inbound = layer.inboundNodes[0]?.inboundLayers;
      layer = inbound?.length === 1 ? byName.get(inbound[0]!.name) : undefined;
    }
    if (!layer) return undefined;
    const cls = layer.getClassName();
    const config = layer.getConfig() as LayerConfig;
    if (cls === 'Softmax' || config.activation === 'softmax') return layer;
    return undefined;
  }

  private compile(layer: tf.layers.Layer, dropSoftmax: boolean): Op {
    const cls = layer.getClassName();
    const config = layer.getConfig() as LayerConfig;
    const weights = layer.getWeights();
    const act = dropSoftmax ? (x: tf.Tensor) => x : activation(config.activation);
    const fallback = (): Op => {
      this.fallbacks.push(cls);
      return (inputs) => layer.apply(inputs.length === 1 ? inputs[0]! : inputs, { training: false }) as tf.Tensor;
    };
    switch (cls) {
      case 'Conv2D': {
        if (!act || config.dataFormat === 'channels_first' || (config.groups !== undefined && config.groups !== 1)) return fallback();
        const { kernel, bias } = this.kernelAndBias(layer, config, weights);
        const strides = pair(config.strides, 1);
        const dilations = pair(config.dilationRate, 1);
        const pad = padding(config.padding);
        const backKernel = this.own(conv2dBackFilter(kernel));
        return ([x]) => act(conv2dWithInputGrad(x as tf.Tensor4D, kernel, backKernel, bias, strides, pad, dilations));
      }
      case 'DepthwiseConv2D': {
        if (!act || config.dataFormat === 'channels_first') return fallback();
        const { kernel, bias } = this.kernelAndBias(layer, config, weights);
        const strides = pair(config.strides, 1);
        const dilations = pair(config.dilationRate, 1);
        const pad = padding(config.padding);
        const backKernel = this.own(depthwiseBackFilter(kernel));
        return ([x]) => act(depthwiseConv2dWithInputGrad(x as tf.Tensor4D, kernel, backKernel, bias, strides, pad, dilations));
      }
      case 'Dense': {
        if (!act) return fallback();
        const [kernel, bias] = [weights[0] as tf.Tensor2D, config.useBias ? weights[1] : undefined];
        return ([x]) => {
          if (x!.rank !== 2) return layer.apply(x!) as tf.Tensor;
          const y = tf.matMul(x as tf.Tensor2D, kernel);
          return act(bias ? tf.add(y, bias) : y);
        };
      }
      case 'BatchNormalization': {
        if ([...this.foldedInto.values()].includes(layer)) return ([x]) => x!;
        if (!batchNormOnChannels(config)) return fallback();
        const { scale, offset } = batchNormFactors(config, weights);
        this.own(scale);
        this.own(offset);
        return ([x]) => tf.add(tf.mul(x!, scale), offset);
      }
      case 'Activation':
        return act ? ([x]) => act(x!) : fallback();
      case 'Softmax':
        return dropSoftmax ? ([x]) => x! : fallback();
      case 'ReLU': {
        if (config.maxValue === 6) return ([x]) => relu6WithInputGrad(x!);
        if (config.maxValue !== undefined && config.maxValue !== null) return fallback();
        return ([x]) => tf.relu(x!);
      }
      case 'LeakyReLU': {
        const leakyRelu = leakyReluWithInputGrad(Number(config.alpha ?? 0.3));
        return ([x]) => leakyRelu(x!);
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        if (config.dataFormat === 'channels_first') return fallback();
        const size = pair(config.poolSize, 2);
        const strides = pair(config.strides ?? config.poolSize, 2);
        const pad = padding(config.padding ?? 'valid');
        return cls === 'MaxPooling2D'
          ? ([x]) => maxPoolWithInputGrad(x as tf.Tensor4D, size, strides, pad)
          : ([x]) => tf.avgPool(x as tf.Tensor4D, size, strides, pad);
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        if (config.dataFormat === 'channels_first' || config.keepDims) return fallback();
        return cls === 'GlobalAveragePooling2D' ? ([x]) => tf.mean(x!, [1, 2]) : ([x]) => tf.max(x!, [1, 2]);
      }
      case 'ZeroPadding2D': {
        if (config.dataFormat === 'channels_first') return fallback();
        const p = config.padding as [[number, number], [number, number]];
        return ([x]) => tf.pad(x!, [[0, 0], p[0], p[1], [0, 0]]);
      }
      case 'Reshape': {
        const target = config.targetShape as number[];
        return ([x]) => tf.reshape(x!, [x!.shape[0]!, ...target]);
      }
      case 'Flatten':
        return ([x]) => tf.reshape(x!, [x!.shape[0]!, -1]);
      case 'Dropout':
      case 'SpatialDropout1D':
      case 'SpatialDropout2D':
        return ([x]) => x!;
      case 'Add':
        return (xs) => tf.addN(xs);
      case 'Multiply':
        return (xs) => xs.reduce((a, b) => tf.mul(a, b));
      case 'Concatenate': {
        const axis = Number(config.axis ?? -1);
        return (xs) => tf.concat(xs, axis);
      }
      default:
        return fallback();
    }
  }

  /** A convolution's kernel (1 × 1 × channels × multiplier for a depthwise one) and bias, with a following batch normalisation folded in. */
  private kernelAndBias(layer: tf.layers.Layer, config: LayerConfig, weights: tf.Tensor[]): { kernel: tf.Tensor4D; bias: tf.Tensor1D | undefined } {
    const kernel = weights[0] as tf.Tensor4D;
    const bias = config.useBias ? (weights[1] as tf.Tensor1D) : undefined;
    const bn = this.foldedInto.get(layer.name);
    if (!bn) return { kernel, bias };
    return tf.tidy(() => {
      const { scale, offset } = batchNormFactors(bn.getConfig() as LayerConfig, bn.getWeights());
      // Output channel k of a depthwise kernel [kh, kw, c, m] is c·m + j: scale's order reshaped.
      const perOutput = layer.getClassName() === 'DepthwiseConv2D' ? scale.reshape([kernel.shape[2], kernel.shape[3]]) : scale;
      return {
        kernel: this.own(tf.keep(tf.mul(kernel, perOutput) as tf.Tensor4D)),
        bias: this.own(tf.keep((bias ? tf.add(tf.mul(bias, scale), offset) : offset) as tf.Tensor1D)),
      };
    });
  }

  private own<T extends tf.Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }

  /** Model input → output (logits when returnsLogits). Call inside tf.tidy or tf.grad. */
  run(x: tf.Tensor, visit?: LayerVisitor): tf.Tensor {
    const values = new Map<string, tf.Tensor>([[this.inputName, x]]);
    for (const node of this.nodes) {
      const inputs = node.inputs.map((name) => {
        const v = values.get(name);
        if (!v) throw new Error(`layer ${node.name} needs ${name}, which has not run`);
        return v;
      });
      const output = node.op(inputs);
      values.set(node.name, output);
      visit?.(node, inputs, output);
    }
    return values.get(this.outputName)!;
  }

  dispose(): void {
    for (const t of this.owned) t.dispose();
    this.owned.length = 0;
  }
}
