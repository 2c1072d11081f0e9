/**
 * One Spread lane: an optimizer moving R restarts of N unit vectors, [R, N, D], as one
 * variable. Every tf.train optimizer updates element by element, so summing the restarts'
 * losses keeps them independent. Gradients are tangent to the sphere, and after every step the
 * vectors are renormalised onto it.
 *
 * Two kinds of step:
 * - energies (coulomb, riesz) use their closed-form gradient, s·P(W·X) with W = d^−(s+2) and P
 *   the projection on each vector's tangent plane (checked against finite differences in the
 *   tests). W comes from the same pass over the pairs as the metrics of the vectors it belongs
 *   to, so one step is 7 passes over N² numbers and two matMuls.
 * - angle losses and the force loss are differentiated by tfjs (tf.variableGrads), through a
 *   clamped acos and angle minima that carry their own gradients (spread-ops.ts).
 * After each step one pass over the pairs and one packed readback (R·N nearest-neighbour chords
 * and a few sums per restart) give the metrics (spread-metrics.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { OPTIMIZER_SPECS, type OptimizerName } from '../../protocol/optimizers';
import { scheduleDecayAt, type Schedule } from '../../protocol/schedules';
import { SPREAD_LIMITS, SPREAD_LOSS_SPECS, defaultSpreadSchedule, isSoftened, type SpreadLossName, type SpreadLossSettings } from '../../protocol/spread';
import { exactSpreadMetrics, type ExactSpreadMetrics } from '../../protocol/spread-exact';
import { OptimizerLane } from '../optimizers';
import { mulberry32 } from '../random';
import type { SpreadLab } from './spread';
import { SpreadMetrics, type SpreadState } from './spread-metrics';
import { angleLoss, angles, chordsSq, forcePerRestart, gram, pairPass, tangent, unitRows, type EnergyWeights, type PairConstants } from './spread-ops';

export interface SpreadLaneSpec extends SpreadLossSettings {
  id: string;
  optimizer: OptimizerName;
  params: Record<string, number>;
  label?: string;
  /**
   * The learning-rate schedule; a softened minimum's temperature follows its decay (warm-up
   * aside). Absent: defaultSpreadSchedule (SPREAD_COOLING for a softened minimum).
   */
  schedule?: Schedule;
}

/** What a lane records per iteration: its metrics and the learning rate of its next step. */
export type SpreadLaneState = SpreadState & { learningRate: number };

function isEnergy(loss: SpreadLossName): loss is 'coulomb' | 'riesz' {
  return loss === 'coulomb' || loss === 'riesz';
}

/** An energy lane's next gradient: the pair weights of its current vectors and a factor per restart. */
interface EnergyStep {
  weights: EnergyWeights;
  /** Per restart, [R]: 1 for Coulomb and Riesz s = 1; for Riesz the scale q-weights drop (see energyStep). */
  scale: Float32Array;
}

export class SpreadLane extends OptimizerLane<SpreadLaneState> {
  readonly settings: SpreadLossSettings;
  private readonly x: tf.Variable<tf.Rank.R3>;
  /** sgd moves a seeded random subset of vectors each step (the rest see a zero gradient). */
  private readonly pickRows: (() => tf.Tensor3D) | undefined;
  protected readonly state: SpreadLaneState;
  private readonly metrics: SpreadMetrics;
  /** Energies only: what the next step's gradient needs; replaced after every step, disposed by dispose(). */
  private energy: EnergyStep | undefined;

