/**
 * The issue's proof for the minimal-perturbation attacks and the universal perturbation, on
 * MobileNet v1 0.75 (../shared/models) and the five sample photos, on wasm (see
 * real-models.test.ts for why). Every distance is of the 8-bit image a saved PNG holds.
 *
 * - DeepFool (L2) and C&W succeed on every photo; DeepFool's L2 is below the smallest PGD-L2
 *   budget that succeeds on that photo on every photo, C&W's (2 rounds of 12 Adam steps) on 4
 *   of the 5. "Below the smallest budget that succeeds" is tested as "PGD-L2 (10 steps of ε/4,
 *   stopping at success) given the attack's own L2 as its budget fails": PGD's success grows with
 *   its budget (the bisection an earlier version ran assumed the same), so that is one PGD run a
 *   photo and method instead of a bisection's eight or so (the bisection's one C&W miss was
 *   img_2: 48.2 against PGD-L2's 48).
 * - C&W's search over c rescues a c that fails: started at c = 1e-9, its first round fails on
 *   img_1 and the next, c = 1e-8, succeeds. At the default c (1e-3) no photo fails here, nor at
 *   1e-5: Adam's first step moves every value by ±lr whatever c is, and that alone crosses
 *   MobileNet's boundary on these photos (DeepFool finds it 0.3 to 10 levels of L2 away).
 * - One universal perturbation at ε = 10 levels fools at least 4 of the 5 photos.
 * - darknet-tiny: DeepFool and C&W fool img_1 with an L2 under a PGD-L2 budget that fails there.
 * - The tensor count is the same after the runs as before.
 *
 * Iteration counts are small (2 shared cores): the figures are printed, as measured.
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../../main/engine/backend';
import { AttackRun } from '../../../../main/engine/adversarial/attack-run';
import { ImageClassifier } from '../../../../main/engine/adversarial/image-classifier';
import { loadImageFile } from '../../../../main/engine/adversarial/image-io';
import { namedModelSource } from '../../../../main/engine/adversarial/model-registry';
import { UniversalPerturbation } from '../../../../main/engine/adversarial/universal';
import type { AttackSpec, StepReport } from '../../../../main/protocol/adversarial';
import { SAMPLE_PHOTOS, SHARED_MODELS_DIR, skipRealModels } from './shared-models';

let classifier: ImageClassifier;
let darknet: ImageClassifier;
const photos: { name: string; rgb: Uint8Array }[] = [];

beforeAll(async () => {
  if (skipRealModels) return;
  await selectBackend('wasm');
  classifier = await ImageClassifier.load(await namedModelSource('mobilenet_v1_0.75_224', { modelsDir: SHARED_MODELS_DIR }));
  darknet = await ImageClassifier.load(await namedModelSource('darknet-tiny', { modelsDir: SHARED_MODELS_DIR }));
  for (const p of SAMPLE_PHOTOS) photos.push({ name: basename(p.file, '.jpg'), rgb: (await loadImageFile(p.file, 224, 224)).rgb });
}, 120_000); // loading MobileNet on 2 shared cores can take more than the default 10 s
afterAll(() => {
  classifier?.dispose();
  darknet?.dispose();
});

const untargeted = { kind: 'untargeted' } as const;

/** Runs to the end; the reports of every step and the last. */
function attack(rgb: Uint8Array, spec: Partial<AttackSpec> & Pick<AttackSpec, 'method'>, model: ImageClassifier = classifier): { latest: StepReport; reports: StepReport[]; steps: number } {
  const run = new AttackRun(model, rgb, { epsilon: 0, step: 1, iterations: 10, target: untargeted, stopAtConfidence: null, seed: 1, ...spec });
  const reports: StepReport[] = [];
  try {
    while (!run.done) reports.push(run.step());
    return { latest: run.latest, reports, steps: run.steps };
  } finally {
    run.dispose();
  }
}

