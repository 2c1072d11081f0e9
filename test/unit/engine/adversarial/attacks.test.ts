/**
 * Each attack's update against hand-computed steps on tiny dense models (tiny-models.ts), the
 * projections, and the tensor count across an attack run. cpu backend (vitest.config.mts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  BimAttack,
  createAttack,
  FgsmAttack,
  MiFgsmAttack,
  PgdAttack,
  PgdL2Attack,
  projectL2,
  projectLinf,
  SignedAttack,
  ATTACK_METHODS,
  type AttackParams,
} from '../../../../main/engine/adversarial/attacks';
import { ATTACK_METHOD_SPECS } from '../../../../main/protocol/adversarial';
import { AttackRun } from '../../../../main/engine/adversarial/attack-run';
import { LINEAR_W0, linearClassifier, mlpClassifier, mlpReferenceGradient } from './tiny-models';

const X0 = [10, 250, 128, 0, 3, 60];
const params = (p: Partial<AttackParams>): AttackParams => ({ epsilon: 8, step: 1, decay: 1, seed: 1, ...p });
const image = (values: number[]) => tf.tensor4d(values, [1, 1, 2, 3]);
const linear = linearClassifier();
const mlp = mlpClassifier();

afterAll(() => {
  linear.dispose();
  mlp.dispose();
});

/** Gradient of J for the linear model, then one update of `attack`, as plain numbers. */
function linearStep(attack: { update: (x: tf.Tensor4D, g: tf.Tensor4D, x0: tf.Tensor4D) => tf.Tensor4D }, x: number[], direction: 1 | -1 = 1): number[] {
  return tf.tidy(() => {
    const xt = image(x);
    const g = linear.objectiveGradient(xt, { classes: [0], direction });
    return Array.from(attack.update(xt, g, image(X0)).dataSync());
  });
}

describe('input gradient', () => {
  it('matches the hand-derived gradient of the linear model: (1 − p0)·w0/255', () => {
    const g = tf.tidy(() => Array.from(linear.objectiveGradient(image(X0), { classes: [0], direction: 1 }).dataSync()));
    const z0 = LINEAR_W0.reduce((a, w, i) => a + (w * X0[i]!) / 255, 0);
    const p0 = 1 / (1 + Math.exp(-z0));
    LINEAR_W0.forEach((w, i) => expect(g[i]).toBeCloseTo(((1 - p0) * w) / 255, 6));
  });

  it('matches a float64 chain-rule reference through ReLU and a stripped softmax, both directions', () => {
    const x = [30, 200, 90, 160, 15, 240];
    for (const [target, direction] of [[0, 1], [2, 1], [1, -1]] as const) {
      const { grad } = mlpReferenceGradient(x, target, direction);
      const g = tf.tidy(() => Array.from(mlp.objectiveGradient(image(x), { classes: [target], direction }).dataSync()));
      grad.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 6));
      expect(grad.some((v) => Math.abs(v) > 1e-4)).toBe(true);
    }
  });

  it('of a class group is the gradient of log(p_a + p_b)', () => {
    const x = [30, 200, 90, 160, 15, 240];
    // ∇ log(pa + pb) = (pa ∇log pa + pb ∇log pb)/(pa + pb)
    const a = mlpReferenceGradient(x, 0, 1);
    const b = mlpReferenceGradient(x, 2, 1);
    const [pa, pb] = [a.p[0]!, a.p[2]!];
    const g = tf.tidy(() => Array.from(mlp.objectiveGradient(image(x), { classes: [0, 2], direction: 1 }).dataSync()));
    a.grad.forEach((ga, i) => expect(g[i]).toBeCloseTo((pa * ga + pb * b.grad[i]!) / (pa + pb), 6));
  });
});

