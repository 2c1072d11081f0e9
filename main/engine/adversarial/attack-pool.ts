/**
 * Images attacked in parallel: a piscina pool of worker threads, each with its own TensorFlow.js
 * (tfjs has one global backend per thread, and single-threaded wasm keeps one core busy), so a
 * set of images goes about `jobs` times as fast as one worker where there are that many cores.
 * Each worker loads the model once (attack-worker.ts) and then takes one image at a time (or,
 * for the window's universal perturbation, the whole set: adversarial-universal.ts).
 *
 * Nothing is lost when a worker dies: piscina rejects that worker's task and starts another
 * worker, so the image it held comes back as failed, with the reason, and the rest go on.
 * Aborting a task terminates the worker running it at once (mid-step), which is how a batch is
 * cancelled within a step.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ImageAttackResult, ImageAttackTask } from './image-attack';
import type { ImageClassifier } from './image-classifier';
import { workerScript, type WorkerModel } from './worker-model';
import type { MessagePort } from 'node:worker_threads';
import type { UniversalPoint } from '../../protocol/messages';
import type { UniversalTask } from '../labs/adversarial-universal';

/** What the CLI needs of a model before attacking with it: its labels, class groups and input size. */
export type ClassifierFacts = Pick<ImageClassifier, 'labels' | 'groups' | 'inputWidth' | 'inputHeight'>;

export type PoolOutcome =
  | { ok: true; result: ImageAttackResult }
  /** `unreadable`: the file is not an image (a skip, not a failure). */
  | { ok: false; unreadable: boolean; error: string };

/** The default number of workers: one per core. */
export function defaultJobs(): number {
  return availableParallelism();
}

export class AttackPool {
  private readonly pool: Piscina;

  constructor(
    readonly jobs: number,
    data: WorkerModel,
  ) {
    if (!(Number.isInteger(jobs) && jobs >= 1)) throw new RangeError(`jobs must be a whole number ≥ 1, got ${jobs}`);
    const { filename, execArgv } = workerScript('attack-worker');
    this.pool = new Piscina({ filename, execArgv, minThreads: jobs, maxThreads: jobs, idleTimeout: 60_000, workerData: data });
    // A worker that fails between tasks is replaced; with no task to fail, piscina emits 'error'.
    this.pool.on('error', () => {});
  }

  /**
   * One image, every lane: resolves with its result, or with why it has none (unreadable file,
   * the worker died, the attack threw). Rejects only when `signal` aborts it.
   */
  async attack(task: ImageAttackTask, signal?: AbortSignal): Promise<PoolOutcome> {
    try {
      const r = (await this.pool.run(task, signal ? { signal } : {})) as ImageAttackResult | { unreadable: string };
      return 'unreadable' in r ? { ok: false, unreadable: true, error: r.unreadable } : { ok: true, result: r };
    } catch (e) {
      if (signal?.aborted) throw e;
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, unreadable: false, error: /^worker exited/.test(message) ? `its worker stopped (${message})` : message };
    }
  }

  /**
   * A universal perturbation's points (adversarial-universal.ts), its progress posted on
   * `progress` (transferred to the worker). Rejects with the reason, or when `signal` aborts it.
   */
  async universal(task: UniversalTask, progress: MessagePort, signal: AbortSignal): Promise<UniversalPoint[]> {
    return (await this.pool.run({ universal: task, progress }, { signal, transferList: [progress] as never })) as UniversalPoint[];
  }

  /** The model as a worker loaded it (rejects with the reason when it does not load). */
  async describe(): Promise<ClassifierFacts> {
    return (await this.pool.run({ describe: true })) as ClassifierFacts;
  }

  /** The pool's worker threads (the tests stop one mid-run). */
  get threads(): readonly import('node:worker_threads').Worker[] {
    return this.pool.threads;
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
