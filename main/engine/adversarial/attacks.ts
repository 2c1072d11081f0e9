/**
 * Gradient attacks on the input pixels, one class per method. They work in pixel space: x is
 * float32 [1, H, W, 3] in 0..255, and ε and step sizes are in pixel levels (1 level = 1/255 of
 * the range, the unit the article and the literature quote). Each attack moves x to *increase*
 * an objective J whose gradient the caller supplies (see ImageClassifier.objectiveGradient):
 * log p(target) for a targeted attack, −log p(original class) for an untargeted one.
 *
 * `start` and `update` return new tensors and never dispose their arguments; state that lives
 * across steps (MI-FGSM's momentum) is kept by the attack and freed by `dispose`.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../random';
import { ATTACK_METHOD_SPECS, attackParamProblem, attackParams, type AttackMethod } from '../../protocol/adversarial';
import { Attack, exactSign, type AttackParams } from './attack-base';
import { CarliniWagnerL2Attack } from './carlini-wagner';
import { DeepFoolAttack } from './deepfool';

export { ATTACK_METHODS, isAttackMethod, type AttackMethod } from '../../protocol/adversarial';
export { Attack, exactSign, type AttackContext, type AttackParams } from './attack-base';

const PIXEL_MAX = 255;

/** Projection onto {|x − x0|∞ ≤ ε} ∩ [0, 255]: both are boxes, so clipping to their intersection is exact. */
export function projectLinf(x: tf.Tensor4D, original: tf.Tensor4D, epsilon: number): tf.Tensor4D {
  return tf.tidy(() => {
    const lo = tf.maximum(tf.sub(original, epsilon), 0);
    const hi = tf.minimum(tf.add(original, epsilon), PIXEL_MAX);
    return tf.minimum(tf.maximum(x, lo), hi) as tf.Tensor4D;
  });
}

/**
 * Scales x − x0 onto the L2 ball of radius ε, then clips to [0, 255]. Clipping only moves
 * values towards x0 (which lies in [0, 255]), so the result stays inside the ball; it is not the
 * exact projection onto ball ∩ box, which has no closed form.
 */
export function projectL2(x: tf.Tensor4D, original: tf.Tensor4D, epsilon: number): tf.Tensor4D {
  return tf.tidy(() => {
    const delta = tf.sub(x, original);
    const norm = tf.norm(delta);
    const factor = tf.minimum(1, tf.div(epsilon, tf.maximum(norm, 1e-12)));
    return tf.clipByValue(tf.add(original, tf.mul(delta, factor)), 0, PIXEL_MAX) as tf.Tensor4D;
  });
}

/**
 * The article's method: every step moves each value by exactly one level in the direction of
 * its gradient's sign (0 where the gradient is 0), kept within [0, 255]. No ε ball: N steps
 * bound the change by N levels.
 */
export class SignedAttack extends Attack {
  readonly method = 'signed';
  update(x: tf.Tensor4D, grad: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.clipByValue(tf.add(x, exactSign(grad)), 0, PIXEL_MAX) as tf.Tensor4D);
  }
}

/** FGSM (Goodfellow et al. 2015): one step x0 + ε·sign(∇J), clipped to [0, 255]. */
export class FgsmAttack extends Attack {
  readonly method = 'fgsm';
  override maxSteps(): number {
    return 1;
  }
  update(x: tf.Tensor4D, grad: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(exactSign(grad), this.params.epsilon)), 0, PIXEL_MAX) as tf.Tensor4D);
  }
}

/** BIM / iterative FGSM (Kurakin et al. 2017): steps of α·sign(∇J), projected onto the ε ball and [0, 255]. */
export class BimAttack extends Attack {
  readonly method: AttackMethod = 'bim';
  update(x: tf.Tensor4D, grad: tf.Tensor4D, original: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => projectLinf(tf.add(x, tf.mul(exactSign(grad), this.params.step)), original, this.params.epsilon));
  }
}

