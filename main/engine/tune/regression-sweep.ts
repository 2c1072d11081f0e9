/**
 * The Regression lab's sweep: every cell a line (a, b) in the optimizer's space, all of them
 * the columns of one [2, cells] variable, so one matMul of the lab's [n, 2] design gives every
 * cell's predictions ([n, cells]: a lane's own [n, 1] matMul, with more columns). The loss is
 * each column's mean squared error (differentiated with an upstream gradient of ones: each
 * cell's own gradient); SGD's mini-batch is drawn as a lane with the same seed draws it, the
 * same rows for every cell. The loss reported is the lab's float64 MSE in original units, as a
 * lane records it.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../../protocol/optimizers';
import { miniBatches, type RegressionLab } from '../labs/regression';
import type { SweepProblem } from './sweep';

export function regressionSweepProblem(lab: RegressionLab, optimizer: OptimizerName, params: Record<string, number>, seed: number): SweepProblem {
  const [a, b] = lab.toInternal(lab.problem.initSlope, lab.problem.initIntercept);
  const n = lab.n;
  let target: tf.Tensor2D | undefined; // [n, cells]: y repeated for every cell (no broadcasting in the step)
  let ones: tf.Tensor | undefined;
  let nextBatch: (() => tf.Tensor1D) | undefined;
  const mse = tf.grad((theta: tf.Tensor): tf.Tensor => {
    if (!nextBatch) return tf.mean(tf.square(tf.sub(tf.matMul(lab.design, theta as tf.Tensor2D), target!)), 0);
    const batch = nextBatch();
    return tf.mean(tf.square(tf.sub(tf.matMul(tf.gather(lab.design, batch), theta as tf.Tensor2D), tf.gather(target!, batch))), 0);
  });
  const free = () => {
    target?.dispose();
    ones?.dispose();
    target = ones = undefined;
  };
  return {
    cellShape: [2],
    // The parameters, slots and hyper-parameter rows (2 × 14), and [n, cells] predictions,
    // residuals, squares and their gradients (about 8 of them).
    floatsPerCell: 28 + 8 * n,
    start: (cells) => {
      free();
      nextBatch = miniBatches(optimizer, params, n, seed);
      return tf.tidy(() => {
        target = tf.keep(tf.tile(lab.target, [1, cells])) as tf.Tensor2D; // freed by dispose() or the next start
        ones = tf.keep(tf.ones([cells]));
        return tf.concat([tf.fill([1, cells], a), tf.fill([1, cells], b)], 0);
      });
    },
    gradient: (theta) => mse(theta, ones),
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
