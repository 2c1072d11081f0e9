/**
 * LayerProgram replays a layers model op by op; batch normalisations that follow a linear
 * convolution are folded into its kernel and bias. The program must still compute what
 * model.predict computes, on cpu and on wasm (where convolutions run fused with their bias).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../../main/engine/backend';
import { LayerProgram } from '../../../../main/engine/adversarial/layer-program';

beforeAll(async () => {
  await selectBackend('wasm');
  await selectBackend('cpu');
});
afterAll(() => tf.disposeVariables());

/**
 * conv (bias) → BN → ReLU6, depthwise (multiplier 2, no bias) → BN: both foldable; a conv whose
 * output also feeds an Add → BN: not foldable (the Add needs the unnormalised values).
 */
function foldingModel(): tf.LayersModel {
  const seeded = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.5 });
  const bn = (seed: number) =>
    tf.layers.batchNormalization({
      gammaInitializer: seeded(seed),
      betaInitializer: seeded(seed + 1),
      movingMeanInitializer: seeded(seed + 2),
      movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: seed + 3 }),
    });
  const input = tf.input({ shape: [9, 8, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', biasInitializer: seeded(1), kernelInitializer: seeded(2), name: 'conv' }).apply(input) as tf.SymbolicTensor;
  x = bn(10).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu6' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: false, depthwiseInitializer: seeded(3), name: 'depthwise' }).apply(x) as tf.SymbolicTensor;
  x = bn(20).apply(x) as tf.SymbolicTensor;
  const shared = tf.layers.conv2d({ filters: 8, kernelSize: 1, kernelInitializer: seeded(4), name: 'shared' }).apply(x) as tf.SymbolicTensor;
  const normalised = bn(30).apply(shared) as tf.SymbolicTensor;
  x = tf.layers.add().apply([shared, normalised]) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: seeded(5) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

describe('LayerProgram', () => {
  it('folds a batch normalisation into the linear convolution before it, unless something else reads the convolution', () => {
    const model = foldingModel();
    const program = new LayerProgram(model);
    const passedThrough: Record<string, boolean> = {};
    tf.tidy(() => {
      program.run(tf.randomNormal([1, 9, 8, 3], 0, 1, 'float32', 1), (layer, inputs, output) => {
        if (layer.className === 'BatchNormalization') passedThrough[layer.inputs[0]!] = output === inputs[0];
      });
    });
    expect(passedThrough).toEqual({ conv: true, depthwise: true, shared: false });
    program.dispose();
    model.dispose();
  });

  it('computes what model.predict computes, on cpu and on wasm, and leaves no tensor behind', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend(backend);
      const model = foldingModel();
      const tensors = tf.memory().numTensors;
      const program = new LayerProgram(model);
      expect(program.returnsLogits).toBe(true);
      tf.tidy(() => {
        const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 2);
        const expected = Array.from((model.predict(x) as tf.Tensor).dataSync());
        const actual = Array.from(tf.softmax(program.run(x)).dataSync());
        actual.forEach((v, i) => expect(v, `${backend} ${i}`).toBeCloseTo(expected[i]!, 6));
      });
      program.dispose();
      expect(tf.memory().numTensors, backend).toBe(tensors);
      model.dispose();
    }
    await selectBackend('cpu');
  });
});
