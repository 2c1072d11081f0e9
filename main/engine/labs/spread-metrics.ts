/**
 * What the Spread lab records of a lane's vectors after every step, per restart, in float64
 * from one pass's float32 sums (spread-ops.ts pairPass): the lane's own loss with its hard
 * minimum, the minimum angle, the Coulomb energy and the nearest-neighbour angle statistics.
 * Diagonal terms and pair double counting are removed here, where they cost nothing. Plain
 * arithmetic: no tensors, and nothing here prepares a step.
 */
import { meanAndVariance } from '../../protocol/spread-exact';
import type { SpreadLossSettings } from '../../protocol/spread';
import { DIAGONAL_CHORD_SQ, type PairSums } from './spread-ops';

/** What one iteration records per lane (restart 0 in the app, which runs one restart). */
export interface SpreadState {
  /** The lane's own loss, hard minimum (no softening), at the current vectors. */
  loss: number;
  minAngleDeg: number;
  /** Coulomb energy Σ 1/r over pairs. */
  energy: number;
  nnMeanDeg: number;
  nnStdDeg: number;
}

/** θ = 2·asin(d/2): accurate for small angles, where acos(1 − d²/2) loses half the digits. */
export function chordSqToAngleRad(d2: number): number {
  return 2 * Math.asin(Math.min(1, Math.sqrt(Math.max(0, d2)) / 2));
}

/**
 * One lane's metrics, per restart, of the vectors last measured. The arrays are written in place
 * by each update(), so views of them (restartSeries) stay current.
 */
export class SpreadMetrics {
  /** Smallest squared chord per vector (its nearest neighbour), [R·N]. */
  private nnChordSq: Float32Array;
  /** Smallest squared chord per restart, [R]. */
  readonly minChordSq: Float64Array;
  /** Coulomb energy per restart, [R]. */
  readonly energies: Float64Array;
  /** The lane's own loss per restart (hard minimum), [R]. */
  readonly losses: Float64Array;
  /**
   * Riesz with s ≠ 1: S = Σ_pairs q^(−s/2) per restart, the energy in units of the smallest
   * chord (E = m^(−s/2)·S, m = minChordSq), [R]; the lane's gradient scale comes from it.
   */
  readonly rieszSums: Float64Array;

  constructor(
    private readonly n: number,
    readonly restarts: number,
    private readonly settings: SpreadLossSettings,
  ) {
    this.nnChordSq = new Float32Array(restarts * n);
    this.minChordSq = new Float64Array(restarts);
    this.energies = new Float64Array(restarts);
    this.losses = new Float64Array(restarts);
    this.rieszSums = new Float64Array(restarts);
  }

  update(sums: PairSums): void {
    const { n, restarts } = this;
    const { loss } = this.settings;
    const s = loss === 'coulomb' ? 1 : this.settings.s;
    this.nnChordSq = sums.nnChordSq;
    const diagonalInverse = DIAGONAL_CHORD_SQ ** -0.5;
    for (let r = 0; r < restarts; r++) {
      let m = Infinity;
      for (let i = 0; i < n; i++) m = Math.min(m, this.nnChordSq[r * n + i]!);
      this.minChordSq[r] = m;
      this.energies[r] = (sums.inverseSums[r]! - n * diagonalInverse) / 2;
    }
    if (loss === 'riesz' && s !== 1) {
      for (let r = 0; r < restarts; r++) {
        // Riesz loss = E^(1/s), E = Σ_pairs d^−s = m^(−s/2)·S with S = Σ_pairs q^(−s/2): the root
        // keeps it finite for any s (E^(1/s) → 1/min d as s → ∞) and has E's minimisers.
        const m = this.minChordSq[r]!;
        const S = (sums.ownSums[r]! - n * (DIAGONAL_CHORD_SQ / m) ** (-s / 2)) / 2;
        this.rieszSums[r] = S;
        this.losses[r] = m ** -0.5 * S ** (1 / s);
      }
    }
    for (let r = 0; r < restarts; r++) this.losses[r] = this.hardLoss(r, sums.ownSums);
  }

  /**
   * Per restart, the factor of an energy's gradient s·P(W·X) (spread-ops.ts energyGradient).
   * Coulomb and Riesz s = 1 use the weights d⁻³ as they are: 1. Riesz s ≠ 1 weighs pairs by
   * q = d²/m (m the restart's smallest d²); the gradient of E^(1/s), E = m^(−s/2)·S, is
   * E^(1/s−1)·s·m^(−s/2−1)·P(Q·X), which simplifies to m^(−3/2)·S^(1/s−1)·P(Q·X).
   */
  energyScale(): Float32Array {
    const { restarts, minChordSq, rieszSums } = this;
    const scale = new Float32Array(restarts).fill(1);
    const { loss, s } = this.settings;
    if (loss === 'riesz' && s !== 1) {
      for (let r = 0; r < restarts; r++) scale[r] = minChordSq[r]! ** -1.5 * rieszSums[r]! ** (1 / s - 1);
    }
    return scale;
  }

  /** Nearest-neighbour angles of one restart, radians, from the squared chords (θ = 2·asin(d/2)). */
  private nnAnglesRad(r: number): Float64Array {
    const { n } = this;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = chordSqToAngleRad(this.nnChordSq[r * n + i]!);
    return out;
  }

  private hardLoss(r: number, own: Float32Array): number {
    switch (this.settings.loss) {
      case 'min-angle':
        return -chordSqToAngleRad(this.minChordSq[r]!);
      case 'min-angle-variance': {
        const { variance } = meanAndVariance(this.nnAnglesRad(r));
        return -(chordSqToAngleRad(this.minChordSq[r]!) - 0.4 * variance);
      }
      case 'coulomb':
        return this.energies[r]!;
      case 'riesz':
        return this.settings.s === 1 ? this.energies[r]! : this.losses[r]!;
      case 'force':
        return own[r]!;
    }
  }

  /** The minimum angle of restart r, degrees. */
  minAngleDeg(r: number): number {
    return (chordSqToAngleRad(this.minChordSq[r]!) * 180) / Math.PI;
  }

  /** Metrics of one restart's vectors. */
  restartState(r: number): SpreadState {
    const nn = this.nnAnglesRad(r);
    const { mean, variance } = meanAndVariance(nn);
    const deg = 180 / Math.PI;
    return {
      loss: this.losses[r]!,
      minAngleDeg: chordSqToAngleRad(this.minChordSq[r]!) * deg,
      energy: this.energies[r]!,
      nnMeanDeg: mean * deg,
      nnStdDeg: Math.sqrt(variance) * deg,
    };
  }

  /** The restart with the lowest loss (its own loss, hard minimum). */
  bestRestart(): number {
    let best = 0;
    for (let r = 1; r < this.restarts; r++) if (this.losses[r]! < this.losses[best]!) best = r;
    return best;
  }
}
