/**
 * Everything the user sets for a spread run, as one plain typed object. The defaults race the
 * article's three losses and the Coulomb energy on 24 points of the 3-D sphere (a size whose
 * optimum, the snub cube, is easy to recognise), every lane with Adam from the same start.
 */
import type { SpreadRunConfig } from '../../../main/protocol/messages';
import type { OptimizerName } from '../../../main/protocol/optimizers';
import { LIMITS } from '../../../main/protocol/limits';
import { DEFAULT_SPREAD_LOSS, defaultSpreadSchedule, isSpreadLossName, SPREAD_DEFAULT_TEMPERATURE_DEG, SPREAD_LIMITS, SPREAD_LOSS_SPECS, type SpreadLossName, type SpreadLossSettings } from '../../../main/protocol/spread';
import { checkOptimizerLane, clipLabel, copySchedule, makeOptimizerLane, optimizerLaneLabel, optimizerLaneRequest, sameOptimizerLanes, sameSchedule, type OptimizerLane } from '../../run/optimizer-lane';
import { finiteNumber, lanesArray, wholeNumber } from '../../session/check-fields';
import { asRecord } from '../../session/session-parts';

export interface SpreadLaneSettings extends OptimizerLane {
  loss: SpreadLossName;
  /** Riesz exponent (riesz lanes only). */
  s: number;
  /** Start temperature of the softened minimum (min-angle losses), degrees; 0 = hard minimum. */
  temperatureDeg: number;
}

/** A start set given by the user, row-major [n, dim]. */
export interface StartVectors {
  name: string;
  n: number;
  dim: number;
  vectors: Float64Array;
}

export interface SpreadSettings {
  n: number;
  dim: number;
  /** A user's start set, or null for a seeded random start. */
  start: StartVectors | null;
  maxIterations: number;
  itersPerSecond: number;
  seed: number;
  lanes: SpreadLaneSettings[];
}

/** The engine's measured start for a softened minimum (see SPREAD_DEFAULT_TEMPERATURE_DEG). */
export const DEFAULT_TEMPERATURE_DEG = SPREAD_DEFAULT_TEMPERATURE_DEG;

export function makeSpreadLane(
  loss: SpreadLossName,
  optimizer: OptimizerName,
  usedColours: readonly string[],
  overrides: Record<string, number> = {},
  extra: Partial<Pick<SpreadLaneSettings, 's' | 'temperatureDeg' | 'schedule'>> = {},
): SpreadLaneSettings {
  const temperatureDeg = extra.temperatureDeg ?? (SPREAD_LOSS_SPECS[loss].smoothable ? DEFAULT_TEMPERATURE_DEG : 0);
  return {
    ...makeOptimizerLane(optimizer, usedColours, overrides, extra.schedule ?? defaultSpreadSchedule({ loss, temperatureDeg })),
    loss,
    s: extra.s ?? DEFAULT_SPREAD_LOSS.s,
    temperatureDeg,
  };
}

/**
 * A lane whose loss or softness changed: a lane on its old default schedule (the cooling of a
 * softened minimum, or constant) takes the new one's; a schedule the user chose stays.
 */
export function withSpreadLoss(lane: SpreadLaneSettings, change: Partial<Pick<SpreadLaneSettings, 'loss' | 'temperatureDeg'>>): SpreadLaneSettings {
  const next = { ...lane, ...change };
  const wasDefault = sameSchedule(lane.schedule, defaultSpreadSchedule(lane));
  return wasDefault ? { ...next, schedule: copySchedule(defaultSpreadSchedule(next)) } : next;
}

/** A new lane copies the last one (the usual next step is "same loss, other optimizer"). */
export function nextSpreadLane(last: SpreadLaneSettings | undefined, usedColours: readonly string[]): SpreadLaneSettings {
  if (!last) return makeSpreadLane('coulomb', 'adam', usedColours, { learningRate: 0.01 });
  return makeSpreadLane(last.loss, last.optimizer, usedColours, { ...last.params }, { s: last.s, temperatureDeg: last.temperatureDeg, schedule: last.schedule });
}

export function defaultSpreadSettings(): SpreadSettings {
  const lanes: SpreadLaneSettings[] = [];
  const add = (loss: SpreadLossName, lr: number) => lanes.push(makeSpreadLane(loss, 'adam', lanes.map((l) => l.colour), { learningRate: lr }));
  add('min-angle', 0.01);
  add('min-angle-variance', 0.01);
  add('force', 0.01);
  add('coulomb', 0.01);
  return { n: 24, dim: 3, start: null, maxIterations: 1000, itersPerSecond: 0, seed: 1, lanes };
}

