/**
 * "Attack every image": every lane on every image, the images spread over a pool of worker
 * threads (adversarial/attack-pool.ts), one TensorFlow.js and model each, so the table fills as
 * fast as the cores allow while the engine's own thread stays free for the window's run and
 * requests. Each image is answered as it finishes (batchImage, in any order), then batchDone.
 *
 * Cancel aborts every task, which terminates the workers running them at once: the batch ends
 * within a step, with the rows so far. A worker that dies fails only the image it held (that
 * row says why); the pool replaces it and the rest go on.
 */
import type { BackendName, EngineMessage, EngineRequest } from '../../protocol/messages';
import { AttackPool, defaultJobs } from '../adversarial/attack-pool';
import { laneSpec } from './adversarial-driver';
import type { AdversarialModels } from './adversarial-models';
import { universalRequest } from './adversarial-universal';

type AttackImagesRequest = Extract<EngineRequest, { type: 'attackImages' }>;
type UniversalRequest = Extract<EngineRequest, { type: 'universal' }>;

export class AdversarialBatches {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly models: () => AdversarialModels,
    private readonly emit: (message: EngineMessage) => void,
    private readonly jobs: number = defaultJobs(),
  ) {}

  /**
   * Runs the request to its end (or its cancel); throws only if it cannot start. It is known by
   * its requestId from the call on (before any await), so a cancel sent right after it counts.
   * `backendOf`: the backend the workers select.
   */
  async run(req: AttackImagesRequest, backendOf: () => Promise<BackendName>): Promise<void> {
    const { requestId } = req;
    const abort = new AbortController();
    this.running.set(requestId, abort);
    try {
      const backend = await backendOf();
      const lease = await this.models().acquire(req.model, undefined, abort.signal);
      const { source } = lease;
      const { inputWidth: w, inputHeight: h, info } = lease.classifier;
      lease.release();
      const wrong = req.images.find((im) => im.width !== w || im.height !== h);
      if (wrong) throw new RangeError(`${info.displayName} takes ${w}×${h} images; ${wrong.name} is ${wrong.width}×${wrong.height} (decode it for this model)`);
      const lanes = req.lanes.map((l) => laneSpec(l, req.seed));
      const workers = Math.min(this.jobs, req.images.length);
      const pool = new AttackPool(workers, { backend, source });
      try {
        await Promise.all(
          req.images.map(async (im, index) => {
            try {
              const o = await pool.attack({ image: { rgb: im.rgb }, lanes }, abort.signal);
              if (o.ok) {
                this.emit({ type: 'batchImage', requestId, index, lanes: o.result.lanes.map((l) => ({ before: l.reports[0]!.classification, last: l.reports.at(-1)! })) });
              } else this.emit({ type: 'batchImage', requestId, index, error: o.error });
            } catch (e) {
              if (!abort.signal.aborted) throw e;
            }
          }),
        );
      } finally {
        await pool.destroy();
      }
      this.emit({ type: 'batchDone', requestId, cancelled: abort.signal.aborted, workers, backend });
    } finally {
      this.running.delete(requestId);
    }
  }

  /** A universal perturbation (adversarial-universal.ts), cancelled as a batch is. */
  async universal(req: UniversalRequest, backendOf: () => Promise<BackendName>): Promise<void> {
    const abort = new AbortController();
    this.running.set(req.requestId, abort);
    try {
      await universalRequest(req, this.models(), await backendOf(), this.emit, abort.signal);
    } finally {
      this.running.delete(req.requestId);
    }
  }

  /** Ends a running batch within a step, or a universal perturbation at once; false when none has that id. */
  cancel(requestId: string): boolean {
    const abort = this.running.get(requestId);
    abort?.abort(new Error('cancelled'));
    return !!abort;
  }

  cancelAll(): void {
    for (const a of this.running.values()) a.abort(new Error('cancelled'));
  }
}
