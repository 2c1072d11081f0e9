/**
 * The Spread lab's sweep: every cell its own copy of the lab's N unit vectors in D dimensions,
 * all of them one [N, D, cells] variable (cells along the last axis, as every sweep has them).
 * A step is a Spread lane's step for every cell at once, through the lab's own ops
 * (spread-ops.ts): the variable seen as [cells, N, D] (the cells as a lane's restarts, which
 * the ops already batch over), the lane's gradient of the lane's loss — an energy's closed-form
 * scale·P(W·X) from one pair pass, the angle minima and the force by autodiff — SGD's seeded
 * rows (the same rows for every cell, as a lane with the same seed draws them), and after the
 * optimizer's step the vectors renormalised (unitRows along D). A cell's loss is the lane's:
 * SpreadMetrics from one pair pass over its float32 vectors (the hard minimum for the angle
 * losses). Sweeps run a constant schedule: a softened minimum keeps its start temperature (a
 * lane made from a cell races with the constant schedule).
 */
import * as tf from '@tensorflow/tfjs';
import { resolveHyperParams, type OptimizerName } from '../../protocol/optimizers';
import { spreadLossSettingsProblem, spreadTemperatureRad, type SpreadLossSettings } from '../../protocol/spread';
import { spreadSweepSizeProblem } from '../../protocol/sweep';
import type { SpreadLab } from '../labs/spread';
import { SpreadMetrics } from '../labs/spread-metrics';
import { energyGradient, pairPass, sgdRowPicker, spreadTrainingLoss, unitRows } from '../labs/spread-ops';
import type { SweepProblem } from './sweep';

export function spreadSweepProblem(lab: SpreadLab, settings: SpreadLossSettings, optimizer: OptimizerName, params: Record<string, number>, seed: number): SweepProblem {
  const size = spreadSweepSizeProblem(lab.n, lab.dim) ?? spreadLossSettingsProblem(settings);
  if (size) throw new RangeError(size);
  const { n, dim } = lab;
  const { loss } = settings;
  const s = loss === 'coulomb' ? 1 : settings.s;
  const energy = loss === 'coulomb' || loss === 'riesz';
  const consts = lab.constantsFor(loss);
  const t = spreadTemperatureRad(settings, 1);
  const lossGradient = tf.grad((x: tf.Tensor) => spreadTrainingLoss(x as tf.Tensor3D, consts, loss, t));
  const batchSize = optimizer === 'sgd' ? resolveHyperParams(optimizer, params).batchSize! : n;
  let cells = 0;
  /** The gradient's pass (an energy's scale per cell) and the losses' pass: made by start(). */
  let stepMetrics: SpreadMetrics | undefined;
  let lossMetrics: SpreadMetrics | undefined;
  let pickRows: (() => tf.Tensor3D) | undefined;
  /** [N, D, cells] → [cells, N, D]: the cells as a lane's restarts. */
  const asRestarts = (v: tf.Tensor): tf.Tensor3D => tf.transpose(v, [2, 0, 1]) as tf.Tensor3D;
  return {
    cellShape: [n, dim],
    // The vectors, up to four slots and eight hyper-parameter copies, the gradient and its
    // transposes (≈ 20 × N·D), and the pair pass's N² matrices (chords, weights, angles and
    // their gradients: ≈ 10 × N²).
    floatsPerCell: 20 * n * dim + 10 * n * n,
    start: (c) => {
      cells = c;
      stepMetrics = new SpreadMetrics(n, c, settings);
      lossMetrics = new SpreadMetrics(n, c, settings);
      pickRows = optimizer === 'sgd' ? sgdRowPicker(n, batchSize, seed) : undefined;
      return tf.tidy(() => tf.tile(tf.reshape(tf.tensor(lab.start.subarray(0, n * dim)), [n, dim, 1]), [1, 1, c]));
    },
    gradient: (params) => {
      const x = asRestarts(params);
      let g: tf.Tensor3D;
      if (energy) {
        const { sums, weights } = pairPass(x, consts, loss, s);
        stepMetrics!.update(sums);
        g = energyGradient(weights!, x, tf.tensor3d(stepMetrics!.energyScale(), [cells, 1, 1]));
      } else {
        g = lossGradient(x) as tf.Tensor3D;
      }
      if (pickRows) g = tf.mul(g, pickRows());
      return tf.transpose(g, [1, 2, 0]);
    },
    project: (params) => tf.tidy(() => void params.assign(unitRows(params, 1))),
    losses: (values, c) => {
      const x = tf.tidy(() => asRestarts(tf.tensor3d(values, [n, dim, c])));
      const { sums, weights } = pairPass(x, consts, loss, s);
      x.dispose();
      weights?.dispose();
      lossMetrics!.update(sums);
      return Float64Array.from(lossMetrics!.losses);
    },
    // The pair constants are the lab's.
    dispose: () => undefined,
  };
}