  constructor(
    private readonly lab: SpreadLab,
    spec: SpreadLaneSpec,
    seed: number,
    private readonly consts: PairConstants,
  ) {
    const settings: SpreadLossSettings = { loss: spec.loss, s: spec.s, temperatureDeg: spec.temperatureDeg };
    if (!(spec.s >= SPREAD_LIMITS.minRieszS && spec.s <= SPREAD_LIMITS.maxRieszS)) {
      throw new RangeError(`Riesz s must be in [${SPREAD_LIMITS.minRieszS}, ${SPREAD_LIMITS.maxRieszS}], got ${spec.s}`);
    }
    if (!(spec.temperatureDeg >= 0 && spec.temperatureDeg <= SPREAD_LIMITS.maxTemperatureDeg)) {
      throw new RangeError(`temperature must be in [0, ${SPREAD_LIMITS.maxTemperatureDeg}] degrees, got ${spec.temperatureDeg}`);
    }
    super(spec, defaultSpreadSchedule(settings), `${OPTIMIZER_SPECS[spec.optimizer].label} · ${SPREAD_LOSS_SPECS[spec.loss].label}`);
    this.settings = settings;
    const { restarts, n, dim } = lab;
    const initial = tf.tensor3d(lab.start, [restarts, n, dim]);
    this.x = tf.variable(initial, true); // the variable copies its value: free the source
    initial.dispose();
    if (spec.optimizer === 'sgd') {
      const batch = Math.min(this.params.batchSize ?? n, n);
      const random = mulberry32(seed);
      const mask = new Float32Array(n);
      this.pickRows = () => {
        mask.fill(0);
        for (let i = 0; i < batch; i++) mask[Math.floor(random() * n)] = 1;
        return tf.tensor3d(mask, [1, n, 1]);
      };
    }
    this.metrics = new SpreadMetrics(n, restarts, this.settings);
    this.state = { loss: 0, minAngleDeg: 0, energy: 0, nnMeanDeg: 0, nnStdDeg: 0, learningRate: NaN };
    this.measure();
  }

  /**
   * Softened-minimum temperature at the current iteration, radians (0 = hard): the start
   * temperature times the schedule's decay (its warm-up aside). A softened minimum's curvature
   * grows like 1/t, and Adam-like steps stay near the learning rate whatever the gradient, so
   * the learning rate must cool with the temperature (SPREAD_COOLING does both by default):
   * without it the vectors jitter by about one step around the optimum. Under the learning-rate
   * finder's rates (useRates) the temperature still follows the schedule.
   */
  temperature(): number {
    return isSoftened(this.settings) ? ((this.settings.temperatureDeg * Math.PI) / 180) * scheduleDecayAt(this.built.schedule, this.iteration) : 0;
  }

  /** The lane's training loss summed over restarts (autodiff losses only). */
  private lossOf(x: tf.Tensor3D, t: number): tf.Scalar {
    const u = unitRows(x);
    switch (this.settings.loss) {
      case 'min-angle':
        return angleLoss(angles(gram(u), this.consts.twoEye!), t, false);
      case 'min-angle-variance':
        return angleLoss(angles(gram(u), this.consts.twoEye!), t, true);
      case 'force':
        return tf.sum(forcePerRestart(u, chordsSq(u, this.consts)));
      case 'coulomb':
      case 'riesz':
        throw new Error('energies use their closed-form gradient');
    }
  }

  /** The gradient of the lane's loss at the current vectors, [R, N, D], tangent. */
  private gradient(): tf.Tensor3D {
    if (this.energy) {
      const scale = tf.tensor3d(this.energy.scale, [this.lab.restarts, 1, 1]);
      return tf.mul(tangent(tf.matMul(this.energy.weights, this.x), this.x), scale);
    }
    const t = this.temperature();
    const { grads } = tf.variableGrads(() => this.lossOf(this.x, t), [this.x]);
    return grads[this.x.name] as tf.Tensor3D;
  }

  /**
   * The training loss at the current vectors, summed over restarts (softened at the current
   * temperature; for energies their own loss), and the gradient a step would follow, [R·N·D]
   * row-major. For tests and diagnostics: it reads back the whole gradient.
   */
  lossAndGradient(): { loss: number; gradient: Float32Array } {
    const loss = isEnergy(this.settings.loss)
      ? this.metrics.losses.reduce((a, b) => a + b, 0)
      : tf.tidy(() => this.lossOf(this.x, this.temperature()).dataSync()[0]!);
    const g = tf.tidy(() => this.gradient());
    const gradient = g.dataSync() as Float32Array;
    g.dispose();
    return { loss, gradient };
  }

  /** One optimizer step, renormalisation, and the new state's metrics. */
  step(): SpreadLaneState {
    if (this.status !== 'running') return this.state;
    this.built.useRateOf(this.iteration);
    tf.tidy(() => {
      let g = this.gradient();
      if (this.pickRows) g = tf.mul(g, this.pickRows());
      this.optimizer.applyGradients({ [this.x.name]: g });
      this.x.assign(unitRows(this.x));
    });
    this.iteration++;
    this.measure();
    return this.state;
  }

