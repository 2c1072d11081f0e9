/**
 * A checked formula (formula.ts) as TensorFlow.js ops over tensors of one shape (one per
 * variable), so `tf.grad` differentiates it and a batch of points is one op chain. Constant
 * subtrees are folded in float64 into scalars made once and kept until `dispose()`.
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckedFormula, FormulaNode, UnaryFunction } from './formula';
import { usedVariables } from './formula';
import { compileFloat64 } from './formula-float64';

export interface TfFormula {
  /** f over elementwise inputs, one tensor per variable in the formula's order. */
  apply(inputs: readonly tf.Tensor[]): tf.Tensor;
  /** Frees the kept constants. */
  dispose(): void;
}

type Op = (inputs: readonly tf.Tensor[]) => tf.Tensor;

/** Each function of the language as its tf op (also formula-gradient.ts's). */
export const TF_UNARY: Record<UnaryFunction, (t: tf.Tensor) => tf.Tensor> = {
  sin: tf.sin,
  cos: tf.cos,
  tan: tf.tan,
  exp: tf.exp,
  log: tf.log,
  sqrt: tf.sqrt,
  abs: tf.abs,
  tanh: tf.tanh,
  sinh: tf.sinh,
  cosh: tf.cosh,
};

export function compileTf(formula: CheckedFormula): TfFormula {
  const index = new Map(formula.variables.map((v, i) => [v, i]));
  const constants: tf.Tensor[] = [];
  const constant = (value: number): tf.Scalar => {
    const t = tf.scalar(value); // freed by dispose()
    constants.push(t);
    return t;
  };
  const build = (node: FormulaNode): Op => {
    if (node.kind !== 'variable' && usedVariables(node).size === 0) {
      const c = constant(compileFloat64({ ...formula, tree: node })([]));
      return () => c;
    }
    switch (node.kind) {
      case 'number': {
        const c = constant(node.value);
        return () => c;
      }
      case 'variable': {
        const i = index.get(node.name)!;
        return (inputs) => inputs[i]!;
      }
      case 'negate': {
        const a = build(node.arg);
        return (inputs) => tf.neg(a(inputs));
      }
      case 'call': {
        const a = build(node.arg);
        const fn = TF_UNARY[node.fn];
        return (inputs) => fn(a(inputs));
      }
      case 'call2': {
        const a = build(node.left);
        const b = build(node.right);
        return node.fn === 'min' ? (inputs) => tf.minimum(a(inputs), b(inputs)) : (inputs) => tf.maximum(a(inputs), b(inputs));
      }
      case 'operator': {
        // x^2 is the commonest power: square is one cheaper op with an exact gradient at x < 0.
        if (node.op === '^' && node.right.kind === 'number' && node.right.value === 2) {
          const a = build(node.left);
          return (inputs) => tf.square(a(inputs));
        }
        const a = build(node.left);
        const b = build(node.right);
        const op = { '+': tf.add, '-': tf.sub, '*': tf.mul, '/': tf.div, '^': tf.pow }[node.op];
        return (inputs) => op(a(inputs), b(inputs));
      }
    }
  };
  const built = build(formula.tree);
  // A formula of no variable is still a function of the inputs (their shape, a zero gradient),
  // so that tf.grad and batches of points work on it as on any other.
  const zero = usedVariables(formula.tree).size === 0 ? constant(0) : undefined;
  const apply: Op = zero ? (inputs) => inputs.reduce((sum, input) => tf.add(sum, tf.mul(input, zero)), built(inputs)) : built;
  return {
    apply,
    dispose: () => {
      for (const c of constants) c.dispose();
      constants.length = 0;
    },
  };
}
