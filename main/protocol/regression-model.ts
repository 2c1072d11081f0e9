/**
 * The Regression lab's model of your own (`a*x^2 + b*x + c`, `a*exp(b*x)`), as the page and
 * the engine both see it: which text is the plain line, where parameters start, the x points a
 * fitted curve is sampled at, and what the engine says about a model (its parameters, whether it
 * is linear in them, the exact least-squares answer and its curve). The engine alone parses
 * and evaluates formulas (main/engine/labs/regression-model.ts).
 */
import type { SurfaceWindow } from './surface';

/** The default model: the line, which keeps its own path (exact loss from the data's moments, normalise, the start line). */
export const LINE_MODEL = 'a*x + b';

/** Whether `text` is the default line (spaces aside): it runs as the plain line, exactly as before models. */
export function isLineModel(text: string): boolean {
  return text.replace(/\s+/g, '') === 'a*x+b';
}

/** Where a parameter starts when nothing says otherwise: 1 (0 would freeze products such as a·exp(b·x)). */
export const DEFAULT_PARAMETER_START = 1;

/** Points a fitted curve is sampled at, evenly across the plotted x range. */
export const MODEL_CURVE_POINTS = 161;

/** Grid points a side of a two-parameter model's loss map, at most (fewer on big data: see modelGridResolution). */
export const MODEL_GRID_MAX = 96;
export const MODEL_GRID_MIN = 16;

/** The resolution a loss grid is evaluated at over `rows` data rows: each cell is a pass over the data. */
export function modelGridResolution(rows: number): number {
  return Math.max(MODEL_GRID_MIN, Math.min(MODEL_GRID_MAX, Math.floor(Math.sqrt(4_000_000 / Math.max(1, rows)))));
}

/** The plotted x range: the data's extent with 5% either side (the scatter plot's, so curves span it). */
export function plotXRange(x: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pad = (hi - lo || 1) * 0.05;
  return [lo - pad, hi + pad];
}

/** Why a model has no exact answer: it is not linear in its parameters, the data cannot tell them apart, or it is too big to solve. */
export type ExactNote = 'nonlinear' | 'not identifiable' | 'too large';

export const EXACT_NOTE_TEXT: Readonly<Record<ExactNote, string>> = {
  nonlinear: 'none: the model is not linear in its parameters',
  'not identifiable': 'none: this data cannot tell its parameters apart',
  'too large': 'none: too many rows × parameters to solve here',
};

/** A model's exact least-squares fit: its parameters in the model's order and their MSE. */
export interface ModelFit {
  values: number[];
  mse: number;
}

/** What the engine says of a model over a dataset (at runStarted, and in answer to a check). */
export interface ModelIntro {
  /** The model's text as checked. */
  model: string;
  /** Its parameters, in order of first appearance. */
  parameters: string[];
  linear: boolean;
  exact: ModelFit | null;
  exactNote: ExactNote | null;
  /** The x points every curve is sampled at (MODEL_CURVE_POINTS across plotXRange). */
  xs: Float64Array;
  /** The exact fit's curve at `xs`, or null. */
  exactCurve: Float64Array | null;
}

/** A two-parameter model's loss over a window of (first, second) parameter: row-major [resolution (second, from yMin), resolution (first, from xMin)]. */
export interface ModelGrid {
  window: SurfaceWindow;
  resolution: number;
  values: Float64Array;
}
