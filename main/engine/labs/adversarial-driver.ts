/**
 * The adversarial lab's side of a run: one attack per lane on the same image and the same
 * loaded classifier, each step's honest report (of the image rounded to 8 bits), and the
 * adversarial image itself whenever it changed. The lanes still running step together, as one
 * batch through the network (AttackRun.stepTogether), when the run loop steps the last lane of
 * an iteration; lanes that are done drop out of the batch and repeat their last report. A step
 * is a full input gradient per lane (about 0.1 s of CPU for one MobileNet lane on wasm here),
 * so every iteration is a frame's worth of news, and Pause or Stop waits for at most one.
 */
import type { AttackSpec, StepReport } from '../../protocol/adversarial';
import type { AdversarialLaneBatch, AdversarialRunConfig, AttackLaneConfig } from '../../protocol/messages';
import { AttackRun } from '../adversarial/attack-run';
import type { ClassifierLease } from '../adversarial/classifier-store';
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

interface LaneState {
  run: AttackRun;
  /** One report per iteration, 0 = the original. */
  reports: StepReport[];
  /** Step count of the image last sent, so an unchanged image is not sent again. */
  imageSentAt: number;
}

export class AdversarialDriver implements LabDriver {
  private lanes: LaneState[] = [];

  private constructor(
    private readonly config: AdversarialRunConfig,
    private readonly lease: ClassifierLease,
  ) {
    const c = lease.classifier;
    const { image } = config.problem;
    if (image.width !== c.inputWidth || image.height !== c.inputHeight) {
      lease.release();
      throw new RangeError(`${c.info.displayName} takes ${c.inputWidth}×${c.inputHeight} images; this one is ${image.width}×${image.height} (decode it for this model)`);
    }
  }

  static async create(config: AdversarialRunConfig, models: AdversarialModels): Promise<AdversarialDriver> {
    return new AdversarialDriver(config, await models.acquire(config.problem.model));
  }

  createLanes(): void {
    this.lanes = buildAll(
      this.config.lanes.length,
      (i): LaneState => {
        const l = this.config.lanes[i]!;
        const run = new AttackRun(this.lease.classifier, this.config.problem.image.rgb, laneSpec(l, this.config.seed));
        return { run, reports: [run.before], imageSentAt: -1 };
      },
      (lane) => lane.run.dispose(),
    );
  }

  get laneCount(): number {
    return this.lanes.length;
  }

  stepLane(i: number): void {
    if (i < this.lanes.length - 1) return;
    AttackRun.stepTogether(this.lanes.filter((l) => !l.run.done).map((l) => l.run));
    for (const lane of this.lanes) lane.reports.push(lane.run.latest);
  }

  settled(): boolean {
    return this.lanes.every((l) => l.run.done);
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
      before: this.lanes[0]!.run.before.classification,
      lanes: this.lanes.map((lane, i) => {
        const l = this.config.lanes[i]!;
        return {
          id: l.id,
          label: l.label ?? lane.run.attack.method,
          method: l.method,
          epsilon: l.epsilon,
          step: l.step,
          iterations: l.iterations,
          target: l.target,
          stopAtConfidence: l.stopAtConfidence,
          maxSteps: lane.run.maxSteps,
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
          status: lane.run.done || runDone ? 'done' : 'running',
        };
        const steps = lane.run.steps;
        if (steps !== lane.imageSentAt) {
          batch.image = lane.run.adversarialRgb.slice();
          lane.imageSentAt = steps;
        }
        return batch;
      }),
    };
  }

  disposeLanes(): void {
    for (const lane of this.lanes) lane.run.dispose();
    this.lanes = [];
  }

  dispose(): void {
    this.disposeLanes();
    this.lease.release();
  }
}
