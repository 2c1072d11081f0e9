/**
 * `descent surface` — one optimizer over a preset or a typed formula f(x, y).
 *   descent surface (--function NAME | --formula "EXPR") [--kappa K] [--start X,Y]
 *                   [--window XMIN,XMAX,YMIN,YMAX] [--optimizer NAME] [--lr X]
 *                   [--param NAME=VALUE …] [--schedule NAME] [--warmup N] [--iterations N] [--seed K] [--backend B] [--json]
 * Prints the final point and f, the gradient check there (autodiff against float64 central
 * differences), the nearest known minimum for presets, the speed and (with --json) the path.
 */
import { parseArgs } from 'node:util';
import { LIMITS } from '../protocol/limits';
import { OPTIMIZER_NAMES, type OptimizerName } from '../protocol/optimizers';
import type { Schedule } from '../protocol/schedules';
import { gradientRelativeError, nearestMinimum, type SurfaceFunction, type SurfacePoint, type SurfaceWindow } from '../protocol/surface';
import { useBackendFor } from '../engine/backend';
import { integer, joinNegativeValues, optimizerOptions, SCHEDULE_ARG_OPTIONS, SCHEDULE_USAGE, UsageError } from './args';
import { createSurfaceLab, SURFACE_PROBLEM_OPTIONS, SURFACE_PROBLEM_USAGE, surfaceProblemOptions } from './surface-problem';

export const SURFACE_USAGE = `usage: descent surface ${SURFACE_PROBLEM_USAGE} [--optimizer ${OPTIMIZER_NAMES.join('|')}] [--lr X] [--param NAME=VALUE] ${SCHEDULE_USAGE} [--iterations N] [--seed K] [--backend tensorflow|wasm|cpu] [--json]`;

export interface SurfaceCommandOptions {
  fn: SurfaceFunction;
  window: SurfaceWindow;
  start: SurfacePoint;
  optimizer: OptimizerName;
  params: Record<string, number>;
  schedule: Schedule;
  iterations: number;
  seed: number;
  backend: string | undefined;
  json: boolean;
}

/** The command's arguments, checked (a formula is checked when it is compiled). */
export function parseSurfaceOptions(args: string[]): SurfaceCommandOptions {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(args),
    allowPositionals: true,
    options: {
      ...SURFACE_PROBLEM_OPTIONS,
      optimizer: { type: 'string', default: 'adam' },
      lr: { type: 'string' },
      param: { type: 'string', multiple: true },
      ...SCHEDULE_ARG_OPTIONS,
      iterations: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const { fn, window, start } = surfaceProblemOptions(values);
  const { optimizer, params, schedule } = optimizerOptions(values.optimizer!, values.lr, values.param, {}, values);
  const iterations = integer(values.iterations, '--iterations', 1, LIMITS.maxIterations)!;
  const seed = integer(values.seed, '--seed', 0, 2 ** 31 - 1)!;
  return { fn, window, start, optimizer, params, schedule, iterations, seed, backend: values.backend, json: values.json! };
}

export async function surfaceCommand(args: string[]): Promise<void> {
  const { fn, window, start, optimizer, params, schedule, iterations, seed, ...values } = parseSurfaceOptions(args);
  const lab = await createSurfaceLab(fn, start);
  let backend;
  try {
    backend = await useBackendFor('surface', values.backend ?? process.env.DESCENT_BACKEND);
  } catch (e) {
    lab.dispose();
    throw new UsageError((e as Error).message);
  }
  const lane = lab.createLane({ id: 'cli', optimizer, params, schedule });
  const history = { x: [start.x], y: [start.y], f: [0], learningRate: [lane.current.learningRate] };
  const t0 = performance.now();
  lab.evaluate([lane]);
  history.f[0] = lane.current.f;
  let ran = 0;
  for (; ran < iterations && lane.status === 'running'; ran++) {
    lane.step();
    lab.evaluate([lane]);
    history.x.push(lane.current.x);
    history.y.push(lane.current.y);
    history.f.push(lane.current.f);
    history.learningRate.push(lane.current.learningRate);
  }
  const elapsedMs = performance.now() - t0;
  const s = lane.current;
  const autodiff: [number, number] = [s.gx, s.gy];
  const finiteDifference: [number, number] = [s.fdx, s.fdy];
  const nearest = nearestMinimum(lab.minima, s.x, s.y);
  const result = {
    lab: 'surface',
    backend,
    function: fn.kind === 'preset' ? fn.preset : null,
    formula: lab.formula.text,
    window,
    start,
    optimizer,
    params,
    schedule,
    seed,
    iterations: ran,
    status: lane.status === 'running' ? 'done' : lane.status,
    final: { x: s.x, y: s.y, f: s.f },
    gradientCheck: { autodiff, finiteDifference, relativeError: gradientRelativeError(autodiff, finiteDifference) },
    ...(fn.kind === 'preset' ? { nearestMinimum: nearest } : {}),
    itersPerSecond: ran / (elapsedMs / 1000),
    history,
  };
  lane.dispose();
  lab.dispose();
  if (values.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const g = (v: number) => v.toPrecision(6);
  console.log(`backend ${backend}, f(x, y) = ${result.formula}, ${optimizer}, ${ran} iterations at ${result.itersPerSecond.toFixed(0)} it/s${result.status === 'diverged' ? ' (diverged)' : ''}`);
  console.log(`final: x ${g(s.x)}, y ${g(s.y)}, f ${g(s.f)}`);
  console.log(`gradient: autodiff (${g(s.gx)}, ${g(s.gy)}), finite differences (${g(s.fdx)}, ${g(s.fdy)}), relative error ${result.gradientCheck.relativeError.toExponential(2)}`);
  if (nearest) console.log(`nearest known minimum: (${nearest.x}, ${nearest.y}), f ${nearest.f}, distance ${nearest.distance.toExponential(3)}`);
}
