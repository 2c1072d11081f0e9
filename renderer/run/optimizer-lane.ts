/**
 * A lane as the user sets it: an optimizer with its hyper-parameters, its learning-rate
 * schedule and a colour. Labs extend it with their own per-lane settings (the spread lab's loss).
 */
import { isOptimizerName, OPTIMIZER_SPECS, type OptimizerName } from '../../main/protocol/optimizers';
import { CONSTANT_SCHEDULE, isScheduleName, resolveSchedule, type Schedule } from '../../main/protocol/schedules';
import { nextLaneColour } from './lane-palette';

export interface OptimizerLane {
  id: string;
  optimizer: OptimizerName;
  params: Record<string, number>;
  schedule: Schedule;
  colour: string;
}

let laneCounter = 0;

export function makeOptimizerLane(
  optimizer: OptimizerName,
  usedColours: readonly string[],
  overrides: Record<string, number> = {},
  schedule: Schedule = CONSTANT_SCHEDULE,
): OptimizerLane {
  return {
    id: `lane-${++laneCounter}`,
    optimizer,
    params: { ...defaultParams(optimizer), ...overrides },
    schedule: copySchedule(schedule),
    colour: nextLaneColour(usedColours),
  };
}

export function copySchedule(s: Schedule): Schedule {
  return { name: s.name, params: { ...s.params }, warmup: s.warmup };
}

export function sameSchedule(a: Schedule, b: Schedule): boolean {
  return a.name === b.name && a.warmup === b.warmup && sameParams(a.params, b.params);
}

/** The fields of an optimizer lane's request (each lab adds its own and the label). */
export function optimizerLaneRequest(lane: OptimizerLane): { id: string; optimizer: OptimizerName; params: Record<string, number>; schedule: Schedule } {
  return { id: lane.id, optimizer: lane.optimizer, params: { ...lane.params }, schedule: copySchedule(lane.schedule) };
}

export function defaultParams(optimizer: OptimizerName): Record<string, number> {
  return Object.fromEntries(OPTIMIZER_SPECS[optimizer].params.map((p) => [p.name, p.default]));
}

/** The longest label a lane request may carry (its schema's limit). */
const MAX_LABEL = 80;

/** A label within the request's limit (the end cut to an ellipsis). */
export function clipLabel(label: string): string {
  return label.length <= MAX_LABEL ? label : `${label.slice(0, MAX_LABEL - 1)}…`;
}

/** "Adam (lr 0.1)", "Adam (lr 0.1, warm-up 50, cosine)": the schedule named when it is not plain constant. */
export function optimizerLaneLabel(lane: Pick<OptimizerLane, 'optimizer' | 'params'> & { schedule?: Schedule }): string {
  const lr = lane.params['learningRate'];
  const parts = lr === undefined ? [] : [`lr ${lr}`];
  const s = lane.schedule;
  if (s && s.warmup > 0) parts.push(`warm-up ${s.warmup}`);
  if (s && s.name !== 'constant') parts.push(s.name);
  return clipLabel(parts.length ? `${OPTIMIZER_SPECS[lane.optimizer].label} (${parts.join(', ')})` : OPTIMIZER_SPECS[lane.optimizer].label);
}

export function sameParams(a: Record<string, number>, b: Record<string, number>): boolean {
  return Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => Object.is(a[k], b[k]));
}

/** Same lanes in the same order with the same optimizers, hyper-parameters and schedules. */
export function sameOptimizerLanes(a: readonly OptimizerLane[], b: readonly OptimizerLane[]): boolean {
  return a.length === b.length && a.every((l, i) => l.id === b[i]!.id && l.optimizer === b[i]!.optimizer && sameParams(l.params, b[i]!.params) && sameSchedule(l.schedule, b[i]!.schedule));
}

/** A lane's schedule from a session file; sessions from before schedules have none, and get `fallback`. */
function checkSchedule(v: unknown, where: string, fallback: Schedule): Schedule {
  if (v === undefined || v === null) return copySchedule(fallback);
  const s = v as Partial<Schedule>;
  if (typeof s !== 'object' || typeof s.name !== 'string' || !isScheduleName(s.name)) throw new Error(`${where}: unknown schedule ${String(s?.name)}`);
  if (typeof s.params !== 'object' || s.params === null || !Object.values(s.params).every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`${where}: schedule parameters must be numbers`);
  }
  try {
    return resolveSchedule({ name: s.name, params: s.params, warmup: s.warmup });
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

/** An optimizer lane read from a session file, checked field by field (`fallback`: the schedule of a lane saved without one). */
export function checkOptimizerLane(v: unknown, where: string, fallback: Schedule = CONSTANT_SCHEDULE): OptimizerLane {
  const l = v as Partial<OptimizerLane> | null;
  if (typeof l !== 'object' || l === null) throw new Error(`${where} is not a lane`);
  if (typeof l.id !== 'string' || !l.id) throw new Error(`${where} has no id`);
  if (typeof l.optimizer !== 'string' || !isOptimizerName(l.optimizer)) throw new Error(`${where}: unknown optimizer ${String(l.optimizer)}`);
  if (typeof l.params !== 'object' || l.params === null || !Object.values(l.params).every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`${where}: hyper-parameters must be numbers`);
  }
  if (typeof l.colour !== 'string' || !/^#[0-9a-f]{3,8}$/i.test(l.colour)) throw new Error(`${where}: bad colour`);
  return { id: l.id, optimizer: l.optimizer, params: { ...l.params }, schedule: checkSchedule(l.schedule, where, fallback), colour: l.colour };
}
