/**
 * What input gradients need on the wasm backend (tfjs 4.22), which lacks some backprop kernels,
 * has one wrong one and one slow one (see ../shared/models/README.md):
 *  - Conv2DBackpropInput is a plain loop, ten times the XNNPACK forward convolution, and
 *    DepthwiseConv2dNativeBackpropInput is missing: `conv2dWithInputGrad` and
 *    `depthwiseConv2dWithInputGrad` give both convolutions custom gradients that are forward
 *    convolutions themselves (zeros after each sample for a stride, explicit padding, the filter
 *    rotated — and for conv2d transposed — once per layer).
 *  - MaxPoolGrad is wrong where a pooling window holds only negative values (darknet-tiny's
 *    LeakyReLU makes those common). For windows that do not overlap (stride = pool size, as in
 *    darknet-tiny), `maxPoolWithInputGrad` gives max pooling a custom gradient from forward
 *    ops; overlapping windows fall back to `installWasmGradientFixes`, which replaces the
 *    kernel with one that hands the work to the cpu backend's MaxPoolGrad and copies the result
 *    back — correct, but it was half of darknet-tiny's wasm input gradient (≈ 0.8 of 1.6 s).
 *  - Conv2DBackpropFilter is missing too, but nothing here differentiates with respect to
 *    filters.
 * On backends that have the kernels (cpu, tensorflow) the plain ops run with tfjs's own
 * gradients, which is what the wasm gradient is tested against.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };
interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: tf.KernelBackend;
  attrs?: Record<string, unknown>;
}
/** The wasm backend's way to allocate an output holding given values. */
interface WasmOutputs {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): TensorInfo;
}

const delegated = new Set<string>();

/** A wasm kernel that runs the cpu backend's kernel of the same name on copies of its inputs. */
function delegateWasmKernelToCpu(kernelName: string): void {
  const cpuKernel = tf.getKernel(kernelName, 'cpu');
  if (!cpuKernel) throw new Error(`the cpu backend has no ${kernelName} kernel to hand wasm's work to`);
  if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend, attrs }: KernelArgs) => {
      // findBackend initialises the cpu backend on first use; it stays registered by tfjs.
      const cpu = tf.engine().findBackend('cpu');
      const cpuInputs: Record<string, TensorInfo> = {};
      for (const [name, info] of Object.entries(inputs)) {
        const values = backend.readSync(info.dataId) as tf.TypedArray;
        cpuInputs[name] = { dataId: cpu.write(values.slice(), info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
      }
      try {
        const out = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs } as never) as TensorInfo;
        const values = cpu.readSync(out.dataId);
        cpu.disposeData(out.dataId);
        return (backend as unknown as WasmOutputs).makeOutput(out.shape, out.dtype, undefined, values);
      } finally {
        for (const info of Object.values(cpuInputs)) cpu.disposeData(info.dataId);
      }
    }) as unknown as tf.KernelFunc,
  });
  delegated.add(kernelName);
}

/** Idempotent; a no-op where the wasm backend is not loaded. */
export function installWasmGradientFixes(): void {
  if (!tf.findBackendFactory('wasm')) return;
  if (!delegated.has('MaxPoolGrad')) delegateWasmKernelToCpu('MaxPoolGrad');
}

/**
 * True where input gradients run on the forward kernels below rather than tfjs's own backprop
 * kernels: on wasm, whose Conv2DBackpropInput is a plain C++ loop (595 of 849 profiled ms of a
 * MobileNet input gradient, against 69 ms for every forward Conv2D, which XNNPACK runs) and
 * which has no DepthwiseConv2dNativeBackpropInput at all. Elsewhere (cpu, tensorflow) tfjs's
 * own gradients run; they are what these are tested against.
 */
