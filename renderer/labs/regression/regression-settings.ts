/**
 * Everything the user sets for a regression run, as one plain typed object (names, not
 * functions), so it can be saved or put in a URL later. The defaults reproduce the article:
 * the height/weight sample, a start at slope 6.0411, intercept −180, and three lanes.
 */
import type { Dataset, RunConfig } from '../../../main/protocol/messages';
import { OPTIMIZER_SPECS, type OptimizerName } from '../../../main/protocol/optimizers';
import { nextLaneColour } from './lane-palette';

export interface LaneSettings {
  id: string;
  optimizer: OptimizerName;
  params: Record<string, number>;
  colour: string;
}

export interface RegressionSettings {
  initSlope: number;
  initIntercept: number;
  normalize: boolean;
  maxIterations: number;
  /** 0 = as fast as the engine goes. */
  itersPerSecond: number;
  seed: number;
  lanes: LaneSettings[];
}

let laneCounter = 0;

export function makeLane(optimizer: OptimizerName, usedColours: readonly string[], overrides: Record<string, number> = {}): LaneSettings {
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

export function defaultSettings(): RegressionSettings {
  const lanes: LaneSettings[] = [];
  const add = (o: OptimizerName, lr: number) => lanes.push(makeLane(o, lanes.map((l) => l.colour), { learningRate: lr }));
  add('gd', 2e-5);
  add('rmsprop', 0.1);
  add('adam', 0.1);
  return { initSlope: 6.0411, initIntercept: -180, normalize: false, maxIterations: 50, itersPerSecond: 60, seed: 1, lanes };
}

export function laneLabel(lane: LaneSettings): string {
  const lr = lane.params['learningRate'];
  return lr === undefined ? OPTIMIZER_SPECS[lane.optimizer].label : `${OPTIMIZER_SPECS[lane.optimizer].label} (lr ${lr})`;
}

export function buildRunConfig(s: RegressionSettings, data: Dataset, paused: boolean): RunConfig {
  return {
    lab: 'regression',
    problem: { x: data.x, y: data.y, normalize: s.normalize, initSlope: s.initSlope, initIntercept: s.initIntercept },
    lanes: s.lanes.map((l) => ({ id: l.id, optimizer: l.optimizer, params: { ...l.params }, label: laneLabel(l) })),
    maxIterations: s.maxIterations,
    itersPerSecond: s.itersPerSecond,
    seed: s.seed,
    ...(paused ? { paused: true } : {}),
  };
}

/**
 * Whether `now` would start the same run as `ran` did. Speed is left out: it is the one setting
 * sent to a run already going.
 */
export function sameRunSettings(ran: RegressionSettings, now: RegressionSettings): boolean {
  const sameParams = (a: Record<string, number>, b: Record<string, number>) =>
    Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => Object.is(a[k], b[k]));
  return (
    ran.initSlope === now.initSlope &&
    ran.initIntercept === now.initIntercept &&
    ran.normalize === now.normalize &&
    ran.maxIterations === now.maxIterations &&
    ran.seed === now.seed &&
    ran.lanes.length === now.lanes.length &&
    ran.lanes.every((l, i) => {
      const m = now.lanes[i]!;
      return l.id === m.id && l.optimizer === m.optimizer && sameParams(l.params, m.params);
    })
  );
}
