/**
 * Tiny dense classifiers over a 1×2 RGB "image" (6 pixel values), small enough to work out by
 * hand, plus a float64 reference of their input gradient written independently of tfjs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ImageClassifier } from '../../../../main/engine/adversarial/image-classifier';

/**
 * One dense layer, 2 classes, pixel/255 scaling. Class 1's weights are zero, so
 * logit0 − logit1 = (w0 · x)/255 and ∇ₓ log p0 = (1 − p0)·w0/255: its sign is sign(w0)
 * whatever x is, which makes every sign step computable by hand.
 */
export const LINEAR_W0 = [1, 1, 2, 0, -3, 0.5];

export function linearClassifier(): ImageClassifier {
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [1, 2, 3] }), tf.layers.dense({ units: 2, useBias: true, kernelInitializer: 'zeros' })],
  });
  const kernel = LINEAR_W0.flatMap((w) => [w, 0]);
  model.layers[1]!.setWeights([tf.tensor2d(kernel, [6, 2]), tf.tensor1d([0, 0])]);
  return ImageClassifier.fromModel(model, { name: 'linear', displayName: 'linear', inputScaling: 'pixel/255', output: 'scores' });
}

/** Two dense layers with a ReLU between (6 → 3 → 3 classes), pixel/127.5 − 1 scaling. */
export const MLP = {
  w1: [
    [0.8, -0.5, 0.3],
    [-0.6, 0.9, 0.2],
    [0.4, 0.7, -0.9],
    [-0.3, -0.2, 0.6],
    [0.5, -0.8, 0.1],
    [0.2, 0.4, 0.7],
  ],
  b1: [0.1, -0.2, 0.05],
  w2: [
    [1.2, -0.7, 0.3],
    [-0.4, 1.1, -0.6],
    [0.5, 0.2, -1.3],
  ],
  b2: [0.0, 0.1, -0.1],
};

export function mlpClassifier(): ImageClassifier {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [1, 2, 3] }),
      tf.layers.dense({ units: 3, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.layers[1]!.setWeights([tf.tensor2d(MLP.w1), tf.tensor1d(MLP.b1)]);
  model.layers[2]!.setWeights([tf.tensor2d(MLP.w2), tf.tensor1d(MLP.b2)]);
  return ImageClassifier.fromModel(model, { name: 'mlp', displayName: 'mlp', inputScaling: 'pixel/127.5-1', output: 'probabilities' });
}

/**
 * ∇ₓ J for J = direction · log p_t of the MLP, by the chain rule in float64:
 * s = x/127.5 − 1, h = relu(W1ᵀs + b1), z = W2ᵀh + b2, p = softmax(z);
 * ∂J/∂z = direction·(e_t − p); ∂J/∂h = W2 ∂J/∂z; ∂J/∂s = W1 (1[h>0] ⊙ ∂J/∂h); ∂J/∂x = ∂J/∂s / 127.5.
 */
export function mlpReferenceGradient(x: number[], target: number, direction: 1 | -1): { grad: number[]; p: number[] } {
  const s = x.map((v) => v / 127.5 - 1);
  const pre = MLP.b1.map((b, j) => b + s.reduce((acc, si, i) => acc + si * MLP.w1[i]![j]!, 0));
  const h = pre.map((v) => Math.max(v, 0));
  const z = MLP.b2.map((b, k) => b + h.reduce((acc, hj, j) => acc + hj * MLP.w2[j]![k]!, 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  const p = e.map((v) => v / sum);
  const dz = p.map((pk, k) => direction * ((k === target ? 1 : 0) - pk));
  const dh = h.map((_, j) => dz.reduce((acc, d, k) => acc + d * MLP.w2[j]![k]!, 0));
  const dpre = dh.map((d, j) => (pre[j]! > 0 ? d : 0));
  const grad = s.map((_, i) => dpre.reduce((acc, d, j) => acc + d * MLP.w1[i]![j]!, 0) / 127.5);
  return { grad, p };
}

/**
 * A small convolutional net with every layer kind the two ImageNet models use (strided conv,
 * batch norm, depthwise conv, LeakyReLU, max pooling, global average pooling, dense softmax),
 * seeded, on an 8×8 RGB input.
 */
export function tinyConvModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
      tf.layers.batchNormalization({ gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 2 }), movingMeanInitializer: tf.initializers.randomNormal({ seed: 3 }), movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 4 }) }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: tf.initializers.randomNormal({ seed: 5 }) }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ seed: 6 }) }),
    ],
  });
}

/** Writes a layers model as tfjs's converters do: model.json plus one weight file. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData as ArrayBuffer;
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(weights));
      const json = { format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}
