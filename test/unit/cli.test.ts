import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const ARTICLE_CSV = resolve(__dirname, '../../../shared/seed-data/height_v_weight.csv');


describe('descent CLI', () => {
  it('should run the article regression and print JSON with the exact answer and the loss history', async () => {
    const { code, out } = await cli([
      'regression', '--csv', ARTICLE_CSV, '--optimizer', 'gd', '--lr', '2e-5', '--iterations', '25',
      '--init-slope', '6.0411', '--init-intercept', '-180', '--backend', 'cpu', '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r).toMatchObject({ backend: 'cpu', optimizer: 'gd', iterations: 25, data: { x: 'Height', y: 'Weight', rows: 150 } });
    expect(r.loss).toHaveLength(26);
    expect(r.exact.mse).toBeCloseTo(127.1024, 3);
    expect(r.final.mse).toBeLessThan(r.exact.mse * 1.05);
    expect(r.final.intercept).toBeCloseTo(-180, 1);
    expect(r.itersPerSecond).toBeGreaterThan(0);
  });

  it('should pick columns, normalise, and converge to the least-squares line', async () => {
    const { code, out } = await cli([
      'regression', '--csv', ARTICLE_CSV, '--x', 'Height', '--y', 'Weight', '--optimizer', 'adam', '--lr', '0.01',
      '--iterations', '3000', '--normalize', '--backend', 'cpu', '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.relativeGap).toBeLessThan(1e-4);
    expect(r.final.slope).toBeCloseTo(r.exact.slope, 1);
  });

  it('should fit a model of your own with --model, beside its exact answer when it is linear', async () => {
    const { code, out } = await cli([
      'regression', '--csv', ARTICLE_CSV, '--model', 'a*x + b', '--init', 'a=6.0411', '--init', 'b=-180',
      '--optimizer', 'gd', '--lr', '2e-5', '--iterations', '25', '--backend', 'cpu', '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r).toMatchObject({ model: 'a*x + b', parameters: ['a', 'b'], linear: true, start: { a: 6.0411, b: -180 }, iterations: 25, status: 'done', exactNote: null });
    // The same exact answer as the line's path (127.1024, the article's), and the same descent.
    expect(r.exact.mse).toBeCloseTo(127.1024, 3);
    const line = JSON.parse(
      (await cli(['regression', '--csv', ARTICLE_CSV, '--optimizer', 'gd', '--lr', '2e-5', '--iterations', '25', '--init-slope', '6.0411', '--init-intercept', '-180', '--backend', 'cpu', '--json'])).out,
    );
    expect(r.exact.values.a).toBeCloseTo(line.exact.slope, 8);
    expect(r.exact.values.b).toBeCloseTo(line.exact.intercept, 6);
    expect(r.final.mse).toBeCloseTo(line.final.mse, 2);
    expect(r.loss).toHaveLength(26);

    const curve = JSON.parse((await cli(['regression', '--csv', ARTICLE_CSV, '--model', 'a*exp(b*x)', '--init', 'b=0.01', '--optimizer', 'adam', '--lr', '0.01', '--iterations', '50', '--backend', 'cpu', '--json'])).out);
    expect(curve).toMatchObject({ linear: false, exact: null, exactNote: 'nonlinear', relativeGap: null, parameters: ['a', 'b'] });
    expect(curve.loss[50]).toBeLessThan(curve.loss[0]);
  });

  it('should fail with a one-line error and exit code 2 on bad arguments', async () => {
    for (const args of [
      ['regression', '--optimizer', 'lbfgs'],
      ['regression', '--lr', 'fast'],
      ['regression', '--iterations', '0'],
      ['regression', '--csv', '/no/such/file.csv'],
      ['regression', '--bogus'],
      ['regression', '--backend', 'quantum'],
      ['regression', '--seed', '-1'],
      ['regression', '--seed', '1.5'],
      ['regression', '--seed', '99999999999'],
      ['regression', '--iterations', '0x10'],
      ['regression', '--init-slope', '-1e39'],
      ['regression', '--lr', 'Infinity'],
      ['regression', '--model', 'sine(x)*a'],
      ['regression', '--model', '2*x + 1'],
      ['regression', '--model', 'a*x + b', '--init', 'c=1'],
      ['regression', '--model', 'a*x + b', '--init', 'a'],
      ['regression', '--model', 'a*x + b', '--init-slope', '2'],
      ['regression', '--model', 'a*x + b', '--normalize'],
      ['regression', '--init', 'a=1'],
      ['spreadsheet'],
    ]) {
      const { code, err } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(err).toMatch(/^descent: /);
    }
  });
});
