/** The regression lab's side of a run: its lanes, their (loss, slope, intercept) histories. */
import type { RegressionRunConfig } from '../../protocol/messages';
import { buildAll, type LabDriver, type LabFrame, type LabStarted } from '../lab-driver';
import { SeriesRecord } from '../series';
import { RegressionLab, type RegressionLane } from './regression';

const SERIES = ['loss', 'slope', 'intercept'] as const;
type LaneHistory = SeriesRecord<(typeof SERIES)[number]>;

export class RegressionDriver implements LabDriver {
  private readonly lab: RegressionLab;
  private lanes: RegressionLane[] = [];
  private histories: LaneHistory[] = [];

  constructor(private readonly config: RegressionRunConfig) {
    this.lab = new RegressionLab(config.problem);
  }

  createLanes(): void {
    const lanes = buildAll(this.config.lanes.length, (i) => this.lab.createLane(this.config.lanes[i]!, this.config.seed), (lane) => lane.dispose());
    this.lanes = lanes;
    this.histories = lanes.map((lane) => {
      const h: LaneHistory = new SeriesRecord(SERIES);
      h.record(lane.current); // iteration 0: the shared start
      return h;
    });
  }

  get laneCount(): number {
    return this.lanes.length;
  }

  stepLane(i: number): void {
    this.histories[i]!.record(this.lanes[i]!.step());
  }

  settled(): boolean {
    return this.lanes.every((l) => l.status !== 'running');
  }

  started(): LabStarted {
    return {
      lab: 'regression',
      exact: this.lab.exact,
      stats: this.lab.stats,
      lanes: this.lanes.map((lane, i) => ({
        id: lane.id,
        optimizer: this.config.lanes[i]!.optimizer,
        params: lane.params,
        label: lane.label,
      })),
    };
  }

  frame(from: number, to: number, runDone: boolean): LabFrame {
    return {
      lab: 'regression',
      lanes: this.lanes.map((lane, i) => {
        return {
          id: lane.id,
          from,
          ...this.histories[i]!.slice(from, to),
          status: lane.status === 'running' && runDone ? 'done' : lane.status,
        };
      }),
    };
  }

  disposeLanes(): void {
    for (const lane of this.lanes) lane.dispose();
    this.lanes = [];
  }

  dispose(): void {
    this.disposeLanes();
    this.lab.dispose();
  }
}
