/**
 * Learning-rate schedules, shared by every optimizer lane of every lab: plain data (a name, its
 * own parameters and the warm-up steps in front of it) and one pure function,
 * `learningRateAt`, that the engine steps with and the page draws with. Part of the optimizer
 * registry (optimizers.ts); parameter names never clash with an optimizer's, so the CLI takes
 * both through one `--param NAME=VALUE`.
 *
 * Iteration t is the step about to be taken (the first step is t = 0). With W warm-up steps,
 * step t < W runs at base · (t + 1) / W, and the schedule itself starts after them (at t − W):
 * - constant     base
 * - step         base · gamma^⌊t / stepSize⌋
 * - exponential  base · max(floor, decayRate^t)
 * - cosine       base · (floor + (1 − floor) · (1 + cos(π · min(t, period) / period)) / 2)
 */
import type { HyperParamSpec } from './optimizers';

export const SCHEDULE_NAMES = ['constant', 'step', 'exponential', 'cosine'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export interface ScheduleSpec {
  readonly label: string;
  readonly description: string;
  readonly params: readonly HyperParamSpec[];
}

const floor = (def: number): HyperParamSpec => ({ name: 'floor', label: 'floor (× rate)', default: def, min: 0, max: 1 });

export const SCHEDULE_SPECS: Record<ScheduleName, ScheduleSpec> = {
  constant: { label: 'constant', description: 'The same rate every step', params: [] },
  step: {
    label: 'step decay',
    description: 'The rate times gamma every stepSize steps',
    params: [
      { name: 'stepSize', label: 'every (steps)', default: 100, min: 1, max: 1e7, integer: true },
      { name: 'gamma', label: 'gamma', default: 0.5, min: 0, max: 1 },
    ],
  },
  exponential: {
    label: 'exponential',
    description: 'The rate times decayRate every step, down to floor × the rate',
    params: [{ name: 'decayRate', label: 'decay rate', default: 0.99, min: 0, max: 1 }, floor(0)],
  },
  cosine: {
    label: 'cosine',
    description: 'Half a cosine from the rate down to floor × the rate over period steps, then the floor',
    params: [{ name: 'period', label: 'period (steps)', default: 1000, min: 1, max: 1e7, integer: true }, floor(0)],
  },
};

/** A lane's schedule as requests, sessions and the CLI carry it; absent means constant. */
export interface Schedule {
  name: ScheduleName;
  /** The schedule's own parameters, by SCHEDULE_SPECS name (defaults filled in by resolveSchedule). */
  params: Record<string, number>;
  /** Steps of linear warm-up in front of the schedule (0: none). */
  warmup: number;
}

export const CONSTANT_SCHEDULE: Schedule = Object.freeze({ name: 'constant', params: Object.freeze({}) as Record<string, number>, warmup: 0 }) as Schedule;
export const MAX_WARMUP = 1e7;

export function isScheduleName(name: string): name is ScheduleName {
  return (SCHEDULE_NAMES as readonly string[]).includes(name);
}

/** Whether a parameter name belongs to some schedule (the CLI routes `--param` by it). */
export function isScheduleParam(name: string): boolean {
  return SCHEDULE_NAMES.some((s) => SCHEDULE_SPECS[s].params.some((p) => p.name === name));
}

/** Defaults filled in; throws a RangeError naming the first bad or unknown parameter. */
export function resolveSchedule(schedule: { name: ScheduleName; params?: Readonly<Record<string, number>>; warmup?: number }): Schedule {
  const spec = SCHEDULE_SPECS[schedule.name];
  const given = schedule.params ?? {};
  for (const key of Object.keys(given)) {
    if (!spec.params.some((p) => p.name === key)) {
      const takes = spec.params.length ? `it takes ${spec.params.map((p) => p.name).join(', ')}` : 'it takes none';
      throw new RangeError(`the ${schedule.name} schedule has no parameter "${key}" (${takes})`);
    }
  }
  const params: Record<string, number> = {};
  for (const p of spec.params) {
    const v = given[p.name] ?? p.default;
    if (!Number.isFinite(v) || v < p.min || v > p.max) throw new RangeError(`${schedule.name} schedule ${p.name} must be a number in [${p.min}, ${p.max}], got ${v}`);
    if (p.integer && !Number.isInteger(v)) throw new RangeError(`${schedule.name} schedule ${p.name} must be an integer, got ${v}`);
    params[p.name] = v;
  }
  const warmup = schedule.warmup ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > MAX_WARMUP) throw new RangeError(`warm-up must be a whole number of steps from 0 to ${MAX_WARMUP}, got ${warmup}`);
  return { name: schedule.name, params, warmup };
}

const param = (s: Schedule, name: string): number => s.params[name] ?? SCHEDULE_SPECS[s.name].params.find((p) => p.name === name)!.default;

/** The schedule's own factor at step t of it (no warm-up): 1 at t = 0. */
export function decayFactor(schedule: Schedule, t: number): number {
  switch (schedule.name) {
    case 'constant':
      return 1;
    case 'step':
      return param(schedule, 'gamma') ** Math.floor(t / param(schedule, 'stepSize'));
    case 'exponential':
      return Math.max(param(schedule, 'floor'), param(schedule, 'decayRate') ** t);
    case 'cosine': {
      const period = param(schedule, 'period');
      const f = param(schedule, 'floor');
      return f + ((1 - f) * (1 + Math.cos((Math.PI * Math.min(t, period)) / period))) / 2;
    }
  }
}

/** The decay part at iteration t: 1 through the warm-up, then the schedule from its own step 0. */
export function scheduleDecayAt(schedule: Schedule, iteration: number): number {
  return iteration < schedule.warmup ? 1 : decayFactor(schedule, iteration - schedule.warmup);
}

/** The learning rate of step `iteration` (0 = the first step) of a lane whose rate is `baseRate`. */
export function learningRateAt(schedule: Schedule, baseRate: number, iteration: number): number {
  if (iteration < schedule.warmup) return (baseRate * (iteration + 1)) / schedule.warmup;
  // The constant schedule returns the rate itself (no multiplication): bit for bit as before schedules.
  if (schedule.name === 'constant') return baseRate;
  return baseRate * decayFactor(schedule, iteration - schedule.warmup);
}

/** "cosine (period 1000, floor 0) after 50 warm-up steps": for labels and run cards. */
export function describeSchedule(schedule: Schedule): string {
  const own = SCHEDULE_SPECS[schedule.name].params.map((p) => `${p.name} ${param(schedule, p.name)}`);
  const head = own.length ? `${schedule.name} (${own.join(', ')})` : schedule.name;
  return schedule.warmup > 0 ? `${head} after ${schedule.warmup} warm-up steps` : head;
}

export function isConstantSchedule(schedule: Schedule | undefined): boolean {
  return !schedule || (schedule.name === 'constant' && schedule.warmup === 0);
}
