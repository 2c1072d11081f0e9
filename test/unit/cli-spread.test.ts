/**
 * `descent spread` through main(): JSON and human output against known answers, --restarts
 * keeping the best, --init from CSV and from a previous --json result, --polish, argument errors;
 * and once through the built bundle, which must find the shipped tables on its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'descent-cli-spread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ROOT = resolve(__dirname, '../..');

/** Why `bundle` cannot stand for the current sources (main/ and the shipped tables), or undefined when it can. */
function bundleProblem(bundle: string): string | undefined {
  const name = relative(ROOT, bundle);
  if (!existsSync(bundle)) return `skipped: ${name} is missing; run \`npm run build\` first`;
  const built = statSync(bundle).mtimeMs;
  for (const dir of ['main', 'assets/reference']) {
    for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      const path = join(ROOT, dir, file);
      const stat = statSync(path);
      if (stat.isFile() && stat.mtimeMs > built) return `skipped: ${name} is older than ${relative(ROOT, path)}; run \`npm run build\` first`;
    }
  }
  return undefined;
}

async function json(args: string[]) {
  const { code, out, err } = await cli([...args, '--backend', 'cpu', '--json']);
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe('descent spread', () => {
  it('should find the icosahedron and print JSON with metrics, published values, history and the vectors', async () => {
    const r = await json(['spread', '--n', '12', '--dim', '3', '--loss', 'coulomb', '--optimizer', 'adam', '--lr', '0.01', '--iterations', '1000', '--restarts', '2', '--seed', '4']);
    expect(r).toMatchObject({ lab: 'spread', backend: 'cpu', n: 12, dim: 3, loss: 'coulomb', optimizer: 'adam', iterations: 1000, restarts: 2, status: 'done', seed: 4 });
    expect(r.params.learningRate).toBe(0.01);
    expect(Math.abs(r.final.energy - 49.165253058) / 49.165253058).toBeLessThan(1e-6);
    expect(r.final.minAngleDeg).toBeCloseTo(63.4349, 3);
    expect(r.final.nnMeanDeg).toBeCloseTo(63.4349, 3);
    expect(r.final.nnStdDeg).toBeLessThan(0.01);
    expect(r.published.thomsonEnergy).toBe(49.165253058);
    expect(r.published.tammesAngleDeg).toBe(63.4349488);
    expect(Math.abs(r.published.energyRelativeGap)).toBeLessThan(1e-6);
    expect(r.published.sources.length).toBeGreaterThan(1);
    expect(r.itersPerSecond).toBeGreaterThan(0);
    expect(r.history.loss).toHaveLength(1001);
    expect(r.history.energy[1000]).toBeCloseTo(r.final.energy, 4);
    expect(r.vectors).toHaveLength(12);
    for (const v of r.vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    expect(r.polished).toBeNull();
  });

  it('should keep the best of the restarts by the chosen loss', async () => {
    // N = 16: the seeds land in different minima (6 of 8 in the Thomson one when measured).
    const r = await json(['spread', '--n', '16', '--iterations', '1500', '--restarts', '6', '--seed', '1']);
    const energies = r.restartsFinal.map((x: { energy: number }) => x.energy);
    expect(r.final.energy).toBeCloseTo(Math.min(...energies), 9);
    expect(r.restartsFinal[r.bestRestart].energy).toBe(r.final.energy);
    expect(Math.max(...energies) - Math.min(...energies)).toBeGreaterThan(1e-3);
    expect(Math.abs(r.final.energy - 92.911655302) / 92.911655302).toBeLessThan(1e-6);
  });

  it('should print a short summary with the gap to the published optimum', async () => {
    const { code, out } = await cli(['spread', '--n', '6', '--loss', 'min-angle', '--iterations', '1500', '--backend', 'cpu']);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^backend cpu, N = 6 in 3-D, min-angle, softened from 1°, adam lr 0\.01, 1500 iterations × 1 restart at \d+ it\/s$/);
    expect(lines[1]).toMatch(/^result: min angle (89\.99\d\d|90\.000\d)°, Coulomb energy 9\.98528\d+, nearest-neighbour angle 90\.000° ± 0\.000°$/);
    expect(lines[2]).toMatch(/^published: Thomson energy 9\.985281374 \(relative gap .+\), Tammes angle 90° \(gap 0\.000\d°\)$/);
  });

  it('should run the Riesz loss in higher dimensions, where no table applies', async () => {
    const r = await json(['spread', '--n', '8', '--dim', '4', '--loss', 'riesz', '--s', '6', '--iterations', '800']);
    expect(r.s).toBe(6);
    expect(r.final.minAngleDeg).toBeCloseTo(90, 2); // the cross-polytope
    expect(r.final.loss).toBeCloseTo(r.final.rieszEnergy ** (1 / 6), 5);
    expect(r.published).toBeNull();
  });

  it('should start from --init vectors given as CSV, or as an earlier --json result', async () => {
    const csv = join(tmp, 'near-tetrahedron.csv');
    writeFileSync(csv, 'x,y,z\n1,1,1.1\n1,-1,-1\n-1,1,-1\n-1.05,-1,1\n');
    const r = await json(['spread', '--init', csv, '--loss', 'force', '--lr', '0.003', '--iterations', '1500']);
    expect(r).toMatchObject({ n: 4, dim: 3, init: csv });
    expect(Math.abs(r.final.minAngleDeg - 109.4712)).toBeLessThan(0.05);

    const first = await json(['spread', '--n', '10', '--iterations', '30']);
    const saved = join(tmp, 'first.json');
    writeFileSync(saved, JSON.stringify(first));
    const again = await json(['spread', '--init', saved, '--iterations', '1']);
    expect(again.n).toBe(10);
    expect(again.history.energy[0]).toBeCloseTo(first.final.energy, 3);
  });

  it('should polish an energy minimum in float64 with --polish', async () => {
    const r = await json(['spread', '--n', '12', '--iterations', '400', '--polish']);
    expect(Math.abs(r.final.energy - 49.165253058) / 49.165253058).toBeGreaterThan(1e-9);
    expect(Math.abs(r.polished.energy - 49.165253058) / 49.165253058).toBeLessThan(1e-10);
    expect(Math.abs(r.published.energyRelativeGap)).toBeLessThan(1e-10);
  });

  it('should fail with a one-line error and exit code 2 on bad arguments', async () => {
    const ragged = join(tmp, 'ragged.csv');
    writeFileSync(ragged, '1,0,0\n0,1\n');
    const four = join(tmp, 'four.csv');
    writeFileSync(four, '1,0,0\n0,1,0\n0,0,1\n-1,0,0\n');
    for (const args of [
      ['spread'],
      ['spread', '--n', '1'],
      ['spread', '--n', '5000'],
      ['spread', '--n', '2.5'],
      ['spread', '--n', '10', '--dim', '1'],
      ['spread', '--n', '10', '--loss', 'max'],
      ['spread', '--n', '10', '--s', '3'],
      ['spread', '--n', '10', '--loss', 'riesz', '--s', '0'],
      ['spread', '--n', '10', '--temperature', '1'],
      ['spread', '--n', '10', '--loss', 'min-angle', '--temperature', '-1'],
      ['spread', '--n', '10', '--optimizer', 'lbfgs'],
      ['spread', '--n', '10', '--lr', 'fast'],
      ['spread', '--n', '10', '--lr', '1e9'],
      ['spread', '--n', '10', '--param', 'beta9=1'],
      ['spread', '--n', '10', '--param', 'beta1'],
      ['spread', '--n', '10', '--iterations', '0'],
      ['spread', '--n', '10', '--restarts', '0'],
      ['spread', '--n', '2000', '--restarts', '8'],
      ['spread', '--n', '10', '--seed', '-1'],
      ['spread', '--n', '10', '--backend', 'quantum'],
      ['spread', '--n', '10', '--loss', 'min-angle', '--polish'],
      ['spread', '--n', '10', 'extra'],
      ['spread', '--n', '10', '--bogus'],
      ['spread', '--init', join(tmp, 'missing.csv')],
      ['spread', '--init', ragged],
      ['spread', '--n', '3', '--init', four],
      ['spread', '--dim', '2', '--init', four],
    ]) {
      const { code, err } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(err, args.join(' ')).toMatch(/^descent: /);
    }
  });

  // The bundle `npm run build` made (npm test builds first). Not built here: other test files
  // read dist/ while they run. Without a bundle as new as every source it is built from, the
  // test is skipped and says which file is newer.
  const bundle = resolve(__dirname, '../../dist/main/cli.js');
  it('should run from the built bundle and find the shipped tables there', ({ skip }) => {
    const problem = bundleProblem(bundle);
    skip(problem !== undefined, problem);
    const r = spawnSync(process.execPath, [resolve(__dirname, '../../bin/descent.js'), 'spread', '--n', '4', '--iterations', '800', '--backend', 'cpu', '--json'], {
      cwd: tmp,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.published.thomsonEnergy).toBe(3.674234614);
    expect(out.final.minAngleDeg).toBeCloseTo(109.4712, 3);
  });
});
