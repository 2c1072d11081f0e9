/**
 * Surface lab: the classic test functions (as formulas of the one formula language, so the
 * engine compiles presets and typed formulas alike), their plotting windows, standard starts,
 * known minima and suggested lanes. Plain data, shared by the engine, the CLI and the renderer.
 */
import type { OptimizerName } from './optimizers';

export const SURFACE_PRESET_NAMES = [
  'bowl',
  'rosenbrock',
  'beale',
  'himmelblau',
  'booth',
  'six-hump-camel',
  'rastrigin',
  'ackley',
  'goldstein-price',
  'saddle',
  'monkey-saddle',
] as const;
export type SurfacePresetName = (typeof SURFACE_PRESET_NAMES)[number];

export interface SurfaceWindow {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface SurfacePoint {
  x: number;
  y: number;
}

export interface KnownMinimum extends SurfacePoint {
  f: number;
}

/** A lane a preset suggests: an optimizer and the hyper-parameters that reach its minimum. */
export interface SuggestedLane {
  optimizer: OptimizerName;
  params: Record<string, number>;
}

export interface SurfacePresetSpec {
  readonly label: string;
  readonly description: string;
  /** The formula; `k` is the bowl's condition number, filled in by `presetFormula`. */
  readonly formula: string;
  readonly window: SurfaceWindow;
  readonly start: SurfacePoint;
  /** Global minima (empty for the unbounded saddles). */
  readonly minima: readonly KnownMinimum[];
  readonly lanes: readonly SuggestedLane[];
  /** Iterations the suggested lanes need. */
  readonly iterations: number;
}

const lane = (optimizer: OptimizerName, learningRate: number, more: Record<string, number> = {}): SuggestedLane => ({
  optimizer,
  params: { learningRate, ...more },
});

/**
 * Minima to the digits the literature gives (Jamil & Yang, "A literature survey of benchmark
 * functions for global optimisation problems", 2013; Himmelblau's other three roots and the
 * camel's to 6 digits from the same). Suggested lanes were measured with `descent surface`:
 * each reaches its preset's minimum from the standard start (test/unit/engine/labs/surface.test.ts).
 */
export const SURFACE_PRESETS: Record<SurfacePresetName, SurfacePresetSpec> = {
  bowl: {
    label: 'Ill-conditioned bowl',
    description: 'x² + κ·y²: one minimum, but the larger κ the narrower the valley, and plain steps zig-zag across it',
    formula: 'x^2 + k*y^2',
    window: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    start: { x: -1.8, y: 1.2 },
    minima: [{ x: 0, y: 0, f: 0 }],
    lanes: [lane('gd', 0.004), lane('momentum', 0.004, { momentum: 0.9 }), lane('rmsprop', 0.02), lane('adam', 0.05)],
    iterations: 1500,
  },
  rosenbrock: {
    label: 'Rosenbrock',
    description: '(1 − x)² + 100·(y − x²)²: a long, curved, flat-bottomed valley; the minimum 0 at (1, 1)',
    formula: '(1 - x)^2 + 100*(y - x^2)^2',
    window: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 },
    start: { x: -1.2, y: 1 },
    minima: [{ x: 1, y: 1, f: 0 }],
    lanes: [lane('gd', 0.001), lane('momentum', 0.0005, { momentum: 0.95 }), lane('rmsprop', 0.002), lane('adam', 0.02)],
    iterations: 5000,
  },
  beale: {
    label: 'Beale',
    description: '(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat valleys and steep walls; 0 at (3, 0.5)',
    formula: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2',
    window: { xMin: -4.5, xMax: 4.5, yMin: -4.5, yMax: 4.5 },
    start: { x: 1, y: 1.5 },
    minima: [{ x: 3, y: 0.5, f: 0 }],
    lanes: [lane('gd', 0.001), lane('momentum', 0.001, { momentum: 0.9 }), lane('rmsprop', 0.005), lane('adam', 0.02)],
    iterations: 3000,
  },
  himmelblau: {
    label: 'Himmelblau',
    description: '(x² + y − 11)² + (x + y² − 7)²: four minima of 0',
    formula: '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
    window: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 },
    start: { x: 0, y: 0 },
    minima: [
      { x: 3, y: 2, f: 0 },
      { x: -2.805118, y: 3.131312, f: 0 },
      { x: -3.77931, y: -3.283186, f: 0 },
      { x: 3.584428, y: -1.848126, f: 0 },
    ],
    lanes: [lane('gd', 0.005), lane('momentum', 0.002, { momentum: 0.9 }), lane('rmsprop', 0.02), lane('adam', 0.05)],
    iterations: 1500,
  },
  booth: {
    label: 'Booth',
    description: '(x + 2y − 7)² + (2x + y − 5)²: a tilted quadratic bowl; 0 at (1, 3)',
    formula: '(x + 2*y - 7)^2 + (2*x + y - 5)^2',
    window: { xMin: -10, xMax: 10, yMin: -10, yMax: 10 },
    start: { x: -8, y: -6 },
    minima: [{ x: 1, y: 3, f: 0 }],
    lanes: [lane('gd', 0.02), lane('momentum', 0.01, { momentum: 0.9 }), lane('rmsprop', 0.1), lane('adam', 0.2)],
    iterations: 1000,
  },
  'six-hump-camel': {
    label: 'Six-hump camel',
    description: '(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²: six minima, the two lowest −1.031628',
    formula: '(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2',
    window: { xMin: -2, xMax: 2, yMin: -1.2, yMax: 1.2 },
    start: { x: -1, y: 0.5 },
    minima: [
      { x: 0.089842, y: -0.712656, f: -1.0316285 },
      { x: -0.089842, y: 0.712656, f: -1.0316285 },
    ],
    lanes: [lane('gd', 0.01), lane('momentum', 0.005, { momentum: 0.9 }), lane('rmsprop', 0.01), lane('adam', 0.02)],
    iterations: 1500,
  },
  rastrigin: {
    label: 'Rastrigin',
    description: '20 + x² − 10cos(2πx) + y² − 10cos(2πy): a grid of local minima; 0 at the origin',
    formula: '20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)',
    window: { xMin: -5.12, xMax: 5.12, yMin: -5.12, yMax: 5.12 },
    start: { x: 0.45, y: -0.4 },
    minima: [{ x: 0, y: 0, f: 0 }],
    lanes: [lane('gd', 0.002), lane('momentum', 0.001, { momentum: 0.9 }), lane('rmsprop', 0.01), lane('adam', 0.02)],
    iterations: 1500,
  },
  ackley: {
    label: 'Ackley',
    description: '−20·exp(−0.2·√(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20: a funnel under ripples; 0 at the origin',
    formula: '-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20',
    window: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 },
    start: { x: 0.4, y: -0.35 },
    minima: [{ x: 0, y: 0, f: 0 }],
    lanes: [lane('gd', 0.005), lane('momentum', 0.002, { momentum: 0.9 }), lane('rmsprop', 0.005), lane('adam', 0.01)],
    iterations: 1500,
  },
  'goldstein-price': {
    label: 'Goldstein–Price',
    description: 'A polynomial spanning six decades over its window, with local minima; 3 at (0, −1)',
    formula:
      '(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2)) * (30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))',
    window: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    start: { x: 0.5, y: -0.4 },
    minima: [{ x: 0, y: -1, f: 3 }],
    lanes: [lane('gd', 0.00002), lane('momentum', 0.00001, { momentum: 0.9 }), lane('rmsprop', 0.002), lane('adam', 0.01)],
    iterations: 2000,
  },
  saddle: {
    label: 'Saddle',
    description: 'x² − y²: no minimum; from just off the ridge, see who rolls off first',
    formula: 'x^2 - y^2',
    window: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    start: { x: 1, y: 0.001 },
    minima: [],
    lanes: [lane('gd', 0.01), lane('momentum', 0.01, { momentum: 0.9 }), lane('rmsprop', 0.01), lane('adam', 0.01)],
    iterations: 500,
  },
  'monkey-saddle': {
    label: 'Monkey saddle',
    description: 'x³ − 3xy²: three valleys for the legs, one for the tail; unbounded, lanes escape',
    formula: 'x^3 - 3*x*y^2',
    window: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
    start: { x: 0.3, y: 0.02 },
    minima: [],
    lanes: [lane('gd', 0.01), lane('momentum', 0.01, { momentum: 0.9 }), lane('rmsprop', 0.01), lane('adam', 0.01)],
    iterations: 500,
  },
};

