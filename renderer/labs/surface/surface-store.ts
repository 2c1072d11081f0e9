/** The surface run as the views read it: each lane's path, f, gradient and finite differences. */
import type { SurfaceFrame, SurfaceRunStarted } from '../../../main/protocol/messages';
import type { OptimizerName } from '../../../main/protocol/optimizers';
import type { KnownMinimum, SurfacePoint } from '../../../main/protocol/surface';
import { RunStoreBase, type LaneDraft, type LaneTrackBase } from '../../run/run-store-base';
import { ThinnedHistory, type SavedHistory } from '../../run/thinned-history';

/** What the engine sends per iteration. */
export const SURFACE_SERIES = ['x', 'y', 'f', 'gx', 'gy', 'fdx', 'fdy', 'learningRate'] as const;
/** What the page keeps: those, and f − f* (the gap to the lowest known minimum; NaN where none is known). */
export const SURFACE_HISTORY = [...SURFACE_SERIES, 'gap'] as const;
export type SurfaceSeries = (typeof SURFACE_HISTORY)[number];

export interface SurfaceLaneTrack extends LaneTrackBase {
  /** From the page's draft, then the engine's runStarted: it decides which internals are drawn. */
  optimizer?: OptimizerName;
  history: ThinnedHistory<SurfaceSeries>;
}

export class SurfaceStore extends RunStoreBase<SurfaceLaneTrack, SurfaceRunStarted, SurfaceFrame> {
  /** What the shown run descends: its formula, start and the preset's known minima. */
  formula: string | null = null;
  start: SurfacePoint | null = null;
  minima: KnownMinimum[] = [];

  protected track(draft: LaneDraft): SurfaceLaneTrack {
    return { ...draft, status: 'running', history: new ThinnedHistory(SURFACE_HISTORY) };
  }

  protected started(msg: SurfaceRunStarted): void {
    this.formula = msg.formula;
    this.start = msg.start;
    this.minima = msg.minima;
  }

  protected append(lane: SurfaceLaneTrack, batch: SurfaceFrame['lanes'][number]): void {
    const fStar = this.minima.length ? Math.min(...this.minima.map((m) => m.f)) : NaN;
    lane.history.append(batch.from, { ...batch, gap: batch.f.map((f) => f - fStar) });
  }

  protected reset(): void {
    this.formula = null;
    this.start = null;
    this.minima = [];
  }

  protected saveTrack({ history, ...rest }: SurfaceLaneTrack): Record<string, unknown> {
    return { ...rest, history: history.save() };
  }

  protected loadTrack({ history, ...rest }: Record<string, unknown>): SurfaceLaneTrack {
    return { ...(rest as unknown as LaneTrackBase), history: ThinnedHistory.load(SURFACE_HISTORY, history as SavedHistory) };
  }

  protected saveExtra(): Record<string, unknown> {
    return { formula: this.formula, start: this.start, minima: this.minima };
  }

  protected loadExtra(saved: Record<string, unknown>): void {
    this.formula = typeof saved.formula === 'string' ? saved.formula : null;
    const start = saved.start as SurfacePoint | null;
    this.start = start && Number.isFinite(start.x) && Number.isFinite(start.y) ? start : null;
    this.minima = Array.isArray(saved.minima) ? (saved.minima as KnownMinimum[]).filter((m) => Number.isFinite(m?.x) && Number.isFinite(m?.y) && Number.isFinite(m?.f)) : [];
  }
}
