/**
 * A lane as the user sets it: an optimizer with its hyper-parameters and a colour. Labs extend
 * it with their own per-lane settings (the spread lab's loss).
 */
import { OPTIMIZER_SPECS, type OptimizerName } from '../../main/protocol/optimizers';
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
