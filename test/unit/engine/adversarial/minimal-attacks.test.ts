/**
 * DeepFool and Carlini–Wagner against hand-derived values on the tiny linear model
 * (tiny-models.ts: logit0 = w0 · x / 255, logit1 = 0), and C&W's search over c against its
 * rule. The real models are in minimal-attacks-real.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AttackRun } from '../../../../main/engine/adversarial/attack-run';
import { createAttack } from '../../../../main/engine/adversarial/attacks';
import { boundaries } from '../../../../main/engine/adversarial/deepfool';
import { attackSteps, type AttackSpec, type StepReport } from '../../../../main/protocol/adversarial';
import { attackLaneSchema } from '../../../../main/protocol/adversarial-schema';
import { LINEAR_W0, linearClassifier } from './tiny-models';

const linear = linearClassifier();
afterAll(() => linear.dispose());

/** z0 = 150/255 > 0 = z1: class 0, and every value has room to move either way. */
const X = [100, 100, 100, 100, 100, 100];
const Z0 = LINEAR_W0.reduce((a, w, i) => a + w * X[i]!, 0) / 255;
const W_L2 = Math.hypot(...LINEAR_W0);
const W_L1 = LINEAR_W0.reduce((a, w) => a + Math.abs(w), 0);

const spec = (p: Partial<AttackSpec>): AttackSpec => ({ method: 'deepfool', epsilon: 0, step: 1, iterations: 10, target: { kind: 'untargeted' }, stopAtConfidence: null, ...p });
const logit0 = (rgb: ArrayLike<number>) => LINEAR_W0.reduce((a, w, i) => a + w * rgb[i]!, 0) / 255;

function runToEnd(s: AttackSpec): { run: AttackRun; reports: StepReport[] } {
  const run = new AttackRun(linear, Uint8Array.from(X), s);
  const reports: StepReport[] = [];
  while (!run.done) reports.push(run.step());
  return { run, reports };
}

describe('DeepFool on the linear model (one boundary, f = z1 − z0 = −w0·x/255, ∇f = −w0/255)', () => {
  it('L2: the first step aims at the boundary |f|/‖∇f‖₂ = 150/‖w0‖ levels away, then the 8-bit image is across it', () => {
    const { run, reports } = runToEnd(spec({ method: 'deepfool' }));
    const first = reports[0]!;
    expect(first.detail!.boundaryClass).toBe(1);
    expect(first.detail!.boundaryDistance).toBeCloseTo((Z0 * 255) / W_L2, 3); // 38.41 levels
    expect(run.steps).toBe(1); // a linear model's boundary is reached in one step
    expect(run.latest.success).toBe(true);
    const rgb = run.adversarialRgb;
    expect(logit0(rgb)).toBeLessThan(0); // class 1 on top, as reported
    // The unscaled step is x − 1.02 · (|f| + 1e-4) · w0 / (‖w0‖²/255): the image moved along −w0 only.
    const r = LINEAR_W0.map((w) => (-(Z0 + 1e-4) * 255 * w) / (W_L2 * W_L2));
    const scale = first.detail!.roundingScale!;
    rgb.forEach((v, i) => expect(v).toBe(Math.round(X[i]! + 1.02 * scale * r[i]!)));
    // The smallest scale that survives rounding: a little less rounds back to class 0.
    expect(logit0(X.map((x, i) => Math.round(x + 1.02 * scale * 0.98 * r[i]!)))).toBeGreaterThanOrEqual(0);
    run.dispose();
  });

  it('L∞: aims |f|/‖∇f‖₁ = 150/‖w0‖₁ = 20 levels away, moving every value with a gradient by the same amount', () => {
    const { run, reports } = runToEnd(spec({ method: 'deepfool-linf' }));
    expect(reports[0]!.detail!.boundaryDistance).toBeCloseTo((Z0 * 255) / W_L1, 4);
    expect((Z0 * 255) / W_L1).toBeCloseTo(20, 10);
    expect(run.latest.success).toBe(true);
    const moved = Array.from(run.adversarialRgb, (v, i) => v - X[i]!);
    const size = Math.abs(moved[0]!);
    LINEAR_W0.forEach((w, i) => expect(moved[i]).toBe(w === 0 ? 0 : -Math.sign(w) * size));
    run.dispose();
  });

  it('targeted at the class the model gives: nothing to cross, and the reference is the best class outside the targets', () => {
    expect(boundaries([3, 1, 2, 0], { originalClass: 0, targetClasses: null }, 2)).toEqual({ ref: 0, candidates: [2, 1] });
    expect(boundaries([3, 1, 2, 0], { originalClass: 0, targetClasses: [1, 3] }, 5)).toEqual({ ref: 0, candidates: [1, 3] });
    expect(boundaries([3, 1, 2, 0], { originalClass: 0, targetClasses: [0] }, 5)).toEqual({ ref: 2, candidates: [0] });
  });

  it('holds the tensor count flat over repeated runs', () => {
    for (const method of ['deepfool', 'deepfool-linf', 'cw-l2'] as const) {
      const once = () => runToEnd(spec({ method, iterations: 4, params: method === 'cw-l2' ? { searchSteps: 2 } : {} })).run.dispose();
      once();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) once();
      expect(tf.memory().numTensors, method).toBe(before);
    }
  });
});

