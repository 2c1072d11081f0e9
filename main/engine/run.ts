/**
 * One run: lanes stepped in lockstep from the same start, a loop that yields to the event loop
 * between slices so control messages are handled promptly, and frames throttled to the
 * display rate. Every iteration of every lane is kept in growable float64 histories, and each
 * frame carries all iterations since the previous one, so coalescing frames loses nothing.
 */
import type {
  BackendName,
  ControlAction,
  FrameMessage,
  LaneBatch,
  RunConfig,
  RunStartedMessage,
  RunStatus,
} from '../protocol/messages';
import { RegressionLab, type RegressionLane, type RegressionState } from './labs/regression';

export const FRAME_INTERVAL_MS = 1000 / 60;
/** How long one slice of work may hold the event loop when running flat out. */
const SLICE_MS = 8;

class Series {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  slice(from: number): Float64Array {
    return this.data.slice(from, this.length);
  }
}

class LaneHistory {
  readonly loss = new Series();
  readonly slope = new Series();
  readonly intercept = new Series();
  record(s: Readonly<RegressionState>): void {
    this.loss.push(s.loss);
    this.slope.push(s.slope);
    this.intercept.push(s.intercept);
  }
}

export type Emit = (message: RunStartedMessage | FrameMessage) => void;

export class Run {
  status: RunStatus = 'paused';
  iteration = 0;
  private readonly lab: RegressionLab;
  private lanes: RegressionLane[] = [];
  private histories: LaneHistory[] = [];
  private sentUpTo = 0;
  private lastFrameMs = 0;
  private timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;
  private itersPerSecond: number;
  /** Pacing origin for a speed-limited run: iterations done and time at the last speed change. */
  private paceFromIteration = 0;
  private paceFromMs = 0;
  private measuredFromMs = 0;
  private measuredFromIteration = 0;
  private rate = 0;

  constructor(
    readonly runId: string,
    readonly config: RunConfig,
    private readonly backend: BackendName,
    private readonly emit: Emit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.itersPerSecond = config.itersPerSecond;
    this.lab = new RegressionLab(config.problem);
    try {
      this.createLanes();
    } catch (e) {
      this.lab.dispose();
      throw e;
    }
  }

  /** All lanes or none: a lane that fails to build frees the ones built before it. */
  private createLanes(): void {
    const lanes: RegressionLane[] = [];
    try {
      for (const l of this.config.lanes) lanes.push(this.lab.createLane(l, this.config.seed));
    } catch (e) {
      for (const lane of lanes) lane.dispose();
      throw e;
    }
    this.lanes = lanes;
    this.histories = this.lanes.map((lane) => {
      const h = new LaneHistory();
      h.record(lane.current); // iteration 0: the shared start
      return h;
    });
    this.iteration = 0;
    this.sentUpTo = 0;
  }

  /** Announces the run and starts it (or leaves it paused at iteration 0). */
  start(): void {
    this.emitStarted();
    if (this.config.paused) this.sendFrame();
    else this.resume();
  }

  private emitStarted(): void {
    this.emit({
      type: 'runStarted',
      runId: this.runId,
      backend: this.backend,
      exact: this.lab.exact,
      stats: this.lab.stats,
      lanes: this.lanes.map((lane, i) => ({
        id: lane.id,
        optimizer: this.config.lanes[i]!.optimizer,
        params: lane.params,
        label: lane.label,
      })),
    });
  }

  control(action: ControlAction): void {
    switch (action) {
      case 'pause':
        if (this.status === 'running') {
          this.status = 'paused';
          this.cancelTimer();
          this.sendFrame();
        }
        break;
      case 'resume':
        if (this.status === 'paused') {
          this.resume();
          // Say so at once: at a slow pace the next iteration (and its frame) may be a second away.
          this.sendFrame();
        }
        break;
      case 'step':
        if (this.status === 'running') {
          this.status = 'paused';
          this.cancelTimer();
        }
        if (this.status === 'paused') {
          this.stepAll();
          if (this.finished()) this.status = 'done';
          this.sendFrame();
        }
        break;
      case 'stop':
        if (this.status === 'running' || this.status === 'paused') {
          this.status = 'stopped';
          this.cancelTimer();
          this.sendFrame();
        }
        break;
      case 'reset':
        this.cancelTimer();
        this.disposeLanes();
        this.createLanes();
        this.status = 'paused';
        this.emitStarted();
        this.sendFrame();
        break;
    }
  }

