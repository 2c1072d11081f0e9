/** The regression lab's side of a run: its lanes, their (loss, slope, intercept) histories. */
import type { RegressionRunConfig } from '../../protocol/messages';
import type { LabDriver, LabFrame, LabStarted } from '../lab-driver';
import { RegressionLab, type RegressionLane } from './regression';
import { SeriesLanes } from './series-lanes';

const SERIES = ['loss', 'slope', 'intercept', 'learningRate'] as const;

export class RegressionDriver implements LabDriver {
  private readonly lab: RegressionLab;
  private readonly lanes: SeriesLanes<(typeof SERIES)[number], RegressionLane>;

  constructor(private readonly config: RegressionRunConfig) {
    this.lab = new RegressionLab(config.problem);
    this.lanes = new SeriesLanes(SERIES, config.lanes.length, (i) => this.lab.createLane(config.lanes[i]!, config.seed));
  }

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

  started(): LabStarted {
    return {
      lab: 'regression',
      exact: this.lab.exact,
      stats: this.lab.stats,
      lanes: this.lanes.lanes.map((lane, i) => ({ id: lane.id, optimizer: this.config.lanes[i]!.optimizer, params: lane.params, schedule: lane.schedule, label: lane.label })),
    };
  }

  frame(from: number, to: number, runDone: boolean): LabFrame {
    return { lab: 'regression', lanes: this.lanes.lanes.map((_, i) => this.lanes.batch(i, from, to, runDone)) };
  }

  disposeLanes(): void {
    this.lanes.dispose();
  }

  dispose(): void {
    this.lanes.dispose();
    this.lab.dispose();
  }
}
