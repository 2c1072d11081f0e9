/**
 * The window's universal perturbation: over the lab's images, one perturbation per ε of the
 * request (the fooling-rate-against-ε curve's points), each made by runUniversal — the same
 * code `descent universal` runs, so a point is exactly the CLI's report for that ε. It runs in a
 * worker thread of the attack pool (attack-worker.ts) with its own TensorFlow.js and model, so
 * minutes of it hold up nothing else: the engine's thread goes on with runs, images and
 * controls. Progress (the fooling rate after every iteration, and the images done within one
 * for a large set) comes back on a message port; a cancel terminates the worker at once.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { BackendName, EngineMessage, EngineRequest, UniversalPoint, UniversalProgressMessage } from '../../protocol/messages';
import { AttackPool } from '../adversarial/attack-pool';
import type { ImageClassifier } from '../adversarial/image-classifier';
import { runUniversal } from '../adversarial/universal';
import type { AdversarialModels } from './adversarial-models';

type UniversalRequest = Extract<EngineRequest, { type: 'universal' }>;
/** What a worker needs to make the points: the request less what the engine's thread checks. */
export type UniversalTask = Pick<UniversalRequest, 'requestId' | 'epsilons' | 'iterations' | 'step'> & { images: { name: string; rgb: Uint8Array }[] };
type Progress = Omit<UniversalProgressMessage, 'type'>;

export class CancelledError extends Error {
  override name = 'Cancelled';
}

/** Every ε's point, in order, reporting progress as it goes (in a pool worker). */
export async function universalPoints(c: ImageClassifier, task: UniversalTask, progress: (p: Progress) => void): Promise<UniversalPoint[]> {
  const { requestId, iterations, step, images } = task;
  const points: UniversalPoint[] = [];
  for (const [epsilonIndex, epsilon] of task.epsilons.entries()) {
    const about = { requestId, epsilonIndex, epsilon, iterations, images: images.length };
    let last = { iteration: 0, foolingRate: 0 };
    const outcome = await runUniversal(c, images, { epsilon, iterations, ...(step !== undefined ? { step } : {}) }, {
      onIteration: (r) => {
        last = r;
        progress({ ...about, ...r, imagesDone: 0 });
      },
      onImages: (done) => progress({ ...about, ...last, imagesDone: done }),
    });
    points.push({
      epsilon,
      iterations,
      step: outcome!.step,
      foolingRate: outcome!.foolingRate,
      history: outcome!.history.map((r) => r.foolingRate),
      perImage: outcome!.perImage,
      perturbation: Int32Array.from(outcome!.perturbation),
      msPerIteration: outcome!.msPerIteration,
    });
  }
  return points;
}

/** In a pool worker: the points, progress posted on `progress`. */
export function universalInWorker(c: ImageClassifier, task: UniversalTask, progress: MessagePort): Promise<UniversalPoint[]> {
  return universalPoints(c, task, (p) => progress.postMessage(p));
}

/**
 * Checks the request against the model, then makes the points in a worker of its own; emits
 * progress and the result. Rejects with CancelledError when `signal` aborts.
 */
export async function universalRequest(req: UniversalRequest, models: AdversarialModels, backend: BackendName, emit: (message: EngineMessage) => void, signal: AbortSignal): Promise<void> {
  const { requestId } = req;
  const lease = await models.acquire(req.model, undefined, signal);
  const { source } = lease;
  const { inputWidth: w, inputHeight: h, info } = lease.classifier;
  lease.release();
  const wrong = req.images.find((im) => im.width !== w || im.height !== h);
  if (wrong) throw new RangeError(`${info.displayName} takes ${w}×${h} images; ${wrong.name} is ${wrong.width}×${wrong.height} (decode it for this model)`);
  const task: UniversalTask = { requestId, epsilons: req.epsilons, iterations: req.iterations, images: req.images.map((im) => ({ name: im.name, rgb: im.rgb })), ...(req.step !== undefined ? { step: req.step } : {}) };
  const pool = new AttackPool(1, { backend, source });
  const { port1, port2 } = new MessageChannel();
  // Progress and the result come on different channels: none is passed on after the result.
  let finished = false;
  port1.on('message', (p: Progress) => finished || emit({ type: 'universalProgress', ...p }));
  try {
    const points = await pool.universal(task, port2, signal);
    finished = true;
    emit({ type: 'universalResult', requestId, width: w, height: h, backend, points });
  } catch (e) {
    if (signal.aborted) throw new CancelledError('the universal perturbation was cancelled');
    throw e;
  } finally {
    port1.close();
    await pool.destroy();
  }
}
