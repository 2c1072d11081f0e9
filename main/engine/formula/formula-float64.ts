/**
 * A checked formula (formula.ts) as a float64 function of its variables: a tree of closures
 * over Math, built once. Used for the finite-difference check of the autodiff gradient, the
 * exact value recorded per iteration, and the grids the views draw.
 */
import type { CheckedFormula, FormulaNode } from './formula';

/** f(values), with `values` in the formula's variable order. */
export type Float64Formula = (values: ArrayLike<number>) => number;

const UNARY: Record<string, (v: number) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  tanh: Math.tanh,
  sinh: Math.sinh,
  cosh: Math.cosh,
};

export function compileFloat64(formula: CheckedFormula): Float64Formula {
  const index = new Map(formula.variables.map((v, i) => [v, i]));
  const build = (node: FormulaNode): Float64Formula => {
    switch (node.kind) {
      case 'number': {
        const v = node.value;
        return () => v;
      }
      case 'variable': {
        const i = index.get(node.name)!;
        return (values) => values[i]!;
      }
      case 'negate': {
        const a = build(node.arg);
        return (values) => -a(values);
      }
      case 'call': {
        const a = build(node.arg);
        const fn = UNARY[node.fn]!;
        return (values) => fn(a(values));
      }
      case 'call2': {
        const a = build(node.left);
        const b = build(node.right);
        return node.fn === 'min' ? (values) => Math.min(a(values), b(values)) : (values) => Math.max(a(values), b(values));
      }
      case 'operator': {
        const a = build(node.left);
        const b = build(node.right);
        switch (node.op) {
          case '+':
            return (values) => a(values) + b(values);
          case '-':
            return (values) => a(values) - b(values);
          case '*':
            return (values) => a(values) * b(values);
          case '/':
            return (values) => a(values) / b(values);
          case '^':
            return (values) => Math.pow(a(values), b(values));
        }
      }
    }
  };
  return build(formula.tree);
}

/**
 * Central differences in float64 at `point`: h = 1e-6·max(1, |coordinate|) balances the O(h²)
 * truncation against rounding (f's ≈ 1e-16 relative error divided by h) for smooth f.
 */
export function centralDifferences(f: Float64Formula, point: readonly number[]): number[] {
  const p = point.slice();
  return point.map((v, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(v));
    p[i] = v + h;
    const up = f(p);
    p[i] = v - h;
    const down = f(p);
    p[i] = v;
    return (up - down) / (2 * h);
  });
}
