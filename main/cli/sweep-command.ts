/**
 * `descent sweep LAB` — one optimizer over a grid of one or two of its hyper-parameters, every
 * cell run as one batched computation (main/engine/tune/):
 *   descent sweep surface|regression|spread [the lab's problem options] --optimizer NAME
 *         --sweep NAME=LO..HI[:log] --cells K [--sweep2 NAME=LO..HI[:log] --cells2 K2]
 *         [--param NAME=VALUE …] --iterations N [--tolerance T] [--seed K] [--backend B] [--json]
 * Prints (or with --json gives) the axes, the final loss of every cell, the best cell's
 * settings and loss, and cell-steps per second.
 */
import { parseArgs } from 'node:util';
import { parseDecimal } from '../protocol/decimal';
import { LIMITS } from '../protocol/limits';
import { OPTIMIZER_NAMES } from '../protocol/optimizers';
import { SPREAD_DEFAULT_LEARNING_RATE } from '../protocol/spread';
import { SWEEP_LIMITS, spreadSweepSizeProblem, sweepAxisProblem, type SweepAxisSpec, type SweepResult } from '../protocol/sweep';
import { createSweepProblem, useSweepBackend, type SweepLabProblem } from '../engine/tune/sweep-labs';
import { runSweep } from '../engine/tune/sweep';
import { decimal, integer, joinNegativeValues, optimizerOptions, UsageError } from './args';
import { readDatasetOptions } from './regression-data';
import { SPREAD_PROBLEM_OPTIONS, SPREAD_PROBLEM_USAGE, spreadProblemOptions } from './spread-command';
import { createSurfaceLab, SURFACE_PROBLEM_OPTIONS, SURFACE_PROBLEM_USAGE, surfaceProblemOptions } from './surface-problem';

export const SWEEP_LABS = ['surface', 'regression', 'spread'] as const;

export const SWEEP_USAGE = `usage: descent sweep surface ${SURFACE_PROBLEM_USAGE} | regression [--csv FILE] [--x COL --y COL] [--normalize] [--init-slope A --init-intercept B] [--seed K] | spread ${SPREAD_PROBLEM_USAGE} (N·D ≤ ${SWEEP_LIMITS.maxSpreadCellSize}); then --optimizer ${OPTIMIZER_NAMES.join('|')} --sweep NAME=LO..HI[:log] --cells K [--sweep2 NAME=LO..HI[:log] --cells2 K2] [--param NAME=VALUE] --iterations N [--tolerance T] [--backend tensorflow|wasm|cpu] [--json]`;

