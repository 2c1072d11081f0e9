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
import { availableBackends } from './bench-backends';
import { AttackRun } from '../main/engine/adversarial/attack-run';
import { ImageClassifier } from '../main/engine/adversarial/image-classifier';
import { imageDistance } from '../main/engine/adversarial/image-distance';
import { defaultModelCacheDir, locateModel } from '../main/engine/adversarial/model-fetch';
import { loadManifest, type ModelSource } from '../main/engine/adversarial/model-registry';
import { mulberry32 } from '../main/engine/random';

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
      const r = benchModel(classifier);
      classifier.dispose();
      const f = (t: Timing) => `${t.wallMs.toFixed(0).padStart(5)} (${t.cpuMs.toFixed(0)})`;
      console.log(`  ${backend.padEnd(10)} ${source.name.padEnd(22)} step ${f(r.step)} | gradient ${f(r.gradient)} | forward ${f(r.forward)} | distances ${f(r.distances)}`);
    }
  }
}
