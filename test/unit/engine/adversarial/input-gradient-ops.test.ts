/**
 * The wasm backend's input gradients and sign steps against the cpu backend's, which has every
 * backprop kernel and an exact Sign. Both backends live in this one process (tfjs moves a
 * tensor's data when it is read on the other backend), so each case computes on cpu, switches
 * to wasm and computes again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../../main/engine/backend';
import {
  conv2dBackFilter,
  conv2dInputGrad,
  conv2dWithInputGrad,
  depthwiseBackFilter,
  depthwiseConv2dWithInputGrad,
  depthwiseInputGrad,
  leakyReluWithInputGrad,
  maxPoolWithInputGrad,
  relu6WithInputGrad,
  tiledMaxPoolInputGrad,
} from '../../../../main/engine/adversarial/input-gradient-ops';
import { exactSign, SignedAttack } from '../../../../main/engine/adversarial/attacks';
import { ImageClassifier } from '../../../../main/engine/adversarial/image-classifier';
import { LINEAR_W0 } from './tiny-models';

beforeAll(async () => {
  await selectBackend('wasm');
  await selectBackend('cpu');
});
afterAll(() => tf.disposeVariables());

async function on<T>(backend: 'cpu' | 'wasm' | 'tensorflow', f: () => T): Promise<T> {
  await selectBackend(backend);
  return f();
}

/**
 * Every layer kind of the two ImageNet models, with MobileNet's stride-2 convolutions, 1×1
 * convolutions, a strided 'valid' one and a depth multiplier.
 */
function gradientModel(): tf.LayersModel {
  const seeded = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.5 });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [26, 24, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: seeded(1) }),
      tf.layers.conv2d({ filters: 6, kernelSize: 1, useBias: false, kernelInitializer: seeded(7) }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(8) }),
      tf.layers.batchNormalization({ movingMeanInitializer: seeded(2), movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 3 }) }),
      tf.layers.reLU({ maxValue: 6 }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, depthwiseInitializer: seeded(4) }),
      tf.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }),
      tf.layers.depthwiseConv2d({ kernelSize: 2, padding: 'valid', depthwiseInitializer: seeded(5) }),
      tf.layers.conv2d({ filters: 8, kernelSize: 2, strides: 2, padding: 'valid', kernelInitializer: seeded(9) }),
      // LeakyReLU before max pooling makes pooling windows that hold only negative values,
      // where wasm's own MaxPoolGrad is wrong. 7×6 here: tiled 'same' pooling pads a row.
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }),
      // Overlapping windows: the cpu-delegated MaxPoolGrad.
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: seeded(6) }),
    ],
  });
}

/** max |a − b| / max |b|: float32 sums of a few hundred products agree to ~1e-6 of the scale. */
function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]! / tf.max(tf.abs(expected)).dataSync()[0]!);
}

/**
 * Sizes where 'same' pads evenly and unevenly, where a stride leaves a remainder ('valid'
 * drops input rows, so their gradient is zero) and where it does not; square and oblong filters.
 */
const CONV_CASES: { h: number; w: number; k: [number, number]; stride: [number, number]; pad: 'same' | 'valid' }[] = [];
for (const [h, w] of [[7, 6], [8, 8], [5, 9]] as const) {
  for (const k of [[1, 1], [3, 3], [2, 3]] as [number, number][]) {
    for (const stride of [[1, 1], [2, 2], [1, 2]] as [number, number][]) {
      for (const pad of ['same', 'valid'] as const) CONV_CASES.push({ h, w, k, stride, pad });
    }
  }
}

