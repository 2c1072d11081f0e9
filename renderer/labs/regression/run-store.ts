/**
 * The live run, outside React: frames arrive up to 60 times a second and each would cost a
 * React render if it were state. Views read this store from their animation-frame loops
 * (checking `version`), readouts poll it about ten times a second, and only coarse status
 * changes are pushed to React through `onStatus`.
 */
import type {
  FrameMessage,
  LaneStatus,
  LeastSquares,
  RegressionStats,
  RunStartedMessage,
  RunStatus,
} from '../../../main/protocol/messages';
import type { OptimizerName } from '../../../main/protocol/optimizers';
import { LaneHistory } from './lane-history';

export type RunPhase = 'idle' | 'starting' | RunStatus;

export interface LaneTrack {
  id: string;
  label: string;
  optimizer: OptimizerName;
  params: Record<string, number>;
  colour: string;
  status: LaneStatus;
  history: LaneHistory;
}

export interface LaneIntro {
  id: string;
  label: string;
  optimizer: OptimizerName;
  params: Record<string, number>;
  colour: string;
}

export class RunStore {
  runId: string | null = null;
  phase: RunPhase = 'idle';
  lanes: LaneTrack[] = [];
  exact: LeastSquares | null = null;
  stats: RegressionStats | null = null;
  iteration = 0;
  itersPerSecond = 0;
  /** Bumped on every change; views redraw when it differs from what they last drew. */
  version = 0;
  private readonly phaseListeners = new Set<(phase: RunPhase) => void>();
  private readonly laneListeners = new Set<() => void>();

  /** Called as the start request is sent, so frames for any older run are ignored. */
  begin(runId: string, lanes: LaneIntro[]): void {
    this.runId = runId;
    this.lanes = lanes.map((l) => ({ ...l, params: { ...l.params }, status: 'running', history: new LaneHistory() }));
    this.exact = null;
    this.stats = null;
    this.iteration = 0;
    this.itersPerSecond = 0;
    this.lanesChanged();
    this.setPhase('starting');
  }

  runStarted(msg: RunStartedMessage): void {
    if (msg.runId !== this.runId) return;
    this.exact = msg.exact;
    this.stats = msg.stats;
    // The engine's word on each lane (its label, optimizer and resolved hyper-parameters) is
    // what the views and the legend show. A fresh array, so React readers of `lanes` notice.
    this.lanes = this.lanes.map((lane) => {
      const intro = msg.lanes.find((l) => l.id === lane.id);
      return intro
        ? { ...lane, label: intro.label || lane.label, optimizer: intro.optimizer, params: { ...intro.params } }
        : lane;
    });
    this.lanesChanged();
    if (this.phase === 'starting') this.setPhase('running');
    this.version++;
  }

  frame(msg: FrameMessage): void {
    if (msg.runId !== this.runId) return;
    for (const batch of msg.lanes) {
      const lane = this.lanes.find((l) => l.id === batch.id);
      if (!lane) continue;
      lane.history.append(batch.from, batch.loss, batch.slope, batch.intercept);
      lane.status = batch.status;
    }
    this.iteration = msg.iteration;
    this.itersPerSecond = msg.itersPerSecond;
    this.setPhase(msg.status);
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

  /** Back to "no run": views show the starting line from the settings again. */
  clear(): void {
    this.runId = null;
    if (this.lanes.length) {
      this.lanes = [];
      this.lanesChanged();
    }
    this.exact = null;
    this.stats = null;
    this.iteration = 0;
    this.itersPerSecond = 0;
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

  private setPhase(phase: RunPhase): void {
    if (phase === this.phase) return;
    this.phase = phase;
    this.version++;
    for (const cb of this.phaseListeners) cb(phase);
  }
}
