/** The regression lab's side of a run: its lanes, their (loss, slope, intercept) histories. */
import type { RegressionRunConfig } from '../../protocol/messages';
import type { LabFrame, LabStarted } from '../lab-driver';
import { RegressionLab, type RegressionLane } from './regression';
import { SeriesLanes, SeriesLanesDriver } from './series-lanes';

const SERIES = ['loss', 'slope', 'intercept', 'learningRate'] as const;

export class RegressionDriver extends SeriesLanesDriver<(typeof SERIES)[number], RegressionLane, RegressionLab> {
  constructor(config: RegressionRunConfig) {
    const lab = new RegressionLab(config.problem);
    super(
      lab,
      new SeriesLanes(SERIES, config.lanes.length, (i) => lab.createLane(config.lanes[i]!, config.seed)),
      config.lanes.map((l) => l.optimizer),
    );
  }

  started(): LabStarted {
    return { lab: 'regression', exact: this.lab.exact, stats: this.lab.stats, lanes: this.laneIntros() };
  }

  frame(from: number, to: number, runDone: boolean): LabFrame {
    return { lab: 'regression', lanes: this.batches(from, to, runDone) };
  }
}
