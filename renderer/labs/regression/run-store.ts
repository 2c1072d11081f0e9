/** The regression run as the views read it: each lane's (loss, slope, intercept) history. */
import type { LeastSquares, RegressionFrame, RegressionRunStarted, RegressionStats } from '../../../main/protocol/messages';
import { RunStoreBase, type LaneDraft, type LaneTrackBase } from '../../run/run-store-base';
import type { SavedHistory } from '../../run/thinned-history';
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

  protected saveTrack({ history, ...rest }: LaneTrack): Record<string, unknown> {
    return { ...rest, history: history.save() };
  }

  protected loadTrack({ history, ...rest }: Record<string, unknown>): LaneTrack {
    return { ...(rest as unknown as LaneTrackBase), history: LaneHistory.from(history as SavedHistory) };
  }

  protected saveExtra(): Record<string, unknown> {
    return { exact: this.exact, stats: this.stats };
  }

  protected loadExtra(saved: Record<string, unknown>): void {
    this.exact = (saved.exact as LeastSquares | null) ?? null;
    this.stats = (saved.stats as RegressionStats | null) ?? null;
  }
}
