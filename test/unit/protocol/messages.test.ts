import { describe, expect, it } from 'vitest';
import { LIMITS, parseRequest, type RegressionRunConfig, type SurfaceRunConfig } from '../../../main/protocol/messages';

const config = (): RegressionRunConfig => ({
  lab: 'regression',
  problem: { x: new Float64Array([1, 2, 3]), y: new Float64Array([2, 4, 7]), normalize: false, initSlope: 0, initIntercept: 0 },
  lanes: [{ id: 'a', optimizer: 'adam', params: { learningRate: 0.1 } }],
  maxIterations: 10,
  itersPerSecond: 0,
  seed: 1,
});

describe('protocol validation', () => {
  it('should accept a well-formed start request', () => {
    expect(parseRequest({ type: 'start', runId: 'r1', config: config() }).ok).toBe(true);
  });

  it('should reject bad requests and name the offending field', () => {
    const bad = (mutate: (c: RegressionRunConfig) => void) => {
      const c = config();
      mutate(c);
      const r = parseRequest({ type: 'start', runId: 'r1', config: c });
      return r.ok ? 'accepted' : r.error.message;
    };
    expect(bad((c) => (c.problem.initSlope = Number.NaN))).toMatch(/config\.problem\.initSlope: .*NaN/);
    expect(bad((c) => (c.problem.y = new Float64Array([1, 2])))).toMatch(/same length/);
    expect(bad((c) => (c.problem.x = new Float64Array([1, Infinity, 3])))).toMatch(/finite/);
    expect(bad((c) => (c.lanes = Array.from({ length: LIMITS.maxLanes + 1 }, (_, i) => ({ id: `l${i}`, optimizer: 'gd', params: {} }))))).toMatch(/config\.lanes/);
    expect(bad((c) => (c.lanes = [c.lanes[0]!, c.lanes[0]!]))).toMatch(/unique/);
    expect(bad((c) => ((c.lanes[0] as { optimizer: string }).optimizer = 'lbfgs'))).toMatch(/config\.lanes\.0\.optimizer/);
    expect(bad((c) => (c.maxIterations = 0))).toMatch(/maxIterations/);
    expect(bad((c) => ((c.problem as { x: unknown }).x = [1, 2, 3]))).toMatch(/Float64Array/);
    const unknown = parseRequest({ type: 'rm -rf' });
    expect(unknown.ok).toBe(false);
    expect(parseRequest(null).ok).toBe(false);
  });
});

describe('surface requests', () => {
  const surface = (): SurfaceRunConfig => ({
    lab: 'surface',
    problem: { fn: { kind: 'preset', preset: 'bowl', kappa: 10 }, start: { x: 1, y: -1 } },
    lanes: [{ id: 'a', optimizer: 'adam', params: { learningRate: 0.05 } }],
    maxIterations: 10,
    itersPerSecond: 0,
    seed: 1,
  });
  const bad = (mutate: (c: SurfaceRunConfig) => void) => {
    const c = surface();
    mutate(c);
    const r = parseRequest({ type: 'start', runId: 'r1', config: c });
    return r.ok ? 'accepted' : r.error.message;
  };

  it('should accept a preset, the bowl with its κ, and a formula (whose grammar the engine checks)', () => {
    expect(bad(() => undefined)).toBe('accepted');
    expect(bad((c) => (c.problem.fn = { kind: 'formula', formula: 'x^2 + sin(y)' }))).toBe('accepted');
  });

  it('should refuse what no function can be: unknown presets, κ out of range, long formulas, far starts, bad windows', () => {
    expect(bad((c) => (c.problem.fn = { kind: 'preset', preset: 'sombrero' as 'bowl' }))).toMatch(/config\.problem\.fn\.preset/);
    expect(bad((c) => (c.problem.fn = { kind: 'preset', preset: 'bowl', kappa: 0.5 }))).toBe('config.problem.fn.kappa: κ must be in [1, 1000]');
    expect(bad((c) => (c.problem.fn = { kind: 'formula', formula: 'x+'.repeat(251) }))).toBe('config.problem.fn.formula: the formula is longer than 500 characters');
    expect(bad((c) => (c.problem.start = { x: 1e7, y: 0 }))).toBe('config.problem.start.x: must be within ±1000000');
    expect(bad((c) => (c.problem.start = { x: Number.NaN, y: 0 }))).toMatch(/config\.problem\.start\.x/);
    const grid = (window: unknown, resolution = 50) => {
      const r = parseRequest({ type: 'surfaceGrid', requestId: 'g', fn: { kind: 'preset', preset: 'beale' }, window, resolution });
      return r.ok ? 'accepted' : r.error.message;
    };
    expect(grid({ xMin: -1, xMax: 1, yMin: -1, yMax: 1 })).toBe('accepted');
    expect(grid({ xMin: 1, xMax: -1, yMin: -1, yMax: 1 })).toBe('window: the window needs xMin < xMax and yMin < yMax');
    expect(grid({ xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, 401)).toMatch(/^resolution: /);
  });
});
