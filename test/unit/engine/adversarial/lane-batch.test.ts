/**
 * Lanes on one image step as one batch through the network (AttackRun.stepTogether): each lane
 * with its own method, target and budget must step exactly as it would alone. Two copies of the
 * same lanes are stepped side by side, one copy lane by lane and the other together, and every
 * step's unrounded iterate, rounded image and probabilities are compared (float32 tolerance),
 * while lanes that finish drop out of the batch. The network runs once per batched step (one
 * gradient call), and the tensor count stays flat.
 *
 * On the tiny MLP (tiny-models.ts) on the cpu backend that vitest selects, and on the real
 * MobileNet (../shared/models) with a photo (../shared/seed-data) on wasm, the backend the lab
 * runs it on.
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../../main/engine/backend';
import { AttackRun } from '../../../../main/engine/adversarial/attack-run';
import { ImageClassifier } from '../../../../main/engine/adversarial/image-classifier';
import { loadImageFile } from '../../../../main/engine/adversarial/image-io';
import { namedModelSource } from '../../../../main/engine/adversarial/model-registry';
import type { AttackSpec } from '../../../../main/protocol/adversarial';
import { SAMPLE_PHOTOS, SHARED_MODELS_DIR, skipRealModels } from './shared-models';
import { mlpClassifier } from './tiny-models';

/** Largest |a − b| over two tensors' values. */
function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  const [x, y] = [a.dataSync(), b.dataSync()];
  expect(x.length).toBe(y.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

/**
 * Steps `specs` alone and together for up to `steps` iterations, comparing every step; returns
 * how many lanes each batched step held. The classifier's gradient is counted during the
 * batched steps only.
 */
function compareAloneAndTogether(classifier: ImageClassifier, rgb: Uint8Array, specs: AttackSpec[], steps: number, tolerance: number): number[] {
  const before = tf.memory().numTensors;
  const alone = specs.map((s) => new AttackRun(classifier, rgb, s));
  const together = specs.map((s) => new AttackRun(classifier, rgb, s));
  const batchSizes: number[] = [];
  const tensorsAfter: number[] = [];
  const gradient = vi.spyOn(classifier, 'gradient');
  try {
    for (let k = 1; k <= steps; k++) {
      const active = together.filter((r) => !r.done);
      if (active.length === 0) break;
      for (const r of alone) if (!r.done) r.step();
      gradient.mockClear();
      AttackRun.stepTogether(active);
      // One forward and backward pass for the whole batch, however many lanes (DeepFool's rows included).
      expect(gradient).toHaveBeenCalledTimes(1);
      batchSizes.push(active.length);
      specs.forEach((spec, i) => {
        const [a, b] = [alone[i]!, together[i]!];
        const where = `${spec.method} lane ${i}, step ${k}`;
        expect(b.done, where).toBe(a.done);
        expect(b.steps, where).toBe(a.steps);
        expect(maxDifference(a.iterate, b.iterate), where).toBeLessThanOrEqual(tolerance);
        expect(Buffer.from(b.adversarialRgb).equals(Buffer.from(a.adversarialRgb)), where).toBe(true);
        const [ra, rb] = [a.latest, b.latest];
        expect(rb.success, where).toBe(ra.success);
        expect(rb.targetConfidence, where).toBeCloseTo(ra.targetConfidence, 6);
        expect(rb.classification.top5.map((c) => c.index), where).toEqual(ra.classification.top5.map((c) => c.index));
        rb.classification.top5.forEach((c, j) => expect(c.probability, where).toBeCloseTo(ra.classification.top5[j]!.probability, 6));
        expect(rb.distance, where).toEqual(ra.distance);
        expect(rb.detail, where).toEqual(ra.detail);
      });
      tensorsAfter.push(tf.memory().numTensors);
    }
  } finally {
    gradient.mockRestore();
    for (const r of [...alone, ...together]) r.dispose();
  }
  // Each lane's state (momentum, C&W's variable and Adam slots, DeepFool's sum) exists from its first step on; nothing piles up after.
  expect(new Set(tensorsAfter.slice(1)).size).toBe(1);
  expect(tf.memory().numTensors).toBe(before);
  return batchSizes;
}

describe('lanes stepped together on the tiny MLP (cpu)', () => {
  const mlp = mlpClassifier();
  afterAll(() => mlp.dispose());
  const rgb = Uint8Array.from([30, 200, 90, 160, 15, 240]);
  const common = { iterations: 6, stopAtConfidence: null, seed: 5 } as const;

  it('every method and target mixed: each step equals the lane alone, lanes that finish drop out, one network pass per step', () => {
    const specs: AttackSpec[] = [
      { ...common, method: 'signed', epsilon: 0, step: 1, target: { kind: 'class', index: 2 } },
      { ...common, method: 'fgsm', epsilon: 6, step: 1, target: { kind: 'untargeted' } },
      { ...common, method: 'bim', epsilon: 8, step: 2, target: { kind: 'class', index: 1 } },
      { ...common, method: 'pgd', epsilon: 10, step: 3, target: { kind: 'class', index: 2 } },
      { ...common, method: 'mifgsm', epsilon: 12, step: 2, target: { kind: 'untargeted' } },
      { ...common, method: 'pgd-l2', epsilon: 40, step: 15, target: { kind: 'class', index: 1 } },
      { ...common, method: 'deepfool', epsilon: 0, step: 1, target: { kind: 'untargeted' }, params: { candidates: 2 } },
      { ...common, method: 'cw-l2', epsilon: 0, step: 1, iterations: 2, target: { kind: 'class', index: 2 }, params: { searchSteps: 3, lr: 0.1 } },
    ];
    const sizes = compareAloneAndTogether(mlp, rgb, specs, 6, 0);
    expect(sizes[0]).toBe(8);
    expect(sizes.at(-1)!).toBeLessThan(8); // FGSM's one step, DeepFool's success
  });

  it("budgeted lanes only (one objective loss over the batch's rows): each step equals the lane alone", () => {
    const specs: AttackSpec[] = [
      { ...common, method: 'signed', epsilon: 0, step: 1, target: { kind: 'class', index: 1 } },
      { ...common, method: 'pgd', epsilon: 10, step: 3, target: { kind: 'untargeted' } },
      { ...common, method: 'mifgsm', epsilon: 12, step: 2, target: { kind: 'class', index: 2 } },
      { ...common, method: 'pgd-l2', epsilon: 40, step: 15, target: { kind: 'class', index: 0 } },
      { ...common, method: 'fgsm', epsilon: 6, step: 1, target: { kind: 'class', index: 2 } },
    ];
    expect(compareAloneAndTogether(mlp, rgb, specs, 4, 0)).toEqual([5, 4, 4, 4]);
  });
});

describe('lanes stepped together on MobileNet with a photo (wasm)', () => {
  let classifier: ImageClassifier;
  let photo: { name: string; rgb: Uint8Array };
  beforeAll(async () => {
    if (skipRealModels) return;
    await selectBackend('wasm');
    classifier = await ImageClassifier.load(await namedModelSource('mobilenet_v1_0.75_224', { modelsDir: SHARED_MODELS_DIR }));
    const file = SAMPLE_PHOTOS[1].file; // a cat
    photo = { name: basename(file), rgb: (await loadImageFile(file, 224, 224)).rgb };
  }, 120_000);
  afterAll(async () => {
    classifier?.dispose();
    await selectBackend('cpu');
  });

  it('signed, FGSM, PGD L∞ and L2, MI-FGSM, DeepFool and C&W with mixed targets: each step equals the lane alone to float32 tolerance', { timeout: 600_000 }, ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const common = { iterations: 2, stopAtConfidence: null, seed: 2 } as const;
    const specs: AttackSpec[] = [
      { ...common, method: 'signed', epsilon: 0, step: 1, target: { kind: 'group', group: 'dog' } },
      { ...common, method: 'fgsm', epsilon: 2, step: 1, target: { kind: 'untargeted' } },
      { ...common, method: 'pgd', epsilon: 4, step: 1, target: { kind: 'class', index: 409 } }, // analog clock
      { ...common, method: 'pgd-l2', epsilon: 200, step: 80, target: { kind: 'untargeted' } },
      { ...common, method: 'mifgsm', epsilon: 6, step: 2, target: { kind: 'group', group: 'dog' } },
      { ...common, method: 'deepfool', epsilon: 0, step: 1, target: { kind: 'untargeted' }, params: { candidates: 3 } },
      { ...common, method: 'cw-l2', epsilon: 0, step: 1, iterations: 2, target: { kind: 'group', group: 'dog' }, params: { searchSteps: 2 } },
    ];
    // Float32 tolerance in levels (values up to 255); on wasm the batched rows come out bit for bit.
    const sizes = compareAloneAndTogether(classifier, photo.rgb, specs, 2, 255 * 4 * 2 ** -23);
    console.log(`${photo.name}: lanes per batched step ${sizes.join(', ')}`);
    expect(sizes[0]).toBe(specs.length);
    expect(sizes[1]).toBeLessThan(specs.length); // FGSM has taken its one step
  });
});
