import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../main/engine/backend';
import { createOptimizer } from '../../../main/engine/optimizers';
import { OPTIMIZER_NAMES, OPTIMIZER_SPECS, resolveHyperParams, type OptimizerName } from '../../../main/protocol/optimizers';

beforeAll(async () => {
  await selectBackend('cpu');
});

/**
 * f(w) = (w − 3)², w0 = 0, so the first gradient is g1 = −6 and every step below is worked out
 * by hand from the update rules as tf.train implements them (epsilon 1e-7 where unset).
 */
function run(name: OptimizerName, params: Record<string, number>, steps: number): number[] {
  const { optimizer } = createOptimizer(name, params);
  const w0 = tf.scalar(0);
  const w = tf.variable(w0);
  w0.dispose();
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.square(tf.sub(w, 3)) as tf.Scalar, false, [w]);
    out.push(w.dataSync()[0]!);
  }
  w.dispose();
  optimizer.dispose();
  return out;
}

describe('optimizer registry', () => {
  it('should take plain steps for gd: w1 = 0 − 0.1·(−6) = 0.6, w2 = 0.6 − 0.1·(−4.8) = 1.08', () => {
    const [w1, w2] = run('gd', { learningRate: 0.1 }, 2);
    expect(w1).toBeCloseTo(0.6, 6);
    expect(w2).toBeCloseTo(1.08, 6);
  });

  it('should accumulate momentum: a1 = −6, w1 = 0.6; g2 = −4.8, a2 = 0.9·(−6) − 4.8 = −10.2, w2 = 1.62', () => {
    const [w1, w2] = run('momentum', { learningRate: 0.1, momentum: 0.9 }, 2);
    expect(w1).toBeCloseTo(0.6, 6);
    expect(w2).toBeCloseTo(1.62, 5);
  });

  it('should look ahead with nesterov: w1 = 0 − 0.1·(g + 0.9·a1) = 0.1·(6 + 5.4) = 1.14', () => {
    const [w1] = run('nesterov', { learningRate: 0.1, momentum: 0.9 }, 1);
    expect(w1).toBeCloseTo(1.14, 5);
  });

  it('should scale by accumulated squares for adagrad: w1 = 0.1·6/√(0.1 + 36) = 0.0998614', () => {
    const [w1] = run('adagrad', { learningRate: 0.1, initialAccumulatorValue: 0.1 }, 1);
    expect(w1).toBeCloseTo((0.1 * 6) / Math.sqrt(36.1), 5);
  });

  it('should follow tfjs adadelta, which divides by the accumulator from before this step', () => {
    // tfjs-core adadelta_optimizer.ts scales g by √(E[Δ²]+ε)/√(E[g²]+ε) using the *previous*
    // E[g²] (0 on step 1), so step 1 is lr·g: w1 = 6. Then E[g²] = E[Δ²] = 0.05·36 = 1.8, and with
    // g2 = 2·(6 − 3) = 6 the ratio is 1 again: w2 = 6 − 6 = 0.
    const [w1, w2] = run('adadelta', { learningRate: 1, rho: 0.95, epsilon: 1e-6 }, 2);
    expect(w1).toBeCloseTo(6, 5);
    expect(w2).toBeCloseTo(0, 5);
  });

  it('should divide by the RMS for rmsprop: ms = 0.1·36 = 3.6, w1 = 0.1·6/√3.6 = 0.316228', () => {
    const [w1] = run('rmsprop', { learningRate: 0.1, decay: 0.9, momentum: 0, epsilon: 1e-7 }, 1);
    expect(w1).toBeCloseTo(0.6 / Math.sqrt(3.6), 5);
  });

  it('should take a first adam step of lr·m̂/√v̂ = 0.1·(−6)/6 → w1 = 0.1', () => {
    const [w1] = run('adam', { learningRate: 0.1 }, 1);
    expect(w1).toBeCloseTo(0.1, 5);
  });

  it('should take a first adamax step of lr/(1−β1)·m/u = 1·(−0.6)/6 → w1 = 0.1', () => {
    const [w1] = run('adamax', { learningRate: 0.1 }, 1);
    expect(w1).toBeCloseTo(0.1, 5);
  });

  it('should hand every hyper-parameter to tf.train under its tfjs name, and nothing else', () => {
    // Distinct values for each parameter of an optimizer, so two swapped in a factory would show;
    // batchSize is the lab's mini-batch, not a tf.train argument.
    const distinct = [0.5, 0.25, 0.125, 0.0625, 0.03125];
    for (const name of OPTIMIZER_NAMES) {
      const specs = OPTIMIZER_SPECS[name].params;
      const given = Object.fromEntries(specs.map((p, i) => [p.name, p.integer ? 3 : distinct[i]!]));
      for (const params of [{}, given]) {
        const built = createOptimizer(name, params);
        const config = built.optimizer.getConfig();
        for (const p of specs) {
          const expected = p.name in params ? params[p.name as keyof typeof params] : p.default;
          if (p.name === 'batchSize') expect(config, name).not.toHaveProperty('batchSize');
          else expect(config[p.name], `${name} ${p.name}`).toBe(expected);
        }
        if (name === 'momentum' || name === 'nesterov') expect(config.useNesterov, name).toBe(name === 'nesterov');
        built.optimizer.dispose();
      }
    }
  });

  it('should reject unknown, out-of-range and non-finite hyper-parameters with the name in the message', () => {
    expect(() => resolveHyperParams('adam', { rho: 0.9 })).toThrow(/adam has no parameter "rho"/);
    expect(() => resolveHyperParams('adam', { beta1: 1.5 })).toThrow(/beta1 must be/);
    expect(() => resolveHyperParams('gd', { learningRate: Number.NaN })).toThrow(/learningRate/);
    expect(() => resolveHyperParams('sgd', { batchSize: 2.5 })).toThrow(/integer/);
  });
});
