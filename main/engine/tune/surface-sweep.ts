/**
 * The Surface lab's sweep: every cell a point (x, y), all of them rows of one [cells, 2]
 * variable from the lab's start, the gradient the lab's own batched evaluation (f per row
 * differentiated with an upstream gradient of ones), the loss f at the final point in float64,
 * as a lane records it.
 */
import * as tf from '@tensorflow/tfjs';
import type { SurfaceLab } from '../labs/surface';
import type { SweepProblem } from './sweep';

/** float32s a cell holds at once: the point, up to four slots and eight hyper-parameter rows, the gradient, and the formula's forward and backward temporaries (a few dozen columns). */
const FLOATS_PER_CELL = 2 * (1 + 4 + 8 + 1) + 64;

export function surfaceSweepProblem(lab: SurfaceLab): SweepProblem {
  const { x, y } = lab.problem.start;
  return {
    cellShape: [2],
    floatsPerCell: FLOATS_PER_CELL,
    start: (cells) => tf.tile(tf.tensor2d([[x, y]]), [cells, 1]),
    gradient: (params) => lab.gradient(params as tf.Variable<tf.Rank.R2>),
    losses: (values, cells) => {
      const out = new Float64Array(cells);
      for (let i = 0; i < cells; i++) out[i] = lab.f64([values[2 * i]!, values[2 * i + 1]!]);
      return out;
    },
    dispose: () => {},
  };
}
