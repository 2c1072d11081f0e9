/**
 * The universal perturbation against hand-worked values on the tiny linear model (tiny-models.ts:
 * logit0 − logit1 = w0 · x / 255). Every image below is class 0, so each image's C&W margin has
 * the input gradient w0/255, their sum points along w0, and one sign step of s levels moves δ to
 * −s·sign(w0): with s = ε = 10, δ = (−10, −10, −10, 0, +10, −10) and w0 · δ = −75, so exactly the
 * images with w0 · x < 75 change class. Also: the steps of a large set come a chunk of 8 images
 * at a time, and a cancel between two chunks ends the run with every tensor freed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { runUniversal, type UniversalReport } from '../../../../main/engine/adversarial/universal';
import { LINEAR_W0, linearClassifier } from './tiny-models';

const classifier = linearClassifier();
afterAll(() => classifier.dispose());

/** x = (50, 50, 50, 128, c, 40): w0 · x = 220 − 3c. */
const MARGINS = [10, 40, 70, 73, 76, 79, 100, 130, 160, 190];
const images = MARGINS.map((v, i) => {
  const rgb = Uint8Array.from([50, 50, 50, 128, (220 - v) / 3, 40]);
  expect(LINEAR_W0.reduce((s, w, k) => s + w * rgb[k]!, 0)).toBe(v);
  return { name: `image ${i}`, rgb };
});

describe('universal perturbation on the linear model', () => {
  it('one step of ε: δ = −ε·sign(w0), and exactly the images with w0 · x < 75 are fooled (4 of 10)', async () => {
    const tensors = tf.memory().numTensors;
    const reports: UniversalReport[] = [];
    const chunks: [number, number][] = [];
    const r = (await runUniversal(classifier, images, { epsilon: 10, iterations: 1, step: 10 }, { onIteration: (x) => reports.push(x), onImages: (done, of) => chunks.push([done, of]) }))!;
    expect(Array.from(r.perturbation)).toEqual([-10, -10, -10, 0, 10, -10]);
    expect(r.perImage.map((p) => p.success)).toEqual(MARGINS.map((v) => v < 75));
    expect(r.foolingRate).toBe(0.4);
    expect(r.history).toEqual([
      { iteration: 0, foolingRate: 0 },
      { iteration: 1, foolingRate: 0.4 },
    ]);
    expect(reports).toEqual([{ iteration: 1, foolingRate: 0.4 }]);
    // Ten images are two chunks: one report within the iteration, after the first eight.
    expect(chunks).toEqual([[8, 10]]);
    for (const p of r.perImage) expect(p.before.top5[0]!.index).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a smaller ε bounds δ: ε = 4 with the default step (2.5·ε per iteration) gives −4·sign(w0), fooling those with w0 · x < 30', async () => {
    const r = (await runUniversal(classifier, images, { epsilon: 4, iterations: 1 }))!;
    expect(r.step).toBe(10);
    expect(Array.from(r.perturbation)).toEqual([-4, -4, -4, 0, 4, -4]);
    expect(r.perImage.map((p) => p.success)).toEqual(MARGINS.map((v) => v < 30));
  });

  it('a cancel between two chunks ends it with nothing, δ untouched and every tensor freed', async () => {
    const tensors = tf.memory().numTensors;
    let cancelled = false;
    const reports: UniversalReport[] = [];
    const r = await runUniversal(classifier, images, { epsilon: 10, iterations: 3 }, { onIteration: (x) => reports.push(x), onImages: () => (cancelled = true), cancelled: () => cancelled });
    expect(r).toBeUndefined();
    expect(reports).toEqual([]);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
