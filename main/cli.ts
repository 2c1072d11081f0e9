/**
 * `descent` — run a lab headless and print the result.
 *   descent regression [--csv FILE] [--x COL --y COL] --optimizer NAME --lr X --iterations N
 *                      [--init-slope A --init-intercept B] [--normalize] [--param k=v …]
 *                      [--schedule NAME] [--warmup N]
 *                      [--model "EXPR" [--init NAME=VALUE …]]
 *                      [--seed K] [--backend B] [--json]
 * Bad arguments: one line on stderr, exit code 2.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { parseDecimal } from './protocol/decimal';
import { LIMITS } from './protocol/messages';
import { OPTIMIZER_NAMES } from './protocol/optimizers';
import { useBackendFor } from './engine/backend';
import { RegressionLab } from './engine/labs/regression';
import { integer as optionalInteger, joinNegativeValues, optimizerOptions, SCHEDULE_ARG_OPTIONS, SCHEDULE_USAGE, UsageError } from './cli/args';
import { readDatasetOptions } from './cli/regression-data';

const USAGE = `usage: descent regression [--csv FILE] [--x COL --y COL] [--model "EXPR" [--init NAME=VALUE …]] --optimizer ${OPTIMIZER_NAMES.join('|')} --lr X --iterations N [--init-slope A] [--init-intercept B] [--normalize] [--param NAME=VALUE] ${SCHEDULE_USAGE} [--seed K] [--backend tensorflow|wasm|cpu] [--json]`;

/** A plain decimal number (no hex, no "Infinity"), within the engine's value range. */
function number(value: string | undefined, flag: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`${flag} is required`);
    return fallback;
  }
  const n = parseDecimal(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${value}"`);
  if (Math.abs(n) > LIMITS.maxAbsValue) throw new UsageError(`${flag} must be within ±${LIMITS.maxAbsValue}, got ${value}`);
  return n;
}

/** A whole number in [min, max]; every integer flag of `regression` has a default. */
function integer(value: string | undefined, flag: string, min: number, max: number): number {
  const n = optionalInteger(value, flag, min, max);
  if (n === undefined) throw new UsageError(`${flag} is required`);
  return n;
}

