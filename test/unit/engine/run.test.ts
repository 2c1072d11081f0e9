/**
 * The run loop with lanes whose steps are slow (as attack steps are, ≈ 0.6 s each): a pause or
 * stop is handled between two lanes' steps, not after the whole iteration, and frames never carry
 * a lane's step from an iteration that is not finished; and a speed-limited run's pace. The
 * lanes are plain counters on a fake clock (the loop's own `now`), so the tests are about the
 * loop alone and do not depend on how busy the machine is.
 */
import { describe, expect, it } from 'vitest';
import type { LabDriver, LabFrame, LabStarted } from '../../../main/engine/lab-driver';
import { FRAME_INTERVAL_MS, Run, type Emit } from '../../../main/engine/run';
import type { EngineMessage, RegressionFrame } from '../../../main/protocol/messages';

const STEP_MS = 600;

/** Three lanes; stepping one moves the clock on by stepMs; each records its own step count. */
class SlowLanes implements LabDriver {
  histories: number[][] = [];
  stepped: number[] = [];
  constructor(
    private readonly clock: { t: number },
    readonly laneCount = 3,
    private readonly stepMs = STEP_MS,
  ) {}
  createLanes(): void {
    this.histories = Array.from({ length: this.laneCount }, () => [0]);
  }
  stepLane(i: number): void {
    this.clock.t += this.stepMs;
    this.stepped.push(i);
    const h = this.histories[i]!;
    h.push(h.length);
  }
  settled(): boolean {
    return false;
  }
  started(): LabStarted {
    return { lab: 'regression', exact: { slope: 0, intercept: 0, mse: 0 }, stats: { n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 }, lanes: [] };
  }
  frame(from: number, to: number): LabFrame {
    return {
      lab: 'regression',
      lanes: this.histories.map((h, i) => {
        const v = Float64Array.from(h.slice(from, to));
        return { id: `l${i}`, from, loss: v, slope: v, intercept: v, learningRate: v, status: 'running' as const };
      }),
    };
  }
  disposeLanes(): void {}
  dispose(): void {}
}

const tick = () => new Promise((r) => setImmediate(r));

describe('run loop with slow lanes', () => {
  it('should pause between two lanes of an iteration and send only whole iterations', async () => {
    const clock = { t: 0 };
    const driver = new SlowLanes(clock);
    const frames: RegressionFrame[] = [];
    const emit: Emit = (m) => {
      if (m.type === 'frame' && m.lab === 'regression') frames.push(m);
    };
    const run = new Run('r', { lab: 'regression', maxIterations: 100, itersPerSecond: 0, paused: false }, driver, 'cpu', emit, () => clock.t);
    run.start();
    await tick(); // one tick: the first lane's step passes the slice's deadline
    run.control('pause');
    // One lane stepped, not three: the pause came after ~0.6 s of work, not ~1.8 s.
    expect(driver.stepped).toEqual([0]);
    expect(run.iteration).toBe(0);
    const paused = frames.at(-1)!;
    expect(paused).toMatchObject({ status: 'paused', iteration: 0 });
    // Lane 0's step belongs to iteration 1, which is not finished: no lane sends it yet.
    expect(paused.lanes.every((l) => l.from + l.loss.length <= 1)).toBe(true);

    // Step finishes the iteration begun (lanes 1 and 2), and the frame has all three.
    run.control('step');
    expect(driver.stepped).toEqual([0, 1, 2]);
    const stepped = frames.at(-1)!;
    expect(stepped).toMatchObject({ status: 'paused', iteration: 1 });
    for (const l of stepped.lanes) expect(Array.from(l.loss)).toEqual([1]);

    run.control('resume');
    await tick();
    run.control('stop');
    expect(frames.at(-1)!.status).toBe('stopped');
    // Every lane's history as sent is whole iterations, the same length for all lanes.
    const sent = (i: number) => frames.flatMap((f) => Array.from(f.lanes[i]!.loss));
    expect(new Set([0, 1, 2].map((i) => sent(i).length)).size).toBe(1);
    expect(sent(0)).toEqual(Array.from({ length: sent(0).length }, (_, k) => k));
    run.dispose();
  });

  it('should pace a speed-limited run by its clock, send no empty frames while it waits, and take a new speed at once', async () => {
    // Steps take no time on this clock: the pace alone decides. 50 it/s, so 20 iterations are
    // due at 0.4 s and 50 at 1 s, however many ticks the loop gets in between.
    const clock = { t: 0 };
    const driver = new SlowLanes(clock, 1, 0);
    const frames: RegressionFrame[] = [];
    const emit: Emit = (m) => {
      if (m.type === 'frame' && m.lab === 'regression') frames.push(m);
    };
    const run = new Run('p', { lab: 'regression', maxIterations: 200, itersPerSecond: 50, paused: false }, driver, 'cpu', emit, () => clock.t);
    run.start();
    const settle = async () => {
      // The loop waits up to a frame interval between ticks when paced: give it several.
      for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, FRAME_INTERVAL_MS + 2));
    };
    await settle();
    expect(run.iteration).toBe(0);
    expect(frames).toEqual([]);
    clock.t = 400;
    await settle();
    expect(run.iteration).toBe(20);
    clock.t = 1000;
    await settle();
    expect(run.iteration).toBe(50);
    expect(driver.stepped).toHaveLength(50);
    // Frames (at most one per frame interval of this clock) only when there is something new,
    // and together every iteration sent once.
    expect(frames.length).toBeGreaterThan(0);
    let next = 0;
    for (const f of frames) {
      expect(f.lanes[0]!.from).toBe(next);
      expect(f.lanes[0]!.loss.length).toBeGreaterThan(0);
      next += f.lanes[0]!.loss.length;
    }

    // Unlimited from now on: the rest of the run goes at once, on the same frozen clock.
    run.setSpeed(0);
    await settle();
    expect(run.iteration).toBe(200);
    expect(frames.at(-1)).toMatchObject({ iteration: 200, status: 'done' });
    expect(frames.reduce((sum, f) => sum + f.lanes[0]!.loss.length, 0)).toBe(201); // iteration 0 plus 200 steps
    run.dispose();
  });

  it('should stop where a step throws, send what was done and say why, and step no more', async () => {
    const clock = { t: 0 };
    const driver = new SlowLanes(clock, 2, 0);
    const failing = driver.stepLane.bind(driver);
    driver.stepLane = (i) => {
      if (driver.stepped.length === 7) throw new Error('a lane worker is gone: its thread stopped (exit code 1)');
      failing(i);
    };
    const messages: EngineMessage[] = [];
    const run = new Run('f', { lab: 'regression', maxIterations: 100, itersPerSecond: 0, paused: false }, driver, 'cpu', (m) => messages.push(m), () => clock.t);
    run.start();
    for (let i = 0; i < 5; i++) await tick();
    // Three whole iterations and one lane of the fourth: the frames stop at iteration 3, stopped.
    expect(run.status).toBe('stopped');
    expect(driver.stepped).toHaveLength(7);
    const frames = messages.filter((m): m is RegressionFrame => m.type === 'frame');
    expect(frames.at(-1)).toMatchObject({ status: 'stopped', iteration: 3 });
    expect(frames.reduce((sum, f) => sum + f.lanes[0]!.loss.length, 0)).toBe(4);
    expect(messages.at(-1)).toEqual({ type: 'error', runId: 'f', error: { name: 'Error', message: 'a lane worker is gone: its thread stopped (exit code 1)' } });
    run.control('step'); // a stopped run takes no more steps
    expect(driver.stepped).toHaveLength(7);
    run.dispose();
  });
});
