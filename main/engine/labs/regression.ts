/**
 * Regression lab: weight = slope·height + intercept by gradient descent on the mean squared
 * error. The gradient comes from tfjs autograd over float32 data; the loss recorded each
 * iteration is evaluated exactly in float64 from the data's moments, which costs nothing per
 * step and reads only the two parameters back from the backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { LaneConfig, LeastSquares, RegressionProblem, RegressionStats } from '../../protocol/messages';
import type { OptimizerName } from '../../protocol/optimizers';
import { OptimizerLane } from '../optimizers';
import { mulberry32 } from '../random';
import { leastSquares, lineScaling, moments, mseAt, regressionStats, type LineScaling, type Moments } from '../../protocol/least-squares';

/** Line parameters in original units, their exact loss, and the learning rate of the next step. */
export interface RegressionState {
  slope: number;
  intercept: number;
  loss: number;
  learningRate: number;
}


/**
 * The row indices of each step's mini-batch for an `sgd` lane with a batch smaller than the
 * data (seeded: every run with the same seed draws the same batches); undefined for full-batch
 * lanes. The caller disposes each tensor after its step.
 */
export function miniBatches(optimizer: OptimizerName, params: Record<string, number>, n: number, seed: number): (() => tf.Tensor1D) | undefined {
  const batchSize = optimizer === 'sgd' ? Math.min(params.batchSize ?? n, n) : n;
  if (batchSize >= n) return undefined;
  const random = mulberry32(seed);
  const indices = new Int32Array(batchSize);
  return () => {
    // Sampling with replacement: each draw is an unbiased estimate of the full gradient.
    for (let i = 0; i < batchSize; i++) indices[i] = Math.floor(random() * n);
    return tf.tensor1d(indices, 'int32');
  };
}

export class RegressionLab {
  readonly moments: Moments;
  readonly exact: LeastSquares;
  readonly stats: RegressionStats;
  readonly n: number;
  private readonly scaling: LineScaling;
  /** [n, 2] rows of (x, 1), so one matMul gives every prediction (of a lane, or of a sweep's cells: main/engine/tune/regression-sweep.ts). */
  readonly design: tf.Tensor2D;
  /** [n, 1]: y as the optimizer sees it (standardised when normalising). */
  readonly target: tf.Tensor2D;

  constructor(readonly problem: RegressionProblem) {
    this.n = problem.x.length;
    this.moments = moments(problem.x, problem.y);
    this.exact = leastSquares(this.moments);
    this.stats = regressionStats(this.moments);
    this.scaling = lineScaling(this.moments, problem.normalize);
    // The data the optimizer sees: standardised when normalising (the same map as the line's).
    const { mx, my, sx, sy } = this.scaling;
    const rows = new Float32Array(this.n * 2);
    const ys = new Float32Array(this.n);
    for (let i = 0; i < this.n; i++) {
      rows[2 * i] = (problem.x[i]! - mx) / sx;
      rows[2 * i + 1] = 1;
      ys[i] = (problem.y[i]! - my) / sy;
    }
    this.design = tf.tensor2d(rows, [this.n, 2]);
    this.target = tf.tensor2d(ys, [this.n, 1]);
  }

  /** Original-unit line → optimizer space (identity unless normalised). */
  toInternal(slope: number, intercept: number): [number, number] {
    return this.scaling.toInternal(slope, intercept);
  }

  toOriginal(a: number, b: number): [number, number] {
    return this.scaling.toOriginal(a, b);
  }

  loss(slope: number, intercept: number): number {
    return mseAt(this.moments, slope, intercept);
  }

  createLane(config: LaneConfig, seed: number): RegressionLane {
    return new RegressionLane(this, config, seed, this.design, this.target);
  }

  dispose(): void {
    this.design.dispose();
    this.target.dispose();
  }
}

export class RegressionLane extends OptimizerLane<RegressionState> {
  private readonly theta: tf.Variable<tf.Rank.R2>;
  private readonly lossFn: () => tf.Scalar;
  private readonly nextBatch: (() => tf.Tensor1D) | undefined;
  private batch: tf.Tensor1D | undefined;
  protected readonly state: RegressionState;

  constructor(
    private readonly lab: RegressionLab,
    config: LaneConfig,
    seed: number,
    design: tf.Tensor2D,
    target: tf.Tensor2D,
  ) {
    super(config);
    const [a, b] = lab.toInternal(lab.problem.initSlope, lab.problem.initIntercept);
    const initial = tf.tensor2d([a, b], [2, 1]);
    this.theta = tf.variable(initial, true); // the variable copies its value: free the source
    initial.dispose();
    this.state = { slope: lab.problem.initSlope, intercept: lab.problem.initIntercept, loss: 0, learningRate: this.built.useRateOf(0) };
    this.state.loss = lab.loss(this.state.slope, this.state.intercept);

    this.nextBatch = miniBatches(config.optimizer, this.params, lab.n, seed);
    if (this.nextBatch) {
      this.lossFn = () => {
        const rows = tf.gather(design, this.batch!);
        const ys = tf.gather(target, this.batch!);
        return tf.mean(tf.square(tf.sub(tf.matMul(rows, this.theta), ys))) as tf.Scalar;
      };
    } else {
      this.lossFn = () => tf.mean(tf.square(tf.sub(tf.matMul(design, this.theta), target))) as tf.Scalar;
    }
  }

  /** One optimizer step; afterwards `current` holds the new line and its exact loss. */
  step(): RegressionState {
    if (this.status !== 'running') return this.state;
    this.built.useRateOf(this.iteration);
    if (this.nextBatch) this.batch = this.nextBatch();
    // minimize() runs inside its own tidy: only theta and the optimizer's slots survive.
    this.optimizer.minimize(this.lossFn, false, [this.theta]);
    if (this.batch) {
      this.batch.dispose();
      this.batch = undefined;
    }
    const [a, b] = this.theta.dataSync();
    const [slope, intercept] = this.lab.toOriginal(a!, b!);
    this.state.slope = slope;
    this.state.intercept = intercept;
    this.state.loss = this.lab.loss(slope, intercept);
    this.iteration++;
    this.state.learningRate = this.built.useRateOf(this.iteration);
    if (!Number.isFinite(this.state.loss)) this.status = 'diverged';
    return this.state;
  }

  override dispose(): void {
    this.theta.dispose();
    super.dispose();
  }
}