/** PGD (Madry et al. 2018): BIM from a uniformly random start in the ε ball. */
export class PgdAttack extends BimAttack {
  override readonly method = 'pgd';
  override start(original: tf.Tensor4D): tf.Tensor4D {
    const { epsilon, seed } = this.params;
    return tf.tidy(() => projectLinf(tf.add(original, tf.randomUniform(original.shape, -epsilon, epsilon, 'float32', seed)), original, epsilon));
  }
}

/**
 * MI-FGSM (Dong et al. 2018): g ← μ·g + ∇J/‖∇J‖₁, then x ← x + α·sign(g), projected onto the
 * ε ball and [0, 255].
 */
export class MiFgsmAttack extends Attack {
  readonly method = 'mifgsm';
  private momentum: tf.Tensor4D | undefined;

  update(x: tf.Tensor4D, grad: tf.Tensor4D, original: tf.Tensor4D): tf.Tensor4D {
    const { decay, step, epsilon } = this.params;
    const previous = this.momentum;
    // Kept across steps; freed on the next update or by dispose().
    this.momentum = tf.keep(
      tf.tidy(() => {
        const normalised = tf.div(grad, tf.maximum(tf.sum(tf.abs(grad)), 1e-12)) as tf.Tensor4D;
        return previous ? (tf.add(tf.mul(previous, decay), normalised) as tf.Tensor4D) : normalised;
      }),
    );
    previous?.dispose();
    const g = this.momentum!;
    return tf.tidy(() => projectLinf(tf.add(x, tf.mul(exactSign(g), step)), original, epsilon));
  }

  override dispose(): void {
    this.momentum?.dispose();
    this.momentum = undefined;
  }
}

/**
 * PGD in L2: steps of α·∇J/‖∇J‖₂, projected onto the L2 ball of radius ε, from a random start
 * δ = ε·u·z/‖z‖ (z standard normal, u uniform in [0, 1)).
 */
export class PgdL2Attack extends Attack {
  readonly method = 'pgd-l2';
  override start(original: tf.Tensor4D): tf.Tensor4D {
    const { epsilon, seed } = this.params;
    const u = mulberry32(seed)();
    return tf.tidy(() => {
      const z = tf.randomNormal(original.shape, 0, 1, 'float32', seed);
      const delta = tf.mul(z, (epsilon * u) / Math.max(tf.norm(z).dataSync()[0]!, 1e-12));
      return projectL2(tf.add(original, delta), original, epsilon);
    });
  }

  update(x: tf.Tensor4D, grad: tf.Tensor4D, original: tf.Tensor4D): tf.Tensor4D {
    const { step, epsilon } = this.params;
    return tf.tidy(() => projectL2(tf.add(x, tf.mul(tf.div(grad, tf.maximum(tf.norm(grad), 1e-12)), step)), original, epsilon));
  }
}

const FACTORIES: Record<AttackMethod, (p: AttackParams) => Attack> = {
  signed: (p) => new SignedAttack(p),
  fgsm: (p) => new FgsmAttack(p),
  bim: (p) => new BimAttack(p),
  pgd: (p) => new PgdAttack(p),
  mifgsm: (p) => new MiFgsmAttack(p),
  'pgd-l2': (p) => new PgdL2Attack(p),
  deepfool: (p) => new DeepFoolAttack(p, 'l2'),
  'deepfool-linf': (p) => new DeepFoolAttack(p, 'linf'),
  'cw-l2': (p) => new CarliniWagnerL2Attack(p),
};

/** `own`: the method's own parameters; defaults fill what is absent, and a value out of range is refused. */
export function createAttack(method: AttackMethod, params: AttackParams): Attack {
  // ε may be Infinity (the signed method has no ball); NaN fails every comparison.
  if (!(params.epsilon >= 0) || !(params.step > 0) || !Number.isFinite(params.step)) {
    throw new RangeError(`epsilon must be ≥ 0 and step > 0 (levels), got ε ${params.epsilon}, step ${params.step}`);
  }
  const own = attackParams(method, params.own);
  for (const p of ATTACK_METHOD_SPECS[method].params) {
    const problem = attackParamProblem(p, own[p.name]!);
    if (problem) throw new RangeError(`${method}: ${problem}`);
  }
  return FACTORIES[method]({ ...params, own });
}
