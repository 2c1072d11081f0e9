/**
 * The worker pool behind the CLI's folder mode and "Attack every image": each worker's result is
 * the in-process attack's, byte for byte (real model, real photos); a worker stopped mid-run
 * costs only the image it held, reported failed with the reason, while the others finish and the
 * pool goes on with a fresh worker; an aborted task ends at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../../main/engine/backend';
import { AttackPool } from '../../../../main/engine/adversarial/attack-pool';
import { attackImage, type ImageAttackResult } from '../../../../main/engine/adversarial/image-attack';
import { ImageClassifier } from '../../../../main/engine/adversarial/image-classifier';
import { namedModelSource, type ModelSource } from '../../../../main/engine/adversarial/model-registry';
import type { AttackSpec } from '../../../../main/protocol/adversarial';
import { SAMPLE_PHOTOS, SHARED_MODELS_DIR, skipRealModels } from './shared-models';

const SPEC: AttackSpec = { method: 'signed', epsilon: 4, step: 1, iterations: 2, target: { kind: 'group', group: 'dog' }, stopAtConfidence: null, seed: 1 };
const UNTARGETED: AttackSpec = { ...SPEC, method: 'pgd', target: { kind: 'untargeted' } };
const files = SAMPLE_PHOTOS.slice(0, 3).map((p) => p.file);

/** Reports with their timings zeroed: everything else must match exactly. */
function timeless(r: ImageAttackResult): ImageAttackResult {
  return { ...r, lanes: r.lanes.map((l) => ({ ...l, msPerStep: 0, reports: l.reports.map((p) => ({ ...p, stepMs: 0 })) })) };
}

describe.skipIf(skipRealModels !== undefined)('AttackPool', () => {
  let source: ModelSource;
  const reference: ImageAttackResult[] = [];

  beforeAll(async () => {
    source = await namedModelSource('mobilenet_v1_0.75_224', { modelsDir: SHARED_MODELS_DIR });
    await selectBackend('wasm');
    const classifier = await ImageClassifier.load(source);
    try {
      for (const file of files) reference.push(timeless(await attackImage(classifier, { image: { file }, lanes: [SPEC, UNTARGETED] })));
    } finally {
      classifier.dispose();
    }
  }, 300_000);
  afterAll(() => tf.disposeVariables());

  it('should give each image the in-process result, and lose only the image whose worker was stopped mid-run', { timeout: 300_000 }, async () => {
    const pool = new AttackPool(2, { backend: 'wasm', source });
    try {
      const outcomes = files.map((file) => pool.attack({ image: { file }, lanes: [SPEC, UNTARGETED] }));
      // Both workers hold an image now (one task each, the third queued): stop the first.
      expect(pool.threads).toHaveLength(2);
      await pool.threads[0]!.terminate();
      const done = await Promise.all(outcomes);
      const failed = done.filter((o) => !o.ok);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toEqual({ ok: false, unreadable: false, error: expect.stringMatching(/^its worker stopped \(worker exited with code: \d+\)$/) });
      for (const [i, o] of done.entries()) if (o.ok) expect(timeless(o.result)).toEqual(reference[i]);
      // The pool has replaced the worker: the lost image goes through on a second try.
      const lost = done.findIndex((o) => !o.ok);
      const again = await pool.attack({ image: { file: files[lost]! }, lanes: [SPEC, UNTARGETED] });
      expect(again.ok && timeless(again.result)).toEqual(reference[lost]);
    } finally {
      await pool.destroy();
    }
  });

  it('should run its workers on the native backend (tfjs-node) as in-process, where it loads', { timeout: 300_000 }, async ({ skip }) => {
    const why = await selectBackend('tensorflow').then(
      () => undefined,
      (e: Error) => `skipped: ${e.message}`,
    );
    skip(why !== undefined, why);
    try {
      const classifier = await ImageClassifier.load(source);
      const here = await attackImage(classifier, { image: { file: files[0]! }, lanes: [SPEC] }).finally(() => classifier.dispose());
      const pool = new AttackPool(1, { backend: 'tensorflow', source });
      const o = await pool.attack({ image: { file: files[0]! }, lanes: [SPEC] }).finally(() => pool.destroy());
      expect(o.ok && timeless(o.result)).toEqual(timeless(here));
    } finally {
      await selectBackend('wasm');
    }
  });

    it('should report a file that is not an image as unreadable, and end an aborted task at once', { timeout: 120_000 }, async () => {
    const pool = new AttackPool(1, { backend: 'wasm', source });
    try {
      expect(await pool.attack({ image: { file: __filename }, lanes: [SPEC] })).toMatchObject({ ok: false, unreadable: true, error: expect.stringMatching(/is not an image this app reads/) });
      const abort = new AbortController();
      const long = pool.attack({ image: { file: files[0]! }, lanes: [{ ...SPEC, iterations: 10_000 }] }, abort.signal);
      abort.abort(new Error('cancelled'));
      await expect(long).rejects.toThrow(/aborted/);
    } finally {
      await pool.destroy();
    }
  });
});