describe('conv2dInputGrad (a forward convolution over the rotated, transposed filter)', () => {
  it("equals tfjs's own Conv2DBackpropInput on cpu for 1×1, 3×3 and 2×3 filters, strides 1 and 2, same and valid", async () => {
    await selectBackend('cpu');
    for (const { h, w, k, stride, pad } of CONV_CASES) {
      tf.tidy(() => {
        const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', h * 100 + w) as tf.Tensor4D;
        const f = tf.randomNormal([...k, 3, 5], 0, 1, 'float32', k[0] + stride[1]) as tf.Tensor4D;
        const y = tf.conv2d(x, f, stride, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 5) as tf.Tensor4D;
        const expected = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(v as tf.Tensor4D, f, stride, pad), dy)))(x);
        const actual = conv2dInputGrad(dy, conv2dBackFilter(f), x.shape, stride, pad);
        const where = `${h}×${w} filter ${k} stride ${stride} ${pad}`;
        expect(actual.shape, where).toEqual(expected.shape);
        expect(relativeError(actual, expected), where).toBeLessThan(1e-6);
      });
    }
  });
});

describe('depthwiseInputGrad (a forward depthwise convolution over the rotated filter)', () => {
  it("equals tfjs's own DepthwiseConv2dNativeBackpropInput on cpu for the same cases, multipliers 1 and 2", async () => {
    await selectBackend('cpu');
    // tfjs's own depthwise gradient takes equal strides only.
    for (const { h, w, k, stride, pad } of CONV_CASES.filter((c) => c.stride[0] === c.stride[1])) {
      for (const m of [1, 2]) {
        tf.tidy(() => {
          const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', h * 100 + w) as tf.Tensor4D;
          const f = tf.randomNormal([...k, 3, m], 0, 1, 'float32', m + stride[0]) as tf.Tensor4D;
          const y = tf.depthwiseConv2d(x, f, stride, pad);
          const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 5) as tf.Tensor4D;
          const where = `${h}×${w} filter ${k} stride ${stride} ${pad} ×${m}`;
          const expected = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(v as tf.Tensor4D, f, stride, pad), dy)))(x);
          const actual = depthwiseInputGrad(dy, depthwiseBackFilter(f), x.shape, stride, pad);
          expect(actual.shape, where).toEqual(expected.shape);
          expect(relativeError(actual, expected), where).toBeLessThan(1e-6);
        });
      }
    }
  });
});

describe('conv2dWithInputGrad and depthwiseConv2dWithInputGrad on wasm', () => {
  it("differentiate to cpu's tfjs gradients, and compute the same forward values, bias included", async () => {
    for (const { h, w, k, stride, pad } of CONV_CASES.filter((c) => c.stride[0] === c.stride[1])) {
      const run = () =>
        tf.tidy(() => {
          const x = tf.randomNormal([1, h, w, 4], 0, 1, 'float32', h + w) as tf.Tensor4D;
          const f = tf.randomNormal([...k, 4, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
          const fd = tf.randomNormal([...k, 4, 2], 0, 1, 'float32', 12) as tf.Tensor4D;
          const [bf, bfd] = [conv2dBackFilter(f), depthwiseBackFilter(fd)];
          const [bias, biasd] = [tf.tensor1d([0.5, -1, 2]), tf.tensor1d([1, -2, 0.25, 3, -0.5, 0, 1.5, -1])];
          const conv = (v: tf.Tensor4D) => conv2dWithInputGrad(v, f, bf, bias, stride, pad, [1, 1]);
          const depthwise = (v: tf.Tensor4D) => depthwiseConv2dWithInputGrad(v, fd, bfd, biasd, stride, pad, [1, 1]);
          const dy = tf.randomNormal(conv(x).shape, 0, 1, 'float32', 13);
          const dyd = tf.randomNormal(depthwise(x).shape, 0, 1, 'float32', 14);
          return [
            conv(x),
            depthwise(x),
            tf.grad((v: tf.Tensor) => tf.sum(tf.mul(conv(v as tf.Tensor4D), dy)))(x),
            tf.grad((v: tf.Tensor) => tf.sum(tf.mul(depthwise(v as tf.Tensor4D), dyd)))(x),
          ].map((t) => ({ shape: t.shape, values: t.dataSync().slice() }));
        });
      const cpu = await on('cpu', run);
      const wasm = await on('wasm', run);
      cpu.forEach((expected, i) => {
        const where = `${['conv', 'depthwise', 'conv grad', 'depthwise grad'][i]} ${h}×${w} filter ${k} stride ${stride} ${pad}`;
        expect(wasm[i]!.shape, where).toEqual(expected.shape);
        expect(relativeError(tf.tensor(wasm[i]!.values), tf.tensor(expected.values)), where).toBeLessThan(1e-5);
      });
    }
    await selectBackend('cpu');
  });
});

describe('relu6WithInputGrad and leakyReluWithInputGrad (slopes from Step instead of scalar comparisons)', () => {
  it("give cpu's tfjs gradients exactly on wasm, at the kinks 0 and 6 too", async () => {
    // Both sides of each kink and the kinks themselves: tfjs's ReLU6 slope is 1 on (0, 6], LeakyReLU's α at 0.
    const x = [-7, -1e-30, 0, 1e-30, 3, 6 - 1e-6, 6, 6 + 1e-6, 9];
    const dy = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const leaky = leakyReluWithInputGrad(0.1);
    const run = () =>
      tf.tidy(() =>
        [relu6WithInputGrad, leaky].flatMap((op) => {
          const v = tf.tensor1d(x);
          const d = tf.tensor1d(dy);
          return [Array.from(op(v).dataSync()), Array.from(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(op(u), d)))(v).dataSync())];
        }),
      );
    const cpu = await on('cpu', run);
    expect(cpu[1]).toEqual([0, 0, 0, 4, 5, 6, 7, 0, 0]);
    expect(await on('wasm', run)).toEqual(cpu);
    await selectBackend('cpu');
  });
});

