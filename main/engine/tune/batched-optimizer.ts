/**
 * The registry's nine optimizers over many cells at once: the parameters of every cell are one
 * […, cells] variable (cells along the last axis) and each hyper-parameter is a tensor of the
 * same shape holding each cell's value (a scalar where every cell shares it), so a step of 400
 * cells is the same op chain as a step of one. Each update is tfjs 4.22's own (optimizers/*_optimizer.js), op for
 * op and in the same order (epsilon placement, the bias corrections' accumulated beta powers
 * kept in float32, Adamax's decay over a float32 iteration count, Adadelta's use of the
 * accumulated gradient before its update), so a cell steps exactly as a single lane with that
 * optimizer from main/engine/optimizers.ts does (test/unit/engine/tune/batched-optimizer.test.ts).
 * Full-shape hyper-parameter tensors rather than [cells, 1] columns keep every elementwise op on
 * the backends' same-shape path (the cpu backend's broadcasting path indexes per element).
 * What changes per step but not with the parameters — Adam's and Adamax's bias corrections and
 * Adamax's decayed rate — is worked out per cell here, in float32 as its kernels would round it,
 * and handed over as one tensor a step: a step is a kernel dispatch per op (≈ 10 µs each,
 * whatever 800 floats cost), so Adam's update is 14 kernels rather than 18, Adamax's 10 rather
 * than 17.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../../protocol/optimizers';

export interface BatchedOptimizer {
  /** One step of every cell with its gradient (the variable's shape); in its own tidy. */
  apply(gradient: tf.Tensor): void;
  /** Frees the slots and hyper-parameter tensors (not the variable). */
  dispose(): void;
}

type Hyper = (value: (cell: Record<string, number>) => number) => tf.Tensor;

/**
 * A tensor of the variable's shape whose last axis holds each cell's value, or a scalar when
 * every cell has the same value: the float64 value is rounded to float32 once, as tfjs rounds
 * the number it is given.
 */
function hyperTensors(cells: readonly Record<string, number>[], shape: readonly number[], keep: tf.Tensor[]): Hyper {
  const size = shape.reduce((a, b) => a * b, 1);
  return (value) => {
    const values = cells.map(value);
    const uniform = values.every((v) => v === values[0]);
    let t: tf.Tensor;
    if (uniform) t = tf.scalar(values[0]!);
    else {
      const data = new Float32Array(size);
      for (let k = 0; k < size; k++) data[k] = values[k % values.length]!;
      t = tf.tensor(data, [...shape]);
    }
    keep.push(t);
    return t;
  };
}

/**
 * A per-cell value that changes every step but not with the parameters (Adam's and Adamax's
 * bias corrections, Adamax's decayed rate): worked out here per cell in float32 — each
 * operation rounded by Math.fround or a Float32Array store, which is what a float32 kernel's
 * correctly rounded result is — and handed over as one tensor a step (a scalar where every cell
 * has the same), in place of the kernels that would compute it.
 */
function stepTensors(cells: number, shape: readonly number[]): (values: Float32Array) => tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return (values) => {
    if (values.every((v) => v === values[0])) return tf.scalar(values[0]!);
    const data = new Float32Array(size);
    for (let k = 0; k < size; k++) data[k] = values[k % cells]!;
    return tf.tensor(data, [...shape]);
  };
}

const p = (key: string) => (cell: Record<string, number>): number => {
  const v = cell[key];
  if (v === undefined) throw new Error(`missing ${key}`);
  return v;
};

/**
 * The optimizer `name` over `variable` ([…, cells]), cell i with the resolved hyper-parameters
 * `cells[i]` (resolveHyperParams). The slots start as tfjs starts them (zeros; Adagrad's
 * accumulator at its initial value; Adam's and Adamax's beta powers at beta1 and beta2).
 */