export function usesForwardKernelGradients(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * dy with `stride − 1` zeros after every sample along rows and columns: [b, h, w, c] →
 * [b, h·sh, w·sw, c], sample (i, j) at (i·sh, j·sw). One pad of a reshape; the zeros after the
 * last sample count as part of the padding that follows (see backwardWindow).
 */
function spreadOut(dy: tf.Tensor4D, [sh, sw]: [number, number]): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [b, h, w, c] = dy.shape;
  const spread = tf.pad(dy.reshape([b, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return spread.reshape([b, h * sh, w * sw, c]);
}

/** Padding before the first row/column, as tfjs computes it for 'same' and 'valid'. */
function padBefore(inSize: number, filterSize: number, stride: number, pad: 'same' | 'valid'): number {
  if (pad === 'valid') return 0;
  const outSize = Math.ceil(inSize / stride);
  return Math.floor(Math.max((outSize - 1) * stride + filterSize - inSize, 0) / 2);
}

type ExplicitPadding = [[0, 0], [number, number], [number, number], [0, 0]];

/**
 * What an input gradient correlates with the flipped filter, and how to pad it. With stride s
 * and leading padding p, y[i] = Σ_k x[i·s + k − p]·f[k], so dx[j] = Σ_k d[j + p − k]·f[k]
 * where d is dy with s − 1 zeros between samples: a stride-1 'valid' correlation of d, padded
 * by k − 1 − p in front and to inSize + k − 1 in all, with the filter rotated by 180°. Where
 * the zeros after the last sample overshoot that length, d is cropped instead of padded.
 */
function backwardWindow(
  dy: tf.Tensor4D,
  inShape: readonly number[],
  filterSize: [number, number],
  strides: [number, number],
  pad: 'same' | 'valid',
): { d: tf.Tensor4D; padding: ExplicitPadding } {
  let d = spreadOut(dy, strides);
  const sides = [1, 2].map((axis) => {
    const k = filterSize[axis - 1]!;
    const front = k - 1 - padBefore(inShape[axis]!, k, strides[axis - 1]!, pad);
    return [front, inShape[axis]! + k - 1 - front - d.shape[axis]!] as [number, number];
  }) as [[number, number], [number, number]];
  if (sides[0][1] < 0 || sides[1][1] < 0) {
    const [b, h, w, c] = d.shape;
    d = d.slice([0, 0, 0, 0], [b, h + Math.min(sides[0][1], 0), w + Math.min(sides[1][1], 0), c]);
    sides[0][1] = Math.max(sides[0][1], 0);
    sides[1][1] = Math.max(sides[1][1], 0);
  }
  return { d, padding: [[0, 0], sides[0], sides[1], [0, 0]] };
}

/** conv2dInputGrad's filter, made once per layer: [kh, kw, in, out] rotated 180° → [kh, kw, out, in]. */
export function conv2dBackFilter(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]));
}

/**
 * ∂L/∂x of y = conv2d(x, filter) from dy with one forward convolution (backwardWindow) over
 * the rotated, transposed filter (conv2dBackFilter). A 1×1 stride-1 layer — most of
 * MobileNet's and darknet's — is a 1×1 convolution of dy with no padding at all.
 */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  backFilter: tf.Tensor4D,
  inShape: readonly number[],
  strides: [number, number],
  pad: 'same' | 'valid',
): tf.Tensor4D {
  return tf.tidy(() => {
    const { d, padding } = backwardWindow(dy, inShape, [backFilter.shape[0], backFilter.shape[1]], strides, pad);
    return tf.conv2d(d, backFilter, 1, padding);
  });
}

/** depthwiseInputGrad's filter, made once per layer: [kh, kw, c, m] rotated 180° → [kh, kw, c·m, 1]. */
export function depthwiseBackFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  return tf.tidy(() => tf.reverse(filter, [0, 1]).reshape([kh, kw, c * m, 1]));
}

/**
 * ∂L/∂x of y = depthwiseConv2d(x, filter) from dy with one forward depthwise convolution
 * (backwardWindow) over the rotated filter (depthwiseBackFilter). A depth multiplier M spreads
 * channel c over outputs c·M … c·M + M − 1, whose contributions are summed.
 */
export function depthwiseInputGrad(
  dy: tf.Tensor4D,
  backFilter: tf.Tensor4D,
  inShape: readonly number[],
  strides: [number, number],
  pad: 'same' | 'valid',
): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, inH, inW, c] = inShape as [number, number, number, number];
    const m = backFilter.shape[2] / c;
    const { d, padding } = backwardWindow(dy, inShape, [backFilter.shape[0], backFilter.shape[1]], strides, pad);
    const dx = tf.depthwiseConv2d(d, backFilter, 1, padding);
    return m === 1 ? dx : (dx.reshape([b, inH, inW, c, m]).sum(4) as tf.Tensor4D);
  });
}