describe('Carlini–Wagner L2 on the linear model', () => {
  it("Adam's first step moves w by exactly lr against sign(∂loss/∂w) = sign(c·w0): x₁ = 127.5·(tanh(atanh(x₀/127.5 − 1) ∓ lr) + 1)", () => {
    const lr = 0.05;
    const attack = createAttack('cw-l2', { epsilon: 0, step: 1, decay: 1, seed: 1, own: { lr, c: 1 } });
    attack.maxSteps(5);
    const original = tf.tensor4d(X, [1, 1, 2, 3]);
    const next = attack.next(original, original, { classifier: linear, objective: { classes: [0], direction: -1 }, originalClass: 0, targetClasses: null });
    const got = Array.from(next.dataSync());
    const y0 = (100 / 127.5 - 1) * (1 - 1e-6);
    const w0 = 0.5 * Math.log((1 + y0) / (1 - y0));
    // At x₀ the distance term's gradient is 0, so the gradient is c·w0/255 · dx/dw; Adam's first step is lr·sign.
    LINEAR_W0.forEach((w, i) => expect(got[i]).toBeCloseTo(127.5 * (Math.tanh(w0 - lr * Math.sign(w)) + 1), 3));
    next.dispose();
    original.dispose();
    attack.dispose();
  });

  it('the search over c follows its rule (×10 until a round succeeds, then bisection), reports the smallest c that worked, and keeps the smallest successful image', () => {
    const params = { c: 1e-4, lr: 0.1, searchSteps: 6 };
    const { run, reports } = runToEnd(spec({ method: 'cw-l2', iterations: 15, params }));
    expect(run.steps).toBe(attackSteps('cw-l2', 15, params));
    expect(run.steps).toBe(90);
    // Rebuild the search from the reports: each round's c, and whether any of its 8-bit images succeeded.
    const rounds: { c: number; ok: boolean }[] = [];
    reports.forEach((r, i) => {
      const d = r.detail!;
      expect(d.round).toBe(Math.floor(i / 15) + 1);
      if (i % 15 === 0) rounds.push({ c: d.c!, ok: false });
      expect(d.c).toBe(rounds[rounds.length - 1]!.c);
      // A report's own success, when it shows the round's own image (not an earlier, smaller one).
      if (r.bestStep === undefined && r.success) expect(d.roundSucceeded).toBe(true);
      rounds[rounds.length - 1]!.ok = d.roundSucceeded!;
    });
    let [lower, upper, c] = [0, Infinity, params.c];
    for (const round of rounds) {
      expect(round.c).toBeCloseTo(c, 12);
      if (round.ok) upper = Math.min(upper, c);
      else lower = Math.max(lower, c);
      c = Number.isFinite(upper) ? (lower + upper) / 2 : c * 10;
    }
    expect(rounds[0]!.ok).toBe(false); // c = 1e-4 is too small here: the search had work to do
    expect(rounds.some((r) => r.ok)).toBe(true);
    expect(run.latest.detail!.successC).toBe(upper);
    // The result is the smallest successful 8-bit image of any step.
    expect(run.latest.success).toBe(true);
    expect(logit0(run.adversarialRgb)).toBeLessThan(0);
    const smallest = Math.min(...reports.filter((r) => r.success).map((r) => r.distance.l2));
    expect(run.latest.distance.l2).toBe(smallest);
    run.dispose();
  });
});

describe('the lane schema', () => {
  const lane = { id: 'a', method: 'cw-l2', epsilon: 0, step: 1, iterations: 10, target: { kind: 'untargeted' }, stopAtConfidence: null };
  it('takes a method’s own parameters in range, and names the one that is not', () => {
    expect(attackLaneSchema.safeParse({ ...lane, params: { c: 0.1, searchSteps: 3, kappa: 2 } }).success).toBe(true);
    const bad = attackLaneSchema.safeParse({ ...lane, params: { searchSteps: 2.5 } });
    expect(bad.success || bad.error.issues[0]!.message).toBe('searchSteps must be a whole number');
    const unknown = attackLaneSchema.safeParse({ ...lane, method: 'pgd', epsilon: 4, params: { c: 1 } });
    expect(unknown.success || unknown.error.issues[0]!.message).toBe('pgd has no parameter c');
    const zero = attackLaneSchema.safeParse({ ...lane, params: { c: 0 } });
    expect(zero.success || zero.error.issues[0]!.message).toBe('c must be in (0, 1000000]');
  });
});
