/**
 * A lane as the user sets it: an optimizer with its hyper-parameters and a colour. Labs extend
 * it with their own per-lane settings (the spread lab's loss).
 */
import { isOptimizerName, OPTIMIZER_SPECS, type OptimizerName } from '../../main/protocol/optimizers';
import { nextLaneColour } from './lane-palette';

export interface OptimizerLane {
  id: string;
  optimizer: OptimizerName;
  params: Record<string, number>;
  colour: string;
}

let laneCounter = 0;

export function makeOptimizerLane(optimizer: OptimizerName, usedColours: readonly string[], overrides: Record<string, number> = {}): OptimizerLane {
  return {
    id: `lane-${++laneCounter}`,
    optimizer,
    params: { ...defaultParams(optimizer), ...overrides },
    colour: nextLaneColour(usedColours),
  };
}

export function defaultParams(optimizer: OptimizerName): Record<string, number> {
  return Object.fromEntries(OPTIMIZER_SPECS[optimizer].params.map((p) => [p.name, p.default]));
}

export function optimizerLaneLabel(lane: OptimizerLane): string {
  const lr = lane.params['learningRate'];
  return lr === undefined ? OPTIMIZER_SPECS[lane.optimizer].label : `${OPTIMIZER_SPECS[lane.optimizer].label} (lr ${lr})`;
}

export function sameParams(a: Record<string, number>, b: Record<string, number>): boolean {
  return Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => Object.is(a[k], b[k]));
}

/** Same lanes in the same order with the same optimizers and hyper-parameters. */
export function sameOptimizerLanes(a: readonly OptimizerLane[], b: readonly OptimizerLane[]): boolean {
  return a.length === b.length && a.every((l, i) => l.id === b[i]!.id && l.optimizer === b[i]!.optimizer && sameParams(l.params, b[i]!.params));
}

/** An optimizer lane read from a session file, checked field by field. */
export function checkOptimizerLane(v: unknown, where: string): OptimizerLane {
  const l = v as Partial<OptimizerLane> | null;
  if (typeof l !== 'object' || l === null) throw new Error(`${where} is not a lane`);
  if (typeof l.id !== 'string' || !l.id) throw new Error(`${where} has no id`);
  if (typeof l.optimizer !== 'string' || !isOptimizerName(l.optimizer)) throw new Error(`${where}: unknown optimizer ${String(l.optimizer)}`);
  if (typeof l.params !== 'object' || l.params === null || !Object.values(l.params).every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`${where}: hyper-parameters must be numbers`);
  }
  if (typeof l.colour !== 'string' || !/^#[0-9a-f]{3,8}$/i.test(l.colour)) throw new Error(`${where}: bad colour`);
  return { id: l.id, optimizer: l.optimizer, params: { ...l.params }, colour: l.colour };
}
