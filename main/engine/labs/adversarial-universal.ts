/**
 * The window's universal perturbation: over the lab's images, one perturbation per ε of the
 * request (the fooling-rate-against-ε curve's points), each made by runUniversal — the same
 * code `descent universal` runs, so a point is exactly the CLI's report for that ε. It runs on
 * the engine's thread, reporting the fooling rate after every iteration (and the images done
 * within one, for a large set); a cancel gets in between two chunks of images and ends it with
 * an error named Cancelled.
 */
import type { BackendName, EngineMessage, EngineRequest, UniversalPoint } from '../../protocol/messages';
import { runUniversal } from '../adversarial/universal';
import type { AdversarialModels } from './adversarial-models';

type UniversalRequest = Extract<EngineRequest, { type: 'universal' }>;

export class CancelledError extends Error {
  override name = 'Cancelled';
}

export async function universalRequest(req: UniversalRequest, models: AdversarialModels, backend: BackendName, emit: (message: EngineMessage) => void, cancelled: () => boolean): Promise<void> {
  const { requestId, iterations, step } = req;
  const lease = await models.acquire(req.model);
  try {
    const c = lease.classifier;
    const { inputWidth: w, inputHeight: h } = c;
    const wrong = req.images.find((im) => im.width !== w || im.height !== h);
    if (wrong) throw new RangeError(`${c.info.displayName} takes ${w}×${h} images; ${wrong.name} is ${wrong.width}×${wrong.height} (decode it for this model)`);
    const images = req.images.map((im) => ({ name: im.name, rgb: im.rgb }));
    const points: UniversalPoint[] = [];
    for (const [epsilonIndex, epsilon] of req.epsilons.entries()) {
      const about = { type: 'universalProgress', requestId, epsilonIndex, epsilon, iterations, images: images.length } as const;
      let last = { iteration: 0, foolingRate: 0 };
      const outcome = await runUniversal(c, images, { epsilon, iterations, ...(step !== undefined ? { step } : {}) }, {
        cancelled,
        onIteration: (r) => {
          last = r;
          emit({ ...about, ...r, imagesDone: 0 });
        },
        onImages: (done) => emit({ ...about, ...last, imagesDone: done }),
      });
      if (!outcome) throw new CancelledError('the universal perturbation was cancelled');
      points.push({
        epsilon,
        iterations,
        step: outcome.step,
        foolingRate: outcome.foolingRate,
        history: outcome.history.map((r) => r.foolingRate),
        perImage: outcome.perImage,
        perturbation: Int32Array.from(outcome.perturbation),
        msPerIteration: outcome.msPerIteration,
      });
    }
    emit({ type: 'universalResult', requestId, width: w, height: h, backend, points });
  } finally {
    lease.release();
  }
}
