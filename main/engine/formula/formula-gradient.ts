/**
 * A checked formula's gradient as a short program of TensorFlow.js ops, derived once: reverse-
 * mode differentiation done symbolically on the formula's tree instead of by tf.grad's tape at
 * every call. Each operation's derivative is tfjs 4.22's own gradient (tfjs-core/dist/gradients/
 * *_grad.js), op for op, taken in the tape's order (each place of the tree its own upstream
 * gradient, the variables' sums added in the order the tape adds them), so the result is the
 * autodiff gradient to the bit. What it drops is work whose result is known in advance:
 * multiplications by the upstream ones, constants' arithmetic (done once, in float32 as the
 * kernels round it), the forward values nothing reads, the tape itself, the reshapes and casts;
 * and the same value needed twice is computed once. On Rosenbrock a gradient is 10 kernels where
 * tf.grad dispatches 40. test/unit/engine/formula/formula-gradient.test.ts holds it equal to
 * tf.grad, bit for bit, and to float64 central differences, on every preset and on typed formulas
 * using every function.
 *
 * The Surface lab's lanes keep tf.grad (they promise TensorFlow.js's autodiff); a sweep, whose
 * cost is kernels, uses this (main/engine/tune/surface-sweep.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckedFormula, FormulaNode, UnaryFunction } from './formula';
import { usedVariables } from './formula';
import { compileFloat64 } from './formula-float64';
import { TF_UNARY } from './formula-tf';

export interface TfGradient {
  /** ∂f/∂v for each variable v, elementwise over the inputs (one tensor per variable, all of one shape). */
  apply(inputs: readonly tf.Tensor[]): tf.Tensor[];
  /** Frees the kept constants. */
  dispose(): void;
}

type Binary = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'min' | 'max' | 'lessEqual' | 'less' | 'greaterEqual' | 'greater';
type Unary = UnaryFunction | 'neg' | 'square' | 'stepMinusOne' | 'logWherePositive';
type Node = { op: 'const'; value: number } | { op: 'var'; index: number } | { op: Unary; a: number } | { op: Binary; a: number; b: number };

const f32 = Math.fround;
const MASKS: Record<'lessEqual' | 'less' | 'greaterEqual' | 'greater', (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  lessEqual: tf.lessEqual,
  less: tf.less,
  greaterEqual: tf.greaterEqual,
  greater: tf.greater,
};
const BINARY: Record<Binary, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
  pow: tf.pow,
  min: tf.minimum,
  max: tf.maximum,
  // tfjs's min/max gradients: the comparison cast to float32
  ...Object.fromEntries(Object.entries(MASKS).map(([k, m]) => [k, (a: tf.Tensor, b: tf.Tensor) => tf.cast(m(a, b), 'float32')])),
} as Record<Binary, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor>;
const UNARY: Record<Unary, (a: tf.Tensor) => tf.Tensor> = {
  ...TF_UNARY,
  neg: tf.neg,
  square: tf.square,
  stepMinusOne: (a) => tf.step(a, -1),
  logWherePositive: (a) => tf.where(tf.greater(a, 0), tf.log(a), tf.zerosLike(a)),
};

