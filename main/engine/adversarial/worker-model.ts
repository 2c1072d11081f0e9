/**
 * What the Adversarial lab's worker threads share: where their script is, and how each loads its
 * own TensorFlow.js backend and copy of the model (tfjs has one global backend per thread, and
 * single-threaded wasm keeps one core busy, so each core's worth of work needs its own thread).
 * The attack pool's workers (attack-worker.ts) take whole images; the lane workers
 * (lane-worker.ts) hold some lanes of the window's run.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { selectBackend } from '../backend';
import { ImageClassifier } from './image-classifier';
import type { ModelSource } from './model-registry';

/** What every worker gets: the backend to select and the model to load. */
export interface WorkerModel {
  backend: string;
  source: ModelSource;
}

/**
 * A worker's script: the built bundle `${name}.js` beside whichever bundle runs
 * (dist/main/cli.js, dist/main/engine/host.js, dist/scripts/bench.js), or under the tests the
 * TypeScript source, run through tsx.
 */
export function workerScript(name: 'attack-worker' | 'lane-worker'): { filename: string; execArgv: string[] } {
  // __filename, not __dirname: tsx gives ES modules the one but not the other.
  const here = dirname(__filename);
  if (__filename.endsWith('.ts')) return { filename: join(here, `${name}.ts`), execArgv: ['--import', 'tsx'] };
  const candidates = [join(here, `${name}.js`), join(here, `engine/${name}.js`), join(here, `../main/engine/${name}.js`)];
  const filename = candidates.find((f) => existsSync(f));
  if (!filename) throw new Error(`the ${name.replace('-', ' ')} (${name}.js) is missing beside ${here}: run \`npm run build\``);
  return { filename, execArgv: [] };
}

/** In a worker: selects the backend, then loads the model. */
export async function loadWorkerModel({ backend, source }: WorkerModel): Promise<ImageClassifier> {
  await selectBackend(backend);
  return ImageClassifier.load(source);
}