/** Whether PGD-L2 (10 steps of ε/4, stopping at success) fools the photo with a budget of `epsilon` levels of L2. */
const pgdL2Succeeds = (rgb: Uint8Array, epsilon: number, model: ImageClassifier = classifier): boolean =>
  attack(rgb, { method: 'pgd-l2', epsilon, step: epsilon / 4, iterations: 10, stopAtConfidence: 0 }, model).latest.success;

describe('MobileNet on the sample photos (wasm)', () => {
  it('DeepFool and C&W: every photo fooled; DeepFool below the smallest PGD-L2 budget that succeeds on every photo, C&W on 4 of 5; tensors flat', { timeout: 1_200_000 }, ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const tensors = tf.memory().numTensors;
    const rows = photos.map((photo) => {
      const deepfool = attack(photo.rgb, { method: 'deepfool', iterations: 50, params: { candidates: 4 } });
      const linf = attack(photo.rgb, { method: 'deepfool-linf', iterations: 50, params: { candidates: 4 } });
      const cw = attack(photo.rgb, { method: 'cw-l2', iterations: 12, params: { searchSteps: 2 } });
      // PGD-L2 with each attack's own L2 as its budget (every photo: the attacks' successes are asserted below).
      const pgdAt = { deepfool: pgdL2Succeeds(photo.rgb, deepfool.latest.distance.l2), cw: pgdL2Succeeds(photo.rgb, cw.latest.distance.l2) };
      return { name: photo.name, pgdAt, deepfool, linf, cw };
    });
    console.log(
      rows
        .map(
          ({ name, pgdAt, deepfool, linf, cw }) =>
            `${name}: DeepFool L2 ${deepfool.latest.distance.l2.toFixed(1)} in ${deepfool.steps} steps (PGD-L2 at that budget ${pgdAt.deepfool ? 'succeeds' : 'fails'}); ` +
            `DeepFool-L∞ L∞ ${linf.latest.distance.linf} in ${linf.steps}; C&W L2 ${cw.latest.distance.l2.toFixed(1)}, final c ${cw.latest.detail?.successC} (PGD-L2 at that budget ${pgdAt.cw ? 'succeeds' : 'fails'})`,
        )
        .join('\n'),
    );
    for (const { name, pgdAt, deepfool, linf, cw } of rows) {
      for (const [method, r] of [['deepfool', deepfool], ['deepfool-linf', linf], ['cw-l2', cw]] as const) expect(r.latest.success, `${method} ${name}`).toBe(true);
      expect(pgdAt.deepfool, `PGD-L2 at DeepFool's L2 on ${name}`).toBe(false);
      // DeepFool-L∞ needs a level or two in L∞ where PGD's default budget is 4.
      expect(linf.latest.distance.linf, `DeepFool-L∞ ${name}`).toBeLessThanOrEqual(2);
      // C&W's result is its smallest successful image, and its final c the smallest that succeeded.
      expect(cw.latest.distance.l2).toBe(Math.min(...cw.reports.filter((r) => r.success && r.bestStep === undefined).map((r) => r.distance.l2)));
      expect(cw.latest.detail!.successC).toBeGreaterThan(0);
    }
    // With 2 × 12 Adam steps C&W is not DeepFool: on img_2 its best (48.2) missed PGD-L2's 48 by a hair.
    expect(rows.filter((r) => !r.pgdAt.cw).length).toBeGreaterThanOrEqual(4);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it("C&W's search over c: from c = 1e-9 the first round fails on img_1, and the search finds a c that succeeds", { timeout: 600_000 }, ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const photo = photos.find((p) => p.name === 'img_1')!;
    const iterations = 12;
    const { latest, reports } = attack(photo.rgb, { method: 'cw-l2', iterations, params: { c: 1e-9, searchSteps: 2 } });
    const rounds = [1, 2].map((round) => reports.filter((r) => r.detail!.round === round));
    const c = rounds.map((r) => r[0]!.detail!.c!);
    const ok = rounds.map((r) => r.at(-1)!.detail!.roundSucceeded!);
    console.log(`img_1, C&W from c = 1e-9: rounds at c = ${c.join(', ')} succeeded ${ok.join(', ')}; final c ${latest.detail!.successC}, L2 ${latest.distance.l2.toFixed(1)}`);
    expect(c).toEqual([1e-9, 1e-8]); // ×10 after a failed round, while none has succeeded
    expect(ok).toEqual([false, true]);
    expect(latest.success).toBe(true);
    expect(latest.detail!.successC).toBe(1e-8);
  });

  it('one universal perturbation at ε = 10 levels fools at least 4 of the 5 photos; tensors flat', { timeout: 600_000 }, ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const tensors = tf.memory().numTensors;
    const universal = new UniversalPerturbation(classifier, photos, { epsilon: 10, iterations: 2 });
    while (!universal.done) universal.iterate();
    const { foolingRate, perImage } = universal.evaluate();
    const delta = universal.perturbation();
    const curve = universal.curve([2, 5, 10]);
    universal.dispose();
    console.log(`universal ε 10: fooling rate ${foolingRate}; curve ${curve.map((p) => `${p.epsilon}: ${p.foolingRate}`).join(', ')}`);
    expect(perImage.filter((r) => r.success).length).toBeGreaterThanOrEqual(4);
    expect(delta.reduce((m, d) => Math.max(m, Math.abs(d)), 0)).toBeLessThanOrEqual(10);
    // Each reported image is the photo plus the one rounded δ, clipped to 8 bits.
    perImage.forEach((r, i) => r.rgb.forEach((v, k) => v !== Math.min(255, Math.max(0, photos[i]!.rgb[k]! + delta[k]!)) && expect.fail(`${r.name} value ${k}`)));
    expect(curve.at(-1)!.foolingRate).toBe(foolingRate);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

/**
 * darknet-tiny with the minimal attacks, kept short: one PGD-L2 run (as above) at ε = the larger
 * of DeepFool's and C&W's L2, rounded up, fails — so both found a change smaller in L2 than the
 * smallest budget with which PGD-L2 succeeds (a bisection, about 40 s here, found it fails at 34
 * levels and succeeds at 36 on img_1, where DeepFool's L2 is 18.3 and C&W's 18.2).
 */
describe('darknet-tiny on a sample photo (wasm)', () => {
  it('DeepFool and C&W succeed on img_1 (a cat), each with a smaller L2 than a PGD-L2 budget that fails; tensors flat', { timeout: 300_000 }, ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const tensors = tf.memory().numTensors;
    const photo = photos.find((p) => p.name === 'img_1')!;
    const t0 = performance.now();
    const deepfool = attack(photo.rgb, { method: 'deepfool', iterations: 50, params: { candidates: 2 } }, darknet);
    const t1 = performance.now();
    const cw = attack(photo.rgb, { method: 'cw-l2', iterations: 8, params: { searchSteps: 1 } }, darknet);
    const t2 = performance.now();
    const epsilon = Math.ceil(Math.max(deepfool.latest.distance.l2, cw.latest.distance.l2));
    const pgdSucceeds = pgdL2Succeeds(photo.rgb, epsilon, darknet);
    const t3 = performance.now();
    const s = (a: number, b: number) => `${((b - a) / 1000).toFixed(1)} s`;
    console.log(
      `darknet-tiny img_1: DeepFool L2 ${deepfool.latest.distance.l2.toFixed(1)} in ${deepfool.steps} steps (${s(t0, t1)}); ` +
        `C&W L2 ${cw.latest.distance.l2.toFixed(1)} at c ${cw.latest.detail?.successC} (${s(t1, t2)}); PGD-L2 at ε ${epsilon}: ${pgdSucceeds ? 'succeeds' : 'fails'} (${s(t2, t3)})`,
    );
    const original = deepfool.reports[0]!.classification.top5[0]!.index;
    for (const [method, r] of [['deepfool', deepfool], ['cw-l2', cw]] as const) {
      expect(r.latest.success, method).toBe(true);
      expect(r.latest.classification.top5[0]!.index, method).not.toBe(original);
    }
    expect(pgdSucceeds).toBe(false);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
