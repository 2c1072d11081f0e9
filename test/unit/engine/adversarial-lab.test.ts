/**
 * The Adversarial lab through the engine, as the window uses it: list and load a real model,
 * decode a real photo, run two attacks side by side on it, and save the result as PNG — with
 * every tensor freed at the end. Needs ../shared/models and its photos (skipped with the reason
 * otherwise); runs on wasm, where a MobileNet input gradient takes about 0.6 s.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine';
import type { StepReport } from '../../../main/protocol/adversarial';
import type { AdversarialFrame, AdversarialRunStarted, BatchImageMessage, DecodedImage, EngineMessage, ModelInfo, UniversalProgressMessage, UniversalResultMessage } from '../../../main/protocol/messages';
import { loadImageFile } from '../../../main/engine/adversarial/image-io';
import { cli } from '../run-cli';
import { SAMPLE_IMAGES_DIR, SAMPLE_PHOTOS, SHARED_MODELS_DIR, skipRealModels } from './adversarial/shared-models';

const MODEL = 'mobilenet_v1_0.75_224';
let cache: string;
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'descent-cache-'));
  for (const k of ['DESCENT_MODELS_DIR', 'DESCENT_MODEL_CACHE']) saved[k] = process.env[k];
  process.env.DESCENT_MODELS_DIR = SHARED_MODELS_DIR;
  process.env.DESCENT_MODEL_CACHE = cache;
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(cache, { recursive: true, force: true });
});

function harness() {
  const messages: EngineMessage[] = [];
  const engine = new Engine((m) => messages.push(m), 'wasm');
  const waitFor = async (pred: (m: EngineMessage) => boolean, timeoutMs = 60_000): Promise<EngineMessage> => {
    const t0 = Date.now();
    for (;;) {
      const m = messages.find(pred);
      if (m) return m;
      if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for a message');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { engine, messages, waitFor };
}

describe('adversarial lab through the engine', () => {
  it('should list, load, decode, attack side by side, save a PNG and free every tensor', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const { engine, messages, waitFor } = harness();
    await engine.whenReady();
    const before = tf.memory().numTensors;

    await engine.handle({ type: 'listModels', requestId: 'l' });
    const list = await waitFor((m) => m.type === 'models');
    expect(list.type === 'models' && list.models.find((m) => m.id === MODEL)).toMatchObject({ available: true, inputWidth: 224, inputHeight: 224 });

    await engine.handle({ type: 'loadModel', requestId: 'm', model: MODEL });
    const ready = (await waitFor((m) => m.type === 'modelReady')) as { model: ModelInfo };
    expect(ready.model.labels).toHaveLength(1000);
    expect(ready.model.hasCatDog).toBe(true);

    const cat = SAMPLE_PHOTOS.find((p) => p.file.endsWith('img_1.jpg'))!;
    await engine.handle({ type: 'decodeImage', requestId: 'i', name: 'img_1.jpg', bytes: new Uint8Array(readFileSync(cat.file)), width: 224, height: 224 });
    const { image } = (await waitFor((m) => m.type === 'image')) as { image: DecodedImage };
    expect(image.rgb).toHaveLength(224 * 224 * 3);

    const lanes = [
      { id: 'signed', method: 'signed', epsilon: 0, step: 1, iterations: 4, target: { kind: 'group', group: 'dog' }, stopAtConfidence: null },
      { id: 'fgsm', method: 'fgsm', epsilon: 4, step: 4, iterations: 1, target: { kind: 'untargeted' }, stopAtConfidence: null },
    ];
    const config = { lab: 'adversarial', problem: { model: MODEL, image: { name: image.name, width: 224, height: 224, rgb: image.rgb } }, lanes, maxIterations: 4, itersPerSecond: 0, seed: 1 };
    await engine.handle({ type: 'start', runId: 'a', config });
    const started = (await waitFor((m) => m.type === 'runStarted')) as AdversarialRunStarted;
    expect(started.lanes.map((l) => l.maxSteps)).toEqual([4, 1]);
    expect(started.before.cat!).toBeGreaterThan(0.5);
    await waitFor((m) => m.type === 'frame' && m.status === 'done', 120_000);
    const frames = messages.filter((m): m is AdversarialFrame => m.type === 'frame' && m.lab === 'adversarial');
    // Every iteration's report arrives once, in order; the fgsm lane repeats its one step.
    const reports = (id: string) => frames.flatMap((f) => f.lanes.find((l) => l.id === id)!.reports);
    expect(reports('signed').map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
    expect(reports('fgsm').map((r) => r.step)).toEqual([0, 1, 1, 1, 1]);
    const signedLast = reports('signed').at(-1)!;
    // Four signed steps of one level: no value moves by more than 4.
    expect(signedLast.distance.linf).toBeLessThanOrEqual(4);
    expect(signedLast.classification.dog!).toBeGreaterThan(started.before.dog!);
    // The last image sent is the one the last report measured: save it and it reads back the same.
    const lastImage = frames.flatMap((f) => f.lanes.filter((l) => l.id === 'signed' && l.image)).at(-1)!.image!;
    await engine.handle({ type: 'encodePng', requestId: 'p', width: 224, height: 224, rgb: lastImage });
    const png = (await waitFor((m) => m.type === 'png')) as { bytes: Uint8Array };
    await engine.handle({ type: 'decodeImage', requestId: 'back', name: 'a.png', bytes: png.bytes, width: 224, height: 224 });
    const back = (await waitFor((m) => m.type === 'image' && m.requestId === 'back')) as { image: DecodedImage };
    expect(Buffer.compare(Buffer.from(back.image.rgb), Buffer.from(lastImage))).toBe(0);

    // "Attack every image" on the engine's worker pool: the same lanes on the same image give
    // the run's own last reports (timings aside); the second image gets its own row.
    const other = SAMPLE_PHOTOS.find((p) => p.file.endsWith('img_0.jpg'))!;
    await engine.handle({ type: 'decodeImage', requestId: 'i2', name: 'img_0.jpg', bytes: new Uint8Array(readFileSync(other.file)), width: 224, height: 224 });
    const { image: dog } = (await waitFor((m) => m.type === 'image' && m.requestId === 'i2')) as { image: DecodedImage };
    const images = [image, dog].map((im) => ({ name: im.name, width: 224, height: 224, rgb: im.rgb }));
    await engine.handle({ type: 'attackImages', requestId: 'b', model: MODEL, images, lanes, seed: 1 });
    const rows = messages.filter((m) => m.type === 'batchImage' && m.requestId === 'b') as BatchImageMessage[];
    expect(rows.map((r) => r.index).sort()).toEqual([0, 1]);
    expect(await waitFor((m) => m.type === 'batchDone')).toMatchObject({ requestId: 'b', cancelled: false, workers: 2, backend: 'wasm' });
    const untimed = (r: StepReport) => ({ ...r, stepMs: 0 });
    const first = rows.find((r) => r.index === 0)!;
    expect(first.lanes!.map((l) => untimed(l.last))).toEqual(['signed', 'fgsm'].map((id) => untimed(reports(id).at(-1)!)));
    expect(first.lanes![0]!.before).toEqual(started.before);
    expect(rows.find((r) => r.index === 1)!.lanes![0]!.before.top5[0]!.label).not.toBe(started.before.top5[0]!.label);

    // Cancelled at once: it ends within a step with nothing more to say.
    const long = [{ ...lanes[0]!, iterations: 1000 }];
    const cancelled = engine.handle({ type: 'attackImages', requestId: 'c', model: MODEL, images, lanes: long, seed: 1 });
    await engine.handle({ type: 'cancel', requestId: 'c' });
    await cancelled;
    expect(messages.filter((m) => m.type === 'batchImage' && m.requestId === 'c')).toEqual([]);
    expect(messages.find((m) => m.type === 'batchDone' && m.requestId === 'c')).toMatchObject({ cancelled: true });
    // An image not at the model's input size is refused with the reason.
    await engine.handle({ type: 'attackImages', requestId: 'w', model: MODEL, images: [{ name: 'small.png', width: 2, height: 2, rgb: new Uint8Array(12) }], lanes, seed: 1 });
    expect(await waitFor((m) => m.type === 'error' && m.requestId === 'w')).toMatchObject({ error: { message: 'MobileNet v1 0.75 (224) takes 224×224 images; small.png is 2×2 (decode it for this model)' } });

    engine.dispose();
    await new Promise((r) => setTimeout(r, 50)); // the model store frees its weights asynchronously
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('universal: the request gives exactly what `descent universal` reports for the same settings, a progress line per iteration, holds up no other request, cancels within an iteration, and frees every tensor', async ({ skip }) => {
    skip(skipRealModels !== undefined, skipRealModels);
    const { engine, messages, waitFor } = harness();
    await engine.whenReady();
    const before = tf.memory().numTensors;
    // The CLI first: it ends with tf.disposeVariables(), which would take the engine's model with it.
    const out = join(cache, 'universal.png');
    const run = await cli(['universal', '--images', SAMPLE_IMAGES_DIR, '--model', MODEL, '--backend', 'wasm', '--epsilon', '10', '--iterations', '2', '--out', out, '--json']);
    expect(run.err).toBe('');
    const r = JSON.parse(run.out);
    // The photos as the CLI reads them (the window's decodeImage gives the same bytes).
    const photos = await Promise.all(SAMPLE_PHOTOS.map(async (p) => ({ name: p.file, width: 224, height: 224, rgb: (await loadImageFile(p.file, 224, 224)).rgb })));
    await engine.handle({ type: 'universal', requestId: 'u', model: MODEL, images: photos, epsilons: [10], iterations: 2 });
    const result = (await waitFor((m) => m.type === 'universalResult' || (m.type === 'error' && m.requestId === 'u'), 300_000)) as UniversalResultMessage;
    expect(result).toMatchObject({ type: 'universalResult', width: 224, height: 224, backend: 'wasm' });
    const [point] = result.points;
    const progress = messages.filter((m): m is UniversalProgressMessage => m.type === 'universalProgress' && m.requestId === 'u');
    // Five images are one chunk: a report per iteration, none within one.
    expect(progress.map((m) => [m.epsilon, m.iteration, m.iterations, m.imagesDone, m.images])).toEqual([
      [10, 1, 2, 0, 5],
      [10, 2, 2, 0, 5],
    ]);
    expect(progress.map((m) => m.foolingRate)).toEqual(point!.history.slice(1));

    // The CLI on the same folder and settings: the same verdicts, the same rate, the same δ.
    console.log(`universal ε 10, 2 iterations: request ${point!.foolingRate}, CLI ${r.foolingRate}; ${point!.msPerIteration.toFixed(0)} ms an iteration`);
    expect(point!.foolingRate).toBe(r.foolingRate);
    expect(point!.foolingRate).toBeGreaterThanOrEqual(0.8); // the 4 of 5 at ε = 10
    expect(point!.history).toEqual(r.history.map((h: { foolingRate: number }) => h.foolingRate));
    expect(point!.perImage.map(({ name, success, before, after }) => ({ file: name, success, before, after }))).toEqual(r.perImage);
    const png = (await loadImageFile(out, 224, 224)).rgb;
    expect(point!.perturbation.every((d, i) => d + 128 === png[i])).toBe(true);
    expect(point!.perturbation.reduce((m, d) => Math.max(m, Math.abs(d)), 0)).toBeLessThanOrEqual(10);

    // Cancelled after its first iteration: it answers Cancelled before another iteration ends, and no result.
    engine.handle({ type: 'universal', requestId: 'c', model: MODEL, images: photos.slice(0, 2), epsilons: [4, 8], iterations: 50 });
    expect(await waitFor((m) => (m.type === 'universalProgress' || m.type === 'error') && m.requestId === 'c', 120_000)).toMatchObject({ type: 'universalProgress' });
    // Beside the queue (in a worker of its own): the engine's thread answers other requests meanwhile.
    await engine.handle({ type: 'decodeImage', requestId: 'beside', name: 'img_0.jpg', bytes: new Uint8Array(readFileSync(SAMPLE_PHOTOS[0].file)), width: 224, height: 224 });
    expect(await waitFor((m) => m.type === 'image' && m.requestId === 'beside')).toMatchObject({ type: 'image' });
    expect(messages.some((m) => (m.type === 'error' || m.type === 'universalResult') && m.requestId === 'c')).toBe(false);
    const seen = messages.filter((m) => m.type === 'universalProgress' && m.requestId === 'c').length;
    await engine.handle({ type: 'cancel', requestId: 'c' });
    expect(await waitFor((m) => m.type === 'error' && m.requestId === 'c', 120_000)).toMatchObject({ error: { name: 'Cancelled' } });
    expect(messages.filter((m) => m.type === 'universalProgress' && m.requestId === 'c').length).toBeLessThanOrEqual(seen + 1);
    expect(messages.some((m) => m.type === 'universalResult' && m.requestId === 'c')).toBe(false);

    // Refused: an image not at the model's size (with the reason), and ε out of range (the schema).
    await engine.handle({ type: 'universal', requestId: 'w', model: MODEL, images: [{ name: 'small.png', width: 2, height: 2, rgb: new Uint8Array(12) }], epsilons: [4], iterations: 1 });
    expect(await waitFor((m) => m.type === 'error' && m.requestId === 'w')).toMatchObject({ error: { message: 'MobileNet v1 0.75 (224) takes 224×224 images; small.png is 2×2 (decode it for this model)' } });
    await engine.handle({ type: 'universal', requestId: 'e', model: MODEL, images: photos.slice(0, 1), epsilons: [0], iterations: 1 });
    expect(await waitFor((m) => m.type === 'error' && m.requestId === 'e')).toMatchObject({ error: { name: 'InvalidRequest', message: 'epsilons.0: each ε must be in (0, 255] levels' } });

    engine.dispose();
    await new Promise((r) => setTimeout(r, 50)); // the model store frees its weights asynchronously
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);

  it('should refuse a path for a model and an unknown model by name', async () => {
    const { engine, messages, waitFor } = harness();
    await engine.handle({ type: 'loadModel', requestId: 'x', model: '../../etc' });
    expect(await waitFor((m) => m.type === 'error')).toMatchObject({ requestId: 'x', error: { name: 'InvalidRequest' } });
    messages.length = 0;
    await engine.handle({ type: 'loadModel', requestId: 'y', model: 'no-such-model' });
    expect(await waitFor((m) => m.type === 'error')).toMatchObject({ requestId: 'y', error: { message: expect.stringMatching(/unknown model/) } });
    engine.dispose();
  });
});
