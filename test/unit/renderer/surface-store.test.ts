/**
 * The Surface lab's page side (plain TypeScript, no DOM): the gap to the known minimum the
 * chart draws, a run read back from a session file, and settings checked field by field
 * before a session may change anything.
 */
import { describe, expect, it } from 'vitest';
import type { SurfaceFrame, SurfaceRunStarted } from '../../../main/protocol/messages';
import { CONSTANT_SCHEDULE } from '../../../main/protocol/schedules';
import { buildSurfaceRunConfig, checkSurfaceSettings, defaultSurfaceSettings, sameSurfaceRun, withPreset } from '../../../renderer/labs/surface/surface-settings';
import { SurfaceStore } from '../../../renderer/labs/surface/surface-store';

const started: SurfaceRunStarted = {
  type: 'runStarted',
  runId: 'r',
  lab: 'surface',
  backend: 'cpu',
  fn: { kind: 'preset', preset: 'six-hump-camel' },
  formula: '(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2',
  start: { x: -1, y: 0.5 },
  minima: [
    { x: 0.089842, y: -0.712656, f: -1.0316285 },
    { x: -0.089842, y: 0.712656, f: -1.0316285 },
  ],
  lanes: [{ id: 'a', label: 'Adam', optimizer: 'adam', params: { learningRate: 0.02 }, schedule: CONSTANT_SCHEDULE }],
};

function frame(from: number, f: number[]): SurfaceFrame {
  const v = (k: number) => Float64Array.from(f, () => k);
  return { type: 'frame', runId: 'r', lab: 'surface', iteration: from + f.length - 1, status: 'running', itersPerSecond: 0, lanes: [{ id: 'a', from, status: 'running', x: v(1), y: v(2), f: Float64Array.from(f), gx: v(0), gy: v(0), fdx: v(0), fdy: v(0), learningRate: v(0.02) }] };
}

describe('surface store', () => {
  it('should keep f − f*, the gap the chart draws, beside f', () => {
    const store = new SurfaceStore();
    store.begin('r', [{ id: 'a', label: 'Adam', colour: '#123456' }]);
    store.runStarted(started);
    store.frame(frame(0, [0.5, -1, -1.0316]));
    const h = store.lanes[0]!.history;
    expect(h.at('f', 2)).toBe(-1.0316);
    expect(h.at('gap', 0)).toBeCloseTo(1.5316285, 12);
    expect(h.at('gap', 2)).toBeCloseTo(0.0000285, 12);
  });

  it('should read a run back from a session, and refuse a damaged one without touching what is shown', () => {
    const store = new SurfaceStore();
    store.begin('r', [{ id: 'a', label: 'Adam', colour: '#123456' }]);
    store.runStarted(started);
    store.frame({ ...frame(0, [3, 2, 1]), status: 'done' });
    const saved = store.saveRun()!;
    const other = new SurfaceStore();
    other.restoreRun(saved);
    expect(other.phase).toBe('done');
    expect(other.formula).toBe(started.formula);
    expect(other.minima).toEqual(started.minima);
    expect(other.lanes[0]!.history.at('f', 2)).toBe(1);
    expect(() => other.prepareRun({ ...saved, iteration: -1 })).toThrow('its run is damaged');
    expect(other.lanes[0]!.history.at('f', 2)).toBe(1);
  });
});

describe('surface settings', () => {
  it('should start on Beale with its suggested lanes, and run what the settings say', () => {
    const s = defaultSurfaceSettings();
    expect(s.source).toBe('beale');
    expect(s.start).toEqual({ x: 1, y: 1.5 });
    expect(s.lanes.map((l) => l.optimizer)).toEqual(['gd', 'momentum', 'rmsprop', 'adam']);
    const config = buildSurfaceRunConfig(s, true);
    expect(config).toMatchObject({ lab: 'surface', problem: { fn: { kind: 'preset', preset: 'beale' }, start: { x: 1, y: 1.5 } }, paused: true });
    const bowl = withPreset(s, 'bowl');
    expect(buildSurfaceRunConfig({ ...bowl, kappa: 250 }, false).problem.fn).toEqual({ kind: 'preset', preset: 'bowl', kappa: 250 });
    expect(sameSurfaceRun(s, { ...s, window: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, itersPerSecond: 60 })).toBe(true);
    expect(sameSurfaceRun(s, { ...s, start: { x: 0, y: 0 } })).toBe(false);
    expect(sameSurfaceRun({ ...s, source: 'formula', formula: 'x^2' }, { ...s, source: 'formula', formula: 'x^2 + y' })).toBe(false);
  });

  it('should take settings back from a session only when every field checks out', () => {
    const s = defaultSurfaceSettings();
    const copy = JSON.parse(JSON.stringify(s));
    expect(checkSurfaceSettings(copy)).toEqual(s);
    expect(() => checkSurfaceSettings({ ...copy, source: 'sombrero' })).toThrow('unknown function sombrero');
    expect(() => checkSurfaceSettings({ ...copy, formula: 'x'.repeat(501) })).toThrow('its formula is missing or too long');
    expect(() => checkSurfaceSettings({ ...copy, window: { xMin: 1, xMax: 0, yMin: 0, yMax: 1 } })).toThrow('its window is empty');
    expect(() => checkSurfaceSettings({ ...copy, start: { x: 'a', y: 0 } })).toThrow('the start must be a number');
    expect(() => checkSurfaceSettings({ ...copy, kappa: 5000 })).toThrow('κ must be a number from 1 to 1000');
    expect(() => checkSurfaceSettings({ ...copy, lanes: [] })).toThrow('lanes must hold 1 to 8 lanes');
  });
});
