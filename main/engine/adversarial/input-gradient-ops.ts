/**
 * What input gradients need on the wasm backend (tfjs 4.22), which lacks some backprop kernels
 * and has one wrong one (see ../shared/models/README.md):
 *  - DepthwiseConv2dNativeBackpropInput is missing: `depthwiseConv2dWithInputGrad` gives the
 *    depthwise convolution a custom gradient built from forward ops (zero-insertion for the
 *    stride, padding, and a depthwise convolution with the 180°-rotated filter).
 *  - MaxPoolGrad is wrong where a pooling window holds only negative values (darknet-tiny's
 *    LeakyReLU makes those common): `installWasmGradientFixes` replaces it with a kernel that
 *    hands the work to the cpu backend's MaxPoolGrad and copies the result back.
 *  - Conv2DBackpropFilter is missing too, but nothing here differentiates with respect to
 *    filters: plain tf.conv2d, unlike the fused convolution, only backpropagates to the inputs
 *    that lead from what tf.grad asks about.
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

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Inserts `stride − 1` zeros between elements along `axis` (1 = rows, 2 = columns). */
function dilate(x: tf.Tensor4D, stride: number, axis: 1 | 2): tf.Tensor4D {
  if (stride === 1) return x;
  const zeros = tf.zerosLike(x);
  const stacked = tf.stack([x, ...Array<tf.Tensor4D>(stride - 1).fill(zeros)], axis + 1);
  const [b, h, w, c] = x.shape;
  const long: tf.Tensor4D = axis === 1 ? stacked.reshape([b, h * stride, w, c]) : stacked.reshape([b, h, w * stride, c]);
  // The trailing zeros after the last element are not part of the dilated signal.
  return axis === 1 ? long.slice([0, 0, 0, 0], [b, (h - 1) * stride + 1, w, c]) : long.slice([0, 0, 0, 0], [b, h, (w - 1) * stride + 1, c]);
}

/** Padding before the first row/column, as tfjs computes it for 'same' and 'valid'. */
function padBefore(inSize: number, filterSize: number, stride: number, pad: 'same' | 'valid'): number {
  if (pad === 'valid') return 0;
  const outSize = Math.ceil(inSize / stride);
  return Math.floor(Math.max((outSize - 1) * stride + filterSize - inSize, 0) / 2);
}

/**
 * ∂L/∂x of y = depthwiseConv2d(x, filter) from dy, using forward ops only. With stride s and
 * leading padding p, y[i] = Σ_k x[i·s + k − p]·f[k], so dx[j] = Σ_k d[j + p − k]·f[k] where d is
 * dy with s − 1 zeros between samples: a correlation of d, padded by (kh − 1 − p) in front, with
 * the filter reversed. A depth multiplier M spreads channel c over outputs c·M … c·M + M − 1,
 * whose contributions are summed.
 */
export function depthwiseInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inShape: [number, number, number, number],
  strides: [number, number],
  pad: 'same' | 'valid',
): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, inH, inW, c] = inShape;
    const [kh, kw, , m] = filter.shape;
    const d = dilate(dilate(dy, strides[0], 1), strides[1], 2);
    const top = kh - 1 - padBefore(inH, kh, strides[0], pad);
    const left = kw - 1 - padBefore(inW, kw, strides[1], pad);
    const bottom = inH + kh - 1 - top - d.shape[1];
    const right = inW + kw - 1 - left - d.shape[2];
    let padded = tf.pad(d, [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]]);
    if (bottom < 0 || right < 0) padded = padded.slice([0, 0, 0, 0], [b, inH + kh - 1, inW + kw - 1, c * m]);
    const rotated = tf.reverse(filter, [0, 1]).reshape([kh, kw, c * m, 1]) as tf.Tensor4D;
    const dx = tf.depthwiseConv2d(padded, rotated, 1, 'valid');
    return m === 1 ? dx : (dx.reshape([b, inH, inW, c, m]).sum(4) as tf.Tensor4D);
  });
}

/**
 * tf.depthwiseConv2d whose input gradient works on every backend. Filter gradients are not
 * provided (nothing differentiates with respect to weights here).
 */
export function depthwiseConv2dWithInputGrad(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  pad: 'same' | 'valid',
  dilations: [number, number],
): tf.Tensor4D {
  if (hasKernel('DepthwiseConv2dNativeBackpropInput')) return tf.depthwiseConv2d(x, filter, strides, pad, 'NHWC', dilations);
  if (dilations[0] !== 1 || dilations[1] !== 1) {
    throw new Error(`a dilated depthwise convolution has no input gradient on the ${tf.getBackend()} backend`);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor4D;
    const value = tf.depthwiseConv2d(input as tf.Tensor4D, filter, strides, pad);
    return { value, gradFunc: (dy: tf.Tensor) => depthwiseInputGrad(dy as tf.Tensor4D, filter, input.shape as [number, number, number, number], strides, pad) };
  });
  return op(x) as tf.Tensor4D;
}
