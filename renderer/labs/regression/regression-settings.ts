/**
 * Everything the user sets for a regression run, as one plain typed object (names, not
 * functions), so it can be saved or put in a URL later. The defaults reproduce the article:
 * the height/weight sample, a start at slope 6.0411, intercept −180, and three lanes.
 */
import type { Dataset, RegressionRunConfig } from '../../../main/protocol/messages';
import type { OptimizerName } from '../../../main/protocol/optimizers';
import { LIMITS } from '../../../main/protocol/limits';
import { isLineModel, LINE_MODEL } from '../../../main/protocol/regression-model';
import { SURFACE_LIMITS } from '../../../main/protocol/surface';
import { checkOptimizerLane, makeOptimizerLane, optimizerLaneLabel, sameOptimizerLanes, type OptimizerLane } from '../../run/optimizer-lane';
import { asRecord } from '../../session/session-parts';
import { finiteNumber, lanesArray, wholeNumber } from '../../session/check-fields';

export type LaneSettings = OptimizerLane;

export interface RegressionSettings {
  /** The model y ≈ f(x; …) as typed: `a*x + b` (the line, which keeps its own path) or any formula. */
  model: string;
  /** A model's parameters' starts by name (1 where not named); kept across edits of the model. The line starts from initSlope, initIntercept. */
  init: Record<string, number>;
  initSlope: number;
  initIntercept: number;
  normalize: boolean;
  maxIterations: number;
  /** 0 = as fast as the engine goes. */
  itersPerSecond: number;
  seed: number;
  lanes: LaneSettings[];
}

/** A new lane copies the last one's optimizer and hyper-parameters. */
export function nextLane(last: LaneSettings | undefined, usedColours: readonly string[]): LaneSettings {
  return makeOptimizerLane(last?.optimizer ?? 'adam', usedColours, last ? { ...last.params } : {});
}

export function defaultSettings(): RegressionSettings {
  const lanes: LaneSettings[] = [];
  const add = (o: OptimizerName, lr: number) => lanes.push(makeOptimizerLane(o, lanes.map((l) => l.colour), { learningRate: lr }));
  add('gd', 2e-5);
  add('rmsprop', 0.1);
  add('adam', 0.1);
  return { model: LINE_MODEL, init: {}, initSlope: 6.0411, initIntercept: -180, normalize: false, maxIterations: 50, itersPerSecond: 60, seed: 1, lanes };
}

export const laneLabel = optimizerLaneLabel;

export function buildRunConfig(s: RegressionSettings, data: Dataset, paused: boolean): RegressionRunConfig {
  return {
    lab: 'regression',
    problem: {
      x: data.x,
      y: data.y,
      normalize: s.normalize,
      initSlope: s.initSlope,
      initIntercept: s.initIntercept,
      ...(isLineModel(s.model) ? {} : { model: s.model, init: { ...s.init } }),
    },
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
  const sameInit = (a: Record<string, number>, b: Record<string, number>) => Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);
  return (
    ran.model.replace(/\s+/g, '') === now.model.replace(/\s+/g, '') &&
    (isLineModel(now.model) || sameInit(ran.init, now.init)) &&
    ran.initSlope === now.initSlope &&
    ran.initIntercept === now.initIntercept &&
    ran.normalize === now.normalize &&
    ran.maxIterations === now.maxIterations &&
    ran.seed === now.seed &&
    sameOptimizerLanes(ran.lanes, now.lanes)
  );
}

/** Regression settings read from a session file, checked field by field. */
export function checkRegressionSettings(v: unknown): RegressionSettings {
  const s = asRecord(v, 'the regression settings');
  // Sessions from before models had none: theirs is the line.
  const model = s.model ?? LINE_MODEL;
  if (typeof model !== 'string' || model.length > SURFACE_LIMITS.maxFormulaLength) throw new Error('its model is not text of at most 500 characters');
  const init = asRecord(s.init ?? {}, 'the model’s starting values');
  return {
    model,
    init: Object.fromEntries(Object.entries(init).map(([k, x]) => [k, finiteNumber(x, `the start of ${k}`, -LIMITS.maxAbsValue, LIMITS.maxAbsValue)])),
    initSlope: finiteNumber(s.initSlope, 'the starting slope', -LIMITS.maxAbsValue, LIMITS.maxAbsValue),
    initIntercept: finiteNumber(s.initIntercept, 'the starting intercept', -LIMITS.maxAbsValue, LIMITS.maxAbsValue),
    normalize: s.normalize === true,
    maxIterations: wholeNumber(s.maxIterations, 'iterations', 1, LIMITS.maxIterations),
    itersPerSecond: finiteNumber(s.itersPerSecond, 'speed', 0, LIMITS.maxItersPerSecond),
    seed: wholeNumber(s.seed, 'the seed', 0, 2 ** 31 - 1),
    lanes: lanesArray(s.lanes, 'lanes', LIMITS.maxLanes).map((l, i) => checkOptimizerLane(l, `lane ${i + 1}`)),
  };
}
