/**
 * Spread lab: names, labels and defaults of its losses, shared by the engine, the CLI and the
 * renderer's controls. Plain data.
 */
import { CONSTANT_SCHEDULE, type Schedule } from './schedules';

export const SPREAD_LOSS_NAMES = ['min-angle', 'min-angle-variance', 'force', 'coulomb', 'riesz'] as const;
export type SpreadLossName = (typeof SPREAD_LOSS_NAMES)[number];

export interface SpreadLossSpec {
  readonly label: string;
  readonly description: string;
  /** The loss is a minimum over pairs, so a softened minimum (temperature) helps it move. */
  readonly smoothable: boolean;
}

export const SPREAD_LOSS_SPECS: Record<SpreadLossName, SpreadLossSpec> = {
  'min-angle': {
    label: 'Max min angle',
    description: 'The article\u2019s first loss: minus the smallest angle between any two vectors (radians)',
    smoothable: true,
  },
  'min-angle-variance': {
    label: 'Min angle \u2212 0.4\u00b7variance',
    description: 'The article\u2019s second: minus (smallest angle \u2212 0.4 \u00d7 variance of each vector\u2019s nearest-neighbour angle)',
    smoothable: true,
  },
  force: {
    label: 'Tangential force',
    description: 'The article\u2019s third: sum of the net 1/r\u00b2 repulsion each vector feels along the sphere',
    smoothable: false,
  },
  coulomb: {
    label: 'Coulomb energy',
    description: 'The Thomson problem: \u03a3 1/|x\u1d62 \u2212 x\u2c7c| over pairs',
    smoothable: false,
  },
  riesz: {
    label: 'Riesz s-energy',
    // The s-th root keeps the value in float32's range for any s and has the energy's minimisers.
    description: '(\u03a3 1/|x\u1d62 \u2212 x\u2c7c|\u02e2 over pairs)^(1/s); s = 1 is Coulomb, large s tends to 1/(smallest distance)',
    smoothable: false,
  },
};

export function isSpreadLossName(name: string): name is SpreadLossName {
  return (SPREAD_LOSS_NAMES as readonly string[]).includes(name);
}

/** Problem and lane limits; N² pair matrices per restart are what cost memory. */
export const SPREAD_LIMITS = {
  minVectors: 2,
  maxVectors: 4096,
  minDim: 2,
  maxDim: 1024,
  /**
   * restarts × N² float32 pair entries: 16.8 M ≈ 64 MiB per matrix. Measured peaks of one step at
   * the limit (wasm, N = 4096): Coulomb 320 MB, Riesz 450 MB, min-angle 1.1 GB, force 1.2 GB,
   * under wasm's 4 GiB heap; the lane keeps 1–2 matrices between steps.
   */
  maxPairEntries: 4096 * 4096,
  /** N × D entries of a vector set (and of a file of vectors). */
  maxEntries: 1 << 20,
  maxRestarts: 256,
  minRieszS: 0.1,
  maxRieszS: 512,
  /** Softened-minimum start temperature, in degrees; 0 = the hard minimum (the article's). */
  maxTemperatureDeg: 90,
  histogramBins: 90,
} as const;

/** Per-lane loss settings beyond the optimizer. */
export interface SpreadLossSettings {
  loss: SpreadLossName;
  /** Riesz exponent (riesz only). */
  s: number;
  /** Start temperature of the softened minimum, degrees; it falls over the run. */
  temperatureDeg: number;
}

export const DEFAULT_SPREAD_LOSS: SpreadLossSettings = { loss: 'coulomb', s: 1, temperatureDeg: 0 };

/**
 * Adam at 0.01 rad, 8 restarts, reaches every published Thomson energy for N ≤ 32 to 6e-7
 * relative in 2,000 steps and 1e-8 in 4,000; with the softened minimum, every Tammes angle in
 * the table (N ≤ 24) to 0.006° (`npx tsx scripts/bench-spread.ts --reference`).
 */
export const SPREAD_DEFAULT_LEARNING_RATE = 0.01;

/**
 * Start temperature of the softened minimum for the min-angle losses, degrees: it and the
 * learning rate then cool together, following the lane's schedule (SPREAD_COOLING by default).
 */
