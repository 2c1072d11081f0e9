/**
 * The live run of one lab, outside React: frames arrive up to 60 times a second and each would
 * cost a React render if it were state. Views read the store from their animation-frame loops
 * (checking `version`), readouts poll it, and only coarse changes (phase, the set of lanes) are
 * pushed to React. Each lab's store extends this with what its frames carry.
 */
import type { LaneIntro, LaneStatus, RunStatus } from '../../main/protocol/messages';
import { withBackend, type RunCard } from '../export/run-card';

export type RunPhase = 'idle' | 'starting' | RunStatus;
/**
 * The phase as the page words it: a run paused before its first iteration (after Reset, or
 * the Adversarial lab's preview of a new image) has not run at all, so it is "ready", not
 * "paused"; Run, Step or Space set it going.
 */
export type ShownPhase = RunPhase | 'ready';

export function shownPhase(store: { phase: RunPhase; iteration: number }): ShownPhase {
  return store.phase === 'paused' && store.iteration === 0 ? 'ready' : store.phase;
}

/** A lane's status as its row says it: a lane still going takes the run's paused, ready or stopped. */
export function laneStatusText(status: LaneStatus, phase: ShownPhase): string {
  if (status !== 'running') return status;
  return phase === 'paused' || phase === 'ready' || phase === 'stopped' || phase === 'starting' ? phase : 'running';
}

/** What the page knows of a lane before the engine's runStarted: its label and colour (and the lab's settings). */
export interface LaneDraft extends LaneIntro {
  colour: string;
  /** An optimizer lane's hyper-parameters, copied so later edits of the settings leave it alone. */
  params?: Record<string, number>;
}

export interface LaneTrackBase extends LaneDraft {
  status: LaneStatus;
}

interface StartedLike {
  runId: string;
  backend: string;
  lanes: LaneIntro[];
}

interface FrameLike {
  runId: string;
  iteration: number;
  status: RunStatus;
  itersPerSecond: number;
  lanes: { id: string; status: LaneStatus }[];
}

/** A recorded run as a session keeps it: no engine run behind it any more, only what was drawn. */
export interface SavedRun {
  phase: RunPhase;
  iteration: number;
  lanes: Record<string, unknown>[];
  /** What the lab's store adds (its exact answer, its vectors' start, …). */
  extra: Record<string, unknown>;
  /** The settings that produced it (absent from sessions saved before there was one). */
  card?: RunCard | null;
}

/** The span a displayed rate is measured over: long enough to hold steady between a slow run's frames. */
const RATE_WINDOW_MS = 5000;

export abstract class RunStoreBase<Track extends LaneTrackBase, Started extends StartedLike, Frame extends FrameLike> {
  runId: string | null = null;
  phase: RunPhase = 'idle';
  lanes: Track[] = [];
  iteration = 0;
  /**
   * Iterations a second, measured by the page over the frames of the last few seconds while
   * the run goes (the engine's own figure until there are two): a slow run's rate holds
   * between its frames instead of dropping to 0. 0 when not known.
   */
  itersPerSecond = 0;
  /** (page time, iteration) of the frames of the last RATE_WINDOW_MS while running. */
  private rateSamples: { ms: number; iteration: number }[] = [];
  /** Bumped on every change; views redraw when it differs from what they last drew. */
  version = 0;
  /**
   * The iteration the views show when the user scrubs the timeline of a paused or finished run;
   * null follows the run (its latest iteration).
   */
  cursor: number | null = null;
  /** The settings that produced the shown run, for its exports; the backend once the engine said. */
  private card: RunCard | null = null;
  private readonly phaseListeners = new Set<(phase: RunPhase) => void>();
  private readonly laneListeners = new Set<() => void>();

  /** A lane's track, with its lab's empty history. */
  protected abstract track(draft: LaneDraft): Track;
  /** The lab's part of runStarted (what it adds beyond the lanes). */
  protected abstract started(msg: Started): void;
  /** Appends one lane's batch to its history. */
  protected abstract append(lane: Track, batch: Frame['lanes'][number], msg: Frame): void;
  /** Forgets what the lab kept of the last run. */
  protected abstract reset(): void;
  /** A lane's track for a session file, and back. */
  protected abstract saveTrack(track: Track): Record<string, unknown>;
  protected abstract loadTrack(saved: Record<string, unknown>): Track;
  protected abstract saveExtra(): Record<string, unknown>;
  protected abstract loadExtra(saved: Record<string, unknown>): void;

  /** The shown run for a session file; null when there is none. */
  saveRun(): SavedRun | null {
    if (this.phase === 'idle' || this.phase === 'starting') return null;
    // A run that was going is, once reopened, a run that stopped there.
    const phase = this.phase === 'running' || this.phase === 'paused' ? 'stopped' : this.phase;
    return { phase, iteration: this.iteration, lanes: this.lanes.map((l) => this.saveTrack(l)), extra: this.saveExtra(), card: this.card };
  }

  /** What produced the shown run (null: no run, or one reopened from an older session). */
  get runCard(): RunCard | null {
    return this.card;
  }

  /**
   * Checks a run from a session and builds its lanes, without touching the store; the function
   * it returns shows that run (its lanes and history, to scrub and export; Run starts afresh).
   * A damaged run throws here, and the store stays as it was.
   */
  prepareRun(saved: SavedRun | null): () => void {
    if (!saved || !Array.isArray(saved.lanes) || saved.lanes.length === 0) return () => this.clear();
    if (!Number.isInteger(saved.iteration) || saved.iteration < 0) throw new Error('its run is damaged');
    const lanes = saved.lanes.map((l) => this.loadTrack(l));
    const extra = saved.extra ?? {};
    const phase: RunPhase = saved.phase === 'done' ? 'done' : 'stopped';
    const card = saved.card && typeof saved.card === 'object' ? saved.card : null;
    return () => {
      this.clear();
      this.card = card;
      this.loadExtra(extra);
      this.lanes = lanes;
      this.iteration = saved.iteration;
      this.lanesChanged();
      this.setPhase(phase);
      this.version++;
    };
  }