  /**
   * The current vectors' metrics, and for an energy lane its next gradient's pair weights: both
   * come from one pass over the pairs (pairPass), and each goes to its own field here.
   */
  private measure(): void {
    const { loss, s } = this.settings;
    // The step has used the old weights: free them before the pass makes new ones (one N² matrix less at the peak).
    this.energy?.weights.dispose();
    this.energy = undefined;
    const { sums, weights } = pairPass(this.x, this.consts, loss, loss === 'coulomb' ? 1 : s);
    this.metrics.update(sums);
    this.energy = weights && { weights, scale: this.energyScale() };
    Object.assign(this.state, this.metrics.restartState(0));
    this.state.learningRate = this.built.useRateOf(this.iteration);
    if (!Number.isFinite(this.state.loss) || !Number.isFinite(this.state.energy)) this.status = 'diverged';
  }

  /**
   * Per restart, the factor of an energy's gradient s·P(W·X). Coulomb and Riesz s = 1 use the
   * weights d⁻³ as they are: 1. Riesz s ≠ 1 weighs pairs by q = d²/m (m the restart's smallest
   * d²); the gradient of E^(1/s), E = m^(−s/2)·S, is E^(1/s−1)·s·m^(−s/2−1)·P(Q·X), which
   * simplifies to m^(−3/2)·S^(1/s−1)·P(Q·X).
   */
  private energyScale(): Float32Array {
    const { restarts, minChordSq, rieszSums } = this.metrics;
    const scale = new Float32Array(restarts).fill(1);
    const { loss, s } = this.settings;
    if (loss === 'riesz' && s !== 1) {
      for (let r = 0; r < restarts; r++) scale[r] = minChordSq[r]! ** -1.5 * rieszSums[r]! ** (1 / s - 1);
    }
    return scale;
  }

  /** Metrics of one restart's current vectors. */
  restartState(r: number): SpreadState {
    return this.metrics.restartState(r);
  }

  /**
   * Per restart, live views (overwritten by the next step): own loss, Coulomb energy and minimum
   * angle (degrees) of the current vectors. For recording every restart's history cheaply.
   */
  restartSeries(): { losses: Readonly<Float64Array>; energies: Readonly<Float64Array>; minAngleDeg: (r: number) => number } {
    return { losses: this.metrics.losses, energies: this.metrics.energies, minAngleDeg: (r) => this.metrics.minAngleDeg(r) };
  }

  /** The restart with the lowest loss now (its own loss, hard minimum). */
  bestRestart(): number {
    return this.metrics.bestRestart();
  }

  /**
   * Float64 metrics of every restart's current vectors (Riesz energy with exponent `s`), the best
   * restart by the lane's own loss, and the current vectors themselves ([restarts, n, dim]).
   */
  restartMetrics(s = 1): { all: ExactSpreadMetrics[]; best: number; vectors: Float32Array } {
    const { restarts, n, dim } = this.lab;
    const vectors = this.vectors();
    const per = n * dim;
    const all = Array.from({ length: restarts }, (_, r) => exactSpreadMetrics(vectors.subarray(r * per, (r + 1) * per), n, dim, s));
    return { all, best: this.bestRestart(), vectors };
  }

  /** The current unit vectors, row-major [restarts, n, dim]. */
  vectors(): Float32Array {
    return this.x.dataSync() as Float32Array;
  }

  /** Histogram of all pairwise angles (0–180°) of restart 0, `bins` equal bins. */
  angleHistogram(bins: number = SPREAD_LIMITS.histogramBins): Float64Array {
    const { n } = this.lab;
    const counts = tf.tidy(() => {
      const x0 = tf.slice(this.x, [0, 0, 0], [1, -1, -1]);
      const g = tf.reshape(gram(x0), [n, n]);
      const theta = tf.acos(tf.clipByValue(g, -1, 1));
      // Upper triangle only: each pair once, no diagonal.
      const upper = tf.sub(tf.linalg.bandPart(tf.onesLike(g), 0, -1), tf.eye(n));
      const bin = tf.cast(tf.minimum(tf.floor(tf.mul(theta, bins / Math.PI)), bins - 1), 'int32');
      return tf.bincount(tf.reshape(bin, [-1]) as tf.Tensor1D, tf.reshape(upper, [-1]) as tf.Tensor1D, bins);
    });
    const out = Float64Array.from(counts.dataSync());
    counts.dispose();
    return out;
  }

  override dispose(): void {
    this.energy?.weights.dispose();
    this.energy = undefined;
    this.x.dispose();
    super.dispose();
  }
}
