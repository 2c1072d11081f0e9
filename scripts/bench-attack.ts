/**
 * `npm run bench`, Adversarial lab section: milliseconds per attack step on each shipped model
 * and each backend that loads here. A step is what a lane does per frame: the input gradient,
 * the update, rounding to 8 bits, re-classifying and measuring the distances. Its parts are
 * timed too. Medians of a few calls after a warm-up (the first call compiles kernels). Models
 * come from DESCENT_MODELS_DIR or the download cache; nothing is downloaded. Prints figures;
 * asserts nothing.
 *
 * Each figure is wall-clock time and, in brackets, this process's CPU time: the work is
 * single-threaded (tfjs's cpu kernels are JS, wasm runs without threads in Node), so on a
 * machine shared with other jobs CPU time is the better estimate of the unloaded wall time.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../main/protocol/limits';
import { availableBackends } from './bench-backends';
import { AttackPool, defaultJobs } from '../main/engine/adversarial/attack-pool';
import { AttackRun } from '../main/engine/adversarial/attack-run';
import { ImageClassifier } from '../main/engine/adversarial/image-classifier';
import { imageDistance } from '../main/engine/adversarial/image-distance';
import { defaultModelCacheDir, locateModel } from '../main/engine/adversarial/model-fetch';
import { loadManifest, type ModelSource } from '../main/engine/adversarial/model-registry';
import { mulberry32 } from '../main/engine/random';
import { AdversarialDriver } from '../main/engine/labs/adversarial-driver';
import { AdversarialModels } from '../main/engine/labs/adversarial-models';
import { dirname } from 'node:path';

const WARM_UP = 1;
const MEASURED = 3;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** Median wall and CPU milliseconds of `f` over MEASURED calls after WARM_UP. */
function time(f: () => void): Timing {
  for (let i = 0; i < WARM_UP; i++) f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < MEASURED; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    wall.push(performance.now() - t0);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

/** A deterministic photo-sized image: gradient cost does not depend on what it shows. */
function noiseImage(width: number, height: number): Uint8Array {
  const random = mulberry32(7);
  return Uint8Array.from({ length: width * height * 3 }, () => Math.floor(random() * 256));
}

function benchModel(classifier: ImageClassifier): { step: Timing; gradient: Timing; forward: Timing; distances: Timing } {
  const { inputWidth: w, inputHeight: h } = classifier;
  const rgb = noiseImage(w, h);
  const before = tf.memory().numTensors;
  const pixels = tf.tensor4d(Float32Array.from(rgb), [1, h, w, 3]);
  const objective = { classes: classifier.groups.dog.length ? classifier.groups.dog : [0], direction: 1 as const };
  const gradient = time(() => tf.tidy(() => void classifier.objectiveGradient(pixels, objective).dataSync()));
  const forward = time(() => void classifier.probabilities(pixels));
  const adversarial = rgb.map((v) => v ^ 1);
  const distances = time(() => void imageDistance(rgb, adversarial, w, h));
  const run = new AttackRun(classifier, rgb, {
    method: 'pgd',
    epsilon: 8,
    step: 1,
    iterations: WARM_UP + MEASURED,
    target: classifier.groups.dog.length ? { kind: 'group', group: 'dog' } : { kind: 'class', index: 0 },
    stopAtConfidence: null,
  });
  const step = time(() => void run.step());
  run.dispose();
  pixels.dispose();
  if (tf.memory().numTensors !== before) throw new Error('tensor count grew during the attack benchmark');
  return { step, gradient, forward, distances };
}

/**
 * A step of each minimal-perturbation attack, at its defaults: DeepFool (L2) linearises the top
 * 10 classes (a gradient each), C&W takes one Adam step on its objective (one gradient). A step
 * after DeepFool's first success costs the same; C&W's binary search is a round of steps.
 */
function benchMinimal(classifier: ImageClassifier): { deepfool: Timing; cw: Timing } {
  const { inputWidth: w, inputHeight: h } = classifier;
  const rgb = noiseImage(w, h);
  const before = tf.memory().numTensors;
  const stepOf = (method: 'deepfool' | 'cw-l2', params: Record<string, number>) => {
    const run = new AttackRun(classifier, rgb, { method, epsilon: 0, step: 1, iterations: WARM_UP + MEASURED, target: { kind: 'untargeted' }, stopAtConfidence: null, params });
    try {
      return time(() => void run.step());
    } finally {
      run.dispose();
    }
  };
  const deepfool = stepOf('deepfool', {});
  const cw = stepOf('cw-l2', { searchSteps: 1 });
  if (tf.memory().numTensors !== before) throw new Error('tensor count grew during the minimal-attack benchmark');
  return { deepfool, cw };
}

export async function benchAttack(): Promise<void> {
  const manifest = loadManifest();
  console.log(`adversarial attack step (input gradient + update + re-classify + distances), wall ms (CPU ms), median of ${MEASURED} after ${WARM_UP} warm-up (lower is better)`);
  const sources: ModelSource[] = [];
  for (const name of Object.keys(manifest.models)) {
    try {
      sources.push(await locateModel(name, { manifest, cacheDir: defaultModelCacheDir(), download: false }));
    } catch (e) {
      console.log(`  ${name}: ${(e as Error).message}`);
    }
  }
  for await (const backend of availableBackends()) {
    for (const source of sources) {
      const classifier = await ImageClassifier.load(source);
      const f = (t: Timing) => `${t.wallMs.toFixed(0).padStart(5)} (${t.cpuMs.toFixed(0)})`;
      try {
        const r = benchModel(classifier);
        console.log(`  ${backend.padEnd(10)} ${source.name.padEnd(22)} step ${f(r.step)} | gradient ${f(r.gradient)} | forward ${f(r.forward)} | distances ${f(r.distances)}`);
        // DeepFool's step is ten gradients: on tfjs's JS kernels (seconds a gradient) that is minutes.
        if (source.name !== 'mobilenet_v1_0.75_224') continue;
        if (backend === 'cpu') {
          console.log(`  ${backend.padEnd(10)} ${source.name.padEnd(22)} deepfool, cw-l2 skipped: a DeepFool step is ten gradients of seconds each on cpu`);
          continue;
        }
        const m = benchMinimal(classifier);
        console.log(`  ${backend.padEnd(10)} ${source.name.padEnd(22)} deepfool step ${f(m.deepfool)} (10 classes) | cw-l2 step ${f(m.cw)}`);
      } finally {
        classifier.dispose();
      }
    }
  }
}

const LANES = 8;

/**
 * MobileNet's source with each backend to measure it on but cpu (a MobileNet step takes seconds
 * on tfjs's JS kernels), saying so; nothing, with the reason, where the model is not at hand.
 */
async function* mobileNetBackends(): AsyncGenerator<{ source: ModelSource; backend: BackendName }> {
  let source: ModelSource;
  try {
    source = await locateModel('mobilenet_v1_0.75_224', { cacheDir: defaultModelCacheDir(), download: false });
  } catch (e) {
    console.log(`  ${(e as Error).message}`);
    return;
  }
  for await (const backend of availableBackends()) {
    if (backend === 'cpu') {
      console.log("  cpu        skipped: a MobileNet step takes seconds on tfjs's JS kernels (see the step figures)");
      continue;
    }
    yield { source, backend };
  }
}

/**
 * Eight lanes on one image (the window's run, a table row): one step of one lane against one
 * step of eight stepping together, all through the network as one batch (AttackRun.stepTogether;
 * the target is eight at most four times one), and eight stepping one after another as
 * before. PGD to the dog group, each lane its own seed; MobileNet only (wasm and faster).
 */
export async function benchAttackLanes(): Promise<void> {
  console.log(`adversarial lanes on one image: one step of 1 lane, of ${LANES} lanes batched and of ${LANES} lanes one by one (PGD), wall ms (CPU ms), median of ${MEASURED} after ${WARM_UP} warm-up`);
  for await (const { source, backend } of mobileNetBackends()) {
    const classifier = await ImageClassifier.load(source);
    const rgb = noiseImage(classifier.inputWidth, classifier.inputHeight);
    const before = tf.memory().numTensors;
    const runs = Array.from({ length: LANES }, (_, i) => new AttackRun(classifier, rgb, { method: 'pgd', epsilon: 8, step: 1, iterations: 1000, target: { kind: 'group', group: 'dog' }, stopAtConfidence: null, seed: i + 1 }));
    const one = time(() => void runs[0]!.step());
    const batched = time(() => void AttackRun.stepTogether(runs));
    const byOne = time(() => runs.forEach((r) => r.step()));
    for (const r of runs) r.dispose();
    const leaked = tf.memory().numTensors !== before;
    classifier.dispose();
    if (leaked) throw new Error('tensor count grew during the lanes benchmark');
    const dealt = await dealtStep(source, rgb);
    const f = (t: Timing) => `${t.wallMs.toFixed(0).padStart(5)} (${t.cpuMs.toFixed(0)})`;
    const ratio = (t: Timing) => `×${(t.wallMs / one.wallMs).toFixed(2)} (×${(t.cpuMs / one.cpuMs).toFixed(2)})`;
    console.log(
      `  ${backend.padEnd(10)} ${source.name.padEnd(22)} 1 lane ${f(one)} | ${LANES} batched ${f(batched)} ${ratio(batched)} | ${LANES} one by one ${f(byOne)} ${ratio(byOne)} | ` +
        `${LANES} dealt over ${dealt.groups} threads (the window's run) ${f(dealt.timing)} ${ratio(dealt.timing)}`,
    );
  }
}

/**
 * One step of LANES PGD lanes as the window's run takes it (AdversarialDriver): dealt over this
 * thread and a lane worker per other core (up to 4 threads), each group batched. The workers
 * are started (and the model loaded in each) before the timing.
 */
async function dealtStep(source: ModelSource, rgb: Uint8Array): Promise<{ groups: number; timing: Timing }> {
  const models = new AdversarialModels(defaultModelCacheDir(), dirname(source.dir));
  const lanes = Array.from({ length: LANES }, (_, i) => ({ id: `l${i}`, method: 'pgd' as const, epsilon: 8, step: 1, iterations: 1000, target: { kind: 'group' as const, group: 'dog' as const }, stopAtConfidence: null, params: {} }));
  const config = { lab: 'adversarial', problem: { model: source.name, image: { name: 'noise', width: 224, height: 224, rgb } }, lanes, maxIterations: 1000, itersPerSecond: 0, seed: 1 } as const;
  // The first run finds no workers and starts them; the second waits for them to be ready.
  (await AdversarialDriver.create(config, models)).dispose();
  const driver = await AdversarialDriver.create(config, models);
  try {
    driver.createLanes();
    return { groups: driver.threads, timing: time(() => driver.stepLane(LANES - 1)) };
  } finally {
    driver.dispose();
    await models.dispose();
  }
}

const POOL_IMAGES_PER_WORKER = 4;
const POOL_STEPS = 2;

/**
 * Whole seconds for `images` images of POOL_STEPS PGD steps each on a pool of `jobs` workers, the
 * pool's start (each worker loads TensorFlow.js and the model) included, and the memory it took
 * once every worker had worked: this process's resident set, workers' threads included.
 */
async function poolRun(source: ModelSource, backend: string, jobs: number, images: number): Promise<{ seconds: number; rssMb: number }> {
  const rgb = noiseImage(224, 224);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const pool = new AttackPool(jobs, { backend, source });
  let rssMb = 0;
  try {
    const spec = { method: 'pgd' as const, epsilon: 8, step: 1, iterations: POOL_STEPS, target: { kind: 'untargeted' as const }, stopAtConfidence: null };
    const outcomes = await Promise.all(
      Array.from({ length: images }, async () => {
        const o = await pool.attack({ image: { rgb }, lanes: [spec] });
        rssMb = Math.max(rssMb, (process.memoryUsage().rss - rss0) / 2 ** 20);
        return o;
      }),
    );
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) throw new Error(`an image failed in the pool: ${failed.error}`);
  } finally {
    await pool.destroy();
  }
  return { seconds: (performance.now() - t0) / 1000, rssMb };
}

/**
 * "Attack every image" and the CLI's folder mode: images per second on one worker and on one
 * per core (MobileNet, a 224×224 image each), and the memory each worker adds.
 */
export async function benchAttackPool(): Promise<void> {
  const jobs = defaultJobs();
  const images = POOL_IMAGES_PER_WORKER * Math.max(jobs, 2);
  console.log(`adversarial worker pool: ${images} images × ${POOL_STEPS} PGD steps on MobileNet, whole seconds from the pool's start (higher images/s is better)`);
  for await (const { source, backend } of mobileNetBackends()) {
    const one = await poolRun(source, backend, 1, images);
    const all = await poolRun(source, backend, jobs, images);
    const rate = (r: { seconds: number }) => (images / r.seconds).toFixed(2);
    console.log(
      `  ${backend.padEnd(10)} 1 worker ${rate(one)} images/s (${one.seconds.toFixed(1)} s, +${one.rssMb.toFixed(0)} MB) | ${jobs} workers ${rate(all)} images/s (${all.seconds.toFixed(1)} s, +${all.rssMb.toFixed(0)} MB) | ×${(one.seconds / all.seconds).toFixed(2)}`,
    );
  }
}
