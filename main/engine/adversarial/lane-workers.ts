/**
 * The lanes of one run spread over the cores. A step of a MobileNet lane is ≈ 0.1 s of one core
 * on wasm (single-threaded), and lanes batched on one thread cost about as much as one after the
 * other (the work is compute-bound), so eight lanes on one thread are ≈ 8 times one. Here the
 * engine's thread keeps one group of lanes and each other group lives in a lane worker
 * (lane-worker.ts), a worker thread with its own TensorFlow.js and copy of the model; a step
 * sends "step" to every worker, steps its own group, then waits for the workers' replies.
 *
 * The run loop (run.ts) is synchronous, as an attack step on the engine's thread always was: the
 * wait is Atomics.wait on a flag the worker raises after posting its reply, read with
 * receiveMessageOnPort, so the engine's thread never returns to its event loop mid-step. Where a
 * thread may not block (`canBlock`), the run stays on one thread.
 *
 * Workers outlive a run (LaneWorkers keeps them for the same model and backend, and ends them
 * once idle), because starting one costs a model load (about a second): a run takes the workers
 * already warm, and one that finds none steps on this thread while they start for the next. Each holds its copy of the model (≈ 250 MB for
 * MobileNet, see `npm run bench`), so there are at most MAX_GROUPS − 1 of them.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { AttackSpec, StepReport } from '../../protocol/adversarial';
import { workerScript, type WorkerModel } from './worker-model';

/** Groups of lanes at most, the engine's thread's included: 3 workers' models in memory at most. */
export const MAX_GROUPS = 4;
/** How long idle workers are kept for the next run. */
const IDLE_MS = 120_000;
/**
 * How long the engine's thread waits for a reply before it takes the worker for dead. A worker
 * answers every request, errors included (lane-worker.ts); only a thread that dies without
 * running JavaScript again leaves the wait to this.
 */
const REPLY_TIMEOUT_MS = 5 * 60_000;

export interface LaneWorkerData extends WorkerModel {
  /** Raised (set to 1, notified) by the worker after each reply. */
  flag: Int32Array;
}

export type LaneRequest =
  | { type: 'create'; set: number; rgb: Uint8Array; specs: AttackSpec[] }
  | { type: 'step'; set: number }
  | { type: 'free'; set: number };

/** A stepped lane's state; null for a lane that was done before the step. */
export interface SteppedLane {
  latest: StepReport;
  steps: number;
  done: boolean;
  rgb: Uint8Array;
}

export type LaneReply =
  | { type: 'created'; lanes: { before: StepReport; maxSteps: number }[] }
  | { type: 'stepped'; lanes: (SteppedLane | null)[] }
  | { type: 'freed' }
  | { type: 'error'; message: string };

let blocking: boolean | undefined;

/** True where this thread may block in Atomics.wait (Node's threads; not a browser's main thread). */
export function canBlock(): boolean {
  if (blocking === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0);
      blocking = true;
    } catch {
      blocking = false;
    }
  }
  return blocking;
}

/** One worker thread and its synchronous request/reply: `send`, then exactly one `receive`. */
export class LaneWorker {
  private inFlight = false;
  /** Why the worker is no longer usable, once it is not. */
  private lost: string | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly flag: Int32Array,
  ) {
    // Idle workers do not keep the engine's process alive.
    worker.unref();
    worker.on('exit', (code) => (this.lost ??= `its thread stopped (exit code ${code})`));
    worker.on('error', (e) => (this.lost ??= `its thread failed: ${e.message}`));
  }

  /** Starts a worker; resolves once its model is loaded, rejects with the reason when it does not load. */
  static start(model: WorkerModel): Promise<LaneWorker> {
    const { filename, execArgv } = workerScript('lane-worker');
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const options = { workerData: { ...model, flag, port: port2 }, transferList: [port2] };
    // Under the tests the script is TypeScript: a worker's `--import tsx` (execArgv) hooks
    // only what it loads later, not its entry, so the entry registers tsx and requires it.
    const worker = filename.endsWith('.ts')
      ? new Worker(`require(${JSON.stringify(createRequire(__filename).resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(filename)});`, { ...options, eval: true })
      : new Worker(filename, { ...options, execArgv });
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => {
        reject(new Error(`a lane worker did not start: ${reason}`));
        port1.close();
        void worker.terminate();
      };
      worker.once('message', (m: { ready?: true; error?: string }) => (m.ready ? resolve(new LaneWorker(worker, port1, flag)) : fail(m.error ?? 'no reason given')));
      worker.once('error', (e) => fail(e.message));
      worker.once('exit', (code) => fail(`its thread stopped (exit code ${code})`));
    });
  }

  get usable(): boolean {
    return this.lost === undefined;
  }

  send(request: LaneRequest): void {
    // A reply nobody asked for: the worker failed between requests (and is ending).
    if (!this.lost && !this.inFlight && receiveMessageOnPort(this.port)) {
      this.lost = 'it failed between steps';
      void this.terminate();
    }
    if (this.lost) throw new Error(`a lane worker is gone: ${this.lost}`);
    if (this.inFlight) throw new Error('a lane worker was sent a request before the last one was answered');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(request);
    this.inFlight = true;
  }

  /** Blocks until the reply to the last `send` comes; throws the worker's error, or why there is no reply. */
  receive(): Exclude<LaneReply, { type: 'error' }> {
    if (!this.inFlight) throw new Error('a lane worker has no request in flight');
    this.inFlight = false;
    const timedOut = Atomics.wait(this.flag, 0, 0, REPLY_TIMEOUT_MS) === 'timed-out';
    const reply = timedOut ? undefined : (receiveMessageOnPort(this.port)?.message as LaneReply | undefined);
    if (!reply) {
      this.lost ??= timedOut ? `no reply in ${REPLY_TIMEOUT_MS / 60_000} minutes` : 'it stopped answering';
      void this.terminate();
      throw new Error(`a lane worker is gone: ${this.lost}`);
    }
    if (reply.type === 'error') throw new Error(reply.message);
    return reply;
  }

  terminate(): Promise<number> {
    this.lost ??= 'terminated';
    this.port.close();
    return this.worker.terminate();
  }
}

