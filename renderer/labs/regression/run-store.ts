/** The regression run as the views read it: each lane's (loss, slope, intercept) history. */
import type { LeastSquares, RegressionFrame, RegressionRunStarted, RegressionStats } from '../../../main/protocol/messages';
import { RunStoreBase, type LaneDraft, type LaneTrackBase } from '../../run/run-store-base';
import { LaneHistory } from './lane-history';

export interface LaneTrack extends LaneTrackBase {
  history: LaneHistory;
}

export class RunStore extends RunStoreBase<LaneTrack, RegressionRunStarted, RegressionFrame> {
  exact: LeastSquares | null = null;
  stats: RegressionStats | null = null;

  protected track(draft: LaneDraft): LaneTrack {
    return { ...draft, status: 'running', history: new LaneHistory() };
  }

  protected started(msg: RegressionRunStarted): void {
    this.exact = msg.exact;
    this.stats = msg.stats;
  }

  protected append(lane: LaneTrack, batch: RegressionFrame['lanes'][number]): void {
    lane.history.append(batch.from, batch);
  }

  protected reset(): void {
    this.exact = null;
    this.stats = null;
  }
}
