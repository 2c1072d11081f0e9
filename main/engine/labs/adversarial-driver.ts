/**
 * The adversarial lab's side of a run: one attack per lane on the same image and the same
 * loaded classifier, each step's honest report (of the image rounded to 8 bits), and the
 * adversarial image itself whenever it changed. The lanes still running step together when the
 * run loop steps the last lane of an iteration; lanes that are done drop out and repeat their
 * last report. Where there are cores to spare, the lanes are dealt over this thread and lane
 * workers (lane-workers.ts), and each thread's lanes go through its network as one batch
 * (AttackRun.stepTogether). A step is a full input gradient per lane (about 0.1 s of one core
 * for a MobileNet lane on wasm here), so every iteration is a frame's worth of news, and Pause
 * or Stop waits for at most one.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttackSpec, StepReport } from '../../protocol/adversarial';
import type { AdversarialLaneBatch, AdversarialRunConfig, AttackLaneConfig } from '../../protocol/messages';
import { AttackRun } from '../adversarial/attack-run';
import { defaultJobs } from '../adversarial/attack-pool';
import type { ClassifierLease } from '../adversarial/classifier-store';
import { canBlock, MAX_GROUPS, type LaneReply, type LaneRequest, type LaneWorker } from '../adversarial/lane-workers';
import type { WorkerModel } from '../adversarial/worker-model';
import { buildAll, type LabDriver, type LabFrame, type LabStarted } from '../lab-driver';
import type { AdversarialModels } from './adversarial-models';

/** A lane of the window's run (or of "Attack every image") as the attack it runs. */
export function laneSpec(l: AttackLaneConfig, seed: number): AttackSpec {
  return {
    method: l.method,
    epsilon: l.epsilon,
    step: l.step,
    iterations: l.iterations,
    target: l.target,
    stopAtConfidence: l.stopAtConfidence,
    ...(l.decay !== undefined ? { decay: l.decay } : {}),
    ...(l.params !== undefined ? { params: l.params } : {}),
    seed,
  };
}

/** What the driver reads of a lane, whether it steps on this thread (AttackRun) or in a lane worker. */
interface LaneView {
  readonly before: StepReport;
  readonly latest: StepReport;
  readonly done: boolean;
  readonly steps: number;
  readonly adversarialRgb: Uint8Array;
  readonly maxSteps: number;
}

/** A lane stepping in a lane worker, as its last reply left it. */
class RemoteLane implements LaneView {
  latest: StepReport;
  done = false;
  steps = 0;
  adversarialRgb: Uint8Array;

  constructor(
    readonly before: StepReport,
    readonly maxSteps: number,
    original: Uint8Array,
  ) {
    this.latest = before;
    this.adversarialRgb = original;
  }
}

/** Some of the run's lanes (by index), in one lane worker under one set id. */
interface RemoteGroup {
  worker: LaneWorker;
  set: number;
  indices: number[];
  lanes: RemoteLane[];
}

interface LaneState {
  view: LaneView;
  /** One report per iteration, 0 = the original. */
  reports: StepReport[];
  /** Step count of the image last sent, so an unchanged image is not sent again. */
  imageSentAt: number;
}

/** Lane indices 0 … count − 1 dealt round-robin into `groups` groups (the first for this thread). */
export function dealLanes(count: number, groups: number): number[][] {
  return Array.from({ length: groups }, (_, g) => Array.from({ length: count }, (_, i) => i).filter((i) => i % groups === g));
}

/**
 * Sends each worker its request, runs `here` on this thread meanwhile, then takes every reply
 * (always all of them, so each worker's next request meets no stale reply) and throws the first
 * error, here or there.
 */
function alongside<T>(remote: { worker: LaneWorker; request: LaneRequest }[], here: () => T): { value: T; replies: LaneReply[] } {
  let error: unknown;
  const sent = remote.filter((r) => {
    try {
      r.worker.send(r.request);
      return true;
    } catch (e) {
      error ??= e;
      return false;
    }
  });
  let value: T | undefined;
  try {
    if (error === undefined) value = here();
  } catch (e) {
    error = e;
  }
  const replies = sent.map((r) => {
    try {
      return r.worker.receive();
    } catch (e) {
      error ??= e;
      return undefined;
    }
  });
  if (error !== undefined) throw error;
  return { value: value as T, replies: replies as LaneReply[] };
}

export class AdversarialDriver implements LabDriver {
  private lanes: LaneState[] = [];
  /** The lanes stepped on this thread. */
  private local: AttackRun[] = [];
  private remote: RemoteGroup[] = [];

  private constructor(
    private readonly config: AdversarialRunConfig,
    private readonly lease: ClassifierLease,
    /** Workers for every group of lanes but this thread's (none: every lane steps here). */
    private readonly workers: readonly LaneWorker[],
    private readonly models: AdversarialModels | undefined,
    private readonly workerModel: WorkerModel | undefined,
  ) {
    const c = lease.classifier;
    const { image } = config.problem;
    if (image.width !== c.inputWidth || image.height !== c.inputHeight) {
      this.release();
      throw new RangeError(`${c.info.displayName} takes ${c.inputWidth}×${c.inputHeight} images; this one is ${image.width}×${image.height} (decode it for this model)`);
    }
  }

  /**
   * The lanes are dealt over min(lanes, `cores`, MAX_GROUPS) groups: this thread steps one, a
   * lane worker each of the others (lane-workers.ts), where this thread may block for them and
   * the workers are warm (or starting); otherwise every lane steps here.
   */
  static async create(config: AdversarialRunConfig, models: AdversarialModels, cores: number = defaultJobs()): Promise<AdversarialDriver> {
    const lease = await models.acquire(config.problem.model);
    const groups = canBlock() ? Math.min(config.lanes.length, cores, MAX_GROUPS) : 1;
    if (groups < 2) return new AdversarialDriver(config, lease, [], undefined, undefined);
    const workerModel: WorkerModel = { backend: tf.getBackend(), source: lease.source };
    const workers = await models.laneWorkers.take(workerModel, groups - 1);
    if (workers.length === 0) return new AdversarialDriver(config, lease, [], undefined, undefined);
    return new AdversarialDriver(config, lease, workers, models, workerModel);
  }