describe('tiledMaxPoolInputGrad (max pooling without wasm\'s MaxPoolGrad)', () => {
  // Values from {−2, −1, 0, 1}: ties in most windows (the first in row-major order takes dy, as
  // on cpu) and windows of negatives only (where wasm's own kernel goes wrong).
  const cases: [number, number, [number, number], 'same' | 'valid'][] = [
    [8, 8, [2, 2], 'same'],
    [7, 9, [2, 2], 'same'],
    [7, 9, [2, 2], 'valid'],
    [10, 11, [3, 3], 'same'],
    [10, 11, [3, 3], 'valid'],
    [9, 8, [2, 3], 'same'],
  ];
  // + 0 turns −0 (0 · a negative dy) into 0, which toEqual tells apart.
  const values = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);
  const input = (h: number, w: number, seed: number) => tf.sub(tf.round(tf.randomUniform([1, h, w, 2], 0, 3, 'float32', seed)), 2) as tf.Tensor4D;

  it("equals the cpu backend's MaxPoolGrad exactly, ties and negative windows included", async () => {
    await selectBackend('cpu');
    for (const [h, w, size, pad] of cases) {
      tf.tidy(() => {
        const x = input(h, w, h * w);
        const y = tf.maxPool(x, size, size, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
        const expected = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, size, pad), dy)))(x);
        expect(values(tiledMaxPoolInputGrad(dy, x, y, size, pad)), `${h}×${w} ${size} ${pad}`).toEqual(values(expected));
      });
    }
  });

  it('is what maxPoolWithInputGrad differentiates on wasm: the same numbers as cpu', async () => {
    for (const [h, w, size, pad] of cases) {
      const grad = () =>
        tf.tidy(() => {
          const x = input(h, w, h + w);
          const dy = tf.randomNormal(tf.maxPool(x, size, size, pad).shape, 0, 1, 'float32', 4);
          return values(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(maxPoolWithInputGrad(v as tf.Tensor4D, size, size, pad), dy)))(x));
        });
      const cpu = await on('cpu', grad);
      expect(await on('wasm', grad), `${h}×${w} ${size} ${pad}`).toEqual(cpu);
    }
    await selectBackend('cpu');
  });
});

/** Why a backend cannot run here (tfjs-node needs libtensorflow, downloaded at install), or undefined. */
async function unavailable(backend: 'wasm' | 'tensorflow'): Promise<string | undefined> {
  try {
    await selectBackend(backend);
    return undefined;
  } catch (e) {
    return `skipped: ${(e as Error).message}`;
  } finally {
    await selectBackend('cpu');
  }
}

