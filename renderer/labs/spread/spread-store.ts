/**
 * The spread run as the views read it: per lane its five scalar series and the latest vectors
 * and angle histogram (they come every few frames: see the engine's spread-driver.ts).
 */
import type { SpreadFrame, SpreadReference, SpreadRunStarted } from '../../../main/protocol/messages';
import type { SpreadLossName } from '../../../main/protocol/spread';
import { RunStoreBase, type LaneDraft, type LaneTrackBase } from '../../run/run-store-base';
import { ThinnedHistory } from '../../run/thinned-history';

export type SpreadSeries = 'loss' | 'minAngleDeg' | 'energy' | 'nnMeanDeg' | 'nnStdDeg';
export const SPREAD_SERIES: readonly SpreadSeries[] = ['loss', 'minAngleDeg', 'energy', 'nnMeanDeg', 'nnStdDeg'];

export interface SpreadLaneTrack extends LaneTrackBase {
  loss?: SpreadLossName;
  history: ThinnedHistory<SpreadSeries>;
  /** Row-major [n, dim], unit rows: the start until the first vectors arrive. */
  vectors: Float32Array | null;
  /** Iteration the vectors are from. */
  vectorsIteration: number;
  histogram: Float64Array | null;
}

export class SpreadStore extends RunStoreBase<SpreadLaneTrack, SpreadRunStarted, SpreadFrame> {
  n = 0;
  dim = 0;
  start: Float32Array | null = null;
  reference: SpreadReference | null = null;
  /** Bumped when any lane's vectors change, so scenes redraw points only then. */
  vectorsVersion = 0;

  protected track(draft: LaneDraft): SpreadLaneTrack {
    return { ...draft, status: 'running', history: new ThinnedHistory(SPREAD_SERIES), vectors: null, vectorsIteration: -1, histogram: null };
  }

  protected started(msg: SpreadRunStarted): void {
    this.n = msg.n;
    this.dim = msg.dim;
    this.start = msg.start;
    this.reference = msg.reference;
    // A reset answers with runStarted too: every lane goes back to the shared start.
    for (const lane of this.lanes) {
      lane.vectors = msg.start;
      lane.vectorsIteration = 0;
      lane.histogram = null;
    }
    this.vectorsVersion++;
  }

  protected append(lane: SpreadLaneTrack, batch: SpreadFrame['lanes'][number]): void {
    lane.history.append(batch.from, batch);
    if (batch.vectors) {
      lane.vectors = batch.vectors;
      lane.vectorsIteration = batch.from + batch.loss.length - 1;
      this.vectorsVersion++;
    }
    if (batch.histogram) lane.histogram = batch.histogram;
  }

  protected reset(): void {
    this.n = 0;
    this.dim = 0;
    this.start = null;
    this.reference = null;
    this.vectorsVersion++;
  }
}
