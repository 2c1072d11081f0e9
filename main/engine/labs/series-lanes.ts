/**
 * What the optimizer labs' drivers share (regression, its models, spread, surface): lanes that
 * step to a state of named numbers, each lane's per-iteration series of them, and the batch of
 * a frame (SeriesLanes); and the driver around them (SeriesLanesDriver). A lab's driver adds
 * its maths object, its runStarted and any bulky state its frames carry.
 */
import type { LaneStatus, OptimizerLaneIntro } from '../../protocol/messages';
import type { OptimizerName } from '../../protocol/optimizers';
import type { Schedule } from '../../protocol/schedules';
import { buildAll, type LabDriver, type LabFrame, type LabStarted } from '../lab-driver';
import { SeriesRecord } from '../series';

export interface SeriesLane<K extends string> {
  readonly id: string;
  status: LaneStatus;
  readonly label: string;
  /** Hyper-parameters with defaults filled in, and the schedule: what runStarted says of the lane. */
  readonly params: Record<string, number>;
  readonly schedule: Schedule;
  readonly current: Readonly<Record<K, number>>;
  /** One step; `current` holds the state to record (for the surface lab, once the batched evaluation has run). */
  step(): unknown;
  dispose(): void;
}

export class SeriesLanes<K extends string, Lane extends SeriesLane<K>> {
  lanes: Lane[] = [];
  private histories: SeriesRecord<K>[] = [];

  constructor(
    private readonly keys: readonly K[],
    private readonly count: number,
    private readonly make: (i: number) => Lane,
  ) {}

  /**
   * Every lane afresh (all or none), its history holding iteration 0, the shared start.
   * `measure` runs on the new lanes before that start is recorded (the surface lab evaluates
   * every lane's start in one batch); if it throws, the lanes are freed.
   */
  create(measure?: () => void): void {
    this.lanes = buildAll(this.count, this.make, (lane) => lane.dispose());
    try {
      measure?.();
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.histories = this.lanes.map((lane) => {
      const h = new SeriesRecord(this.keys);
      h.record(lane.current);
      return h;
    });
  }

  step(i: number): void {
    this.lanes[i]!.step();
    this.record(i);
  }

  /** Records lane i's current state: for labs whose lanes' states are known only once every lane has stepped. */
  record(i: number): void {
    this.histories[i]!.record(this.lanes[i]!.current);
  }

  settled(): boolean {
    return this.lanes.every((l) => l.status !== 'running');
  }

  /** Lane i's series for iterations [from, to), with its status (running lanes of a finished run are done). */
  batch(i: number, from: number, to: number, runDone: boolean): { id: string; from: number; status: LaneStatus } & Record<K, Float64Array> {
    const lane = this.lanes[i]!;
    return { id: lane.id, from, ...this.histories[i]!.slice(from, to), status: lane.status === 'running' && runDone ? 'done' : lane.status };
  }

  dispose(): void {
    for (const lane of this.lanes) lane.dispose();
    this.lanes = [];
  }
}

/**
 * A driver whose lanes are SeriesLanes over one lab object (which it frees last): the lockstep
 * stepping, the settled check and the disposal every such lab does alike. A lab says what its
 * run starts with and what its frames carry, and overrides a step when its lanes are measured
 * together (the surface lab).
 */
export abstract class SeriesLanesDriver<K extends string, Lane extends SeriesLane<K>, Lab extends { dispose(): void }> implements LabDriver {
  protected constructor(
    protected readonly lab: Lab,
    protected readonly lanes: SeriesLanes<K, Lane>,
    private readonly optimizers: readonly OptimizerName[],
  ) {}

  createLanes(): void {
    this.lanes.create();
  }

  get laneCount(): number {
    return this.lanes.lanes.length;
  }

  stepLane(i: number): void {
    this.lanes.step(i);
  }

  settled(): boolean {
    return this.lanes.settled();
  }

  abstract started(): LabStarted;
  abstract frame(from: number, to: number, runDone: boolean, final: boolean): LabFrame;

  /** What runStarted says of each lane: its optimizer and the settings it actually runs with. */
  protected laneIntros(): OptimizerLaneIntro[] {
    return this.lanes.lanes.map((lane, i) => ({ id: lane.id, label: lane.label, optimizer: this.optimizers[i]!, params: lane.params, schedule: lane.schedule }));
  }

  /** Every lane's series for iterations [from, to). */
  protected batches(from: number, to: number, runDone: boolean): ReturnType<SeriesLanes<K, Lane>['batch']>[] {
    return this.lanes.lanes.map((_, i) => this.lanes.batch(i, from, to, runDone));
  }

  disposeLanes(): void {
    this.lanes.dispose();
  }

  dispose(): void {
    this.lanes.dispose();
    this.lab.dispose();
  }
}
