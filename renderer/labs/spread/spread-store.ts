/**
 * The spread run as the views read it: per lane its five scalar series and the latest vectors
 * and angle histogram (they come every few frames: see the engine's spread-driver.ts).
 */
import type { SpreadFrame, SpreadReference, SpreadRunStarted } from '../../../main/protocol/messages';
import type { SpreadLossName } from '../../../main/protocol/spread';
import { RunStoreBase, type LaneDraft, type LaneTrackBase } from '../../run/run-store-base';
import { ThinnedHistory, type SavedHistory } from '../../run/thinned-history';

export type SpreadSeries = 'loss' | 'minAngleDeg' | 'energy' | 'nnMeanDeg' | 'nnStdDeg' | 'learningRate';
export const SPREAD_SERIES: readonly SpreadSeries[] = ['loss', 'minAngleDeg', 'energy', 'nnMeanDeg', 'nnStdDeg', 'learningRate'];

/** The vectors (and angle histogram) at one iteration, as a frame brought them. */
export interface VectorSample {
  iteration: number;
  vectors: Float32Array;
  histogram: Float64Array | null;
}

export interface SpreadLaneTrack extends LaneTrackBase {
  loss?: SpreadLossName;
  history: ThinnedHistory<SpreadSeries>;
  /** Row-major [n, dim], unit rows: the start until the first vectors arrive. */
  vectors: Float32Array | null;
  /** Iteration the vectors are from. */
  vectorsIteration: number;
  histogram: Float64Array | null;
  /** Every sample kept for the timeline, oldest first (thinned to SAMPLE_BYTES_PER_LANE). */
  samples: VectorSample[];
  sampleBytes: number;
}

/**
 * Recorded vectors per lane for replay: 2,000 × 3 floats at 30 samples a second fill this in
 * about two minutes, after which every second sample goes (the newest always stays).
 */
const SAMPLE_BYTES_PER_LANE = 32 * 1024 * 1024;

/** The last sample at or before `iteration` (the start when there is none). */
export function sampleAt(lane: SpreadLaneTrack, iteration: number): VectorSample | null {
  const s = lane.samples;
  let lo = 0;
  let hi = s.length - 1;
  if (hi < 0 || s[0]!.iteration > iteration) return s[0] ?? null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid]!.iteration <= iteration) lo = mid;
    else hi = mid - 1;
  }
  return s[lo]!;
}

export class SpreadStore extends RunStoreBase<SpreadLaneTrack, SpreadRunStarted, SpreadFrame> {
  n = 0;
  dim = 0;
  start: Float32Array | null = null;
  reference: SpreadReference | null = null;
  /** Bumped when any lane's vectors change, so scenes redraw points only then. */
  vectorsVersion = 0;

  protected track(draft: LaneDraft): SpreadLaneTrack {
    return { ...draft, status: 'running', history: new ThinnedHistory(SPREAD_SERIES), vectors: null, vectorsIteration: -1, histogram: null, samples: [], sampleBytes: 0 };
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
      lane.samples = [{ iteration: 0, vectors: msg.start, histogram: null }];
      lane.sampleBytes = msg.start.byteLength;
    }
    this.vectorsVersion++;
  }

  protected append(lane: SpreadLaneTrack, batch: SpreadFrame['lanes'][number]): void {
    lane.history.append(batch.from, batch);
    if (batch.histogram) lane.histogram = batch.histogram;
    if (batch.vectors) {
      lane.vectors = batch.vectors;
      lane.vectorsIteration = batch.from + batch.loss.length - 1;
      this.record(lane, { iteration: lane.vectorsIteration, vectors: batch.vectors, histogram: batch.histogram ?? null });
      this.vectorsVersion++;
    }
  }

  private record(lane: SpreadLaneTrack, sample: VectorSample): void {
    // A reset rewinds: samples past the new iteration belong to the old run.
    while (lane.samples.length && lane.samples.at(-1)!.iteration >= sample.iteration) {
      lane.sampleBytes -= lane.samples.pop()!.vectors.byteLength;
    }
    lane.samples.push(sample);
    lane.sampleBytes += sample.vectors.byteLength;
    if (lane.sampleBytes > SAMPLE_BYTES_PER_LANE && lane.samples.length > 2) {
      const newest = lane.samples.at(-1)!;
      lane.samples = lane.samples.filter((_, i) => i % 2 === 0);
      if (lane.samples.at(-1) !== newest) lane.samples.push(newest);
      lane.sampleBytes = lane.samples.reduce((n, x) => n + x.vectors.byteLength, 0);
    }
  }

  protected saveTrack({ history, samples, sampleBytes: _bytes, vectors: _v, histogram: _h, ...rest }: SpreadLaneTrack): Record<string, unknown> {
    // The latest vectors are the last sample: only the samples are kept.
    return { ...rest, history: history.save(), samples };
  }

  protected loadTrack({ history, samples, ...rest }: Record<string, unknown>): SpreadLaneTrack {
    const kept = (Array.isArray(samples) ? samples : []) as VectorSample[];
    const latest = kept.at(-1);
    return {
      ...(rest as unknown as LaneTrackBase),
      history: ThinnedHistory.load(SPREAD_SERIES, history as SavedHistory),
      samples: kept,
      sampleBytes: kept.reduce((n, x) => n + x.vectors.byteLength, 0),
      vectors: latest?.vectors ?? null,
      vectorsIteration: latest?.iteration ?? -1,
      histogram: latest?.histogram ?? null,
    };
  }

  protected saveExtra(): Record<string, unknown> {
    return { n: this.n, dim: this.dim, start: this.start, reference: this.reference };
  }

  protected loadExtra(saved: Record<string, unknown>): void {
    this.n = Number(saved.n) || 0;
    this.dim = Number(saved.dim) || 0;
    this.start = saved.start instanceof Float32Array ? saved.start : null;
    this.reference = (saved.reference as SpreadReference | null) ?? null;
    this.vectorsVersion++;
  }

  /** What a lane shows at the iteration on screen: its latest vectors, or the timeline's sample. */
  shownSample(lane: SpreadLaneTrack): VectorSample | null {
    if (this.cursor === null) return lane.vectors ? { iteration: lane.vectorsIteration, vectors: lane.vectors, histogram: lane.histogram } : null;
    return sampleAt(lane, this.cursor);
  }

  protected reset(): void {
    this.n = 0;
    this.dim = 0;
    this.start = null;
    this.reference = null;
    this.vectorsVersion++;
  }
}
