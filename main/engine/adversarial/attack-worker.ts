/**
 * A pool worker (attack-pool.ts): its own TensorFlow.js, backend and copy of the model, loaded on
 * its first image and kept for the next. Each task is one image and every lane on it
 * (image-attack.ts). A file that is not an image comes back as `{ unreadable }`, not as an
 * error, so the table can say "skipped" for it and "failed" only for what really failed.
 */
import { workerData } from 'piscina';
import { selectBackend } from '../backend';
import { attackImage, type ImageAttackResult, type ImageAttackTask } from './image-attack';
import { ImageClassifier } from './image-classifier';
import { ImageDecodeError } from './image-io';
import type { AttackWorkerData } from './attack-pool';

let classifier: Promise<ImageClassifier> | undefined;

function load(): Promise<ImageClassifier> {
  const { backend, source } = workerData as AttackWorkerData;
  classifier ??= selectBackend(backend).then(() => ImageClassifier.load(source));
  return classifier;
}

export default async function attackTask(task: ImageAttackTask): Promise<ImageAttackResult | { unreadable: string }> {
  const c = await load();
  try {
    return await attackImage(c, task);
  } catch (e) {
    if (e instanceof ImageDecodeError) return { unreadable: e.message };
    throw e;
  }
}
