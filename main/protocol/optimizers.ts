/**
 * Optimizer names, labels, hyper-parameter defaults and ranges: plain data, shared by the
 * engine (which builds tf.train optimizers from it), the CLI and the renderer's controls.
 * Parameter names follow tfjs (`learningRate`, `beta1`, `epsilon`, …).
 */
export const OPTIMIZER_NAMES = [
  'gd',
  'sgd',
  'momentum',
  'nesterov',
  'adagrad',
  'adadelta',
  'rmsprop',
  'adam',
  'adamax',
] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface HyperParamSpec {
  readonly name: string;
  readonly label: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Shown on a log slider. */
  readonly log?: boolean;
  readonly integer?: boolean;
}

export interface OptimizerSpec {
  readonly label: string;
  readonly description: string;
  readonly params: readonly HyperParamSpec[];
}

const lr = (def: number): HyperParamSpec => ({
  name: 'learningRate',
  label: 'learning rate',
  default: def,
  min: 1e-8,
  max: 1e3,
  log: true,
});
const eps = (def: number): HyperParamSpec => ({
  name: 'epsilon',
  label: 'epsilon',
  default: def,
  min: 1e-12,
  max: 1,
  log: true,
});

export const OPTIMIZER_SPECS: Record<OptimizerName, OptimizerSpec> = {
  gd: {
    label: 'Gradient descent',
    description: 'The article\u2019s plain step on the full batch: param -= lr * grad',
    params: [lr(2e-5)],
  },
  sgd: {
    label: 'SGD (mini-batch)',
    description: 'Plain steps on a random mini-batch drawn each iteration (seeded)',
    params: [lr(2e-5), { name: 'batchSize', label: 'batch size', default: 16, min: 1, max: 1e6, integer: true }],
  },
  momentum: {
    label: 'Momentum',
    description: 'Heavy-ball momentum',
    params: [lr(1e-5), { name: 'momentum', label: 'momentum', default: 0.9, min: 0, max: 0.9999 }],
  },
  nesterov: {
    label: 'Nesterov',
    description: 'Momentum with the Nesterov look-ahead',
    params: [lr(1e-5), { name: 'momentum', label: 'momentum', default: 0.9, min: 0, max: 0.9999 }],
  },
  adagrad: {
    label: 'Adagrad',
    description: 'Per-parameter rates from accumulated squared gradients',
    params: [lr(1), { name: 'initialAccumulatorValue', label: 'initial accumulator', default: 0.1, min: 1e-12, max: 1e6, log: true }],
  },
  adadelta: {
    label: 'Adadelta',
    description: 'Adagrad with decaying averages and unit correction',
    params: [lr(1), { name: 'rho', label: 'rho', default: 0.95, min: 0, max: 0.99999 }, eps(1e-6)],
  },
  rmsprop: {
    label: 'RMSprop',
    description: 'Steps scaled by a moving RMS of the gradient',
    params: [
      lr(0.1),
      { name: 'decay', label: 'decay', default: 0.9, min: 0, max: 0.99999 },
      { name: 'momentum', label: 'momentum', default: 0, min: 0, max: 0.9999 },
      eps(1e-7),
    ],
  },
  adam: {
    label: 'Adam',
    description: 'Momentum plus RMS scaling, bias-corrected',
    params: [
      lr(0.1),
      { name: 'beta1', label: 'beta1', default: 0.9, min: 0, max: 0.99999 },
      { name: 'beta2', label: 'beta2', default: 0.999, min: 0, max: 0.999999 },
      eps(1e-7),
    ],
  },
  adamax: {
    label: 'Adamax',
    description: 'Adam with the infinity norm',
    params: [
      lr(0.1),
      { name: 'beta1', label: 'beta1', default: 0.9, min: 0, max: 0.99999 },
      { name: 'beta2', label: 'beta2', default: 0.999, min: 0, max: 0.999999 },
      eps(1e-7),
      { name: 'decay', label: 'decay', default: 0, min: 0, max: 1 },
    ],
  },
};

export function isOptimizerName(name: string): name is OptimizerName {
  return (OPTIMIZER_NAMES as readonly string[]).includes(name);
}

/** Fills in defaults; throws a RangeError naming the first bad or unknown parameter. */
export function resolveHyperParams(
  optimizer: OptimizerName,
  given: Readonly<Record<string, number>>,
): Record<string, number> {
  const spec = OPTIMIZER_SPECS[optimizer];
  const out: Record<string, number> = {};
  for (const key of Object.keys(given)) {
    if (!spec.params.some((p) => p.name === key)) {
      throw new RangeError(`${optimizer} has no parameter "${key}" (it takes ${spec.params.map((p) => p.name).join(', ')})`);
    }
  }
  for (const p of spec.params) {
    const v = given[p.name] ?? p.default;
    if (!Number.isFinite(v) || v < p.min || v > p.max) {
      throw new RangeError(`${optimizer} ${p.name} must be a number in [${p.min}, ${p.max}], got ${v}`);
    }
    if (p.integer && !Number.isInteger(v)) throw new RangeError(`${optimizer} ${p.name} must be an integer, got ${v}`);
    out[p.name] = v;
  }
  return out;
}