// wasm differentiates on forward kernels (this file); tensorflow runs tfjs's own gradients in
// libtensorflow. Both must give the cpu backend's numbers.
describe.each(['wasm', 'tensorflow'] as const)('input gradient on %s', (backend) => {
  it("matches cpu's through strided and 1×1 convolutions, folded batch norms, depthwise ones and max pooling over negative windows", async ({ skip }) => {
    const why = await unavailable(backend);
    skip(why !== undefined, why);
    const classifier = ImageClassifier.fromModel(gradientModel(), { name: 'g', displayName: 'g', inputScaling: 'pixel/127.5-1' });
    const pixels = tf.tidy(() => tf.round(tf.randomUniform([1, 26, 24, 3], 0, 255, 'float32', 21)) as tf.Tensor4D);
    const objective = { classes: [1, 3], direction: 1 } as const;
    const grad = () => tf.tidy(() => Array.from(classifier.objectiveGradient(pixels, objective).dataSync()));
    const cpu = await on('cpu', grad);
    const other = await on(backend, grad);
    const scale = Math.max(...cpu.map(Math.abs));
    expect(scale).toBeGreaterThan(1e-6);
    other.forEach((v, i) => expect(Math.abs(v - cpu[i]!) / scale).toBeLessThan(1e-4));
    pixels.dispose();
    classifier.dispose();
    await selectBackend('cpu');
  });
});

describe('sign steps on wasm', () => {
  // wasm's own Sign returns 0 below FLT_EPSILON (1.19e-7): the cause of a signed attack that
  // stopped moving once MobileNet was sure of "dog". Kept here to show why exactSign exists.
  it('exactSign is the sign of every value, however small; tf.sign on wasm is not', async () => {
    const values = [1, 1e-3, 1.2e-7, 1e-7, 1e-20, 1e-38, 0, -0, -1e-30, -1e-7, -2, NaN];
    const expected = [1, 1, 1, 1, 1, 1, 0, 0, -1, -1, -1, 0];
    for (const backend of ['cpu', 'wasm'] as const) {
      const got = await on(backend, () => tf.tidy(() => Array.from(exactSign(tf.tensor1d(values)).dataSync())));
      expect(got, backend).toEqual(expected);
    }
    const wasmSign = await on('wasm', () => tf.tidy(() => Array.from(tf.sign(tf.tensor1d([1e-7, -1e-7])).dataSync())));
    expect(wasmSign).toEqual([0, 0]);
    await selectBackend('cpu');
  });

  it('a signed step moves every value by exactly one level even where |∇J| is 1e-10', async () => {
    await selectBackend('wasm');
    // The linear model of tiny-models.ts with w0 scaled by 1e-7: ∇ log p0 = (1 − p0)·w0·1e-7/255 ≈ 2e-10·w0.
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [1, 2, 3] }), tf.layers.dense({ units: 2, kernelInitializer: 'zeros' })],
    });
    model.layers[1]!.setWeights([tf.tensor2d(LINEAR_W0.flatMap((w) => [w * 1e-7, 0]), [6, 2]), tf.tensor1d([0, 0])]);
    const classifier = ImageClassifier.fromModel(model, { name: 'faint', displayName: 'faint', inputScaling: 'pixel/255', output: 'scores' });
    const next = tf.tidy(() => {
      const x = tf.tensor4d([10, 250, 128, 0, 3, 60], [1, 1, 2, 3]);
      const g = classifier.objectiveGradient(x, { classes: [0], direction: 1 });
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBeLessThan(1e-9);
      return Array.from(new SignedAttack({ epsilon: Infinity, step: 1, decay: 1, seed: 1 }).update(x, g).dataSync());
    });
    expect(next).toEqual([11, 251, 129, 0, 2, 61]);
    classifier.dispose();
    await selectBackend('cpu');
  });
});
