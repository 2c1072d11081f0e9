/**
 * The regression run as the views read it: each lane's (loss, slope, intercept) history and,
 * in a run of a model of your own, its parameters' history and the fitted curves the frames
 * brought (sampled for the timeline: the page never evaluates a formula).
 */
import type { LeastSquares, RegressionFrame, RegressionRunStarted, RegressionStats } from '../../../main/protocol/messages';
import type { ModelIntro } from '../../../main/protocol/regression-model';
import { RunStoreBase, type LaneDraft, type LaneTrackBase } from '../../run/run-store-base';
import { ThinnedHistory, type SavedHistory } from '../../run/thinned-history';
import { LaneHistory } from './lane-history';

/** A fitted curve at one iteration, as a frame brought it (y at the model's `xs`). */
export interface CurveSample {
  iteration: number;
  curve: Float64Array;
}

/** Curves kept per lane for the timeline; past this, every second one goes (the newest stays). */
const MAX_CURVES = 2048;

export interface LaneTrack extends LaneTrackBase {
  history: LaneHistory;
  /** A model run's per-iteration loss and parameters (keys: modelKeys); null for the line. */
  model: ThinnedHistory<string> | null;
  curves: CurveSample[];
}

/** A model's history keys: 'loss', then each parameter by name (one called loss is told apart). */
export function modelKeys(parameters: readonly string[]): string[] {
  return ['loss', ...parameters.map(parameterKey)];
}

export function parameterKey(name: string): string {
  return name === 'loss' ? 'loss (parameter)' : name;
}

export class RunStore extends RunStoreBase<LaneTrack, RegressionRunStarted, RegressionFrame> {
  exact: LeastSquares | null = null;
  stats: RegressionStats | null = null;
  /** The run's model of your own (null: the line). */
  model: ModelIntro | null = null;

  protected track(draft: LaneDraft): LaneTrack {
    return { ...draft, status: 'running', history: new LaneHistory(), model: null, curves: [] };
  }

  protected started(msg: RegressionRunStarted): void {
    this.exact = msg.exact;
    this.stats = msg.stats;
    this.model = msg.model ?? null;
  }

  protected append(lane: LaneTrack, batch: RegressionFrame['lanes'][number]): void {
    lane.history.append(batch.from, batch);
    const model = this.model;
    if (!model || !batch.params) return;
    const keys = modelKeys(model.parameters);
    lane.model ??= new ThinnedHistory(keys);
    lane.model.append(batch.from, Object.fromEntries([['loss', batch.loss], ...batch.params.map((p, k) => [keys[k + 1]!, p])]));
    if (batch.curve && batch.loss.length > 0) {
      // A reset rewinds: curves from iterations now gone go too.
      while (lane.curves.length && lane.curves.at(-1)!.iteration >= batch.from) lane.curves.pop();
      lane.curves.push({ iteration: batch.from + batch.loss.length - 1, curve: batch.curve });
      if (lane.curves.length > MAX_CURVES) lane.curves = lane.curves.filter((_, k) => k % 2 === 1 || k === lane.curves.length - 1);
    }
  }

  /** A lane's fitted curve at an iteration: the last one brought at or before it; null before any. */
  curveAt(lane: LaneTrack, iteration: number): Float64Array | null {
    const c = lane.curves;
    let lo = 0;
    let hi = c.length - 1;
    let found: CurveSample | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]!.iteration <= iteration) {
        found = c[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found?.curve ?? null;
  }

  protected reset(): void {
    this.exact = null;
    this.stats = null;
    this.model = null;
  }

  protected saveTrack({ history, model, curves, ...rest }: LaneTrack): Record<string, unknown> {
    return { ...rest, history: history.save(), model: model?.save() ?? null, curves };
  }

  protected loadTrack({ history, model, curves, ...rest }: Record<string, unknown>): LaneTrack {
    const saved = model as SavedHistory | null | undefined;
    const samples = Array.isArray(curves) ? (curves as CurveSample[]).filter((c) => Number.isInteger(c?.iteration) && c.curve instanceof Float64Array) : [];
    return {
      ...(rest as unknown as LaneTrackBase),
      history: LaneHistory.from(history as SavedHistory),
      model: saved && Array.isArray(saved.keys) ? ThinnedHistory.load(saved.keys, saved) : null,
      curves: samples,
    };
  }

  protected saveExtra(): Record<string, unknown> {
    return { exact: this.exact, stats: this.stats, model: this.model };
  }

  protected loadExtra(saved: Record<string, unknown>): void {
    this.exact = (saved.exact as LeastSquares | null) ?? null;
    this.stats = (saved.stats as RegressionStats | null) ?? null;
    const model = saved.model as ModelIntro | null | undefined;
    this.model = model && Array.isArray(model.parameters) && model.xs instanceof Float64Array ? model : null;
  }
}