export const SPREAD_DEFAULT_TEMPERATURE_DEG = 1;

/**
 * Softened-minimum cooling as a learning-rate schedule: the rate (and with it the temperature)
 * falls ×0.998 a step, down to 1e-3 of its start (reached after ≈ 3,450 steps). Measured on the
 * Tammes table with Adam at 0.01 and 16 restarts of 4,000 steps (`bench-spread.ts --reference`,
 * wasm): from 1° every N = 2…24 ends within 0.006° of the published angle (N = 13, the hard
 * one, in 1 restart of 16; most N in 10–16). From 5° the same schedule left all 16 restarts of
 * N = 13 0.33–0.66° short (the warmer minimum settles into other basins); ×0.999 per step has
 * not cooled by 4,000 steps (0.004–0.008° short); ×0.997 does as well as 0.998. The article's
 * hard minimum (temperature 0, no cooling) stays 0.5–1.5° short at 0.01 and 0.06–0.6° at 0.001:
 * its gradient moves one pair at a time and Adam's steps never shrink.
 */
export const SPREAD_COOLING: Schedule = Object.freeze({ name: 'exponential', params: Object.freeze({ decayRate: 0.998, floor: 1e-3 }), warmup: 0 }) as Schedule;

/** Whether a lane's loss is a softened minimum (a min-angle loss above temperature 0). */
export function isSoftened(settings: Pick<SpreadLossSettings, 'loss' | 'temperatureDeg'>): boolean {
  return settings.temperatureDeg > 0 && SPREAD_LOSS_SPECS[settings.loss].smoothable;
}

/**
 * A softened minimum's temperature, radians, at a schedule's decay factor (its warm-up aside):
 * the start temperature times the decay; 0 (the hard minimum) for every other lane.
 */
export function spreadTemperatureRad(settings: Pick<SpreadLossSettings, 'loss' | 'temperatureDeg'>, decay: number): number {
  return isSoftened(settings) ? ((settings.temperatureDeg * Math.PI) / 180) * decay : 0;
}

/**
 * A lane's schedule when none is given (requests and sessions from before schedules): the
 * cooling for a softened minimum, constant otherwise, as the lab always ran them.
 */
export function defaultSpreadSchedule(settings: Pick<SpreadLossSettings, 'loss' | 'temperatureDeg'>): Schedule {
  return isSoftened(settings) ? SPREAD_COOLING : CONSTANT_SCHEDULE;
}

/** Why a lane's loss settings are refused (one line naming the bound), or undefined. */
export function spreadLossSettingsProblem(settings: Pick<SpreadLossSettings, 's' | 'temperatureDeg'>): string | undefined {
  const L = SPREAD_LIMITS;
  if (!(settings.s >= L.minRieszS && settings.s <= L.maxRieszS)) return `Riesz s must be in [${L.minRieszS}, ${L.maxRieszS}], got ${settings.s}`;
  if (!(settings.temperatureDeg >= 0 && settings.temperatureDeg <= L.maxTemperatureDeg)) return `temperature must be in [0, ${L.maxTemperatureDeg}] degrees, got ${settings.temperatureDeg}`;
  return undefined;
}

/** Checks N, D and restarts against the memory limits; returns a message or undefined. */
export function spreadSizeProblem(n: number, dim: number, restarts = 1): string | undefined {
  const L = SPREAD_LIMITS;
  if (!Number.isInteger(n) || n < L.minVectors || n > L.maxVectors) return `N must be an integer from ${L.minVectors} to ${L.maxVectors}, got ${n}`;
  if (!Number.isInteger(dim) || dim < L.minDim || dim > L.maxDim) return `D must be an integer from ${L.minDim} to ${L.maxDim}, got ${dim}`;
  if (n * dim > L.maxEntries) return `N × D = ${n * dim} is over the limit of ${L.maxEntries} numbers`;
  if (restarts * n * n > L.maxPairEntries) {
    return `restarts × N² = ${restarts * n * n} pair entries would exhaust memory (limit ${L.maxPairEntries}); use fewer restarts or vectors`;
  }
  return undefined;
}
