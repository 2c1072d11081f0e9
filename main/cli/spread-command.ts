/**
 * `descent spread` — push N unit vectors in D dimensions apart from the command line.
 *   descent spread --n N [--dim D] [--loss min-angle|min-angle-variance|force|coulomb|riesz]
 *                  [--s S] [--temperature DEG] [--optimizer NAME] [--lr X] [--param NAME=VALUE]
 *                  [--schedule NAME] [--warmup N]
 *                  [--iterations N] [--seed K] [--restarts R] [--init FILE] [--polish]
 *                  [--backend B] [--json]
 * --restarts R runs R seeded starts side by side and keeps the best by the chosen loss. Final
 * figures are float64, computed from the best restart's float32 vectors; --polish (energies only)
 * then runs float64 descent on them to the bottom of their basin.
 */
import { readFileSync } from 'node:fs';
import { decimal, integer, joinNegativeValues, optimizerOptions, SCHEDULE_ARG_OPTIONS, SCHEDULE_USAGE, UsageError } from './args';
import { parseArgs } from 'node:util';
import { OPTIMIZER_NAMES } from '../protocol/optimizers';
import { LIMITS } from '../protocol/limits';
import type { Schedule } from '../protocol/schedules';
import {
  SPREAD_DEFAULT_LEARNING_RATE,
  SPREAD_DEFAULT_TEMPERATURE_DEG,
  SPREAD_LIMITS,
  SPREAD_LOSS_NAMES,
  SPREAD_LOSS_SPECS,
  defaultSpreadSchedule,
  isSpreadLossName,
  spreadSizeProblem,
} from '../protocol/spread';
import { useBackendFor } from '../engine/backend';
import { SpreadLab, exactSpreadMetrics, polishEnergy } from '../engine/labs/spread';
import { publishedOptimum } from '../engine/labs/spread-reference';
import { VectorsFileError, parseVectorsFile } from '../engine/labs/spread-vectors-file';

export { UsageError } from './args';

export const SPREAD_USAGE = `usage: descent spread --n N [--dim D] [--loss ${SPREAD_LOSS_NAMES.join('|')}] [--s S] [--temperature DEG] [--optimizer ${OPTIMIZER_NAMES.join('|')}] [--lr X] [--param NAME=VALUE] ${SCHEDULE_USAGE} [--iterations N] [--seed K] [--restarts R] [--init FILE.csv|FILE.json] [--polish] [--backend tensorflow|wasm|cpu] [--json]`;

/** Keeping every restart's per-iteration series costs 3 × 8 bytes per restart-iteration; past this, none. */
const MAX_HISTORY_POINTS = 4_000_000;

export interface SpreadCommandOptions {
  n: number;
  dim: number;
  init?: { file: string; vectors: Float64Array };
  loss: (typeof SPREAD_LOSS_NAMES)[number];
  s: number;
  temperatureDeg: number;
  optimizer: (typeof OPTIMIZER_NAMES)[number];
  params: Record<string, number>;
  /** The learning-rate schedule (a softened minimum's temperature follows its decay). */
  schedule: Schedule;
  iterations: number;
  seed: number;
  restarts: number;
  polish: boolean;
  backend: string | undefined;
  json: boolean;
}

export function parseSpreadOptions(args: string[]): SpreadCommandOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(args),
    allowPositionals: true,
    options: {
      ...SPREAD_PROBLEM_OPTIONS,
      optimizer: { type: 'string', default: 'adam' },
      lr: { type: 'string' },
      param: { type: 'string', multiple: true },
      ...SCHEDULE_ARG_OPTIONS,
      iterations: { type: 'string', default: '1000' },
      restarts: { type: 'string', default: '1' },
      polish: { type: 'boolean', default: false },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const restarts = integer(values.restarts, '--restarts', 1, SPREAD_LIMITS.maxRestarts)!;
  const problem = spreadProblemOptions(values, restarts);
  const { loss, temperatureDeg } = problem;
  if (values.polish && loss !== 'coulomb' && loss !== 'riesz') throw new UsageError('--polish refines an energy minimum: it applies to --loss coulomb and riesz only');
  const { optimizer, params, schedule } = optimizerOptions(
    values.optimizer!,
    values.lr,
    values.param,
    { learningRate: SPREAD_DEFAULT_LEARNING_RATE },
    values,
    defaultSpreadSchedule({ loss, temperatureDeg }),
  );
  return {
    ...problem,
    optimizer,
    params,
    schedule,
    iterations: integer(values.iterations, '--iterations', 1, LIMITS.maxIterations)!,
    restarts,
    polish: values.polish!,
    backend: values.backend,
    json: values.json!,
  };
}

