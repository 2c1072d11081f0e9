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
      ['spreadsheet'],
    ]) {
      const { code, err } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(err).toMatch(/^descent: /);
    }
  });
});