  setSpeed(itersPerSecond: number): void {
    this.itersPerSecond = itersPerSecond;
    this.paceFromIteration = this.iteration;
    this.paceFromMs = this.now();
  }

  private resume(): void {
    this.status = 'running';
    const t = this.now();
    this.paceFromIteration = this.iteration;
    this.paceFromMs = t;
    this.measuredFromMs = t;
    this.measuredFromIteration = this.iteration;
    this.schedule(0);
  }

  private finished(): boolean {
    return this.iteration >= this.config.maxIterations || this.lanes.every((l) => l.status !== 'running');
  }

  private stepAll(): void {
    // A finished lane repeats its last state so every history has one entry per iteration.
    for (let i = 0; i < this.lanes.length; i++) this.histories[i]!.record(this.lanes[i]!.step());
    this.iteration++;
  }

  private tick = (): void => {
    this.timer = undefined;
    if (this.status !== 'running') return;
    const start = this.now();
    let allowed = this.config.maxIterations - this.iteration;
    if (this.itersPerSecond > 0) {
      const due = Math.floor(((start - this.paceFromMs) / 1000) * this.itersPerSecond) + this.paceFromIteration;
      allowed = Math.min(allowed, Math.max(0, due - this.iteration));
    }
    // Work until the slice is used up or the next frame is due, whichever comes first, so
    // frames leave on time (a step is ≥ 70 µs; reading the clock costs well under 1 µs).
    const deadline = Math.min(start + SLICE_MS, this.lastFrameMs + FRAME_INTERVAL_MS);
    let done = 0;
    while (done < allowed) {
      this.stepAll();
      done++;
      if (this.finished() || this.now() >= deadline) break;
    }
    if (this.finished()) this.status = 'done';
    const t = this.now();
    // A paced run between iterations has nothing new to say: no empty frames.
    const fresh = this.iteration + 1 > this.sentUpTo;
    if (this.status !== 'running' || (fresh && t - this.lastFrameMs >= FRAME_INTERVAL_MS - 1)) this.sendFrame();
    if (this.status === 'running') {
      const wait = this.itersPerSecond > 0 ? Math.max(1, 1000 / this.itersPerSecond) : 0;
      this.schedule(Math.min(wait, FRAME_INTERVAL_MS));
    }
  };

  private schedule(delayMs: number): void {
    this.timer = delayMs <= 0 ? setImmediate(this.tick) : setTimeout(this.tick, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer as ReturnType<typeof setTimeout>);
      clearImmediate(this.timer as ReturnType<typeof setImmediate>);
      this.timer = undefined;
    }
  }

  private sendFrame(): void {
    const t = this.now();
    const elapsed = t - this.measuredFromMs;
    if (elapsed > 250) {
      this.rate = ((this.iteration - this.measuredFromIteration) * 1000) / elapsed;
      this.measuredFromMs = t;
      this.measuredFromIteration = this.iteration;
    }
    this.lastFrameMs = t;
    const from = this.sentUpTo;
    const lanes: LaneBatch[] = this.lanes.map((lane, i) => {
      const h = this.histories[i]!;
      return {
        id: lane.id,
        from,
        loss: h.loss.slice(from),
        slope: h.slope.slice(from),
        intercept: h.intercept.slice(from),
        status: lane.status === 'running' && this.status === 'done' ? 'done' : lane.status,
      };
    });
    this.sentUpTo = this.iteration + 1;
    this.emit({
      type: 'frame',
      runId: this.runId,
      iteration: this.iteration,
      status: this.status,
      itersPerSecond: this.rate,
      lanes,
    });
  }

  private disposeLanes(): void {
    for (const lane of this.lanes) lane.dispose();
  }

  dispose(): void {
    this.cancelTimer();
    if (this.status === 'running' || this.status === 'paused') this.status = 'stopped';
    this.disposeLanes();
    this.lab.dispose();
  }
}