/** `descent regression`'s arguments, checked, and its data read (the model is checked when it is compiled). */
export function parseRegressionOptions(args: string[]) {
  const { values } = parseArgs({
    args: joinNegativeValues(args),
    options: {
      csv: { type: 'string' },
      x: { type: 'string' },
      y: { type: 'string' },
      optimizer: { type: 'string', default: 'gd' },
      lr: { type: 'string' },
      iterations: { type: 'string', default: '100' },
      'init-slope': { type: 'string' },
      'init-intercept': { type: 'string' },
      normalize: { type: 'boolean', default: false },
      model: { type: 'string' },
      init: { type: 'string', multiple: true },
      param: { type: 'string', multiple: true },
      ...SCHEDULE_ARG_OPTIONS,
      seed: { type: 'string', default: '1' },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const { optimizer, params, schedule } = optimizerOptions(values.optimizer!, values.lr, values.param, {}, values);
  const iterations = integer(values.iterations, '--iterations', 1, LIMITS.maxIterations);
  const seed = integer(values.seed, '--seed', 0, 2 ** 31 - 1);

  const { path, dataset } = readDatasetOptions(values.csv, values.x, values.y);

  const data = {
    file: path,
    x: dataset.xColumn,
    y: dataset.yColumn,
    rows: dataset.x.length,
    skippedRows: dataset.skippedCount,
    skipped: dataset.skipped.slice(0, 20),
  };
  if (values.model !== undefined) {
    for (const flag of ['init-slope', 'init-intercept', 'normalize'] as const) {
      if (values[flag] !== undefined && values[flag] !== false) throw new UsageError(`--${flag} is for the line; with --model, start the parameters with --init NAME=VALUE`);
    }
  } else if (values.init !== undefined) throw new UsageError('--init NAME=VALUE starts the parameters of a --model; the line starts with --init-slope and --init-intercept');
  const problem = {
    x: dataset.x,
    y: dataset.y,
    normalize: values.normalize!,
    initSlope: number(values['init-slope'], '--init-slope', 0),
    initIntercept: number(values['init-intercept'], '--init-intercept', 0),
  };
  return { values, dataset, data, problem, optimizer, params, schedule, iterations, seed };
}

async function regression(args: string[]): Promise<void> {
  const { values, dataset, data, problem, optimizer, params, schedule, iterations, seed } = parseRegressionOptions(args);
  let backend;
  try {
    backend = await useBackendFor('regression', values.backend ?? process.env.DESCENT_BACKEND);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.model !== undefined) {
    await (await import('./cli/regression-model-command')).fitModel({ model: values.model, init: values.init ?? [], dataset, data, optimizer, params, schedule, iterations, seed, backend, json: values.json! });
    return;
  }
  const lab = new RegressionLab(problem);
  const lane = lab.createLane({ id: 'cli', optimizer, params, schedule }, seed);
  const loss = new Float64Array(iterations + 1);
  const learningRates = new Float64Array(iterations);
  loss[0] = lane.current.loss;
  const t0 = performance.now();
  let ran = 0;
  for (; ran < iterations && lane.status === 'running'; ran++) {
    learningRates[ran] = lane.current.learningRate;
    loss[ran + 1] = lane.step().loss;
  }
  const elapsedMs = performance.now() - t0;
  const result = {
    lab: 'regression',
    backend,
    data,
    optimizer,
    params,
    schedule,
    normalize: values.normalize,
    iterations: ran,
    status: lane.status === 'running' ? 'done' : lane.status,
    final: { slope: lane.current.slope, intercept: lane.current.intercept, mse: lane.current.loss },
    exact: lab.exact,
    relativeGap: (lane.current.loss - lab.exact.mse) / lab.exact.mse,
    itersPerSecond: ran / (elapsedMs / 1000),
    loss: Array.from(loss.subarray(0, ran + 1)),
    /** The rate of each step taken (step k goes from loss[k] to loss[k + 1]). */
    learningRates: Array.from(learningRates.subarray(0, ran)),
  };
  lane.dispose();
  lab.dispose();
  if (values.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    const f = (v: number) => v.toPrecision(6);
    console.log(`backend ${backend}, ${dataset.x.length} rows (${dataset.xColumn} → ${dataset.yColumn}), ${optimizer}, ${ran} iterations at ${result.itersPerSecond.toFixed(0)} it/s`);
    console.log(`descent: slope ${f(result.final.slope)}, intercept ${f(result.final.intercept)}, MSE ${f(result.final.mse)}`);
    console.log(`exact:   slope ${f(lab.exact.slope)}, intercept ${f(lab.exact.intercept)}, MSE ${f(lab.exact.mse)}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    // Each lab's command is loaded when asked for: `descent regression` need not start image
    // decoding (sharp) or the attack and spread code.
    if (command === 'regression') await regression(rest);
    else if (command === 'attack') await (await import('./cli/attack-command')).attackCommand(rest);
    else if (command === 'classify') await (await import('./cli/classify-command')).classifyCommand(rest);
    else if (command === 'universal') await (await import('./cli/universal-command')).universalCommand(rest);
    else if (command === 'spread') await (await import('./cli/spread-command')).spreadCommand(rest);
    else if (command === 'surface') await (await import('./cli/surface-command')).surfaceCommand(rest);
    else if (command === 'lr-find') await (await import('./cli/lr-find-command')).lrFindCommand(rest);
    else if (command === 'sweep') await (await import('./cli/sweep-command')).sweepCommand(rest);
    else if (command === undefined || command === '--help' || command === '-h') {
      const [{ ATTACK_USAGE }, { CLASSIFY_USAGE }, { UNIVERSAL_USAGE }, { SPREAD_USAGE }, { SURFACE_USAGE }, { SWEEP_USAGE }, { LR_FIND_USAGE }] = await Promise.all([
        import('./cli/attack-command'),
        import('./cli/classify-command'),
        import('./cli/universal-command'),
        import('./cli/spread-command'),
        import('./cli/surface-command'),
        import('./cli/sweep-command'),
        import('./cli/lr-find-command'),
      ]);
      console.log(`${USAGE}\n${ATTACK_USAGE}\n${CLASSIFY_USAGE}\n${UNIVERSAL_USAGE}\n${SPREAD_USAGE}\n${SURFACE_USAGE}\n${SWEEP_USAGE}\n${LR_FIND_USAGE}`);
      return command === undefined ? 2 : 0;
    } else throw new UsageError(`unknown lab "${command}" (available: regression, attack, classify, universal, spread, surface, sweep, lr-find)`);
    return 0;
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`descent: ${(e as Error).message}`);
    return usage ? 2 : 1;
  } finally {
    tf.disposeVariables();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
