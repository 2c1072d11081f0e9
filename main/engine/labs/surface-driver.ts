/**
 * The surface lab's side of a run: lanes on one shared start, seven series per lane (point, f,
 * autodiff gradient, float64 finite differences). Lanes apply their steps one by one; once the
 * last has stepped, every running lane's new point is evaluated in one batched chain and the
 * iteration is recorded (frames carry whole iterations only, so nobody sees it half done).
 */
import type { SurfaceRunConfig } from '../../protocol/messages';
import type { LabDriver, LabFrame, LabStarted } from '../lab-driver';
import { SeriesLanes } from './series-lanes';
import { SURFACE_SERIES, SurfaceLab, type SurfaceLane, type SurfaceSeriesName } from './surface';

export class SurfaceDriver implements LabDriver {
  private readonly lanes: SeriesLanes<SurfaceSeriesName, SurfaceLane>;

  private constructor(
    private readonly config: SurfaceRunConfig,
    private readonly lab: SurfaceLab,
  ) {
    this.lanes = new SeriesLanes(SURFACE_SERIES, config.lanes.length, (i) => this.lab.createLane(config.lanes[i]!));
  }

  /** Compiles the run's function first: a bad formula is refused before any lane exists. */
  static async create(config: SurfaceRunConfig): Promise<SurfaceDriver> {
    return new SurfaceDriver(config, await SurfaceLab.create(config.problem));
  }

  createLanes(): void {
    this.lanes.create(() => this.lab.evaluate(this.lanes.lanes));
  }

  get laneCount(): number {
    return this.lanes.lanes.length;
  }

  stepLane(i: number): void {
    this.lanes.lanes[i]!.step();
    if (i < this.laneCount - 1) return;
    this.lab.evaluate(this.lanes.lanes.filter((l) => l.status === 'running'));
    for (let j = 0; j < this.laneCount; j++) this.lanes.record(j);
  }

  settled(): boolean {
    return this.lanes.settled();
  }

  started(): LabStarted {
    return {
      lab: 'surface',
      fn: this.config.problem.fn,
      formula: this.lab.formula.text,
      start: this.config.problem.start,
      minima: [...this.lab.minima],
      lanes: this.lanes.lanes.map((lane, i) => ({ id: lane.id, optimizer: this.config.lanes[i]!.optimizer, params: lane.params, schedule: lane.schedule, label: lane.label })),
    };
  }

  frame(from: number, to: number, runDone: boolean): LabFrame {
    return { lab: 'surface', lanes: this.lanes.lanes.map((_, i) => this.lanes.batch(i, from, to, runDone)) };
  }

  disposeLanes(): void {
    this.lanes.dispose();
  }

  dispose(): void {
    this.lanes.dispose();
    this.lab.dispose();
  }
}
