/**
 * `descent lr-find regression|spread|surface [the lab's options] --optimizer NAME
 *                 [--min-lr X] [--max-lr Y] [--steps N] [--json]`
 * The learning-rate range test on one lane of the lab (its problem, optimizer and
 * hyper-parameters as the lab's own command reads them): the rate grows exponentially from
 * --min-lr (1e-7) to --max-lr (10) over --steps (100) steps from the lab's start, and the loss
 * after each step is printed with the suggested rate. The lab's --lr, --iterations and schedule
 * do not apply. Not for attacks: their step is a budget, not a rate.
 */
import { LR_FINDER } from '../protocol/lr-finder';
import { useBackendFor } from '../engine/backend';
import { findLearningRate, type FinderConfig } from '../engine/lr-find';
import { decimal, integer, UsageError } from './args';

export const LR_FIND_USAGE = 'usage: descent lr-find regression|spread|surface [the lab\u2019s options] --optimizer NAME [--min-lr X] [--max-lr Y] [--steps N] [--json]';

const OWN_FLAGS = ['--min-lr', '--max-lr', '--steps'] as const;

/** Takes lr-find's own flags out of the arguments (as --flag VALUE or --flag=VALUE); the rest are the lab's. */
function ownFlags(args: readonly string[]): { own: Record<string, string>; rest: string[] } {
  const own: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const flag = OWN_FLAGS.find((f) => a === f || a.startsWith(`${f}=`));
    if (!flag) {
      rest.push(a);
      continue;
    }
    const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    own[flag] = value;
  }
  return { own, rest };
}

export async function lrFindCommand(args: string[]): Promise<void> {
  const [lab, ...labArgs] = args;
  if (lab === 'attack') throw new UsageError('lr-find does not apply to attacks: their step is a budget in pixel levels, not a learning rate');
  if (lab !== 'regression' && lab !== 'spread' && lab !== 'surface') throw new UsageError(`lr-find takes a lab first: regression, spread or surface${lab === undefined ? '' : `, got "${lab}"`}`);
  const { own, rest } = ownFlags(labArgs);
  const minRate = decimal(own['--min-lr'], '--min-lr', 0, Number.MAX_VALUE) ?? LR_FINDER.minRate;
  const maxRate = decimal(own['--max-lr'], '--max-lr', 0, Number.MAX_VALUE) ?? LR_FINDER.maxRate;
  const steps = integer(own['--steps'], '--steps', 2, 100_000) ?? LR_FINDER.steps;
  if (!(minRate > 0)) throw new UsageError(`--min-lr must be above 0, got ${minRate}`);
  if (!(maxRate > minRate)) throw new UsageError(`--max-lr (${maxRate}) must be above --min-lr (${minRate})`);

  const { config, backendFlag, json } = await labConfig(lab, rest);
  let backend;
  try {
    backend = await useBackendFor(lab, backendFlag ?? process.env.DESCENT_BACKEND);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const lane = config.lanes[0]!;
  const result = await findLearningRate(config, lane.id, { minRate, maxRate, steps });
  if (json) {
    // A loss that blew up to ±∞ or NaN travels as a string, as JSON has no such numbers.
    const losses = result.losses.map((v) => (Number.isFinite(v) ? v : String(v)));
    process.stdout.write(JSON.stringify({ lab, backend, optimizer: lane.optimizer, params: lane.params, start: result.start, learningRates: result.learningRates, losses, suggested: result.suggested }) + '\n');
    return;
  }
  console.log(`backend ${backend}, ${lab}, ${lane.optimizer}: ${result.losses.length} steps from lr ${minRate} to ${result.learningRates.at(-1)!.toPrecision(3)}${result.losses.length < steps ? ' (the loss blew up)' : ''}`);
  console.log(`loss ${result.start.toPrecision(6)} at the start, lowest ${Math.min(...result.losses.filter(Number.isFinite)).toPrecision(6)}`);
  console.log(result.suggested === null ? 'no suggestion: the loss never fell below its start' : `suggested learning rate: ${result.suggested.toPrecision(3)}`);
}

/** The lab's problem and one lane, read by the lab's own command's parser. */
async function labConfig(lab: 'regression' | 'spread' | 'surface', args: string[]): Promise<{ config: FinderConfig; backendFlag: string | undefined; json: boolean }> {
  const run = { maxIterations: 1, itersPerSecond: 0 };
  switch (lab) {
    case 'regression': {
      const { parseRegressionOptions } = await import('../cli');
      const o = parseRegressionOptions(args);
      if (o.values.model !== undefined) throw new UsageError('lr-find fits the line: --model is not supported here');
      return { config: { lab, problem: o.problem, lanes: [{ id: 'lr-find', optimizer: o.optimizer, params: o.params }], seed: o.seed, ...run }, backendFlag: o.values.backend, json: o.values.json! };
    }
    case 'spread': {
      const { parseSpreadOptions } = await import('./spread-command');
      const o = parseSpreadOptions(args);
      if (o.restarts !== 1) throw new UsageError('lr-find runs one start: --restarts is not supported here');
      const problem = { n: o.n, dim: o.dim, ...(o.init ? { init: o.init.vectors } : {}) };
      const lane = { id: 'lr-find', optimizer: o.optimizer, params: o.params, schedule: o.schedule, loss: o.loss, s: o.s, temperatureDeg: o.temperatureDeg };
      return { config: { lab, problem, lanes: [lane], seed: o.seed, ...run }, backendFlag: o.backend, json: o.json };
    }
    case 'surface': {
      const { parseSurfaceOptions } = await import('./surface-command');
      const { createSurfaceLab } = await import('./surface-problem');
      const o = parseSurfaceOptions(args);
      // Compiled here first, so a bad formula is one line naming what and where.
      (await createSurfaceLab(o.fn, o.start)).dispose();
      return { config: { lab, problem: { fn: o.fn, start: o.start }, lanes: [{ id: 'lr-find', optimizer: o.optimizer, params: o.params }], seed: o.seed, ...run }, backendFlag: o.backend, json: o.json };
    }
  }
}