function undilated(dilations: [number, number], what: string): void {
  if (dilations[0] !== 1 || dilations[1] !== 1) throw new Error(`a dilated ${what} has no input gradient on the ${tf.getBackend()} backend`);
}

/** A convolution's three forms: tfjs's own op (its gradient by tfjs), the fused forward kernel, and the input gradient over `backFilter`. */
interface Convolution {
  what: string;
  plain(x: tf.Tensor4D, filter: tf.Tensor4D, strides: [number, number], pad: 'same' | 'valid', dilations: [number, number]): tf.Tensor4D;
  fused(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D | undefined, strides: [number, number], pad: 'same' | 'valid'): tf.Tensor4D;
  inputGrad(dy: tf.Tensor4D, backFilter: tf.Tensor4D, inputShape: [number, number, number, number], strides: [number, number], pad: 'same' | 'valid'): tf.Tensor4D;
}

type ConvolutionArgs = [
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  backFilter: tf.Tensor4D,
  bias: tf.Tensor1D | undefined,
  strides: [number, number],
  pad: 'same' | 'valid',
  dilations: [number, number],
];

/**
 * `conv` plus an optional bias, whose input gradient runs on forward kernels where
 * usesForwardKernelGradients(). There the forward pass is one fused convolution-and-bias
 * kernel, which is safe inside the custom gradient (tfjs's own gradient of the fused op
 * computes the filter gradient too, see layer-program.ts). Filter and bias gradients are not
 * provided (nothing differentiates with respect to weights here).
 */
function withInputGrad(
  conv: Convolution,
  ...[x, filter, backFilter, bias, strides, pad, dilations]: ConvolutionArgs
): tf.Tensor4D {
  if (!usesForwardKernelGradients()) {
    const y = conv.plain(x, filter, strides, pad, dilations);
    return bias ? tf.add(y, bias) : y;
  }
  undilated(dilations, conv.what);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor4D;
    const value = conv.fused(input, filter, bias, strides, pad);
    return { value, gradFunc: (dy: tf.Tensor) => conv.inputGrad(dy as tf.Tensor4D, backFilter, input.shape, strides, pad) };
  });
  return op(x) as tf.Tensor4D;
}

const CONV2D: Convolution = {
  what: 'convolution',
  plain: (x, filter, strides, pad, dilations) => tf.conv2d(x, filter, strides, pad, 'NHWC', dilations),
  fused: (x, filter, bias, strides, pad) => tf.fused.conv2d({ x, filter, strides, pad, bias }),
  inputGrad: conv2dInputGrad,
};

const DEPTHWISE: Convolution = {
  what: 'depthwise convolution',
  plain: (x, filter, strides, pad, dilations) => tf.depthwiseConv2d(x, filter, strides, pad, 'NHWC', dilations),
  fused: (x, filter, bias, strides, pad) => tf.fused.depthwiseConv2d({ x, filter, strides, pad, bias }),
  inputGrad: depthwiseInputGrad,
};

/** tf.conv2d plus an optional bias, with its input gradient on forward kernels; `backFilter` is conv2dBackFilter(filter). */
export const conv2dWithInputGrad = (...args: ConvolutionArgs): tf.Tensor4D => withInputGrad(CONV2D, ...args);

/** tf.depthwiseConv2d plus an optional bias, likewise; `backFilter` is depthwiseBackFilter(filter). */
export const depthwiseConv2dWithInputGrad = (...args: ConvolutionArgs): tf.Tensor4D => withInputGrad(DEPTHWISE, ...args);

/**
 * ∂L/∂x of y = maxPool(x) for windows that tile the input (stride = pool size): each window's
 * dy goes to its first maximum in row-major order, as tfjs's cpu MaxPoolGrad does (it scans
 * rows then columns and keeps a value only if strictly greater). The tiled input is viewed as
 * [b, outH, kh, outW, kw, c], so a window's values and its maximum meet by broadcasting:
 * step(y − x) is 1 below the maximum and 0 at it; each maximum scores its scan-order weight
 * kh·kw … 1; a forward max pool of the scores finds each window's first maximum. All of it is
 * broadcast arithmetic, Step and MaxPool (slicing window positions apart took 60 of 200 ms of
 * darknet-tiny's gradient). 'same' padding is −∞ (it never wins), 'valid' leaves the uncovered
 * remainder at zero gradient.
 */