/** parseArgs options of the Spread lab's problem, shared by `descent spread` and `descent sweep spread`. */
export const SPREAD_PROBLEM_OPTIONS = {
  n: { type: 'string' },
  dim: { type: 'string' },
  loss: { type: 'string', default: 'coulomb' },
  s: { type: 'string' },
  temperature: { type: 'string' },
  seed: { type: 'string', default: '1' },
  init: { type: 'string' },
} as const;

export const SPREAD_PROBLEM_USAGE = `--n N [--dim D] [--loss ${SPREAD_LOSS_NAMES.join('|')}] [--s S] [--temperature DEG] [--seed K] [--init FILE.csv|FILE.json]`;

export type SpreadProblemOptions = Pick<SpreadCommandOptions, 'n' | 'dim' | 'init' | 'loss' | 's' | 'temperatureDeg' | 'seed'>;

/** The vectors, the loss and the seed the options give (one line naming a bad flag); N², times `restarts`, within memory. */
export function spreadProblemOptions(
  values: { n?: string; dim?: string; loss?: string; s?: string; temperature?: string; seed?: string; init?: string },
  restarts = 1,
): SpreadProblemOptions {
  const loss = values.loss ?? 'coulomb';
  if (!isSpreadLossName(loss)) throw new UsageError(`unknown loss "${loss}" (choose ${SPREAD_LOSS_NAMES.join(', ')})`);
  if (values.s !== undefined && loss !== 'riesz') throw new UsageError('--s is the Riesz exponent: it applies to --loss riesz only');
  const s = decimal(values.s, '--s', SPREAD_LIMITS.minRieszS, SPREAD_LIMITS.maxRieszS) ?? 1;
  const smoothable = SPREAD_LOSS_SPECS[loss].smoothable;
  if (values.temperature !== undefined && !smoothable) throw new UsageError(`--temperature softens a minimum: it applies to ${SPREAD_LOSS_NAMES.filter((l) => SPREAD_LOSS_SPECS[l].smoothable).join(' and ')} only`);
  const temperatureDeg = decimal(values.temperature, '--temperature', 0, SPREAD_LIMITS.maxTemperatureDeg) ?? (smoothable ? SPREAD_DEFAULT_TEMPERATURE_DEG : 0);

  let init: SpreadCommandOptions['init'];
  let n = integer(values.n, '--n', SPREAD_LIMITS.minVectors, SPREAD_LIMITS.maxVectors);
  let dim = integer(values.dim, '--dim', SPREAD_LIMITS.minDim, SPREAD_LIMITS.maxDim);
  if (values.init !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.init, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${values.init}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      const set = parseVectorsFile(text, values.init);
      if (n !== undefined && n !== set.n) throw new UsageError(`--n ${n} but ${values.init} holds ${set.n} vectors`);
      if (dim !== undefined && dim !== set.dim) throw new UsageError(`--dim ${dim} but ${values.init} holds vectors of ${set.dim} numbers`);
      n = set.n;
      dim = set.dim;
      init = { file: values.init, vectors: set.vectors };
    } catch (e) {
      if (e instanceof VectorsFileError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (n === undefined) throw new UsageError('--n is required (or --init FILE of start vectors)');
  dim ??= 3;
  const size = spreadSizeProblem(n, dim, restarts);
  if (size) throw new UsageError(size);
  return { n, dim, init, loss, s, temperatureDeg, seed: integer(values.seed, '--seed', 0, 2 ** 31 - 1)! };
}


function rows(v: ArrayLike<number>, n: number, dim: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: dim }, (_, d) => v[i * dim + d]!));
}

