/**
 * The Regression lab with a model of your own: y ≈ f(x; a, b, …) for any formula of the formula
 * language (`a*x^2 + b*x + c`, `a*exp(b*x)`, `a/(1 + exp(-b*(x - c)))`), where x is the data
 * column and every other name a parameter, fitted by mean squared error with autodiff. The
 * default line keeps its own path (regression.ts: exact loss from the data's moments); this one
 * serves every other model.
 *
 * Where the model is linear in its parameters, f = φ₀(x) + Σ pᵢ·φᵢ(x), the exact least-squares
 * answer is solved in float64 (Householder QR of the basis columns, ml-matrix), beside the descent.
 * Linearity is tested numerically in float64: f(p + αq) − f(p) = α·(f(q) − f(0)) for seeded
 * random p, q and α at the data's points.
 */
import * as tf from '@tensorflow/tfjs';
import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import type { LaneConfig } from '../../protocol/messages';
import { MODEL_CURVE_POINTS, plotXRange, type ExactNote, type ModelFit, type ModelGrid } from '../../protocol/regression-model';
import type { SurfaceWindow } from '../../protocol/surface';
import { checkModel, type CheckedFormula } from '../formula/formula';
import { compileFloat64, type Float64Formula } from '../formula/formula-float64';
import { compileTf, type TfFormula } from '../formula/formula-tf';
import { OptimizerLane } from '../optimizers';
import { mulberry32 } from '../random';
import { miniBatches } from './regression';

/** Past this many rows the loss recorded per step is the float32 one (float64 costs a pass over the data in JavaScript). */
export const FLOAT64_LOSS_MAX_ROWS = 20_000;
/** Rows × parameters the exact fit's QR may hold (8 bytes each: 64 MiB). */
const EXACT_MAX_ENTRIES = 8_000_000;


export interface ModelState {
  loss: number;
  values: Float64Array;
  /** The rate the next step takes (the lane's schedule at this iteration). */
  learningRate: number;
}

export class RegressionModel {
  readonly parameters: readonly string[];
  readonly f64: Float64Formula;
  readonly linear: boolean;
  readonly exact: ModelFit | null;
  readonly exactNote: ExactNote | null;
  readonly n: number;
  private readonly tfFormula: TfFormula;
  private readonly xs: tf.Tensor1D;
  private readonly ys: tf.Tensor1D;
  private readonly scratch: Float64Array;

  private constructor(
    readonly formula: CheckedFormula & { parameters: string[] },
    readonly x: Float64Array,
    readonly y: Float64Array,
  ) {
    this.parameters = formula.parameters;
    this.n = x.length;
    this.f64 = compileFloat64(formula);
    this.scratch = new Float64Array(1 + this.parameters.length);
    this.linear = this.isLinear();
    const fit = this.linear ? this.solveExact() : { fit: null, note: 'nonlinear' as const };
    this.exact = fit.fit;
    this.exactNote = fit.note;
    this.tfFormula = compileTf(formula);
    this.xs = tf.tensor1d(Float32Array.from(x));
    this.ys = tf.tensor1d(Float32Array.from(y));
  }

  /** Checks the model (a FormulaError says what and where) and solves its exact fit if it is linear. */
  static async create(model: string, x: Float64Array, y: Float64Array): Promise<RegressionModel> {
    if (x.length !== y.length || x.length < 1) throw new RangeError('x and y must be the same length, at least 1');
    return new RegressionModel(await checkModel(model), x, y);
  }

  /** f at one row for the given parameter values. */
  private at(xi: number, values: ArrayLike<number>): number {
    this.scratch[0] = xi;
    for (let k = 0; k < values.length; k++) this.scratch[k + 1] = values[k]!;
    return this.f64(this.scratch);
  }

