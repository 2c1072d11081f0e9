/**
 * What every `descent` command shares when it reads its arguments: the usage error (printed as
 * one line, exit status 2), number and integer flags, and negative numbers as option values.
 */
import { parseDecimal } from '../protocol/decimal';
import { LIMITS } from '../protocol/limits';
import { OPTIMIZER_NAMES, isOptimizerName, resolveHyperParams, type OptimizerName } from '../protocol/optimizers';
import { CONSTANT_SCHEDULE, MAX_WARMUP, SCHEDULE_NAMES, isScheduleName, isScheduleParam, resolveSchedule, type Schedule } from '../protocol/schedules';

/** Bad arguments: main prints the message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A plain decimal (no hex, no "Infinity") in [min, max]; undefined when the flag is absent. */
export function decimal(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = parseDecimal(value);
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** A whole number in [min, max]; undefined when the flag is absent. */
export function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^[-+]?\d+$/.test(value.trim()) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** parseArgs reads "-180" as a flag; join a negative number to its option as --opt=-180. */
export function joinNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && /^-\d|^-\.\d|^-Infinity$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** The schedule flags every optimizer command takes (node:util parseArgs options). */
export const SCHEDULE_ARG_OPTIONS = { schedule: { type: 'string' }, warmup: { type: 'string' } } as const;
export const SCHEDULE_USAGE = `[--schedule ${SCHEDULE_NAMES.join('|')}] [--warmup N]`;

/**
 * `--optimizer NAME [--lr X] [--param NAME=VALUE …] [--schedule NAME] [--warmup N]` as a checked
 * optimizer, its resolved hyper-parameters (over the lab's own defaults, `base`, e.g. its
 * learning rate) and its learning-rate schedule. One `--param` serves both: a schedule's
 * parameter names (stepSize, gamma, decayRate, floor, period) are no optimizer's. Without
 * `--schedule` the lab's default schedule runs (constant, or the Spread lab's cooling).
 */
export function optimizerOptions(
  name: string,
  lr: string | undefined,
  paramArgs: readonly string[] | undefined,
  base: Record<string, number> = {},
  scheduleArgs: { schedule?: string; warmup?: string } = {},
  defaultSchedule: Schedule = CONSTANT_SCHEDULE,
): { optimizer: OptimizerName; params: Record<string, number>; schedule: Schedule } {
  if (!isOptimizerName(name)) throw new UsageError(`unknown optimizer "${name}" (choose ${OPTIMIZER_NAMES.join(', ')})`);
  const given: Record<string, number> = { ...base };
  const scheduleGiven: Record<string, number> = {};
  for (const p of paramArgs ?? []) {
    const m = /^([A-Za-z0-9]+)=(.+)$/.exec(p);
    if (!m) throw new UsageError(`--param must look like NAME=VALUE, got "${p}"`);
    const value = decimal(m[2], `--param ${m[1]}`, -LIMITS.maxAbsValue, LIMITS.maxAbsValue)!;
    if (isScheduleParam(m[1]!)) scheduleGiven[m[1]!] = value;
    else given[m[1]!] = value;
  }
  if (lr !== undefined) given.learningRate = decimal(lr, '--lr', 0, LIMITS.maxAbsValue)!;
  const scheduleName = scheduleArgs.schedule;
  if (scheduleName !== undefined && !isScheduleName(scheduleName)) throw new UsageError(`unknown schedule "${scheduleName}" (choose ${SCHEDULE_NAMES.join(', ')})`);
  const warmup = integer(scheduleArgs.warmup, '--warmup', 0, MAX_WARMUP);
  try {
    const params = resolveHyperParams(name, given);
    const schedule =
      scheduleName !== undefined
        ? resolveSchedule({ name: scheduleName, params: scheduleGiven, warmup: warmup ?? 0 })
        : resolveSchedule({ name: defaultSchedule.name, params: { ...defaultSchedule.params, ...scheduleGiven }, warmup: warmup ?? defaultSchedule.warmup });
    return { optimizer: name, params, schedule };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
