/**
 * Surface lab: optimizers racing over f(x, y), a preset or the user's formula, compiled once
 * into TensorFlow.js ops (for the gradient, by autodiff) and into float64 (for the exact value
 * recorded per iteration and the finite-difference check of that gradient).
 *
 * A step is a dozen ops on two numbers, so per-op dispatch decides its cost: every running
 * lane's point is evaluated in one batched op chain ([lanes, 2] → f → tf.grad), read back in
 * one dataSync, and each lane then applies its own gradient with its own optimizer from the
 * registry. Lanes step one by one (the run loop may pause between two); the gradient a lane
 * applies was computed at its current point by the last batched evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import type { LaneConfig } from '../../protocol/messages';
import { knownMinima, surfaceFormula, type KnownMinimum, type SurfaceFunction, type SurfacePoint } from '../../protocol/surface';
import { checkFormula, type CheckedFormula } from '../formula/formula';
import { centralDifferences, compileFloat64, type Float64Formula } from '../formula/formula-float64';
import { compileTf, type TfFormula } from '../formula/formula-tf';
import { OptimizerLane } from '../optimizers';

export const SURFACE_SERIES = ['x', 'y', 'f', 'gx', 'gy', 'fdx', 'fdy', 'learningRate'] as const;
export type SurfaceSeriesName = (typeof SURFACE_SERIES)[number];
/**
 * A lane at one iteration: its point, f there in float64, the autodiff gradient (float32),
 * float64 central differences, and the learning rate of its next step.
 */
export type SurfaceState = Record<SurfaceSeriesName, number>;
/** What the function says at a point (a lane adds its learning rate). */
export type SurfacePointState = Omit<SurfaceState, 'learningRate'>;

export interface SurfaceProblem {
  fn: SurfaceFunction;
  start: SurfacePoint;
}

export class SurfaceLab {
  readonly f64: Float64Formula;
  readonly minima: readonly KnownMinimum[];
  /** f as tf ops (a sweep differentiates the checked formula its own way: main/engine/tune/surface-sweep.ts). */
  readonly tfFormula: TfFormula;
  /** ∂(Σ f over rows)/∂points = each row's own gradient: the lanes do not interact. */
  private readonly gradient: (points: tf.Tensor2D) => tf.Tensor2D;

  private constructor(
    readonly problem: SurfaceProblem,
    readonly formula: CheckedFormula,
  ) {
    this.f64 = compileFloat64(formula);
    this.minima = knownMinima(problem.fn);
    this.tfFormula = compileTf(formula);
    // f per row, differentiated with an upstream gradient of ones: the gradient of Σf without
    // the sum (and its backward pass), five kernels fewer in a step of about forty.
    const fRows = tf.grad((points: tf.Tensor): tf.Tensor => {
      const [x, y] = tf.split(points, 2, 1);
      return this.tfFormula.apply([x!, y!]);
    });
    this.gradient = (points) => fRows(points, this.onesFor(points.shape[0])) as tf.Tensor2D;
  }

  /** [rows, 1] of ones, kept per row count (at most one per lane count) until dispose(). */
  private readonly ones = new Map<number, tf.Tensor2D>();
  private onesFor(rows: number): tf.Tensor2D {
    const kept = this.ones.get(rows);
    if (kept) return kept;
    const t = tf.keep(tf.ones([rows, 1]) as tf.Tensor2D); // freed by dispose()
    this.ones.set(rows, t);
    return t;
  }

  /** Compiles the function; a bad formula throws a FormulaError saying what and where. */
  static async create(problem: SurfaceProblem): Promise<SurfaceLab> {
    return new SurfaceLab(problem, await checkFormula(surfaceFormula(problem.fn)));
  }

  /** f, the autodiff gradient and float64 central differences at a point, as a lane records them. */
  stateAt(x: number, y: number, gx: number, gy: number): SurfacePointState {
    const [fdx, fdy] = centralDifferences(this.f64, [x, y]);
    return { x, y, f: this.f64([x, y]), gx, gy, fdx: fdx!, fdy: fdy! };
  }

  /**
   * Every given lane's point and its autodiff gradient, in one op chain and one readback. The
   * lanes keep their gradient rows (each frees its own) for their next step.
   */
  evaluate(lanes: readonly SurfaceLane[]): void {
    if (lanes.length === 0) return;
    const { packed, rows } = tf.tidy(() => {
      const points = lanes.length === 1 ? lanes[0]!.point : tf.concat(lanes.map((l) => l.point), 0);
      const g = this.gradient(points as tf.Tensor2D);
      // Kept past the tidy: each row goes to its lane, which disposes it after its step.
      return { packed: tf.concat([points, g], 1), rows: lanes.length === 1 ? [g] : tf.split(g, lanes.length, 0) };
    });
    const values = packed.dataSync();
    packed.dispose();
    lanes.forEach((lane, i) => lane.evaluated(this.stateAt(values[4 * i]!, values[4 * i + 1]!, values[4 * i + 2]!, values[4 * i + 3]!), rows[i]!));
  }

  createLane(config: LaneConfig): SurfaceLane {
    return new SurfaceLane(config, this.problem.start);
  }

  dispose(): void {
    this.tfFormula.dispose();
    for (const t of this.ones.values()) t.dispose();
    this.ones.clear();
  }
}

export class SurfaceLane extends OptimizerLane<SurfaceState> {
  /** [1, 2]: (x, y). */
  readonly point: tf.Variable<tf.Rank.R2>;
  private gradient: tf.Tensor | undefined;
  protected state: SurfaceState;

  constructor(config: LaneConfig, start: SurfacePoint) {
    super(config);
    const initial = tf.tensor2d([[start.x, start.y]]);
    this.point = tf.variable(initial, true); // the variable copies its value: free the source
    initial.dispose();
    this.state = { x: start.x, y: start.y, f: NaN, gx: NaN, gy: NaN, fdx: NaN, fdy: NaN, learningRate: this.built.useRateOf(0) };
  }

  /** The batched evaluation's result at this lane's point; a non-finite value or gradient ends the lane as diverged. */
  evaluated(state: SurfacePointState, gradient: tf.Tensor): void {
    this.gradient?.dispose();
    this.gradient = gradient;
    this.state = { ...state, learningRate: this.built.useRateOf(this.iteration) };
    if (![state.x, state.y, state.f, state.gx, state.gy].every(Number.isFinite)) this.diverge();
  }

  /** One optimizer step with the gradient evaluated at the current point. */
  step(): void {
    if (this.status !== 'running' || !this.gradient) return;
    this.built.useRateOf(this.iteration);
    // applyGradients runs in its own tidy: only the point and the optimizer's slots survive.
    this.optimizer.applyGradients({ [this.point.name]: this.gradient });
    this.gradient.dispose();
    this.gradient = undefined;
    this.iteration++;
  }

  private diverge(): void {
    this.status = 'diverged';
    this.gradient?.dispose();
    this.gradient = undefined;
  }

  override dispose(): void {
    this.gradient?.dispose();
    this.gradient = undefined;
    this.point.dispose();
    super.dispose();
  }
}
