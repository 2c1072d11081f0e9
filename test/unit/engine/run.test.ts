/**
 * The run loop with lanes whose steps are slow (as attack steps are, ≈ 0.6 s each): a pause or
 * stop is handled between two lanes' steps, not after the whole iteration, and frames never carry
 * a lane's step from an iteration that is not finished. The lanes are plain counters on a fake
 * clock (the loop's own `now`), so the test is about the loop alone.
 */
import { describe, expect, it } from 'vitest';
import type { LabDriver, LabFrame, LabStarted } from '../../../main/engine/lab-driver';
import { Run } from '../../../main/engine/run';
import type { FrameMessage, RegressionFrame, RunStartedMessage } from '../../../main/protocol/messages';

const STEP_MS = 600;

/** Three lanes; stepping one moves the clock on by STEP_MS; each records its own step count. */
class SlowLanes implements LabDriver {
  histories: number[][] = [];
  stepped: number[] = [];
  constructor(private readonly clock: { t: number }, readonly laneCount = 3) {}
  createLanes(): void {
    this.histories = Array.from({ length: this.laneCount }, () => [0]);
  }
  stepLane(i: number): void {
    this.clock.t += STEP_MS;
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
        return { id: `l${i}`, from, loss: v, slope: v, intercept: v, status: 'running' as const };
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
    const emit = (m: RunStartedMessage | FrameMessage) => {
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
});
