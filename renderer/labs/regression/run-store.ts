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
  colour: string;
  status: LaneStatus;
  history: LaneHistory;
}

export interface LaneIntro {
  id: string;
  label: string;
  optimizer: OptimizerName;
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

  /** Called as the start request is sent, so frames for any older run are ignored. */
  begin(runId: string, lanes: LaneIntro[]): void {
    this.runId = runId;
    this.lanes = lanes.map((l) => ({ ...l, status: 'running', history: new LaneHistory() }));
    this.exact = null;
    this.stats = null;
    this.iteration = 0;
    this.itersPerSecond = 0;
    this.setPhase('starting');
  }

  runStarted(msg: RunStartedMessage): void {
    if (msg.runId !== this.runId) return;
    this.exact = msg.exact;
    this.stats = msg.stats;
    for (const intro of msg.lanes) {
      const lane = this.lanes.find((l) => l.id === intro.id);
      if (lane && intro.label) lane.label = intro.label;
    }
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

  /** The engine refused or abandoned the run. */
  fail(runId: string | undefined): void {
    if (runId !== undefined && runId !== this.runId) return;
    if (this.phase === 'starting' || this.phase === 'running' || this.phase === 'paused') this.setPhase('stopped');
  }

  /** Back to "no run": views show the starting line from the settings again. */
  clear(): void {
    this.runId = null;
    this.lanes = [];
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

  private setPhase(phase: RunPhase): void {
    if (phase === this.phase) return;
    this.phase = phase;
    this.version++;
    for (const cb of this.phaseListeners) cb(phase);
  }
}