export async function spreadCommand(args: string[]): Promise<void> {
  const o = parseSpreadOptions(args);
  let backend;
  try {
    backend = await useBackendFor('spread', o.backend ?? process.env.DESCENT_BACKEND);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { n, dim, restarts } = o;
  const lab = new SpreadLab({ n, dim, init: o.init?.vectors }, o.seed, restarts);
  const lane = lab.createLane({ id: 'cli', optimizer: o.optimizer, params: o.params, schedule: o.schedule, loss: o.loss, s: o.s, temperatureDeg: o.temperatureDeg }, o.seed);
  try {
    const keepHistory = restarts * (o.iterations + 1) <= MAX_HISTORY_POINTS;
    const series = lane.restartSeries();
    const history = keepHistory
      ? { loss: new Float64Array(restarts * (o.iterations + 1)), minAngleDeg: new Float64Array(restarts * (o.iterations + 1)), energy: new Float64Array(restarts * (o.iterations + 1)) }
      : undefined;
    const record = (k: number) => {
      if (!history) return;
      for (let r = 0; r < restarts; r++) {
        history.loss[r * (o.iterations + 1) + k] = series.losses[r]!;
        history.energy[r * (o.iterations + 1) + k] = series.energies[r]!;
        history.minAngleDeg[r * (o.iterations + 1) + k] = series.minAngleDeg(r);
      }
    };
    record(0);
    const t0 = performance.now();
    let ran = 0;
    while (ran < o.iterations && lane.status === 'running') {
      lane.step();
      record(++ran);
    }
    const elapsedMs = performance.now() - t0;

    const { all: exact, best, vectors: all } = lane.restartMetrics(o.s);
    const perRestart = n * dim;
    const vectors = all.slice(best * perRestart, (best + 1) * perRestart);
    const final = { loss: lane.restartState(best).loss, ...exact[best]! };
    const polished = o.polish ? polishEnergy(vectors, n, dim, o.loss === 'coulomb' ? 1 : o.s) : undefined;
    const polishedMetrics = polished ? exactSpreadMetrics(polished.vectors, n, dim, o.s) : undefined;
    const p = dim === 3 ? publishedOptimum(n) : undefined;
    const reported = polishedMetrics ?? final;
    const published = p
      ? {
          thomsonEnergy: p.thomsonEnergy ?? null,
          tammesAngleDeg: p.tammesAngleDeg ?? null,
          energyRelativeGap: p.thomsonEnergy !== undefined ? (reported.energy - p.thomsonEnergy) / p.thomsonEnergy : null,
          angleGapDeg: p.tammesAngleDeg !== undefined ? p.tammesAngleDeg - reported.minAngleDeg : null,
          sources: p.sources,
        }
      : null;
    const slice = (a: Float64Array) => Array.from(a.subarray(best * (o.iterations + 1), best * (o.iterations + 1) + ran + 1));
    const result = {
      lab: 'spread',
      backend,
      n,
      dim,
      init: o.init?.file ?? null,
      loss: o.loss,
      s: o.loss === 'riesz' ? o.s : null,
      temperatureDeg: o.temperatureDeg,
      optimizer: o.optimizer,
      params: lane.params,
      schedule: lane.schedule,
      seed: o.seed,
      restarts,
      iterations: ran,
      status: lane.status === 'running' ? 'done' : lane.status,
      bestRestart: best,
      final,
      restartsFinal: exact.map((m, r) => ({ loss: lane.restartState(r).loss, minAngleDeg: m.minAngleDeg, energy: m.energy })),
      polished: polished && polishedMetrics ? { steps: polished.steps, ...polishedMetrics } : null,
      published,
      itersPerSecond: ran / (elapsedMs / 1000),
      history: history ? { loss: slice(history.loss), minAngleDeg: slice(history.minAngleDeg), energy: slice(history.energy) } : null,
      vectors: rows(polished?.vectors ?? vectors, n, dim),
    };
    if (o.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return;
    }
    const soft = o.temperatureDeg > 0 ? `, softened from ${o.temperatureDeg}°` : '';
    console.log(
      `backend ${backend}, N = ${n} in ${dim}-D, ${o.loss}${o.loss === 'riesz' ? ` s = ${o.s}` : ''}${soft}, ${o.optimizer} lr ${o.params.learningRate}, ` +
        `${ran} iterations × ${restarts} restart${restarts > 1 ? 's' : ''} at ${result.itersPerSecond.toFixed(0)} it/s${result.status === 'diverged' ? ' — diverged' : ''}`,
    );
    const m = reported;
    console.log(
      `${restarts > 1 ? `best restart ${best + 1}` : 'result'}${polished ? ' (polished in float64)' : ''}: min angle ${m.minAngleDeg.toFixed(4)}°, ` +
        `Coulomb energy ${m.energy.toPrecision(11)}, nearest-neighbour angle ${m.nnMeanDeg.toFixed(3)}° ± ${m.nnStdDeg.toFixed(3)}°`,
    );
    if (published) {
      const parts: string[] = [];
      if (published.thomsonEnergy !== null) parts.push(`Thomson energy ${published.thomsonEnergy} (relative gap ${published.energyRelativeGap!.toExponential(2)})`);
      if (published.tammesAngleDeg !== null) parts.push(`Tammes angle ${published.tammesAngleDeg}° (gap ${published.angleGapDeg!.toFixed(4)}°)`);
      console.log(`published: ${parts.join(', ')}`);
    }
  } finally {
    lane.dispose();
    lab.dispose();
  }
}