export function compileTfGradient(formula: CheckedFormula): TfGradient {
  const nodes: Node[] = [];
  const ids = new Map<string, number>();
  /** The node, made once: the same operation of the same operands is the same node. */
  const node = (n: Node): number => {
    const key = n.op === 'const' ? `c${Object.is(n.value, -0) ? '-0' : n.value}` : n.op === 'var' ? `v${n.index}` : 'b' in n ? `${n.op}(${n.a},${n.b})` : `${n.op}(${n.a})`;
    let id = ids.get(key);
    if (id === undefined) {
      id = nodes.push(n) - 1;
      ids.set(key, id);
    }
    return id;
  };
  const constant = (value: number) => node({ op: 'const', value: f32(value) });
  const valueOf = (id: number): number | undefined => {
    const n = nodes[id]!;
    return n.op === 'const' ? n.value : undefined;
  };
  const ONE = constant(1);
  // The gradient's operations, skipped where the result is known without a kernel: both operands
  // constant (float32, as the kernel rounds), a product with 1, a double negation, x^1. Every one
  // is exact. (The forward graph keeps the tree's every operation: each is a place on the tape.)
  const unary = (op: Unary, a: number): number => {
    const c = valueOf(a);
    if (c !== undefined) {
      if (op === 'neg') return constant(-c);
      if (op === 'square') return constant(c * c);
      if (op === 'logWherePositive') return constant(c > 0 ? f32(Math.log(c)) : 0);
    }
    const n = nodes[a]!;
    if (op === 'neg' && n.op === 'neg') return n.a;
    return node({ op, a });
  };
  const binary = (op: Binary, a: number, b: number): number => {
    const ca = valueOf(a);
    const cb = valueOf(b);
    if (ca !== undefined && cb !== undefined) {
      if (op === 'add') return constant(ca + cb);
      if (op === 'sub') return constant(ca - cb);
      if (op === 'mul') return constant(ca * cb);
      if (op === 'div') return constant(ca / cb);
    }
    if (op === 'mul' && ca === 1) return b;
    if ((op === 'mul' || op === 'pow') && cb === 1) return a;
    return node({ op, a, b });
  };

  // The forward graph, built as compileTf builds its ops (variable-free subtrees folded in
  // float64 to one float32 constant; x^2 a square), so that each node is the value tf.grad sees;
  // and each place of the tree (an occurrence: a tensor of its own in compileTf's op chain).
  const variables = new Map(formula.variables.map((v, i) => [v, i]));
  const occurrences: { id: number; a?: number; b?: number }[] = [];
  const place = (id: number, a?: number, b?: number): number => occurrences.push({ id, a, b }) - 1;
  const build = (tree: FormulaNode): number => {
    if (tree.kind !== 'variable' && usedVariables(tree).size === 0) return place(constant(compileFloat64({ ...formula, tree })([])));
    switch (tree.kind) {
      case 'number':
        return place(constant(tree.value));
      case 'variable':
        return place(node({ op: 'var', index: variables.get(tree.name)! }));
      case 'negate':
      case 'call': {
        const a = build(tree.arg);
        return place(node({ op: tree.kind === 'negate' ? 'neg' : tree.fn, a: occurrences[a]!.id }), a);
      }
      case 'call2':
      case 'operator': {
        if (tree.kind === 'operator' && tree.op === '^' && tree.right.kind === 'number' && tree.right.value === 2) {
          const a = build(tree.left);
          return place(node({ op: 'square', a: occurrences[a]!.id }), a);
        }
        const op = tree.kind === 'call2' ? tree.fn : ({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '^': 'pow' } as const)[tree.op];
        const a = build(tree.left);
        const b = build(tree.right);
        return place(node({ op, a: occurrences[a]!.id, b: occurrences[b]!.id }), a, b);
      }
    }
  };
  const root = build(formula.tree);

  // Reverse mode as the tape runs it: every occurrence's upstream gradient (a node), from the
  // root's ones down, in the reverse of the order the forward ops ran (operands before what uses
  // them), each operand's gradient added to its variable's sum as soon as it is made.
  const upstream = new Map<number, number>([[root, ONE]]);
  const sums = new Map<number, number>();
  const add = (to: number, gradient: number) => {
    const { id } = occurrences[to]!;
    const n = nodes[id]!;
    if (n.op === 'const') return; // not on the way from the variables
    const map = n.op === 'var' ? sums : upstream;
    const key = n.op === 'var' ? n.index : to;
    const before = map.get(key);
    map.set(key, before === undefined ? gradient : binary('add', before, gradient));
  };
  for (let at = occurrences.length - 1; at >= 0; at--) {
    const dy = upstream.get(at);
    const { id, a: oa, b: ob } = occurrences[at]!;
    const n = nodes[id]!;
    if (dy === undefined || n.op === 'const' || n.op === 'var') continue;
    const mul = (a: number, b: number) => binary('mul', a, b);
    switch (n.op) {
      case 'add':
        add(oa!, dy);
        add(ob!, dy);
        break;
      case 'sub':
        add(oa!, dy);
        add(ob!, unary('neg', dy));
        break;
      case 'mul':
        add(oa!, mul(dy, n.b));
        add(ob!, mul(dy, n.a));
        break;
      case 'div':
        add(oa!, binary('div', dy, n.b));
        add(ob!, unary('neg', binary('div', mul(dy, n.a), unary('square', n.b))));
        break;
      case 'pow':
        add(oa!, mul(dy, mul(n.b, binary('pow', n.a, binary('sub', n.b, ONE)))));
        add(ob!, mul(dy, mul(id, unary('logWherePositive', n.a))));
        break;
      case 'min':
        add(oa!, mul(dy, binary('lessEqual', n.a, n.b)));
        add(ob!, mul(dy, binary('greater', n.a, n.b)));
        break;
      case 'max':
        add(oa!, mul(dy, binary('greaterEqual', n.a, n.b)));
        add(ob!, mul(dy, binary('less', n.a, n.b)));
        break;
      case 'neg':
        add(oa!, unary('neg', dy));
        break;
      case 'square': {
        // dy·(2a); with a constant dy, (2·dy)·a: the same float32 (doubling is exact), one kernel
        const c = valueOf(dy);
        add(oa!, c === undefined ? mul(dy, mul(n.a, constant(2))) : mul(n.a, constant(2 * c)));
        break;
      }
      case 'sin':
        add(oa!, mul(unary('cos', n.a), dy));
        break;
      case 'cos':
        add(oa!, mul(unary('neg', unary('sin', n.a)), dy));
        break;
      case 'tan':
        add(oa!, binary('div', dy, unary('square', unary('cos', n.a))));
        break;
      case 'exp':
        add(oa!, mul(dy, id));
        break;
      case 'log':
        add(oa!, binary('div', dy, n.a));
        break;
      case 'sqrt':
        add(oa!, binary('div', dy, mul(id, constant(2))));
        break;
      case 'abs':
        add(oa!, mul(dy, unary('stepMinusOne', n.a)));
        break;
      case 'tanh':
        add(oa!, mul(binary('sub', ONE, unary('square', id)), dy));
        break;
      case 'sinh':
        add(oa!, mul(unary('cosh', n.a), dy));
        break;
      case 'cosh':
        add(oa!, mul(unary('sinh', n.a), dy));
        break;
      case 'stepMinusOne':
      case 'logWherePositive':
      case 'lessEqual':
      case 'less':
      case 'greaterEqual':
      case 'greater':
        throw new Error(`${n.op} is not a formula operation`);
    }
  }
  const outputs = formula.variables.map((_, index) => sums.get(index));

  // The program: the nodes the outputs need, in order; constants made once and kept.
  const needed = new Set<number>();
  const visit = (id: number) => {
    if (needed.has(id)) return;
    needed.add(id);
    const n = nodes[id]!;
    if ('a' in n) visit(n.a);
    if ('b' in n) visit(n.b);
  };
  for (const o of outputs) if (o !== undefined) visit(o);
  const order = [...needed].sort((a, b) => a - b);
  const kept: tf.Tensor[] = [];
  const constants = new Map<number, tf.Tensor>();
  for (const id of order) {
    const n = nodes[id]!;
    if (n.op === 'const') {
      const t = tf.scalar(n.value); // freed by dispose()
      kept.push(t);
      constants.set(id, t);
    }
  }

  return {
    apply(inputs) {
      const values = new Map<number, tf.Tensor>(constants);
      for (const id of order) {
        const n = nodes[id]!;
        if (n.op === 'var') values.set(id, inputs[n.index]!);
        else if ('b' in n) values.set(id, BINARY[n.op](values.get(n.a)!, values.get(n.b)!));
        else if ('a' in n) values.set(id, UNARY[n.op](values.get(n.a)!));
      }
      return outputs.map((o) => {
        if (o === undefined) return tf.zerosLike(inputs[0]!);
        const c = valueOf(o);
        return c === undefined ? values.get(o)! : tf.fill(inputs[0]!.shape, c);
      });
    },
    dispose() {
      for (const t of kept) t.dispose();
      kept.length = 0;
      constants.clear();
    },
  };
}