  createLanes(): void {
    const { lanes, problem, seed } = this.config;
    const rgb = problem.image.rgb;
    // A worker lost in an earlier run of this driver (before a Reset) takes no lanes: its share
    // steps here.
    const live = this.workers.filter((w) => w.usable);
    const [mine, ...theirs] = dealLanes(lanes.length, live.length + 1);
    const groups = theirs.map((indices, w) => ({ worker: live[w]!, set: this.models!.laneWorkers.newSet(), indices }));
    let local: AttackRun[] = [];
    let replies: LaneReply[];
    try {
      // `local` is assigned inside, so lanes built here are freed even when a worker then fails.
      ({ replies } = alongside(
        groups.map((g) => ({ worker: g.worker, request: { type: 'create', set: g.set, rgb, specs: g.indices.map((i) => laneSpec(lanes[i]!, seed)) } })),
        () => (local = buildAll(mine!.length, (k) => new AttackRun(this.lease.classifier, rgb, laneSpec(lanes[mine![k]!]!, seed)), (run) => run.dispose())),
      ));
    } catch (e) {
      for (const run of local) run.dispose();
      this.freeRemote(groups);
      throw e;
    }
    this.local = local;
    this.remote = groups.map((g, w) => {
      const created = replies[w] as Extract<LaneReply, { type: 'created' }>;
      return { ...g, lanes: created.lanes.map((l) => new RemoteLane(l.before, l.maxSteps, rgb)) };
    });
    const views: LaneView[] = [];
    mine!.forEach((i, k) => (views[i] = local[k]!));
    for (const g of this.remote) g.indices.forEach((i, k) => (views[i] = g.lanes[k]!));
    this.lanes = views.map((view) => ({ view, reports: [view.before], imageSentAt: -1 }));
  }

  /** The threads the lanes are dealt over: this one and the lane workers still there. */
  get threads(): number {
    return 1 + this.workers.filter((w) => w.usable).length;
  }

  get laneCount(): number {
    return this.lanes.length;
  }

  /**
   * Every lane still running steps when the last lane of the iteration is stepped: each lane
   * worker's lanes there, this thread's meanwhile, each group as one batch through the network.
   */
  stepLane(i: number): void {
    if (i < this.lanes.length - 1) return;
    const busy = this.remote.filter((g) => g.lanes.some((l) => !l.done));
    const { replies } = alongside(
      busy.map((g) => ({ worker: g.worker, request: { type: 'step', set: g.set } })),
      () => AttackRun.stepTogether(this.local.filter((r) => !r.done)),
    );
    busy.forEach((g, w) => {
      const stepped = (replies[w] as Extract<LaneReply, { type: 'stepped' }>).lanes;
      stepped.forEach((s, k) => {
        if (!s) return;
        const lane = g.lanes[k]!;
        lane.latest = s.latest;
        lane.steps = s.steps;
        lane.done = s.done;
        lane.adversarialRgb = s.rgb;
      });
    });
    for (const lane of this.lanes) lane.reports.push(lane.view.latest);
  }

  settled(): boolean {
    return this.lanes.every((l) => l.view.done);
  }

  started(): LabStarted {
    const c = this.lease.classifier;
    const { image } = this.config.problem;
    return {
      lab: 'adversarial',
      model: { id: this.config.problem.model, displayName: c.info.displayName },
      width: image.width,
      height: image.height,
      original: image.rgb,
      before: this.lanes[0]!.view.before.classification,
      lanes: this.lanes.map((lane, i) => {
        const l = this.config.lanes[i]!;
        return {
          id: l.id,
          label: l.label ?? l.method,
          method: l.method,
          epsilon: l.epsilon,
          step: l.step,
          iterations: l.iterations,
          target: l.target,
          stopAtConfidence: l.stopAtConfidence,
          maxSteps: lane.view.maxSteps,
        };
      }),
    };
  }

  frame(from: number, to: number, runDone: boolean): LabFrame {
    return {
      lab: 'adversarial',
      lanes: this.lanes.map((lane, i): AdversarialLaneBatch => {
        const batch: AdversarialLaneBatch = {
          id: this.config.lanes[i]!.id,
          from,
          reports: lane.reports.slice(from, to),
          status: lane.view.done || runDone ? 'done' : 'running',
        };
        const steps = lane.view.steps;
        if (steps !== lane.imageSentAt) {
          batch.image = lane.view.adversarialRgb.slice();
          lane.imageSentAt = steps;
        }
        return batch;
      }),
    };
  }

  disposeLanes(): void {
    for (const run of this.local) run.dispose();
    this.freeRemote(this.remote);
    this.local = [];
    this.remote = [];
    this.lanes = [];
  }

  /** Frees lane sets in their workers; a worker that is gone holds nothing any more. */
  private freeRemote(groups: readonly { worker: LaneWorker; set: number }[]): void {
    const live = groups.filter((g) => g.worker.usable);
    try {
      alongside(live.map((g) => ({ worker: g.worker, request: { type: 'free', set: g.set } })), () => undefined);
    } catch {
      // A worker lost while freeing: its lanes went with it.
    }
  }

  private release(): void {
    if (this.workerModel) this.models!.laneWorkers.release(this.workerModel);
    this.lease.release();
  }

  dispose(): void {
    this.disposeLanes();
    this.release();
  }
}
