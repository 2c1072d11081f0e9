/**
 * The page's record of a run (plain TypeScript, no DOM): histories thinned past their cap and
 * read back from a session, a damaged session run refused without touching what is shown, and
 * the timeline's cursor following a run that moves on.
 */
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../../renderer/labs/regression/run-store';
import { ThinnedHistory } from '../../../renderer/run/thinned-history';
import type { RegressionFrame, RegressionRunStarted } from '../../../main/protocol/messages';
import { CONSTANT_SCHEDULE } from '../../../main/protocol/schedules';

const KEYS = ['loss', 'slope'] as const;

function batch(from: number, n: number): Record<(typeof KEYS)[number], Float64Array> {
  return { loss: Float64Array.from({ length: n }, (_, i) => from + i), slope: Float64Array.from({ length: n }, (_, i) => -(from + i)) };
}

function started(runId: string): RegressionRunStarted {
  return { type: 'runStarted', runId, lab: 'regression', backend: 'cpu', exact: { slope: 1, intercept: 2, mse: 3 }, stats: { n: 2, sx: 0, sy: 0, sxx: 1, sxy: 0, syy: 1 }, lanes: [{ id: 'a', label: 'A', optimizer: 'adam', params: {}, schedule: CONSTANT_SCHEDULE }] };
}

function frame(runId: string, from: number, n: number, status: RegressionFrame['status'] = 'running'): RegressionFrame {
  const v = Float64Array.from({ length: n }, (_, i) => from + i);
  return { type: 'frame', runId, lab: 'regression', iteration: from + n - 1, status, itersPerSecond: 0, lanes: [{ id: 'a', from, loss: v, slope: v, intercept: v, learningRate: v, status: 'running' }] };
}

describe('thinned history', () => {
  it('should keep every iteration up to its cap, then every second, and read values back exactly', () => {
    const h = new ThinnedHistory(KEYS);
    h.append(0, batch(0, 300_000));
    expect(h.stride).toBe(2);
    expect(h.lastIteration).toBe(299_999);
    expect(h.at('loss', 299_999)).toBe(299_999); // the newest is always exact
    expect(h.at('loss', 1001)).toBe(1000); // past the cap: the entry at or before it
    const back = ThinnedHistory.load(KEYS, JSON.parse(JSON.stringify(h.save(), (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)), (_k, v) => (Array.isArray(v) && typeof v[0] === 'number' ? Float64Array.from(v) : v)));
    expect(back.at('slope', 123_456)).toBe(h.at('slope', 123_456));
    expect(back.length).toBe(h.length);
  });

  it('should read a missing series as NaN and refuse a history that cannot be one', () => {
    const saved = new ThinnedHistory(['loss'] as const);
    saved.append(0, { loss: new Float64Array([5, 4, 3]) });
    const h = ThinnedHistory.load(KEYS, saved.save());
    expect(h.at('loss', 1)).toBe(4);
    expect(h.at('slope', 1)).toBeNaN();
    expect(() => ThinnedHistory.load(KEYS, { ...saved.save(), stride: 0 })).toThrow(/damaged/);
    expect(() => ThinnedHistory.load(KEYS, { ...saved.save(), values: {} })).toThrow(/none of its series/);
  });
});

describe('run store', () => {
  it('should refuse a damaged saved run and keep showing the run it had', () => {
    const store = new RunStore();
    store.begin('r1', [{ id: 'a', label: 'A', colour: '#000000' }]);
    store.runStarted(started('r1'));
    store.frame(frame('r1', 0, 10, 'done'));
    const good = store.saveRun()!;
    const damaged = { ...good, lanes: [{ ...good.lanes[0], history: { keys: [], stride: 1, lastIteration: 3, values: {}, last: {}, first: {} } }] };
    expect(() => store.prepareRun(damaged)).toThrow();
    expect(store.phase).toBe('done');
    expect(store.lanes[0]!.history.lastIteration).toBe(9);

    const other = new RunStore();
    other.restoreRun(good);
    expect(other.phase).toBe('done');
    expect(other.runId).toBeNull(); // no engine run behind it: Run starts afresh
    expect(other.lanes[0]!.history.at('loss', 7)).toBe(7);
    expect(other.exact).toEqual({ slope: 1, intercept: 2, mse: 3 });
  });

  it('should leave the timeline when the run moves on, by a step or a resume', () => {
    const store = new RunStore();
    store.begin('r', [{ id: 'a', label: 'A', colour: '#000000' }]);
    store.runStarted(started('r'));
    store.frame(frame('r', 0, 5, 'paused'));
    store.setCursor(2);
    expect(store.shownIteration).toBe(2);
    store.frame(frame('r', 5, 0, 'paused')); // a paused frame with nothing new keeps it
    expect(store.cursor).toBe(2);
    store.frame(frame('r', 5, 1, 'paused')); // a step
    expect(store.cursor).toBeNull();
    expect(store.shownIteration).toBe(5);
    store.setCursor(1);
    store.frame(frame('r', 6, 0, 'running')); // resumed
    expect(store.cursor).toBeNull();
  });

  it('should hold a slow run’s rate between frames, measured over the last seconds, and start afresh after a pause', () => {
    const store = new RunStore();
    store.begin('r', [{ id: 'a', label: 'A', colour: '#000' }]);
    store.runStarted(started('r'));
    // The engine's figure until the page has two frames to measure between (here 0: none yet).
    store.frame(frame('r', 0, 1), 0);
    expect(store.itersPerSecond).toBe(0);
    // One iteration every 2.5 s: iterations 1 and 2 at 2.5 s and 5 s give 2 iterations in 5 s.
    store.frame(frame('r', 1, 1), 2500);
    expect(store.itersPerSecond).toBeCloseTo(0.4, 12);
    store.frame(frame('r', 2, 1), 5000);
    expect(store.itersPerSecond).toBeCloseTo(0.4, 12);
    // A frame with no new iteration (0.5 s later) keeps the rate: 2 iterations in 5.5 s.
    store.frame(frame('r', 3, 0), 5500);
    expect(store.itersPerSecond).toBeCloseTo(2 / 5.5, 12);
    // Past the window the oldest frames drop out: from 2.5 s (iteration 1) to 9 s (iteration 5), 4 in 6.5 s.
    store.frame(frame('r', 3, 3), 9000);
    expect(store.itersPerSecond).toBeCloseTo(4 / 6.5, 12);
    // Paused: the engine's figure; resumed: measured again from the first frame after.
    store.frame(frame('r', 6, 0, 'paused'), 20_000);
    store.frame(frame('r', 6, 1), 60_000);
    store.frame(frame('r', 7, 1), 61_000);
    expect(store.itersPerSecond).toBeCloseTo(1, 12);
  });
});