  restoreRun(saved: SavedRun | null): void {
    this.prepareRun(saved)();
  }

  /** Called as the start request is sent, so frames for any older run are ignored. */
  begin(runId: string, lanes: LaneDraft[], card: RunCard | null = null): void {
    this.runId = runId;
    this.card = card;
    this.lanes = lanes.map((l) => this.track(l.params ? { ...l, params: { ...l.params } } : { ...l }));
    this.reset();
    this.cursor = null;
    this.iteration = 0;
    this.itersPerSecond = 0;
    this.rateSamples = [];
    this.lanesChanged();
    this.setPhase('starting');
  }

  runStarted(msg: Started): void {
    if (msg.runId !== this.runId) return;
    this.cursor = null;
    if (this.card) this.card = withBackend(this.card, msg.backend);
    this.started(msg);
    // The engine's word on each lane (its label and, for optimizer lanes, the resolved
    // hyper-parameters) is what the views and the legend show. A fresh array, so React
    // readers of `lanes` notice.
    this.lanes = this.lanes.map((lane) => {
      const intro = msg.lanes.find((l) => l.id === lane.id);
      return intro ? { ...lane, ...intro, label: intro.label || lane.label, colour: lane.colour } : lane;
    });
    this.lanesChanged();
    if (this.phase === 'starting') this.setPhase('running');
    this.version++;
  }

  /** `nowMs`: when the frame arrived (page time); a parameter so tests need no clock. */
  frame(msg: Frame, nowMs = performance.now()): void {
    if (msg.runId !== this.runId) return;
    for (const batch of msg.lanes) {
      const lane = this.lanes.find((l) => l.id === batch.id);
      if (!lane) continue;
      this.append(lane, batch, msg);
      lane.status = batch.status;
    }
    // A resumed (or stepped) run is followed live again.
    if (msg.status === 'running' || msg.iteration > this.iteration) this.cursor = null;
    const wasReady = shownPhase(this) === 'ready';
    this.iteration = msg.iteration;
    this.itersPerSecond = this.measureRate(msg, nowMs);
    if (!this.setPhase(msg.status) && wasReady !== (shownPhase(this) === 'ready')) this.phaseChanged();
    this.version++;
  }

  private measureRate(msg: Frame, nowMs: number): number {
    // Time paused is not the engine's speed: a resumed run measures afresh.
    if (msg.status !== 'running') {
      this.rateSamples = [];
      return msg.itersPerSecond;
    }
    const samples = this.rateSamples;
    samples.push({ ms: nowMs, iteration: msg.iteration });
    while (samples.length > 2 && nowMs - samples[1]!.ms >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0]!;
    const spanMs = nowMs - first.ms;
    return spanMs > 0 && msg.iteration > first.iteration ? ((msg.iteration - first.iteration) * 1000) / spanMs : msg.itersPerSecond;
  }

  /** The iteration the views show: the timeline's, or the latest. */
  get shownIteration(): number {
    return this.cursor ?? this.iteration;
  }

  /** Scrubs to an iteration of the recorded run (null: back to the latest). */
  setCursor(iteration: number | null): void {
    const next = iteration === null ? null : Math.max(0, Math.min(this.iteration, Math.round(iteration)));
    if (next === this.cursor) return;
    this.cursor = next === this.iteration ? null : next;
    this.version++;
  }

  /**
   * The engine refused or abandoned the run (`runId` given), or the connection dropped. A start
   * the engine refused has nothing to show, so the store goes back to "no run"; a run that ran
   * keeps its lines and ends as stopped.
   */
  fail(runId: string | undefined): void {
    if (runId !== undefined && runId !== this.runId) return;
    if (runId !== undefined && this.phase === 'starting') this.clear();
    else if (this.isActive()) this.setPhase('stopped');
  }

  /** Back to "no run": views show the settings' start again. */
  clear(): void {
    this.runId = null;
    this.card = null;
    if (this.lanes.length) {
      this.lanes = [];
      this.lanesChanged();
    }
    this.reset();
    this.cursor = null;
    this.iteration = 0;
    this.itersPerSecond = 0;
    this.rateSamples = [];
    this.setPhase('idle');
    this.version++;
  }

  isActive(): boolean {
    return this.phase === 'starting' || this.phase === 'running' || this.phase === 'paused';
  }

  onPhase(cb: (phase: RunPhase) => void): () => void {
    this.phaseListeners.add(cb);
    return () => this.phaseListeners.delete(cb);
  }

  /** Called when the set of lanes drawn (or their labels) changes; not on every frame. */
  onLanes(cb: () => void): () => void {
    this.laneListeners.add(cb);
    return () => this.laneListeners.delete(cb);
  }

  private lanesChanged(): void {
    for (const cb of this.laneListeners) cb();
  }

  /** False when the phase was already `phase`. */
  private setPhase(phase: RunPhase): boolean {
    if (phase === this.phase) return false;
    this.phase = phase;
    this.version++;
    this.phaseChanged();
    return true;
  }

  /** Also when a paused run takes its first step (ready → paused), which keeps the phase. */
  private phaseChanged(): void {
    for (const cb of this.phaseListeners) cb(this.phase);
  }
}