  /** The mean squared error over every row, in float64. */
  mse(values: ArrayLike<number>): number {
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      const r = this.at(this.x[i]!, values) - this.y[i]!;
      sum += r * r;
    }
    return sum / this.n;
  }

  /** The x points curves are sampled at: MODEL_CURVE_POINTS evenly across the plotted range. */
  curveXs(): Float64Array {
    const [lo, hi] = plotXRange(this.x);
    return Float64Array.from({ length: MODEL_CURVE_POINTS }, (_, i) => lo + ((hi - lo) * i) / (MODEL_CURVE_POINTS - 1));
  }

  /** f at each of `xs` for the given parameter values, in float64 (NaN where f is undefined). */
  curve(values: ArrayLike<number>, xs: Float64Array): Float64Array {
    const out = new Float64Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = this.at(xs[i]!, values);
      out[i] = Number.isFinite(v) ? v : NaN;
    }
    return out;
  }

  /**
   * A two-parameter model's MSE over a window of (first parameter along x, second along y), in
   * float64: row-major [resolution, resolution] from (xMin, yMin); NaN where it is not finite.
   */
  lossGrid(window: SurfaceWindow, resolution: number): ModelGrid {
    if (this.parameters.length !== 2) throw new RangeError(`a loss map needs a two-parameter model; this one has ${this.parameters.length}`);
    const values = new Float64Array(resolution * resolution);
    const p = [0, 0];
    for (let j = 0; j < resolution; j++) {
      p[1] = window.yMin + ((window.yMax - window.yMin) * j) / (resolution - 1);
      for (let i = 0; i < resolution; i++) {
        p[0] = window.xMin + ((window.xMax - window.xMin) * i) / (resolution - 1);
        const v = this.mse(p);
        values[j * resolution + i] = Number.isFinite(v) ? v : NaN;
      }
    }
    return { window, resolution, values };
  }

  private isLinear(): boolean {
    const P = this.parameters.length;
    const random = mulberry32(12345);
    const rows = Math.min(this.n, 64);
    const zero = new Float64Array(P);
    const vec = () => Float64Array.from({ length: P }, () => 4 * random() - 2);
    for (let trial = 0; trial < 3; trial++) {
      const p = vec();
      const q = vec();
      const alpha = 0.5 + 2 * random();
      const pq = p.map((v, k) => v + alpha * q[k]!);
      for (let r = 0; r < rows; r++) {
        const xi = this.x[Math.floor((r * this.n) / rows)]!;
        const f0 = this.at(xi, zero);
        const lhs = this.at(xi, pq) - this.at(xi, p);
        const rhs = alpha * (this.at(xi, q) - f0);
        if (![f0, lhs, rhs].every(Number.isFinite)) return false;
        const scale = Math.max(1, Math.abs(this.at(xi, pq)), Math.abs(this.at(xi, p)), Math.abs(f0));
        if (Math.abs(lhs - rhs) > 1e-9 * scale) return false;
      }
    }
    return true;
  }

  /** Least squares over the basis φᵢ = f(x; eᵢ) − f(x; 0) against y − f(x; 0). */
  private solveExact(): { fit: ModelFit | null; note: ExactNote | null } {
    const P = this.parameters.length;
    if (this.n * P > EXACT_MAX_ENTRIES) return { fit: null, note: 'too large' };
    if (this.n < P) return { fit: null, note: 'not identifiable' };
    const zero = new Float64Array(P);
    const unit = new Float64Array(P);
    const A = new Matrix(this.n, P);
    const b = new Matrix(this.n, 1);
    for (let i = 0; i < this.n; i++) {
      const xi = this.x[i]!;
      const f0 = this.at(xi, zero);
      b.set(i, 0, this.y[i]! - f0);
      for (let k = 0; k < P; k++) {
        unit[k] = 1;
        A.set(i, k, this.at(xi, unit) - f0);
        unit[k] = 0;
      }
    }
    // Identifiable when the basis columns, each scaled to unit length, are far from dependent:
    // QR's exact-zero test passes (a + b)·x, whose columns differ by rounding only.
    const scaled = A.clone();
    for (let k = 0; k < P; k++) {
      const norm = A.getColumnVector(k).norm();
      if (!(norm > 0)) return { fit: null, note: 'not identifiable' };
      scaled.setColumn(k, A.getColumn(k).map((v) => v / norm));
    }
    const s = new SingularValueDecomposition(scaled, { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
    if (!(Math.min(...s) > 1e-10 * Math.max(...s))) return { fit: null, note: 'not identifiable' };
    const values = new QrDecomposition(A).solve(b).getColumn(0);
    if (!values.every(Number.isFinite)) return { fit: null, note: 'not identifiable' };
    return { fit: { values, mse: this.mse(values) }, note: null };
  }

  createLane(config: LaneConfig, start: readonly number[], seed: number): ModelLane {
    return new ModelLane(this, config, start, seed);
  }

  /** The model's prediction and loss on the rows of `batch` (all rows when undefined), as tensors. */
  lossTensor(theta: tf.Tensor1D, batch: tf.Tensor1D | undefined): tf.Scalar {
    const xs = batch ? tf.gather(this.xs, batch) : this.xs;
    const ys = batch ? tf.gather(this.ys, batch) : this.ys;
    const values = this.parameters.length === 1 ? [theta.reshape([])] : tf.unstack(theta);
    return tf.mean(tf.square(tf.sub(this.tfFormula.apply([xs, ...values]), ys))) as tf.Scalar;
  }

  dispose(): void {
    this.tfFormula.dispose();
    this.xs.dispose();
    this.ys.dispose();
  }
}

export class ModelLane extends OptimizerLane<ModelState> {
  private readonly theta: tf.Variable<tf.Rank.R1>;
  private readonly nextBatch: (() => tf.Tensor1D) | undefined;
  protected readonly state: ModelState;

  constructor(
    private readonly model: RegressionModel,
    config: LaneConfig,
    start: readonly number[],
    seed: number,
  ) {
    if (start.length !== model.parameters.length) throw new RangeError(`the model has ${model.parameters.length} parameters; ${start.length} start values were given`);
    super(config);
    this.nextBatch = miniBatches(config.optimizer, this.params, model.n, seed);
    const initial = tf.tensor1d(Float32Array.from(start));
    this.theta = tf.variable(initial, true); // the variable copies its value: free the source
    initial.dispose();
    const values = Float64Array.from(this.theta.dataSync());
    this.state = { values, loss: this.loss(values), learningRate: this.built.useRateOf(0) };
  }

  private loss(values: Float64Array): number {
    if (this.model.n <= FLOAT64_LOSS_MAX_ROWS) return this.model.mse(values);
    const t = tf.tidy(() => this.model.lossTensor(this.theta, undefined));
    const v = t.dataSync()[0]!;
    t.dispose();
    return v;
  }

  /** One optimizer step; afterwards `current` holds the parameters and their loss over every row. */
  step(): ModelState {
    if (this.status !== 'running') return this.state;
    this.built.useRateOf(this.iteration);
    const batch = this.nextBatch?.();
    // minimize() runs inside its own tidy: only theta and the optimizer's slots survive.
    this.optimizer.minimize(() => this.model.lossTensor(this.theta, batch), false, [this.theta]);
    batch?.dispose();
    this.state.values.set(this.theta.dataSync());
    this.state.loss = this.loss(this.state.values);
    this.iteration++;
    this.state.learningRate = this.built.useRateOf(this.iteration);
    if (!Number.isFinite(this.state.loss) || !this.state.values.every(Number.isFinite)) this.status = 'diverged';
    return this.state;
  }

  override dispose(): void {
    this.theta.dispose();
    super.dispose();
  }
}
