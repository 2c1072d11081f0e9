/**
 * The surface lab's side of a run: lanes on one shared start, seven series per lane (point, f,
 * autodiff gradient, float64 finite differences). Lanes apply their steps one by one; once the
 * last has stepped, every running lane's new point is evaluated in one batched chain and the
 * iteration is recorded (frames carry whole iterations only, so nobody sees it half done).
 */
import type { SurfaceRunConfig } from '../../protocol/messages';
import type { LabFrame, LabStarted } from '../lab-driver';
import { SeriesLanes, SeriesLanesDriver } from './series-lanes';
import { SURFACE_SERIES, SurfaceLab, type SurfaceLane, type SurfaceSeriesName } from './surface';

export class SurfaceDriver extends SeriesLanesDriver<SurfaceSeriesName, SurfaceLane, SurfaceLab> {
  private constructor(
    private readonly config: SurfaceRunConfig,
    lab: SurfaceLab,
  ) {
    super(
      lab,
      new SeriesLanes(SURFACE_SERIES, config.lanes.length, (i) => lab.createLane(config.lanes[i]!)),
      config.lanes.map((l) => l.optimizer),
    );
  }

  /** Compiles the run's function first: a bad formula is refused before any lane exists. */
  static async create(config: SurfaceRunConfig): Promise<SurfaceDriver> {
    return new SurfaceDriver(config, await SurfaceLab.create(config.problem));
  }

  override createLanes(): void {
    this.lanes.create(() => this.lab.evaluate(this.lanes.lanes));
  }

  override stepLane(i: number): void {
    this.lanes.lanes[i]!.step();
    if (i < this.laneCount - 1) return;
    this.lab.evaluate(this.lanes.lanes.filter((l) => l.status === 'running'));
    for (let j = 0; j < this.laneCount; j++) this.lanes.record(j);
  }

  started(): LabStarted {
    return {
      lab: 'surface',
      fn: this.config.problem.fn,
      formula: this.lab.formula.text,
      start: this.config.problem.start,
      minima: [...this.lab.minima],
      lanes: this.laneIntros(),
    };
  }

  frame(from: number, to: number, runDone: boolean): LabFrame {
    return { lab: 'surface', lanes: this.batches(from, to, runDone) };
  }
}
