/**
 * Everything the user sets for a surface run, as one plain typed object: the function (a preset,
 * with the bowl's κ, or a formula), the window the views show, the start every lane shares,
 * and the lanes. The default is the article's closing figure: Beale, with its suggested lanes.
 */
import type { SurfaceRunConfig } from '../../../main/protocol/messages';
import { LIMITS } from '../../../main/protocol/limits';
import {
  BOWL_KAPPA,
  FORMULA_DEFAULTS,
  SURFACE_LIMITS,
  SURFACE_PRESETS,
  isSurfacePresetName,
  type SurfaceFunction,
  type SurfacePoint,
  type SurfacePresetName,
  type SurfaceWindow,
} from '../../../main/protocol/surface';
import { checkOptimizerLane, makeOptimizerLane, optimizerLaneLabel, optimizerLaneRequest, sameOptimizerLanes, type OptimizerLane } from '../../run/optimizer-lane';
import { finiteNumber, lanesArray, wholeNumber } from '../../session/check-fields';
import { asRecord } from '../../session/session-parts';

export interface SurfaceSettings {
  /** A preset, or 'formula' for the user's own. */
  source: SurfacePresetName | 'formula';
  kappa: number;
  /** The formula as typed (kept while a preset is shown, so nothing typed is lost). */
  formula: string;
  window: SurfaceWindow;
  start: SurfacePoint;
  maxIterations: number;
  itersPerSecond: number;
  seed: number;
  lanes: OptimizerLane[];
}

export const DEFAULT_FORMULA = 'x^2 + 3*y^2 + sin(3*x)*cos(2*y)';

export function surfaceFunction(s: Pick<SurfaceSettings, 'source' | 'kappa' | 'formula'>): SurfaceFunction {
  if (s.source === 'formula') return { kind: 'formula', formula: s.formula };
  return s.source === 'bowl' ? { kind: 'preset', preset: 'bowl', kappa: s.kappa } : { kind: 'preset', preset: s.source };
}

/** A preset's suggested lanes, with fresh ids and colours. */
export function suggestedLanes(preset: SurfacePresetName): OptimizerLane[] {
  const lanes: OptimizerLane[] = [];
  for (const l of SURFACE_PRESETS[preset].lanes) lanes.push(makeOptimizerLane(l.optimizer, lanes.map((x) => x.colour), l.params));
  return lanes;
}

/** Settings showing a preset: its window, standard start, iterations and suggested lanes. */
export function withPreset(s: SurfaceSettings, preset: SurfacePresetName): SurfaceSettings {
  const spec = SURFACE_PRESETS[preset];
  return { ...s, source: preset, window: { ...spec.window }, start: { ...spec.start }, maxIterations: spec.iterations, lanes: suggestedLanes(preset) };
}

export function defaultSurfaceSettings(): SurfaceSettings {
  const base: SurfaceSettings = {
    source: 'beale',
    kappa: BOWL_KAPPA.default,
    formula: DEFAULT_FORMULA,
    window: { ...FORMULA_DEFAULTS.window },
    start: { ...FORMULA_DEFAULTS.start },
    maxIterations: 1000,
    itersPerSecond: 0,
    seed: 1,
    lanes: [],
  };
  return withPreset(base, 'beale');
}

/** A new lane copies the last one's optimizer and hyper-parameters. */
export function nextSurfaceLane(last: OptimizerLane | undefined, usedColours: readonly string[]): OptimizerLane {
  return makeOptimizerLane(last?.optimizer ?? 'adam', usedColours, last ? { ...last.params } : { learningRate: 0.01 }, last?.schedule);
}

export function buildSurfaceRunConfig(s: SurfaceSettings, paused: boolean): SurfaceRunConfig {
  return {
    lab: 'surface',
    problem: { fn: surfaceFunction(s), start: { ...s.start } },
    lanes: s.lanes.map((l) => ({ ...optimizerLaneRequest(l), label: optimizerLaneLabel(l) })),
    maxIterations: s.maxIterations,
    itersPerSecond: s.itersPerSecond,
    seed: s.seed,
    ...(paused ? { paused: true } : {}),
  };
}

/** Whether `now` would start the same run as `ran` did (speed and the window aside: neither changes the run). */
export function sameSurfaceRun(ran: SurfaceSettings, now: SurfaceSettings): boolean {
  const a = surfaceFunction(ran);
  const b = surfaceFunction(now);
  return (
    JSON.stringify(a) === JSON.stringify(b) &&
    ran.start.x === now.start.x &&
    ran.start.y === now.start.y &&
    ran.maxIterations === now.maxIterations &&
    ran.seed === now.seed &&
    sameOptimizerLanes(ran.lanes, now.lanes)
  );
}

const coordinate = (v: unknown, what: string) => finiteNumber(v, what, -SURFACE_LIMITS.maxAbsCoordinate, SURFACE_LIMITS.maxAbsCoordinate);

/** Surface settings read from a session file, checked field by field. */
export function checkSurfaceSettings(v: unknown): SurfaceSettings {
  const s = asRecord(v, 'the surface settings');
  const source = s.source;
  if (typeof source !== 'string' || !(source === 'formula' || isSurfacePresetName(source))) throw new Error(`unknown function ${String(source)}`);
  if (typeof s.formula !== 'string' || s.formula.length > SURFACE_LIMITS.maxFormulaLength) throw new Error('its formula is missing or too long');
  const w = asRecord(s.window, 'the window');
  const window = { xMin: coordinate(w.xMin, 'the window'), xMax: coordinate(w.xMax, 'the window'), yMin: coordinate(w.yMin, 'the window'), yMax: coordinate(w.yMax, 'the window') };
  if (!(window.xMin < window.xMax && window.yMin < window.yMax)) throw new Error('its window is empty');
  const start = asRecord(s.start, 'the start');
  return {
    source,
    kappa: finiteNumber(s.kappa, 'κ', BOWL_KAPPA.min, BOWL_KAPPA.max),
    formula: s.formula,
    window,
    start: { x: coordinate(start.x, 'the start'), y: coordinate(start.y, 'the start') },
    maxIterations: wholeNumber(s.maxIterations, 'iterations', 1, LIMITS.maxIterations),
    itersPerSecond: finiteNumber(s.itersPerSecond, 'speed', 0, LIMITS.maxItersPerSecond),
    seed: wholeNumber(s.seed, 'the seed', 0, 2 ** 31 - 1),
    lanes: lanesArray(s.lanes, 'lanes', LIMITS.maxLanes).map((l, i) => checkOptimizerLane(l, `lane ${i + 1}`)),
  };
}
