/**
 * `descent sweep` through main(): the grid, the best cell (which `descent surface` with the
 * same settings confirms), the regression sweep against the exact answer, and the one-line
 * refusals (bad ranges, too many cells, a sweep too big for memory).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

async function json(args: string[]) {
  const { code, out, err } = await cli([...args, '--backend', 'cpu', '--json']);
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe('descent sweep', () => {
  it('sweeps Adam on Rosenbrock over a log learning rate and beta1, and its best cell is what descent surface gets with those settings', async () => {
    const r = await json(['sweep', 'surface', '--function', 'rosenbrock', '--optimizer', 'adam', '--sweep', 'learningRate=1e-3..0.1:log', '--cells', '5', '--sweep2', 'beta1=0.5..0.9', '--cells2', '3', '--iterations', '500']);
    expect(r.axes).toHaveLength(2);
    expect(r.axes[0].name).toBe('learningRate');
    expect(r.axes[0].values[0]).toBeCloseTo(1e-3, 12);
    expect(r.axes[0].values[2]).toBeCloseTo(1e-2, 12); // the log range's middle
    expect(r.axes[0].values[4]).toBe(0.1);
    expect(r.axes[1].values).toEqual([0.5, 0.7, 0.9]);
    expect(r.finalLoss).toHaveLength(5);
    expect(r.finalLoss[0]).toHaveLength(3);
    const flat = (r.finalLoss as (number | null)[][]).flat().filter((v): v is number => v !== null);
    expect(r.best.finalLoss).toBe(Math.min(...flat));
    expect(r.cellStepsPerSecond).toBeGreaterThan(0);
    const [i, j] = r.best.cell;
    expect(r.best.learningRate).toBe(r.axes[0].values[i]);
    expect(r.best.beta1).toBe(r.axes[1].values[j]);
    // the best cell as a lane of its own
    const lane = await json(['surface', '--function', 'rosenbrock', '--optimizer', 'adam', '--lr', String(r.best.learningRate), '--param', `beta1=${r.best.beta1}`, '--iterations', '500']);
    expect(Math.abs(lane.final.f - r.best.finalLoss)).toBeLessThanOrEqual(1e-5 * Math.max(1e-3, lane.final.f));
  });

  it('sweeps gradient descent on the article\u2019s data: too large a rate diverges (null), the best reaches the exact least-squares loss', async () => {
    const csv = join(__dirname, '../../../shared/seed-data/height_v_weight.csv');
    const r = await json(['sweep', 'regression', '--csv', csv, '--normalize', '--optimizer', 'gd', '--sweep', 'learningRate=0.01..3:log', '--cells', '8', '--iterations', '300', '--tolerance', '1e9']);
    const exact = await json(['regression', '--csv', csv, '--normalize', '--optimizer', 'gd', '--lr', '0.5', '--iterations', '300']);
    expect(r.finalLoss.at(-1)[0]).toBeNull(); // lr 3 on the unit bowl (curvature 2): |1 − 2·3| > 1
    expect(r.best.finalLoss).toBeCloseTo(exact.exact.mse, 6);
    expect(r.itersToTolerance[0][0]).toBe(0); // the start is under a loss of 1e9
  });

  it.each([
    [['--sweep', 'learningRate=0.1..0.01:log'], '--sweep learningRate: the range needs LO < HI, got 0.1..0.01'],
    [['--sweep', 'learningRate=0..0.1:log'], '--sweep learningRate: a log range must be positive, got 0..0.1'],
    [['--sweep', 'learningRate=0.01..0.1', '--cells', '33'], '--cells must be an integer from 1 to 32, got "33"'],
    [['--sweep', 'learningRate=0.01..0.1', '--sweep2', 'beta1=0.5..0.9', '--cells2', '40'], '--cells2 must be an integer from 1 to 32, got "40"'],
    [['--sweep', 'beta3=1..2'], '--sweep adam has no hyper-parameter "beta3" to sweep (it has learningRate, beta1, beta2, epsilon)'],
    [['--sweep', 'learningRate=fast'], '--sweep must look like NAME=LO..HI or NAME=LO..HI:log, got "learningRate=fast"'],
  ])('refuses %j in one line, exit 2', async (flags, message) => {
    const { code, out, err } = await cli(['sweep', 'surface', '--function', 'beale', ...flags]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`descent: ${message}\n`);
  });

  it('refuses a sweep too big for memory, naming the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-sweep-'));
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, 'x,y\n' + Array.from({ length: 6000 }, (_, i) => `${i % 97},${(i * 7) % 101}`).join('\n'));
    const { code, err } = await cli(['sweep', 'regression', '--csv', csv, '--optimizer', 'gd', '--sweep', 'learningRate=1e-4..1e-2:log', '--cells', '32', '--sweep2', 'learningRate=1..2', '--cells2', '32']);
    expect(code).toBe(2);
    expect(err).toBe('descent: --sweep and --sweep2 both sweep learningRate\n');
    const big = await cli(['sweep', 'regression', '--csv', csv, '--optimizer', 'momentum', '--sweep', 'learningRate=1e-4..1e-2:log', '--cells', '32', '--sweep2', 'momentum=0..0.9', '--cells2', '32', '--backend', 'cpu']);
    expect(big.code).toBe(2);
    expect(big.err.trim().split('\n')).toHaveLength(1);
    expect(big.err).toContain('over the limit of 16,777,216 (64 MiB)');
    expect(big.err).toContain('1024 cells');
  });
});
