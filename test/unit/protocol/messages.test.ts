import { describe, expect, it } from 'vitest';
import { LIMITS, parseRequest, type RegressionRunConfig } from '../../../main/protocol/messages';

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