/** "NAME=LO..HI[:log]" with its cell count, checked against the optimizer (one line naming the flag). */
function axisOption(value: string, flag: string, cells: number, optimizer: (typeof OPTIMIZER_NAMES)[number]): SweepAxisSpec {
  const m = /^([A-Za-z0-9]+)=(.+?)\.\.(.+?)(:log)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} must look like NAME=LO..HI or NAME=LO..HI:log, got "${value}"`);
  const lo = parseDecimal(m[2]!.trim());
  const hi = parseDecimal(m[3]!.trim());
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new UsageError(`${flag}: LO and HI must be numbers, got "${m[2]}..${m[3]}"`);
  const axis = { name: m[1]!, lo, hi, log: m[4] !== undefined, cells };
  const problem = sweepAxisProblem(optimizer, axis);
  if (problem) throw new UsageError(`${flag} ${problem}`);
  return axis;
}

export async function sweepCommand(args: string[]): Promise<void> {
  const [lab, ...rest] = args;
  if (lab !== 'surface' && lab !== 'regression' && lab !== 'spread') throw new UsageError(`descent sweep needs a lab first: ${SWEEP_LABS.join(', ')}, got "${lab ?? ''}"`);
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(rest),
    allowPositionals: true,
    options: {
      ...SURFACE_PROBLEM_OPTIONS,
      ...SPREAD_PROBLEM_OPTIONS,
      loss: { type: 'string' }, // (the spread lab's default, coulomb, is given by spreadProblemOptions)
      csv: { type: 'string' },
      x: { type: 'string' },
      y: { type: 'string' },
      normalize: { type: 'boolean' },
      'init-slope': { type: 'string' },
      'init-intercept': { type: 'string' },
      optimizer: { type: 'string', default: 'adam' },
      param: { type: 'string', multiple: true },
      sweep: { type: 'string' },
      cells: { type: 'string', default: '20' },
      sweep2: { type: 'string' },
      cells2: { type: 'string', default: '20' },
      iterations: { type: 'string', default: '1000' },
      tolerance: { type: 'string' },
      seed: { type: 'string', default: '1' },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const labFlags = {
    surface: ['function', 'formula', 'kappa', 'start', 'window'],
    regression: ['csv', 'x', 'y', 'normalize', 'init-slope', 'init-intercept'],
    spread: ['n', 'dim', 'loss', 's', 'temperature', 'init'],
  } as const;
  for (const other of SWEEP_LABS) {
    if (other === lab) continue;
    for (const flag of labFlags[other]) if (values[flag] !== undefined) throw new UsageError(`--${flag} is not an option of the ${lab} lab's sweep`);
  }
  // A learning rate not swept is the lab's own command's default (the Spread lab's 0.01).
  const { optimizer, params } = optimizerOptions(values.optimizer!, undefined, values.param, lab === 'spread' ? { learningRate: SPREAD_DEFAULT_LEARNING_RATE } : {});
  if (values.sweep === undefined) throw new UsageError('--sweep NAME=LO..HI[:log] is required (e.g. --sweep learningRate=1e-4..1:log)');
  const perAxis = (flag: string, v: string) => integer(v, flag, 1, SWEEP_LIMITS.maxCellsPerAxis)!;
  const axes = [axisOption(values.sweep, '--sweep', perAxis('--cells', values.cells!), optimizer)];
  if (values.sweep2 !== undefined) axes.push(axisOption(values.sweep2, '--sweep2', perAxis('--cells2', values.cells2!), optimizer));
  if (axes.length === 2 && axes[0]!.name === axes[1]!.name) throw new UsageError(`--sweep and --sweep2 both sweep ${axes[0]!.name}`);
  const iterations = integer(values.iterations, '--iterations', 1, LIMITS.maxIterations)!;
  const tolerance = decimal(values.tolerance, '--tolerance', 0, LIMITS.maxAbsValue);
  const seed = integer(values.seed, '--seed', 0, 2 ** 31 - 1)!;

  let spec: SweepLabProblem;
  let described: Record<string, unknown>;
  if (lab === 'surface') {
    const { fn, window, start } = surfaceProblemOptions(values);
    const check = await createSurfaceLab(fn, start); // a bad formula: one line, what and where
    described = { function: fn.kind === 'preset' ? fn.preset : null, formula: check.formula.text, window, start };
    check.dispose();
    spec = { lab, fn, start };
  } else if (lab === 'spread') {
    const o = spreadProblemOptions(values);
    const size = spreadSweepSizeProblem(o.n, o.dim);
    if (size) throw new UsageError(size);
    const loss = { loss: o.loss, s: o.s, temperatureDeg: o.temperatureDeg };
    described = { n: o.n, dim: o.dim, init: o.init?.file ?? null, loss: o.loss, s: o.loss === 'riesz' ? o.s : null, temperatureDeg: o.temperatureDeg, seed: o.seed };
    spec = { lab, problem: { n: o.n, dim: o.dim, ...(o.init ? { init: o.init.vectors } : {}) }, loss, seed: o.seed };
  } else {
    const { path, dataset } = readDatasetOptions(values.csv, values.x, values.y);
    const initSlope = decimal(values['init-slope'], '--init-slope', -LIMITS.maxAbsValue, LIMITS.maxAbsValue) ?? 0;
    const initIntercept = decimal(values['init-intercept'], '--init-intercept', -LIMITS.maxAbsValue, LIMITS.maxAbsValue) ?? 0;
    described = { data: { file: path, x: dataset.xColumn, y: dataset.yColumn, rows: dataset.x.length }, normalize: values.normalize ?? false, init: { slope: initSlope, intercept: initIntercept }, seed };
    spec = { lab, problem: { x: dataset.x, y: dataset.y, normalize: values.normalize ?? false, initSlope, initIntercept }, seed };
  }
  let backend;
  try {
    backend = await useSweepBackend(lab, values.backend ?? process.env.DESCENT_BACKEND);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const problem = await createSweepProblem(spec, optimizer, params);
  let result: SweepResult;
  try {
    result = (await runSweep(problem, { optimizer, params, axes }, { iterations, tolerance }))!;
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message); // the memory limit, named
    throw e;
  } finally {
    problem.dispose();
  }
  const columns = axes[1]?.cells ?? 1;
  const grid = <T>(flat: ArrayLike<number>, map: (v: number) => T): T[][] =>
    Array.from({ length: axes[0]!.cells }, (_, i) => Array.from({ length: columns }, (_, j) => map(flat[i * columns + j]!)));
  const best =
    result.best === undefined
      ? null
      : { ...result.cellParams[result.best]!, finalLoss: result.finalLoss[result.best]!, cell: axes.length === 2 ? [Math.floor(result.best / columns), result.best % columns] : [result.best] };
  const out = {
    lab: `sweep ${lab}`,
    backend,
    ...described,
    optimizer,
    params,
    iterations,
    axes: result.axes.map((a) => ({ name: a.name, log: a.log, values: a.values })),
    // A diverged cell's loss is null (JSON has no NaN).
    finalLoss: grid(result.finalLoss, (v) => (Number.isFinite(v) ? v : null)),
    ...(result.itersToTolerance ? { tolerance, itersToTolerance: grid(result.itersToTolerance, (v) => (v < 0 ? null : v)) } : {}),
    best,
    cellStepsPerSecond: result.cellStepsPerSecond,
    seconds: result.seconds,
  };
  if (values.json) {
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const g = (v: number | null) => (v === null ? 'diverged' : v.toPrecision(3));
  console.log(
    `backend ${backend}, sweep ${lab}, ${optimizer}: ${result.finalLoss.length} cells × ${iterations} iterations in ${result.seconds.toFixed(2)} s (${Math.round(result.cellStepsPerSecond).toLocaleString('en-US')} cell-steps/s)`,
  );
  console.log(best ? `best: ${Object.entries(result.cellParams[result.best!]!).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}; final loss ${g(best.finalLoss)}` : 'best: every cell diverged');
  console.log(`final loss (rows: ${axes[0]!.name}${axes[1] ? `; columns: ${axes[1].name}` : ''}):`);
  out.finalLoss.forEach((row, i) => console.log(`  ${result.axes[0]!.values[i]!.toPrecision(3).padStart(9)}  ${row.map((v) => g(v).padStart(9)).join(' ')}`));
}
