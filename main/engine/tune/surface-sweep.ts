/**
 * The Surface lab's sweep: every cell a point (x, y), all of them the columns of one
 * [2, cells] variable from the lab's start; the gradient is the lab's formula over the x row
 * and the y row, f per cell differentiated with an upstream gradient of ones (each cell's own
 * gradient, as the lab's lanes get theirs); the loss is f at the final point in float64, as a
 * lane records it.
 */
import * as tf from '@tensorflow/tfjs';
import type { SurfaceLab } from '../labs/surface';
import type { SweepProblem } from './sweep';

/** float32s a cell holds at once: the point, up to four slots and eight hyper-parameter rows, the gradient, and the formula's forward and backward temporaries (a few dozen rows). */
const FLOATS_PER_CELL = 2 * (1 + 4 + 8 + 1) + 64;

export function surfaceSweepProblem(lab: SurfaceLab): SweepProblem {
  const { x, y } = lab.problem.start;
  const fCells = tf.grad((points: tf.Tensor): tf.Tensor => {
    const [xs, ys] = tf.split(points, 2, 0);
    return lab.tfFormula.apply([xs!, ys!]);
  });
  let ones: tf.Tensor | undefined;
  return {
    cellShape: [2],
    floatsPerCell: FLOATS_PER_CELL,
    start: (cells) =>
      tf.tidy(() => {
        ones?.dispose();
        ones = tf.keep(tf.ones([1, cells])); // freed by dispose() or the next start
        return tf.concat([tf.fill([1, cells], x), tf.fill([1, cells], y)], 0);
      }),
    gradient: (params) => fCells(params, ones),
    losses: (values, cells) => {
      const out = new Float64Array(cells);
      for (let i = 0; i < cells; i++) out[i] = lab.f64([values[i]!, values[cells + i]!]);
      return out;
    },
    dispose: () => {
      ones?.dispose();
      ones = undefined;
    },
  };
}