/** A worker as far as this thread knows without waiting: starting, started, or failed to start. */
interface Entry {
  starting: Promise<LaneWorker>;
  worker?: LaneWorker;
  failed?: string;
}

interface Kept {
  entries: Entry[];
  holders: number;
  idle: ReturnType<typeof setTimeout> | undefined;
  /** Why a worker for this model did not start: no more are tried for it. */
  failed?: string;
}

/**
 * The engine's lane workers, by model and backend, kept between runs. A run `take`s the
 * workers it needs and `release`s them when it ends; with no run holding them for IDLE_MS, they
 * end. A run never waits for a model load of its own: where the workers are not there (or
 * starting) yet, it gets none and steps every lane on this thread, while they start for the
 * next run (so the step-0 preview that follows the choice of an image warms them for Run).
 * Taking workers for one model ends those no run holds for any other, so at most one idle
 * model's workers stay in memory (a new run is built before the one it replaces is stopped, so
 * two models may be held at once for that moment).
 */
export class LaneWorkers {
  private readonly kept = new Map<string, Kept>();
  private nextSet = 1;

  /** A lane-set id no other run uses. */
  newSet(): number {
    return this.nextSet++;
  }

  /**
   * `count` workers for `model`, waiting for those still starting, held until `release(model)`;
   * or none (nothing to release) where fewer than `count` are started or starting — then the
   * rest start — or where one failed to start for this model.
   */
  async take(model: WorkerModel, count: number): Promise<LaneWorker[]> {
    const key = keyOf(model);
    for (const [k, other] of this.kept) if (k !== key && other.holders === 0) this.end(k);
    let kept = this.kept.get(key);
    if (!kept) this.kept.set(key, (kept = { entries: [], holders: 0, idle: undefined }));
    if (kept.failed) return [];
    // A worker that died is replaced (and ended, if its thread is still there).
    for (const e of kept.entries) if (e.worker && !e.worker.usable) void e.worker.terminate();
    kept.entries = kept.entries.filter((e) => !e.failed && (!e.worker || e.worker.usable));
    if (kept.entries.length < count) {
      while (kept.entries.length < count) kept.entries.push(this.start(model, kept));
      if (kept.holders === 0) this.idleFrom(key, kept);
      return [];
    }
    clearTimeout(kept.idle);
    kept.holders++;
    try {
      return await Promise.all(kept.entries.slice(0, count).map((e) => e.starting));
    } catch {
      this.release(model);
      return [];
    }
  }

  private start(model: WorkerModel, kept: Kept): Entry {
    const entry: Entry = { starting: LaneWorker.start(model) };
    entry.starting.then(
      (worker) => (entry.worker = worker),
      (e: unknown) => {
        entry.failed = e instanceof Error ? e.message : String(e);
        if (!kept.failed) console.warn(`lanes stay on one thread for ${model.source.displayName}: ${entry.failed}`);
        kept.failed ??= entry.failed;
      },
    );
    return entry;
  }

  release(model: WorkerModel): void {
    const key = keyOf(model);
    const kept = this.kept.get(key);
    if (!kept) return;
    kept.holders = Math.max(0, kept.holders - 1);
    if (kept.holders === 0) this.idleFrom(key, kept);
  }

  private idleFrom(key: string, kept: Kept): void {
    clearTimeout(kept.idle);
    kept.idle = setTimeout(() => this.end(key), IDLE_MS);
    kept.idle.unref();
  }

  private end(key: string): void {
    const kept = this.kept.get(key);
    if (!kept) return;
    clearTimeout(kept.idle);
    for (const e of kept.entries) void e.starting.then((x) => x.terminate(), () => {});
    this.kept.delete(key);
  }

  /** Ends every worker, held or not. */
  dispose(): void {
    for (const key of [...this.kept.keys()]) this.end(key);
  }
}

function keyOf({ backend, source }: WorkerModel): string {
  return JSON.stringify([backend, source.dir, source.inputScaling]);
}