export function isSurfacePresetName(name: string): name is SurfacePresetName {
  return (SURFACE_PRESET_NAMES as readonly string[]).includes(name);
}

export const BOWL_KAPPA = { min: 1, max: 1000, default: 10 } as const;

/** A typed formula's window and start until the user sets them (the window, the CLI). */
export const FORMULA_DEFAULTS: { readonly window: SurfaceWindow; readonly start: SurfacePoint } = {
  window: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 },
  start: { x: 1, y: 1 },
};

/** A function of the lab: a preset (the bowl with its κ) or the user's formula. */
export type SurfaceFunction = { kind: 'preset'; preset: SurfacePresetName; kappa?: number } | { kind: 'formula'; formula: string };

/** The formula text a function stands for. */
export function surfaceFormula(fn: SurfaceFunction): string {
  if (fn.kind === 'formula') return fn.formula;
  const spec = SURFACE_PRESETS[fn.preset];
  return fn.preset === 'bowl' ? spec.formula.replace('k', String(fn.kappa ?? BOWL_KAPPA.default)) : spec.formula;
}

export function knownMinima(fn: SurfaceFunction): readonly KnownMinimum[] {
  return fn.kind === 'preset' ? SURFACE_PRESETS[fn.preset].minima : [];
}

export function nearestMinimum(minima: readonly KnownMinimum[], x: number, y: number): (KnownMinimum & { distance: number }) | null {
  let best: (KnownMinimum & { distance: number }) | null = null;
  for (const m of minima) {
    const distance = Math.hypot(x - m.x, y - m.y);
    if (!best || distance < best.distance) best = { ...m, distance };
  }
  return best;
}

export const SURFACE_LIMITS = {
  /** Longer formulas are refused before parsing. */
  maxFormulaLength: 500,
  /** Deeper trees are refused (and would recurse that deep in both compilers). */
  maxDepth: 64,
  /** Grid points a side for the views' surface and contour. */
  minGrid: 8,
  maxGrid: 400,
  /** Window sides and starts the float32 engine holds with room to square. */
  maxAbsCoordinate: 1e6,
  /** Relative error between autodiff and float64 finite differences that earns a warning. */
  gradientCheckTolerance: 1e-3,
} as const;

/**
 * Relative error between two gradients, |a − b| / max(|a|, |b|, 0.01). The floor keeps float32
 * rounding near a stationary point (an autodiff gradient of 1e-6 whose every digit is noise)
 * from reading as disagreement, while a kink of abs, min or max (an error of order one) still
 * shows.
 */
export function gradientRelativeError(a: readonly [number, number], b: readonly [number, number]): number {
  const diff = Math.hypot(a[0] - b[0], a[1] - b[1]);
  const scale = Math.max(Math.hypot(a[0], a[1]), Math.hypot(b[0], b[1]), GRADIENT_ERROR_FLOOR);
  return diff / scale;
}

export const GRADIENT_ERROR_FLOOR = 0.01;
