/** `descent surface` through main(): JSON against known answers, the gradient check, argument and formula errors. */
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

async function json(args: string[]) {
  const { code, out, err } = await cli(['surface', ...args, '--backend', 'cpu', '--json']);
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe('descent surface', () => {
  it('should take Adam to Rosenbrock\u2019s minimum and print the final point, the gradient check, the nearest minimum and the path', async () => {
    const r = await json(['--function', 'rosenbrock', '--optimizer', 'adam', '--lr', '0.02', '--iterations', '5000']);
    expect(r).toMatchObject({ lab: 'surface', backend: 'cpu', function: 'rosenbrock', formula: '(1 - x)^2 + 100*(y - x^2)^2', optimizer: 'adam', iterations: 5000, status: 'done', start: { x: -1.2, y: 1 } });
    expect(r.params).toEqual({ learningRate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(r.final.x).toBeCloseTo(1, 4);
    expect(r.final.y).toBeCloseTo(1, 4);
    expect(r.final.f).toBeLessThan(1e-8);
    expect(r.nearestMinimum).toMatchObject({ x: 1, y: 1, f: 0 });
    expect(r.nearestMinimum.distance).toBeLessThan(1e-4);
    expect(r.gradientCheck.autodiff).toHaveLength(2);
    expect(r.gradientCheck.relativeError).toBeLessThan(1e-3);
    expect(r.itersPerSecond).toBeGreaterThan(0);
    expect(r.history.x).toHaveLength(5001);
    expect(r.history.f[0]).toBeCloseTo(24.2, 4); // (1 + 1.2)² + 100·(1 − 1.44)² = 4.84 + 19.36
  });

  it('should descend a typed formula from --start and check its gradient against finite differences', async () => {
    // (x − 2)² + 3(y + 1)²: one gradient step of lr 0.1 from (0, 0) is (0.4, −0.6).
    const r = await json(['--formula', '(x - 2)^2 + 3*(y + 1)^2', '--start', '0,0', '--optimizer', 'gd', '--lr', '0.1', '--iterations', '1']);
    expect(r.function).toBeNull();
    expect(r.nearestMinimum).toBeUndefined();
    expect(r.history.x[1]).toBeCloseTo(0.4, 6);
    expect(r.history.y[1]).toBeCloseTo(-0.6, 6);
    // At (0.4, −0.6): ∇f = (2(0.4 − 2), 6(−0.6 + 1)) = (−3.2, 2.4).
    expect(r.gradientCheck.autodiff[0]).toBeCloseTo(-3.2, 5);
    expect(r.gradientCheck.autodiff[1]).toBeCloseTo(2.4, 5);
    // Finite differences in float64 at the lane's float32 point: exactly 2(x − 2) and 6(y + 1) there.
    expect(r.gradientCheck.finiteDifference[0]).toBeCloseTo(2 * (r.history.x[1] - 2), 8);
    expect(r.gradientCheck.finiteDifference[1]).toBeCloseTo(6 * (r.history.y[1] + 1), 8);
  });

  it('should flag the kink of abs: autodiff and finite differences disagree there', async () => {
    // |x| + y² at x = 0 exactly: finite differences average the two slopes to 0; autodiff takes one side.
    const r = await json(['--formula', 'abs(x) + y^2', '--start', '0,1', '--optimizer', 'gd', '--lr', '1e-8', '--iterations', '1']);
    expect(Math.abs(r.final.x)).toBeLessThan(1e-7);
    expect(Math.abs(r.gradientCheck.finiteDifference[0])).toBeLessThan(0.1);
    expect(Math.abs(r.gradientCheck.autodiff[0])).toBeLessThanOrEqual(1);
    expect(r.gradientCheck.relativeError).toBeGreaterThan(1e-3);
  });

  it('should print a readable summary without --json', async () => {
    const { code, out } = await cli(['surface', '--function', 'booth', '--optimizer', 'adam', '--lr', '0.2', '--iterations', '1000', '--backend', 'cpu']);
    expect(code).toBe(0);
    expect(out).toContain('f(x, y) = (x + 2*y - 7)^2 + (2*x + y - 5)^2');
    expect(out).toMatch(/final: x 1\.0000\d*, y 3\.0000\d*|final: x 1, y 3|final: x 0\.9999\d*, y 3\.0000\d*|final: x 1\.0000\d*, y 2\.9999\d*/);
    expect(out).toContain('nearest known minimum: (1, 3), f 0');
  });

  it.each([
    [['--formula', 'sine(x) + y'], "descent: unknown function 'sine' at column 1"],
    [['--formula', 'x.constructor'], 'descent: property access and indexing are not allowed at column 2'],
    [['--formula', ''], 'descent: the formula is empty'],
    [['--function', 'beale', '--formula', 'x'], 'descent: give one of --function NAME or --formula "EXPR"'],
    [[], 'descent: give one of --function NAME or --formula "EXPR"'],
    [['--function', 'nope'], 'descent: unknown function "nope"'],
    [['--function', 'beale', '--kappa', '5'], 'descent: --kappa is the bowl'],
    [['--function', 'bowl', '--kappa', '5000'], 'descent: --kappa must be a number from 1 to 1000'],
    [['--function', 'beale', '--start', '1'], 'descent: --start must be 2 numbers'],
    [['--function', 'beale', '--window', '1,0,0,1'], 'descent: --window needs XMIN < XMAX'],
    [['--function', 'beale', '--optimizer', 'lbfgs'], 'descent: unknown optimizer "lbfgs"'],
    [['--function', 'beale', '--param', 'beta9=1'], 'descent: adam has no parameter "beta9"'],
    [['--function', 'beale', '--iterations', '0'], 'descent: --iterations must be an integer from 1'],
  ])('should refuse %j with one line and exit 2', async (args, message) => {
    const { code, out, err } = await cli(['surface', ...args]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(err.startsWith(message), err).toBe(true);
  });
});