export function spreadLaneLabel(lane: SpreadLaneSettings): string {
  const loss = SPREAD_LOSS_SPECS[lane.loss].label + (lane.loss === 'riesz' ? ` s=${lane.s}` : '');
  return clipLabel(`${loss} · ${optimizerLaneLabel(lane)}`);
}

export function buildSpreadRunConfig(s: SpreadSettings, paused: boolean): SpreadRunConfig {
  const start = s.start && s.start.n === s.n && s.start.dim === s.dim ? s.start.vectors : undefined;
  return {
    lab: 'spread',
    problem: { n: s.n, dim: s.dim, ...(start ? { init: start } : {}) },
    lanes: s.lanes.map((l) => ({
      ...optimizerLaneRequest(l),
      label: spreadLaneLabel(l),
      loss: l.loss,
      s: l.s,
      temperatureDeg: SPREAD_LOSS_SPECS[l.loss].smoothable ? l.temperatureDeg : 0,
    })),
    maxIterations: s.maxIterations,
    itersPerSecond: s.itersPerSecond,
    seed: s.seed,
    ...(paused ? { paused: true } : {}),
  };
}

/** Whether `now` would start the same run as `ran` did (speed aside: it applies live). */
export function sameSpreadRun(ran: SpreadSettings, now: SpreadSettings): boolean {
  return (
    ran.n === now.n &&
    ran.dim === now.dim &&
    ran.start === now.start &&
    ran.maxIterations === now.maxIterations &&
    ran.seed === now.seed &&
    sameOptimizerLanes(ran.lanes, now.lanes) &&
    ran.lanes.every((l, i) => l.loss === now.lanes[i]!.loss && l.s === now.lanes[i]!.s && l.temperatureDeg === now.lanes[i]!.temperatureDeg)
  );
}

/** Spread settings read from a session file, checked field by field. */
export function checkSpreadSettings(v: unknown): SpreadSettings {
  const s = asRecord(v, 'the spread settings');
  const L = SPREAD_LIMITS;
  let start: StartVectors | null = null;
  if (s.start !== null && s.start !== undefined) {
    const st = asRecord(s.start, 'the start vectors');
    const n = wholeNumber(st.n, 'the start set’s N', L.minVectors, L.maxVectors);
    const dim = wholeNumber(st.dim, 'the start set’s D', L.minDim, L.maxDim);
    if (!(st.vectors instanceof Float64Array) || st.vectors.length !== n * dim) throw new Error('the start vectors are damaged');
    start = { name: String(st.name ?? 'vectors'), n, dim, vectors: st.vectors };
  }
  return {
    n: wholeNumber(s.n, 'N', L.minVectors, L.maxVectors),
    dim: wholeNumber(s.dim, 'D', L.minDim, L.maxDim),
    start,
    maxIterations: wholeNumber(s.maxIterations, 'iterations', 1, LIMITS.maxIterations),
    itersPerSecond: finiteNumber(s.itersPerSecond, 'speed', 0, LIMITS.maxItersPerSecond),
    seed: wholeNumber(s.seed, 'the seed', 0, 2 ** 31 - 1),
    lanes: lanesArray(s.lanes, 'lanes', LIMITS.maxLanes).map((raw, i) => {
      const where = `lane ${i + 1}`;
      const l = asRecord(raw, where);
      const loss = checkSpreadLoss(l, where);
      // A lane saved before schedules ran as the lab then did: cooled when softened.
      return { ...checkOptimizerLane(l, where, defaultSpreadSchedule(loss)), ...loss };
    }),
  };
}

/** A loss's settings (a lane's, the sweep's) read from a session file, checked field by field. */
export function checkSpreadLoss(v: unknown, where: string): SpreadLossSettings {
  const l = asRecord(v, where);
  const L = SPREAD_LIMITS;
  if (typeof l.loss !== 'string' || !isSpreadLossName(l.loss)) throw new Error(`${where}: unknown loss ${String(l.loss)}`);
  return {
    loss: l.loss,
    s: finiteNumber(l.s, `${where}'s s`, L.minRieszS, L.maxRieszS),
    temperatureDeg: finiteNumber(l.temperatureDeg, `${where}'s softness`, 0, L.maxTemperatureDeg),
  };
}
