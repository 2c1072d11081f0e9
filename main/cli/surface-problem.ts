/**
 * The Surface lab's problem options, shared by `descent surface` and `descent sweep surface`:
 * (--function NAME [--kappa K] | --formula "EXPR") [--start X,Y] [--window XMIN,XMAX,YMIN,YMAX].
 */
import { parseDecimal } from '../protocol/decimal';
import {
  BOWL_KAPPA,
  FORMULA_DEFAULTS,
  SURFACE_LIMITS,
  SURFACE_PRESETS,
  SURFACE_PRESET_NAMES,
  isSurfacePresetName,
  type SurfaceFunction,
  type SurfacePoint,
  type SurfaceWindow,
} from '../protocol/surface';
import { FormulaError } from '../engine/formula/formula';
import { SurfaceLab } from '../engine/labs/surface';
import { decimal, UsageError } from './args';

export const SURFACE_PROBLEM_USAGE = `(--function ${SURFACE_PRESET_NAMES.join('|')} | --formula "EXPR") [--kappa K] [--start X,Y] [--window XMIN,XMAX,YMIN,YMAX]`;

/** parseArgs options of the problem. */
export const SURFACE_PROBLEM_OPTIONS = {
  function: { type: 'string' },
  formula: { type: 'string' },
  kappa: { type: 'string' },
  start: { type: 'string' },
  window: { type: 'string' },
} as const;

/** "a,b,…" as exactly `count` plain decimals within the coordinate range. */
function numbers(value: string, flag: string, count: number): number[] {
  const parts = value.split(',');
  const out = parts.map((p) => parseDecimal(p.trim()));
  if (parts.length !== count || !out.every((v) => Number.isFinite(v) && Math.abs(v) <= SURFACE_LIMITS.maxAbsCoordinate)) {
    throw new UsageError(`${flag} must be ${count} numbers separated by commas (within ±${SURFACE_LIMITS.maxAbsCoordinate}), got "${value}"`);
  }
  return out;
}

/** The function, its window and the start the options give (a preset's own unless told otherwise). */
export function surfaceProblemOptions(values: { function?: string; formula?: string; kappa?: string; start?: string; window?: string }): {
  fn: SurfaceFunction;
  window: SurfaceWindow;
  start: SurfacePoint;
} {
  if ((values.function === undefined) === (values.formula === undefined)) throw new UsageError('give one of --function NAME or --formula "EXPR"');
  let fn: SurfaceFunction;
  let window: SurfaceWindow;
  let start: SurfacePoint;
  if (values.function !== undefined) {
    const preset = values.function;
    if (!isSurfacePresetName(preset)) throw new UsageError(`unknown function "${preset}" (choose ${SURFACE_PRESET_NAMES.join(', ')})`);
    if (values.kappa !== undefined && preset !== 'bowl') throw new UsageError('--kappa is the bowl\u2019s condition number: it applies to --function bowl only');
    fn = { kind: 'preset', preset, kappa: decimal(values.kappa, '--kappa', BOWL_KAPPA.min, BOWL_KAPPA.max) };
    ({ window, start } = SURFACE_PRESETS[preset]);
  } else {
    if (values.kappa !== undefined) throw new UsageError('--kappa applies to --function bowl only');
    fn = { kind: 'formula', formula: values.formula! };
    ({ window, start } = FORMULA_DEFAULTS);
  }
  if (values.window !== undefined) {
    const [xMin, xMax, yMin, yMax] = numbers(values.window, '--window', 4) as [number, number, number, number];
    if (!(xMin < xMax && yMin < yMax)) throw new UsageError('--window needs XMIN < XMAX and YMIN < YMAX');
    window = { xMin, xMax, yMin, yMax };
  }
  if (values.start !== undefined) {
    const [x, y] = numbers(values.start, '--start', 2) as [number, number];
    start = { x, y };
  }
  return { fn, window, start };
}

/** Compiles the function; a bad formula is a usage error saying what and where. */
export async function createSurfaceLab(fn: SurfaceFunction, start: SurfacePoint): Promise<SurfaceLab> {
  try {
    return await SurfaceLab.create({ fn, start });
  } catch (e) {
    if (e instanceof FormulaError) throw new UsageError(e.message);
    throw e;
  }
}
