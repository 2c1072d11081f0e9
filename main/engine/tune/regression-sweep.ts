/**
 * The Regression lab's sweep: every cell a line (a, b) in the optimizer's space, all of them
 * the columns of one [2, cells] variable, so one matMul of the lab's [n, 2] design gives every
 * cell's predictions ([n, cells]: a lane's own [n, 1] matMul, with more columns). The gradient
 * of each column's mean squared error is written out, (2/n)·Dᵀ(Dθ − y): four kernels, where
 * autodiff of a per-column mean broadcasts its upstream gradient over [n, cells] (the cpu
 * backend's broadcasting path indexes per value: 40 ms a step at 400 cells against 1 here) and
 * reduces along the column axis through a transpose. A lane's autodiff gradient is the same sum
 * (test/unit/engine/tune/regression-sweep.test.ts holds them together). SGD's mini-batch is
 * drawn as a lane with the same seed draws it, the same rows for every cell. The loss reported
 * is the lab's float64 MSE in original units, as a lane records it.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../../protocol/optimizers';
import { miniBatches, type RegressionLab } from '../labs/regression';
import type { SweepProblem } from './sweep';

export function regressionSweepProblem(lab: RegressionLab, optimizer: OptimizerName, params: Record<string, number>, seed: number): SweepProblem {
  const [a, b] = lab.toInternal(lab.problem.initSlope, lab.problem.initIntercept);
  const n = lab.n;
  let target: tf.Tensor2D | undefined; // [n, cells]: y repeated for every cell (no broadcasting in the step)
  let nextBatch: (() => tf.Tensor1D) | undefined;
  let twoOverN: tf.Scalar | undefined;
  let twoOverBatch: tf.Scalar | undefined;
  /** ∂/∂θ of each column's mean((Dθ − y)²) = (2/rows)·Dᵀ(Dθ − y), over all rows or the step's mini-batch. */
  const gradient = (theta: tf.Tensor2D): tf.Tensor => {
    if (!nextBatch) return tf.mul(tf.matMul(lab.design, tf.sub(tf.matMul(lab.design, theta), target!), true, false), twoOverN!);
    const batch = nextBatch();
    const rows = tf.gather(lab.design, batch);
    return tf.mul(tf.matMul(rows, tf.sub(tf.matMul(rows, theta), tf.gather(target!, batch)), true, false), twoOverBatch!);
  };
  const free = () => {
    for (const t of [target, twoOverN, twoOverBatch]) t?.dispose();
    target = twoOverN = twoOverBatch = undefined;
  };
  return {
    cellShape: [2],
    // The parameters, slots and hyper-parameter rows (2 × 14), y repeated, the predictions and
    // the residuals ([n, cells] each).
    floatsPerCell: 28 + 3 * n,
    start: (cells) => {
      free();
      nextBatch = miniBatches(optimizer, params, n, seed);
      return tf.tidy(() => {
        // freed by dispose() or the next start
        target = tf.keep(tf.tile(lab.target, [1, cells])) as tf.Tensor2D;
        twoOverN = tf.keep(tf.scalar(2 / n));
        twoOverBatch = tf.keep(tf.scalar(2 / Math.min(params.batchSize ?? n, n)));
        return tf.concat([tf.fill([1, cells], a), tf.fill([1, cells], b)], 0);
      });
    },
    gradient: (theta) => gradient(theta as tf.Tensor2D),
    losses: (values, cells) => {
      const out = new Float64Array(cells);
      for (let i = 0; i < cells; i++) {
        const [slope, intercept] = lab.toOriginal(values[i]!, values[cells + i]!);
        out[i] = lab.loss(slope, intercept);
      }
      return out;
    },
    dispose: free,
  };
}