describe('sign steps on the linear model (sign of the gradient = sign(w0) = [+, +, +, 0, −, +])', () => {
  it("signed: exactly one level per value, none where the gradient is 0", () => {
    expect(linearStep(new SignedAttack(params({})), X0)).toEqual([11, 251, 129, 0, 2, 61]);
  });

  it('signed, untargeted (direction −1): one level the other way', () => {
    expect(linearStep(new SignedAttack(params({})), X0, -1)).toEqual([9, 249, 127, 0, 4, 59]);
  });

  it('signed: clipped to [0, 255]', () => {
    expect(linearStep(new SignedAttack(params({})), [0, 255, 128, 7, 0, 255], -1)).toEqual([0, 254, 127, 7, 1, 254]);
  });

  it('FGSM ε = 8: one step of 8 levels, clipped at 255 (250 + 8) and at 0 (3 − 8)', () => {
    const fgsm = new FgsmAttack(params({ epsilon: 8 }));
    expect(fgsm.maxSteps()).toBe(1);
    expect(linearStep(fgsm, X0)).toEqual([18, 255, 136, 0, 0, 68]);
  });

  it('BIM ε = 3, step 2: the second step is cut back to x0 ± 3 and to [0, 255]', () => {
    const bim = new BimAttack(params({ epsilon: 3, step: 2 }));
    const x1 = linearStep(bim, X0);
    expect(x1).toEqual([12, 252, 130, 0, 1, 62]);
    // x1 + 2·sign = [14, 254, 132, 0, −1, 64] → within [x0 − 3, x0 + 3] ∩ [0, 255]
    expect(linearStep(bim, x1)).toEqual([13, 253, 131, 0, 0, 63]);
  });

  it('PGD: a seeded random start inside the ε ball and [0, 255], then BIM steps', () => {
    const starts = [1, 1, 2].map((seed) =>
      tf.tidy(() => Array.from(new PgdAttack(params({ epsilon: 4, seed })).start(image(X0)).dataSync())),
    );
    expect(starts[0]).toEqual(starts[1]);
    expect(starts[0]).not.toEqual(starts[2]);
    for (const s of starts) {
      s.forEach((v, i) => {
        expect(Math.abs(v - X0[i]!)).toBeLessThanOrEqual(4 + 1e-4);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(255);
      });
      expect(s.some((v, i) => v !== X0[i])).toBe(true);
    }
    expect(linearStep(new PgdAttack(params({ epsilon: 3, step: 2 })), [12, 252, 130, 0, 1, 62])).toEqual([13, 253, 131, 0, 0, 63]);
  });

  it('PGD-L2 ε = 1.5, step 2: moves along w0/‖w0‖, scaled back onto the ball', () => {
    // ∇ ∝ w0, ‖w0‖ = √15.25; a step of 2 overshoots the ball, so δ = 1.5·w0/‖w0‖.
    const x = linearStep(new PgdL2Attack(params({ epsilon: 1.5, step: 2 })), X0);
    const norm = Math.sqrt(15.25);
    x.forEach((v, i) => expect(v).toBeCloseTo(X0[i]! + (1.5 * LINEAR_W0[i]!) / norm, 4));
    // Inside the ball the full step is taken.
    const y = linearStep(new PgdL2Attack(params({ epsilon: 10, step: 2 })), X0);
    y.forEach((v, i) => expect(v).toBeCloseTo(X0[i]! + (2 * LINEAR_W0[i]!) / norm, 4));
  });
});