export function tiledMaxPoolInputGrad(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, size: [number, number], pad: 'same' | 'valid'): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = size;
    const [b, h, w, c] = x.shape;
    const [, outH, outW] = y.shape;
    const top = pad === 'same' ? padBefore(h, kh, kh, pad) : 0;
    const left = pad === 'same' ? padBefore(w, kw, kw, pad) : 0;
    const coveredH = outH * kh;
    const coveredW = outW * kw;
    // The tiled region: cropped ('valid') or padded with −∞ ('same') to exactly outH·kh × outW·kw.
    let tiled: tf.Tensor4D = x;
    if (pad === 'same' && (coveredH !== h || coveredW !== w)) {
      tiled = tf.pad(x, [[0, 0], [top, coveredH - h - top], [left, coveredW - w - left], [0, 0]], -Infinity);
    } else if (coveredH !== h || coveredW !== w) {
      tiled = x.slice([0, 0, 0, 0], [b, coveredH, coveredW, c]);
    }
    const windows = tiled.reshape([b, outH, kh, outW, kw, c]);
    const perWindow = (t: tf.Tensor) => t.reshape([b, outH, 1, outW, 1, c]);
    const scanWeight = tf.tensor(Array.from({ length: kh * kw }, (_, i) => kh * kw - i), [1, 1, kh, 1, kw, 1]);
    const score = tf.mul(tf.sub(1, tf.step(tf.sub(perWindow(y), windows))), scanWeight);
    const best = tf.maxPool(score.reshape([b, coveredH, coveredW, c]) as tf.Tensor4D, size, size, 'valid');
    const first = tf.sub(1, tf.step(tf.sub(perWindow(best), score)));
    const dTiled = tf.mul(first, perWindow(dy)).reshape([b, coveredH, coveredW, c]) as tf.Tensor4D;
    if (coveredH === h && coveredW === w) return dTiled;
    if (pad === 'same') return dTiled.slice([0, top, left, 0], [b, h, w, c]);
    return tf.pad(dTiled, [[0, 0], [0, h - coveredH], [0, w - coveredW], [0, 0]]);
  });
}

/**
 * tf.maxPool whose input gradient is right on every backend: on wasm, non-overlapping windows
 * get the forward-op gradient above; everything else is tfjs's own (on wasm, the kernel
 * installWasmGradientFixes hands to the cpu backend).
 */
export function maxPoolWithInputGrad(x: tf.Tensor4D, size: [number, number], strides: [number, number], pad: 'same' | 'valid'): tf.Tensor4D {
  const tiles = strides[0] === size[0] && strides[1] === size[1];
  if (!usesForwardKernelGradients() || !tiles) return tf.maxPool(x, size, strides, pad);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const value = tf.maxPool(input, size, strides, pad);
    save([input, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tiledMaxPoolInputGrad(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, size, pad),
    };
  });
  return op(x) as tf.Tensor4D;
}

/**
 * An activation whose input gradient is dy · slope(x), with slope made of Step and xnnpack's
 * broadcast arithmetic where usesForwardKernelGradients(): tfjs's own gradients compare x with
 * a scalar (LessEqual, Greater, Select), which wasm does element by element through a generic
 * broadcasting loop — 23 ms of MobileNet's 180 ms gradient went to ReLU6's LessEqual alone.
 */
function withSlope(forward: (x: tf.Tensor) => tf.Tensor, slope: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([input]);
    return { value: forward(input), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, slope(saved[0]!)) };
  });
  return (x) => (usesForwardKernelGradients() ? (op(x) as tf.Tensor) : forward(x));
}

/** tf.relu6 whose slope is step(x) − step(x − 6): 1 on (0, 6], as tfjs's own gradient has it. */
export const relu6WithInputGrad = withSlope(
  (x) => tf.relu6(x),
  (x) => tf.sub(tf.step(x), tf.step(tf.sub(x, 6))),
);

/** tf.leakyRelu whose slope is step(x, α): 1 above 0, α at and below, as tfjs's own gradient has it. */
export function leakyReluWithInputGrad(alpha: number): (x: tf.Tensor) => tf.Tensor {
  return withSlope(
    (x) => tf.leakyRelu(x, alpha),
    (x) => tf.step(x, alpha),
  );
}
