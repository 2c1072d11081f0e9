/**
 * The Surface lab's sweep: every cell a point (x, y), all of them the columns of one
 * [2, cells] variable from the lab's start; the gradient is the lab's formula differentiated
 * once, symbolically, into a program of tf ops over the x row and the y row
 * (formula/formula-gradient.ts: tf.grad's gradient to the bit, each cell's own, as the lab's
 * lanes get theirs, in a quarter of its kernels); the loss is f at the final point in float64,
 * as a lane records it.
 */
import * as tf from '@tensorflow/tfjs';
import { compileTfGradient } from '../formula/formula-gradient';
import type { SurfaceLab } from '../labs/surface';
import type { SweepProblem } from './sweep';

/** float32s a cell holds at once: the point, up to four slots and eight hyper-parameter rows, the gradient, and the gradient program's temporaries (a few dozen rows). */
const FLOATS_PER_CELL = 2 * (1 + 4 + 8 + 1) + 64;

export function surfaceSweepProblem(lab: SurfaceLab): SweepProblem {
  const { x, y } = lab.problem.start;
  const gradient = compileTfGradient(lab.formula);
  return {
    cellShape: [2],
    floatsPerCell: FLOATS_PER_CELL,
    start: (cells) => tf.tidy(() => tf.concat([tf.fill([1, cells], x), tf.fill([1, cells], y)], 0)),
    gradient: (params) => tf.concat(gradient.apply(tf.split(params, 2, 0)), 0),
    losses: (values, cells) => {
      const out = new Float64Array(cells);
      for (let i = 0; i < cells; i++) out[i] = lab.f64([values[i]!, values[cells + i]!]);
      return out;
    },
    dispose: () => gradient.dispose(),
  };
}