describe('random starts', () => {
  it('PGD: δ uniform in [−ε, ε] per value (mean 0, sd ε/√3), then each step from there is cut back to the ball', () => {
    const eps = 4;
    tf.tidy(() => {
      const flat = tf.fill([1, 64, 64, 3], 128) as tf.Tensor4D;
      const d = Array.from(tf.sub(new PgdAttack(params({ epsilon: eps, seed: 5 })).start(flat), flat).dataSync());
      const mean = d.reduce((a, b) => a + b, 0) / d.length;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
      expect(Math.min(...d)).toBeGreaterThanOrEqual(-eps);
      expect(Math.max(...d)).toBeLessThanOrEqual(eps);
      // 12,288 samples: the mean's standard error is (ε/√3)/√12288 ≈ 0.02.
      expect(Math.abs(mean)).toBeLessThan(0.1);
      expect(sd).toBeCloseTo(eps / Math.sqrt(3), 1);
    });
    // On the linear model: s = start, then s + 2·sign(w0) clipped to [x0 − 3, x0 + 3] ∩ [0, 255].
    const pgd = new PgdAttack(params({ epsilon: 3, step: 2, seed: 9 }));
    const s = tf.tidy(() => Array.from(pgd.start(image(X0)).dataSync()));
    const sign = LINEAR_W0.map(Math.sign);
    const expected = s.map((v, i) => Math.min(Math.max(v + 2 * sign[i]!, Math.max(X0[i]! - 3, 0)), Math.min(X0[i]! + 3, 255)));
    linearStep(pgd, s).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  it('PGD-L2: a seeded start strictly inside the L2 ball, in a seed-dependent direction', () => {
    const starts = [1, 1, 2].map((seed) => tf.tidy(() => Array.from(new PgdL2Attack(params({ epsilon: 6, seed })).start(image(X0)).dataSync())));
    expect(starts[0]).toEqual(starts[1]);
    expect(starts[0]).not.toEqual(starts[2]);
    for (const s of starts) {
      const norm = Math.hypot(...s.map((v, i) => v - X0[i]!));
      expect(norm).toBeGreaterThan(0);
      expect(norm).toBeLessThanOrEqual(6 + 1e-4);
      s.forEach((v) => expect(v >= 0 && v <= 255).toBe(true));
    }
  });
});

describe('MI-FGSM on the two-layer model', () => {
  it('accumulates L1-normalised gradients with decay μ and steps by the sign of the sum', () => {
    const x0 = [30, 200, 90, 160, 15, 240];
    const mu = 0.9;
    const attack = new MiFgsmAttack(params({ epsilon: 60, step: 20, decay: mu }));
    const original = image(x0);
    const l1 = (v: number[]) => v.reduce((a, b) => a + Math.abs(b), 0);
    const clip = (v: number, i: number) => Math.min(Math.max(v, Math.max(x0[i]! - 60, 0)), Math.min(x0[i]! + 60, 255));
    let x = x0;
    let momentum = [0, 0, 0, 0, 0, 0];
    let momentumMattered = false;
    // Class 0 with steps of 20 levels: by the fourth step the gradient turns against the momentum.
    for (let k = 0; k < 5; k++) {
      const { grad } = mlpReferenceGradient(x, 0, 1);
      momentum = momentum.map((m, i) => mu * m + grad[i]! / l1(grad));
      momentumMattered ||= momentum.some((m, i) => Math.sign(m) !== Math.sign(grad[i]!));
      const expected = x.map((v, i) => clip(v + 20 * Math.sign(momentum[i]!), i));
      const next = tf.tidy(() => {
        const xt = image(x);
        return Array.from(attack.update(xt, mlp.objectiveGradient(xt, { classes: [0], direction: 1 }), original).dataSync());
      });
      next.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
      x = next;
    }
    // The case must exercise the momentum: some step went against that step's own gradient sign.
    expect(momentumMattered).toBe(true);
    attack.dispose();
    original.dispose();
  });
});

describe('projections', () => {
  it('L∞: every value within ε of the original and within [0, 255], for wild iterates', () => {
    tf.tidy(() => {
      const original = tf.randomUniform([1, 8, 8, 3], 0, 255, 'float32', 7).round() as tf.Tensor4D;
      const wild = tf.randomUniform([1, 8, 8, 3], -600, 900, 'float32', 8) as tf.Tensor4D;
      const p = projectLinf(wild, original, 4);
      const d = tf.sub(p, original);
      expect(tf.max(tf.abs(d)).dataSync()[0]).toBeLessThanOrEqual(4 + 1e-4);
      expect(tf.min(p).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(p).dataSync()[0]).toBeLessThanOrEqual(255);
      // Inside both boxes nothing moves.
      // original ∈ [0, 255], so clipping original + U(−3, 3) to [0, 255] stays within 3 of it.
      const inside = tf.clipByValue(tf.add(original, tf.randomUniform([1, 8, 8, 3], -3, 3, 'float32', 9)), 0, 255) as tf.Tensor4D;
      expect(tf.max(tf.abs(tf.sub(projectLinf(inside, original, 4), inside))).dataSync()[0]).toBe(0);
    });
  });

  it('L2: ‖x − x0‖ ≤ ε and within [0, 255]', () => {
    tf.tidy(() => {
      const original = tf.randomUniform([1, 8, 8, 3], 0, 255, 'float32', 7).round() as tf.Tensor4D;
      const wild = tf.randomUniform([1, 8, 8, 3], -600, 900, 'float32', 8) as tf.Tensor4D;
      const p = projectL2(wild, original, 50);
      expect(tf.norm(tf.sub(p, original)).dataSync()[0]).toBeLessThanOrEqual(50 + 1e-3);
      expect(tf.min(p).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(p).dataSync()[0]).toBeLessThanOrEqual(255);
    });
  });

  it('every budgeted method keeps iterates within its budget over many steps', () => {
    const x0 = [30, 200, 90, 160, 15, 240];
    // DeepFool and C&W have no budget (minimal-attacks.test.ts).
    for (const method of ATTACK_METHODS.filter((m) => !ATTACK_METHOD_SPECS[m].minimal)) {
      const attack = createAttack(method, params({ epsilon: 5, step: 3 }));
      const original = image(x0);
      let x = attack.start(original);
      for (let k = 0; k < 6; k++) {
        const next = tf.tidy(() => attack.update(x, mlp.objectiveGradient(x, { classes: [2], direction: 1 }), original));
        x.dispose();
        x = next;
      }
      const v = Array.from(x.dataSync());
      const bound = method === 'signed' ? 6 : method === 'fgsm' ? 5 * 6 : 5;
      if (method === 'pgd-l2') expect(Math.hypot(...v.map((a, i) => a - x0[i]!))).toBeLessThanOrEqual(5 + 1e-3);
      else v.forEach((a, i) => expect(Math.abs(a - x0[i]!)).toBeLessThanOrEqual(bound + 1e-4));
      v.forEach((a) => expect(a >= 0 && a <= 255).toBe(true));
      x.dispose();
      original.dispose();
      attack.dispose();
    }
  });

  it('rejects a step or ε that is not a positive number', () => {
    expect(() => createAttack('bim', params({ step: 0 }))).toThrow(RangeError);
    expect(() => createAttack('bim', params({ epsilon: NaN }))).toThrow(RangeError);
  });
});

describe('AttackRun on the tiny model', () => {
  it('keeps the tensor count fixed across steps, for every method', () => {
    for (const method of ATTACK_METHODS) {
      const run = new AttackRun(mlp, Uint8Array.from([30, 200, 90, 160, 15, 240]), {
        method,
        epsilon: 40,
        step: 2,
        iterations: 12,
        target: { kind: 'class', index: 1 },
        stopAtConfidence: null,
      });
      run.step();
      const after1 = tf.memory().numTensors;
      while (!run.done) run.step();
      expect(tf.memory().numTensors, method).toBe(after1);
      // DeepFool stops once across; C&W runs 12 Adam steps in each of its 5 rounds of the search over c.
      if (method === 'deepfool' || method === 'deepfool-linf') expect(run.latest.success, method).toBe(true);
      else expect(run.steps, method).toBe(method === 'fgsm' ? 1 : method === 'cw-l2' ? 60 : 12);
      run.dispose();
    }
  });

  it('signed through AttackRun: five steps of exactly one level by sign(w0), whatever ε and step say', () => {
    // x0 + 5·sign(w0) = [15, 255, 133, 0, −2, 65] → clipped at 0; changes [5, 5, 5, 0, −3, 5].
    const run = new AttackRun(linear, Uint8Array.from(X0), { method: 'signed', epsilon: 1, step: 7, iterations: 5, target: { kind: 'class', index: 0 }, stopAtConfidence: null });
    const linf: number[] = [];
    while (!run.done) linf.push(run.step().distance.linf);
    expect(Array.from(run.adversarialRgb)).toEqual([15, 255, 133, 0, 0, 65]);
    expect(linf).toEqual([1, 2, 3, 4, 5]);
    expect(run.latest.distance).toMatchObject({ linf: 5, l0Pixels: 2 });
    expect(run.latest.distance.l2).toBeCloseTo(Math.sqrt(4 * 25 + 9), 12);
    run.dispose();
  });

  it('FGSM through AttackRun: one step of ε (not `step`), L∞ = ε', () => {
    const run = new AttackRun(linear, Uint8Array.from(X0), { method: 'fgsm', epsilon: 8, step: 1, iterations: 50, target: { kind: 'class', index: 0 }, stopAtConfidence: null });
    expect(run.maxSteps).toBe(1);
    run.step();
    expect(run.done).toBe(true);
    expect(Array.from(run.adversarialRgb)).toEqual([18, 255, 136, 0, 0, 68]);
    expect(run.latest.distance.linf).toBe(8);
    run.dispose();
  });

  it('holds the same number of tensors after 10 and after 10,000 MI-FGSM steps (momentum is replaced, not piled up)', () => {
    const run = new AttackRun(mlp, Uint8Array.from([30, 200, 90, 160, 15, 240]), {
      method: 'mifgsm',
      epsilon: 40,
      step: 2,
      iterations: 10_000,
      target: { kind: 'class', index: 1 },
      stopAtConfidence: null,
    });
    for (let i = 0; i < 10; i++) run.step();
    const after10 = tf.memory().numTensors;
    while (!run.done) run.step();
    expect(run.steps).toBe(10_000);
    expect(tf.memory().numTensors).toBe(after10);
    run.dispose();
  });

  it('reports the rounded image: integer bytes, distances measured on them, and stops at the threshold', () => {
    const start = Uint8Array.from([30, 200, 90, 160, 15, 240]);
    const run = new AttackRun(mlp, start, {
      method: 'pgd-l2',
      epsilon: 30,
      step: 7.3,
      iterations: 50,
      target: { kind: 'class', index: 1 },
      stopAtConfidence: 0.8,
      seed: 3,
    });
    expect(run.before.distance).toMatchObject({ linf: 0, l2: 0, l0Pixels: 0, psnrDb: null });
    while (!run.done) run.step();
    const r = run.latest;
    const adv = run.adversarialRgb;
    const diffs = Array.from(adv, (v, i) => v - start[i]!);
    expect(r.distance.linf).toBe(Math.max(...diffs.map(Math.abs)));
    expect(r.distance.l2).toBeCloseTo(Math.hypot(...diffs), 10);
    expect(r.success).toBe(true);
    expect(r.targetConfidence).toBeGreaterThanOrEqual(0.8);
    expect(run.steps).toBeLessThan(50);
    // The reported probabilities are those of the rounded bytes, re-classified.
    const p = mlp.probabilities(image(Array.from(adv)));
    expect(r.classification.top5[0]!.probability).toBeCloseTo(Math.max(...p), 12);
    expect(r.classification.top5.map((c) => c.index).slice(0, 3).sort()).toEqual([0, 1, 2]);
    run.dispose();
  });

  it('untargeted: success is leaving the original class; confidence is 1 − p(original)', () => {
    const run = new AttackRun(mlp, Uint8Array.from([30, 200, 90, 160, 15, 240]), {
      method: 'bim',
      epsilon: 60,
      step: 10,
      iterations: 30,
      target: { kind: 'untargeted' },
      stopAtConfidence: 0.5,
    });
    const original = run.originalClass;
    while (!run.done) run.step();
    expect(run.latest.success).toBe(true);
    expect(run.latest.classification.top5[0]!.index).not.toBe(original);
    const pOriginal = run.latest.classification.top5.find((c) => c.index === original)!.probability;
    expect(run.latest.targetConfidence).toBeCloseTo(1 - pOriginal, 12);
    run.dispose();
  });

  it('refuses a class the model does not have, and a cat/dog group on non-ImageNet labels', () => {
    const spec = { method: 'bim' as const, epsilon: 4, step: 1, iterations: 2, stopAtConfidence: null };
    expect(() => new AttackRun(mlp, new Uint8Array(6), { ...spec, target: { kind: 'class', index: 3 } })).toThrow(/class 3/);
    expect(() => new AttackRun(mlp, new Uint8Array(6), { ...spec, target: { kind: 'group', group: 'dog' } })).toThrow(/no ImageNet dog/);
    expect(() => new AttackRun(mlp, new Uint8Array(5), { ...spec, target: { kind: 'untargeted' } })).toThrow(/2×1 RGB/);
  });
});
