/**
 * One run: lanes stepped in lockstep from the same start, a loop that yields to the event loop
 * between slices so control messages are handled promptly, and frames throttled to the
 * display rate. The lab's driver (lab-driver.ts) keeps every iteration of every lane, and each
 * frame carries all iterations since the previous one, so coalescing frames loses nothing.
 */
import type { BackendName, ControlAction, EngineMessage, FrameMessage, RunConfig, RunStartedMessage, RunStatus } from '../protocol/messages';
import { errorInfo } from './error-info';
import type { LabDriver } from './lab-driver';

export const FRAME_INTERVAL_MS = 1000 / 60;
/** How long one slice of work may hold the event loop when running flat out. */
const SLICE_MS = 8;

export type Emit = (message: RunStartedMessage | FrameMessage | Extract<EngineMessage, { type: 'error' }>) => void;

export class Run {
  status: RunStatus = 'paused';
  iteration = 0;
  private sentUpTo = 0;
  /** Lanes already stepped in the iteration under way (0 between iterations). */
  private lanesStepped = 0;
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
    readonly config: Pick<RunConfig, 'lab' | 'maxIterations' | 'itersPerSecond' | 'paused'>,
    private readonly driver: LabDriver,
    private readonly backend: BackendName,
    private readonly emit: Emit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.itersPerSecond = config.itersPerSecond;
    try {
      this.createLanes();
    } catch (e) {
      driver.dispose();
      throw e;
    }
  }

  private createLanes(): void {
    this.driver.createLanes();
    this.iteration = 0;
    this.sentUpTo = 0;
    this.lanesStepped = 0;
  }

  /** Announces the run and starts it (or leaves it paused at iteration 0). */
  start(): void {
    this.emitStarted();
    if (this.config.paused) this.sendFrame();
    else this.resume();
  }

  private emitStarted(): void {
    this.emit({ type: 'runStarted', runId: this.runId, backend: this.backend, ...this.driver.started() } as RunStartedMessage);
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
          if (this.advanceOrFail(Infinity) === undefined) break;
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
        this.driver.disposeLanes();
        try {
          this.createLanes();
        } catch (e) {
          // No lanes to show: the run ends here, with the reason.
          this.status = 'stopped';
          this.emit({ type: 'error', runId: this.runId, error: errorInfo(e) });
          break;
        }
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

  /** Only between iterations: an iteration begun is finished first, so every lane's last step is sent. */
  private finished(): boolean {
    return this.lanesStepped === 0 && (this.iteration >= this.config.maxIterations || this.driver.settled());
  }

  /**
   * Steps the lanes of the current iteration in order until all have stepped (true: one more
   * iteration done) or the deadline passes between two of them (false: the rest come on the next
   * tick, so a pause or stop waits for one lane's step, not for all of them).
   */
  private advance(deadline: number): boolean {
    const lanes = this.driver.laneCount;
    while (this.lanesStepped < lanes) {
      this.driver.stepLane(this.lanesStepped++);
      if (this.lanesStepped < lanes && this.now() >= deadline) return false;
    }
    this.lanesStepped = 0;
    this.iteration++;
    return true;
  }

  /**
   * advance(), or, where a step throws (a lane worker lost, memory exhausted), the run stops
   * there: the window gets what was done and the reason (undefined).
   */
  private advanceOrFail(deadline: number): boolean | undefined {
    try {
      return this.advance(deadline);
    } catch (e) {
      this.status = 'stopped';
      this.cancelTimer();
      this.lanesStepped = 0;
      this.sendFrame();
      this.emit({ type: 'error', runId: this.runId, error: errorInfo(e) });
      return undefined;
    }
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
      const advanced = this.advanceOrFail(deadline);
      if (advanced === undefined) return;
      if (!advanced) break;
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
    // Measured while running only: time spent paused is not the engine's speed.
    if (this.status === 'running' && elapsed > 250) {
      this.rate = ((this.iteration - this.measuredFromIteration) * 1000) / elapsed;
      this.measuredFromMs = t;
      this.measuredFromIteration = this.iteration;
    }
    this.lastFrameMs = t;
    // Up to the last whole iteration: lanes already stepped in the next one wait for it.
    const part = this.driver.frame(this.sentUpTo, this.iteration + 1, this.status === 'done', this.status !== 'running');
    this.sentUpTo = this.iteration + 1;
    this.emit({
      type: 'frame',
      runId: this.runId,
      iteration: this.iteration,
      status: this.status,
      itersPerSecond: this.rate,
      ...part,
    } as FrameMessage);
  }

  dispose(): void {
    this.cancelTimer();
    if (this.status === 'running' || this.status === 'paused') this.status = 'stopped';
    this.driver.dispose();
  }
}