export function createBatchedOptimizer(name: OptimizerName, cells: readonly Record<string, number>[], variable: tf.Variable): BatchedOptimizer {
  if (variable.shape[variable.rank - 1] !== cells.length) throw new Error(`the variable has ${variable.shape[variable.rank - 1]} cells, the hyper-parameters ${cells.length}`);
  const kept: tf.Tensor[] = [];
  const slots: tf.Variable[] = [];
  const hyper = hyperTensors(cells, variable.shape, kept);
  const slot = (init: tf.Tensor | number = 0): tf.Variable => {
    const v = tf.tidy(() => {
      const t = typeof init === 'number' ? tf.fill(variable.shape, init) : tf.add(tf.zerosLike(variable), init);
      return tf.variable(t, false);
    });
    slots.push(v);
    return v;
  };
  const negLr = hyper((c) => -p('learningRate')(c));
  const step = ((): ((g: tf.Tensor) => void) => {
    const value = variable;
    switch (name) {
      case 'gd':
      case 'sgd':
        return (g) => value.assign(tf.add(tf.mul(negLr, g), value));
      case 'momentum':
      case 'nesterov': {
        const m = hyper(p('momentum'));
        const acc = slot();
        const nesterov = name === 'nesterov';
        return (g) => {
          const newAcc = tf.add(tf.mul(m, acc), g);
          const newValue = nesterov ? tf.add(tf.mul(negLr, tf.add(g, tf.mul(newAcc, m))), value) : tf.add(tf.mul(negLr, newAcc), value);
          acc.assign(newAcc);
          value.assign(newValue);
        };
      }
      case 'adagrad': {
        const acc = slot(hyper(p('initialAccumulatorValue')));
        const eps = tf.backend().epsilon();
        return (g) => {
          const newAcc = tf.add(acc, tf.square(g));
          acc.assign(newAcc);
          value.assign(tf.add(tf.mul(tf.div(g, tf.sqrt(tf.add(newAcc, eps))), negLr), value));
        };
      }
      case 'adadelta': {
        const rho = hyper(p('rho'));
        const oneMinusRho = hyper((c) => 1 - p('rho')(c));
        const eps = hyper(p('epsilon'));
        const accGrad = slot();
        const accUpdate = slot();
        return (g) => {
          const newAccGrad = tf.add(tf.mul(accGrad, rho), tf.mul(tf.square(g), oneMinusRho));
          const updates = tf.mul(tf.div(tf.sqrt(tf.add(accUpdate, eps)), tf.sqrt(tf.add(accGrad, eps))), g);
          const newAccUpdate = tf.add(tf.mul(accUpdate, rho), tf.mul(tf.square(updates), oneMinusRho));
          accGrad.assign(newAccGrad);
          accUpdate.assign(newAccUpdate);
          value.assign(tf.add(tf.mul(updates, negLr), value));
        };
      }
      case 'rmsprop': {
        const decay = hyper(p('decay'));
        const oneMinusDecay = hyper((c) => 1 - p('decay')(c));
        const momentum = hyper(p('momentum'));
        const lr = hyper(p('learningRate'));
        const eps = hyper(p('epsilon'));
        const meanSquare = slot();
        const moments = slot();
        return (g) => {
          const newMeanSquare = tf.add(tf.mul(meanSquare, decay), tf.mul(tf.square(g), oneMinusDecay));
          const newMoments = tf.add(tf.mul(moments, momentum), tf.div(tf.mul(g, lr), tf.sqrt(tf.add(newMeanSquare, eps))));
          meanSquare.assign(newMeanSquare);
          moments.assign(newMoments);
          value.assign(tf.sub(value, newMoments));
        };
      }
      case 'adam': {
        const beta1 = hyper(p('beta1'));
        const beta2 = hyper(p('beta2'));
        const oneMinusBeta1 = hyper((c) => 1 - p('beta1')(c));
        const oneMinusBeta2 = hyper((c) => 1 - p('beta2')(c));
        const eps = hyper(p('epsilon'));
        const m = slot();
        const v = slot();
        // tfjs's accBeta1, accBeta2 (float32 variables from beta1, beta2, times beta every step), per cell
        const b1 = Float32Array.from(cells, p('beta1'));
        const b2 = Float32Array.from(cells, p('beta2'));
        const accBeta1 = b1.slice();
        const accBeta2 = b2.slice();
        const perStep = stepTensors(cells.length, variable.shape);
        return (g) => {
          const oneMinusAccBeta1 = perStep(accBeta1.map((a) => 1 - a));
          const oneMinusAccBeta2 = perStep(accBeta2.map((a) => 1 - a));
          const newM = tf.add(tf.mul(m, beta1), tf.mul(g, oneMinusBeta1));
          const newV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), oneMinusBeta2));
          const mHat = tf.div(newM, oneMinusAccBeta1);
          const vHat = tf.div(newV, oneMinusAccBeta2);
          m.assign(newM);
          v.assign(newV);
          value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), negLr), value));
          for (let i = 0; i < cells.length; i++) {
            accBeta1[i] = accBeta1[i]! * b1[i]!;
            accBeta2[i] = accBeta2[i]! * b2[i]!;
          }
        };
      }
      case 'adamax': {
        const beta1 = hyper(p('beta1'));
        const beta2 = hyper(p('beta2'));
        const oneMinusBeta1 = hyper((c) => 1 - p('beta1')(c));
        const eps = hyper(p('epsilon'));
        const m = slot();
        const u = slot();
        // tfjs's accBeta1 and iteration (float32 variables), and its rate negLr / (iteration·decay + 1)
        // divided by 1 − accBeta1, per cell, each operation rounded to float32 as its kernel rounds
        const b1 = Float32Array.from(cells, p('beta1'));
        const decay = Float32Array.from(cells, p('decay'));
        const negRate = Float32Array.from(cells, (c) => -p('learningRate')(c));
        const accBeta1 = b1.slice();
        const f32 = Math.fround;
        let iteration = 0;
        const perStep = stepTensors(cells.length, variable.shape);
        return (g) => {
          const rate = perStep(negRate.map((lr, i) => f32(lr / f32(f32(iteration * decay[i]!) + 1)) / f32(1 - accBeta1[i]!)));
          const newM = tf.add(tf.mul(m, beta1), tf.mul(g, oneMinusBeta1));
          const newU = tf.maximum(tf.mul(u, beta2), tf.abs(g));
          m.assign(newM);
          u.assign(newU);
          value.assign(tf.add(tf.mul(rate, tf.div(newM, tf.add(newU, eps))), value));
          iteration++;
          for (let i = 0; i < cells.length; i++) accBeta1[i] = accBeta1[i]! * b1[i]!;
        };
      }
    }
  })();
  return {
    apply: (gradient) => tf.tidy(() => step(gradient)),
    dispose: () => {
      for (const t of kept) t.dispose();
      for (const s of slots) s.dispose();
      kept.length = 0;
      slots.length = 0;
    },
  };
}
