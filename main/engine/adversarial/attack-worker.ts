/**
 * A pool worker (attack-pool.ts): its own TensorFlow.js, backend and copy of the model, loaded on
 * its first image and kept for the next. Each task is one image and every lane on it
 * (image-attack.ts), a universal perturbation over a set (adversarial-universal.ts), or a
 * description of the model (`describe`). A file that is not an image comes back as `{ unreadable }`, not as an
 * error, so the table can say "skipped" for it and "failed" only for what really failed.
 */
import { workerData } from 'piscina';
import { attackImage, type ImageAttackResult, type ImageAttackTask } from './image-attack';
import { ImageClassifier } from './image-classifier';
import { ImageDecodeError } from './image-io';
import type { ClassifierFacts } from './attack-pool';
import { loadWorkerModel, type WorkerModel } from './worker-model';
import type { MessagePort } from 'node:worker_threads';
import type { UniversalPoint } from '../../protocol/messages';
import { universalInWorker, type UniversalTask } from '../labs/adversarial-universal';

let classifier: Promise<ImageClassifier> | undefined;

function load(): Promise<ImageClassifier> {
  classifier ??= loadWorkerModel(workerData as WorkerModel);
  return classifier;
}

// Every worker starts loading as it starts, before its first task: the pool's workers load
// side by side (a failure is reported by the first task, which awaits the same promise).
load().catch(() => {});

export default async function attackTask(
  task: ImageAttackTask | { describe: true } | { universal: UniversalTask; progress: MessagePort },
): Promise<ImageAttackResult | { unreadable: string } | ClassifierFacts | UniversalPoint[]> {
  const c = await load();
  if ('describe' in task) return { labels: c.labels, groups: c.groups, inputWidth: c.inputWidth, inputHeight: c.inputHeight };
  if ('universal' in task) {
    try {
      return await universalInWorker(c, task.universal, task.progress);
    } finally {
      task.progress.close();
    }
  }
  try {
    return await attackImage(c, task);
  } catch (e) {
    if (e instanceof ImageDecodeError) return { unreadable: e.message };
    throw e;
  }
}
