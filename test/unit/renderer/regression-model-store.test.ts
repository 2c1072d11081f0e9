/**
 * The page's record of a run of a model of your own (plain TypeScript, no DOM): parameters by
 * name, the curves the frames brought and the one shown at a scrubbed iteration, a reset that
 * rewinds them, a session round trip through the binary framing, and settings that keep the
 * model (older sessions, which have none, read as the line).
 */
import { describe, expect, it } from 'vitest';
import type { RegressionFrame, RegressionRunStarted } from '../../../main/protocol/messages';
import { decodeMessage, encodeMessage } from '../../../main/protocol/codec';
import { LINE_MODEL } from '../../../main/protocol/regression-model';
import { modelKeys, RunStore } from '../../../renderer/labs/regression/run-store';
import { buildRunConfig, checkRegressionSettings, defaultSettings, sameRunSettings } from '../../../renderer/labs/regression/regression-settings';
import type { Dataset } from '../../../main/protocol/messages';

const xs = new Float64Array([0, 1, 2]);

function started(runId: string): RegressionRunStarted {
  return {
    type: 'runStarted',
    runId,
    lab: 'regression',
    backend: 'cpu',
    exact: { slope: 1, intercept: 2, mse: 3 },
    stats: { n: 2, sx: 0, sy: 0, sxx: 1, sxy: 0, syy: 1 },
    lanes: [{ id: 'a', label: 'A', optimizer: 'adam', params: {} }],
    model: { model: 'a*x^2 + loss', parameters: ['a', 'loss'], linear: true, exact: { values: [1, 2], mse: 0.5 }, exactNote: null, xs, exactCurve: new Float64Array([2, 3, 6]) },
  };
}

/** Iterations from…from+n−1 with a = iteration, loss (the parameter) = −iteration; the curve at the last. */
function frame(runId: string, from: number, n: number, status: RegressionFrame['status'] = 'running'): RegressionFrame {
  const it = Float64Array.from({ length: n }, (_, i) => from + i);
  const neg = it.map((v) => -v);
  const last = from + n - 1;
  return {
    type: 'frame',
    runId,
    lab: 'regression',
    iteration: last,
    status,
    itersPerSecond: 0,
    lanes: [{ id: 'a', from, loss: it.map((v) => 100 - v), slope: it, intercept: neg, params: [it, neg], ...(n > 0 ? { curve: xs.map((x) => last * x * x - last) } : {}), status: 'running' }],
  };
}

describe('regression model run store', () => {
  it('should keep the parameters by name (one called loss told apart) and show the curve of the iteration scrubbed to', () => {
    const store = new RunStore();
    store.begin('r', [{ id: 'a', label: 'A', colour: '#000' }]);
    store.runStarted(started('r'));
    store.frame(frame('r', 0, 1));
    store.frame(frame('r', 1, 4));
    store.frame(frame('r', 5, 5, 'done'));
    const lane = store.lanes[0]!;
    expect(modelKeys(['a', 'loss'])).toEqual(['loss', 'a', 'loss (parameter)']);
    expect(lane.model!.at('a', 7)).toBe(7);
    expect(lane.model!.at('loss (parameter)', 7)).toBe(-7);
    expect(lane.model!.at('loss', 7)).toBe(93);
    // Curves came with the frames ending at 0, 4 and 9: a scrub shows the last at or before.
    expect(lane.curves.map((c) => c.iteration)).toEqual([0, 4, 9]);
    expect(store.curveAt(lane, 3)).toEqual(new Float64Array([0, 0, 0]));
    expect(store.curveAt(lane, 6)).toEqual(new Float64Array([-4, 0, 12]));
    expect(store.curveAt(lane, 9)).toEqual(new Float64Array([-9, 0, 27]));
    // An engine reset rewinds to iteration 0: the later curves go with the history.
    store.frame(frame('r', 0, 1, 'paused'));
    expect(lane.curves.map((c) => c.iteration)).toEqual([0]);
  });

  it('should save and reopen a model run through the session framing, curves and parameters included', () => {
    const store = new RunStore();
    store.begin('r', [{ id: 'a', label: 'A', colour: '#000' }]);
    store.runStarted(started('r'));
    store.frame(frame('r', 0, 6, 'done'));
    const saved = decodeMessage(encodeMessage(store.saveRun())) as ReturnType<RunStore['saveRun']>;
    const back = new RunStore();
    back.restoreRun(saved);
    expect(back.model!.model).toBe('a*x^2 + loss');
    expect(back.model!.xs).toEqual(xs);
    expect(back.lanes[0]!.model!.at('a', 3)).toBe(3);
    expect(back.curveAt(back.lanes[0]!, 5)).toEqual(new Float64Array([-5, 0, 15]));
  });

  it('should keep the model and its starts in the settings, send them unless the model is the line, and read old sessions as the line', () => {
    const s = { ...defaultSettings(), model: 'a*exp(b*x)', init: { a: 100, b: 0.01 } };
    const back = checkRegressionSettings(JSON.parse(JSON.stringify(s)));
    expect(back.model).toBe('a*exp(b*x)');
    expect(back.init).toEqual({ a: 100, b: 0.01 });
    const { model: _m, init: _i, ...old } = s;
    expect(checkRegressionSettings(old).model).toBe(LINE_MODEL);
    expect(() => checkRegressionSettings({ ...s, init: { a: 'x' } })).toThrow(/start of a/);
    const data = { x: new Float64Array([1, 2]), y: new Float64Array([3, 4]) } as Dataset;
    expect(buildRunConfig(s, data, false).problem).toMatchObject({ model: 'a*exp(b*x)', init: { a: 100, b: 0.01 } });
    expect(buildRunConfig({ ...s, model: ' a * x + b ' }, data, false).problem.model).toBeUndefined();
    expect(sameRunSettings(s, { ...s, init: { a: 100, b: 0.02 } })).toBe(false);
    expect(sameRunSettings(s, { ...s, model: 'a*exp( b*x )' })).toBe(true);
  });
});
