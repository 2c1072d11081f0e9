/**
 * The one formula language of the app (the Surface lab's f(x, y), next the Regression lab's
 * model): a well-kept parser (mathjs's `parse`, which only builds a tree and never evaluates)
 * turns the text into a tree, and the tree is checked against a small allow-list — numbers,
 * the named variables, + − * / ^, unary minus, parentheses, a fixed set of functions, `pi` and
 * `e` — into a FormulaNode that the two compilers beside this file turn into TensorFlow.js ops
 * (formula-tf.ts, so `tf.grad` differentiates it) and into a float64 evaluator
 * (formula-float64.ts, for finite differences and the views' grids). No eval, no new Function.
 */
import type { MathNode } from 'mathjs';
import { SURFACE_LIMITS } from '../../protocol/surface';

export const UNARY_FUNCTIONS = ['sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'sinh', 'cosh'] as const;
export const BINARY_FUNCTIONS = ['min', 'max'] as const;
export type UnaryFunction = (typeof UNARY_FUNCTIONS)[number];
export type BinaryFunction = (typeof BINARY_FUNCTIONS)[number];
export type BinaryOperator = '+' | '-' | '*' | '/' | '^';

export type FormulaNode =
  | { kind: 'number'; value: number }
  | { kind: 'variable'; name: string }
  | { kind: 'negate'; arg: FormulaNode }
  | { kind: 'operator'; op: BinaryOperator; left: FormulaNode; right: FormulaNode }
  | { kind: 'call'; fn: UnaryFunction; arg: FormulaNode }
  | { kind: 'call2'; fn: BinaryFunction; left: FormulaNode; right: FormulaNode };

/** A bad formula: `message` is one line that says what and where ("… at column 5"). */
export class FormulaError extends Error {
  override readonly name = 'FormulaError';
}

/** A formula checked and ready to compile: its tree and the variables it may use, in order. */
export interface CheckedFormula {
  text: string;
  variables: readonly string[];
  tree: FormulaNode;
}

const OPERATORS: Readonly<Record<string, BinaryOperator>> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^' };
const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };
const own = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);
const isUnary = (name: string): name is UnaryFunction => (UNARY_FUNCTIONS as readonly string[]).includes(name);
const isBinary = (name: string): name is BinaryFunction => (BINARY_FUNCTIONS as readonly string[]).includes(name);

type Parse = (text: string) => MathNode;
let parser: Promise<Parse> | undefined;

/**
 * mathjs takes ≈ 0.6 s to load (its number-only build; the full one ≈ 1.3 s), so the engine
 * loads it when the first formula comes rather than at start.
 */
function loadParser(): Promise<Parse> {
  parser ??= import('mathjs/number').then((m) => m.create({ parseDependencies: m.parseDependencies! }).parse as Parse);
  return parser;
}

/** "at column N" for the first place `pattern` matches `text` (1-based), or '' when it does not. */
function at(text: string, pattern: RegExp): string {
  const m = pattern.exec(text);
  return m ? ` at column ${m.index + 1}` : '';
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const word = (name: string): RegExp => new RegExp(`(?<![A-Za-z0-9_.])${escape(name)}(?![A-Za-z0-9_])`);

function variablesPhrase(variables: readonly string[]): string {
  if (variables.length === 1) return `${variables[0]} is the only variable`;
  return `${variables.slice(0, -1).join(', ')} and ${variables[variables.length - 1]} are the only variables`;
}

/** The length, nesting and syntax checks every formula passes, and its mathjs tree. */
async function parseTree(text: string): Promise<MathNode> {
  if (typeof text !== 'string' || text.trim() === '') throw new FormulaError('the formula is empty');
  if (text.length > SURFACE_LIMITS.maxFormulaLength) {
    throw new FormulaError(`the formula is ${text.length} characters long; at most ${SURFACE_LIMITS.maxFormulaLength} are allowed`);
  }
  // Nesting is bounded before parsing too: the parser recurses once per level.
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (depth > SURFACE_LIMITS.maxDepth) throw new FormulaError(`parentheses nest deeper than ${SURFACE_LIMITS.maxDepth} levels at column ${i + 1}`);
  }
  const parse = await loadParser();
  try {
    return parse(text);
  } catch (e) {
    const err = e as Error & { char?: number };
    const message = err.message.replace(/\s*\(char \d+\)\s*$/, '');
    const where = typeof err.char === 'number' ? ` at column ${Math.min(err.char, text.length + 1)}` : '';
    throw new FormulaError(`${message.charAt(0).toLowerCase()}${message.slice(1)}${where}`);
  }
}

/** At most this many parameters in a model (each is a lane's coordinate and a column of the exact fit). */
export const MAX_MODEL_PARAMETERS = 16;

/**
 * A model of the Regression lab, `a*x + b` or `a*exp(b*x)`: `inputs` (x) are the data, every
 * other name (not a function or constant) is a parameter to fit, in order of first appearance.
 */
export async function checkModel(text: string, inputs: readonly string[] = ['x']): Promise<CheckedFormula & { parameters: string[] }> {
  const root = await parseTree(text);
  const names: string[] = [];
  root.traverse((node, _path, parent) => {
    if (node.type !== 'SymbolNode') return;
    // A function's name is a SymbolNode too, as the callee of its FunctionNode.
    if (parent?.type === 'FunctionNode' && (parent as MathNode & { fn: MathNode }).fn === node) return;
    const name = (node as MathNode & { name: string }).name;
    if (inputs.includes(name) || own(CONSTANTS, name) || isUnary(name) || isBinary(name) || names.includes(name)) return;
    names.push(name);
  });
  if (names.length === 0) throw new FormulaError(`the model has no parameter to fit: name one, as in a*${inputs[0]} + b`);
  if (names.length > MAX_MODEL_PARAMETERS) throw new FormulaError(`the model has ${names.length} parameters; at most ${MAX_MODEL_PARAMETERS} can be fitted`);
  return { ...(await checkFormula(text, [...inputs, ...names])), parameters: names };
}

/**
 * Parses and checks `text` over `variables` (the Surface lab's are x and y). Throws a
 * FormulaError naming what is wrong and where: empty text, syntax, unknown names, property
 * access, assignments, function definitions, strings, matrices, more than 500 characters,
 * nesting deeper than 64.
 */
export async function checkFormula(text: string, variables: readonly string[] = ['x', 'y']): Promise<CheckedFormula> {
  const root = await parseTree(text);
  const allowed = new Set(variables);
  const check = (node: MathNode, level: number): FormulaNode => {
    if (level > SURFACE_LIMITS.maxDepth) throw new FormulaError(`the formula nests deeper than ${SURFACE_LIMITS.maxDepth} levels`);
    const n = node as MathNode & Record<string, unknown>;
    switch (node.type) {
      case 'ParenthesisNode':
        return check(n.content as MathNode, level + 1);
      case 'ConstantNode': {
        if (typeof n.value !== 'number') throw new FormulaError(`${typeof n.value === 'string' ? 'strings are' : `${String(n.value)} is`} not allowed${at(text, /["']/)}`);
        return { kind: 'number', value: n.value };
      }
      case 'SymbolNode': {
        const name = n.name as string;
        if (allowed.has(name)) return { kind: 'variable', name };
        if (own(CONSTANTS, name)) return { kind: 'number', value: CONSTANTS[name]! };
        if (isUnary(name) || isBinary(name)) throw new FormulaError(`${name} is a function: write ${name}(…)${at(text, word(name))}`);
        throw new FormulaError(`unknown name '${name}'${at(text, word(name))}: ${variablesPhrase(variables)} (constants: pi, e)`);
      }
      case 'OperatorNode': {
        const fn = n.fn as string;
        const args = n.args as MathNode[];
        if (fn === 'unaryMinus') return { kind: 'negate', arg: check(args[0]!, level + 1) };
        if (fn === 'unaryPlus') return check(args[0]!, level + 1);
        if (own(OPERATORS, fn) && args.length === 2) {
          return { kind: 'operator', op: OPERATORS[fn]!, left: check(args[0]!, level + 1), right: check(args[1]!, level + 1) };
        }
        const op = n.op as string;
        throw new FormulaError(`operator '${op}' is not allowed${at(text, new RegExp(/^[a-z]+$/.test(op) ? `\\b${op}\\b` : escape(op)))} (use + - * / ^)`);
      }
      case 'FunctionNode': {
        const callee = n.fn as MathNode & { name?: string };
        const args = n.args as MathNode[];
        if (callee.type !== 'SymbolNode' || typeof callee.name !== 'string') throw new FormulaError(`only named functions can be called${at(text, /\(/)}`);
        const name = callee.name;
        const where = at(text, new RegExp(`${word(name).source}\\s*\\(`));
        if (isUnary(name)) {
          if (args.length !== 1) throw new FormulaError(`${name} takes one argument, got ${args.length}${where}`);
          return { kind: 'call', fn: name, arg: check(args[0]!, level + 1) };
        }
        if (isBinary(name)) {
          if (args.length !== 2) throw new FormulaError(`${name} takes two arguments, got ${args.length}${where}`);
          return { kind: 'call2', fn: name, left: check(args[0]!, level + 1), right: check(args[1]!, level + 1) };
        }
        if (allowed.has(name)) throw new FormulaError(`${name} is a variable, not a function: write ${name}*(…)${where}`);
        throw new FormulaError(`unknown function '${name}'${where} (functions: ${[...UNARY_FUNCTIONS, ...BINARY_FUNCTIONS].join(', ')})`);
      }
      case 'AccessorNode':
        throw new FormulaError(`property access and indexing are not allowed${at(text, /[.[]/)}`);
      case 'AssignmentNode':
        throw new FormulaError(`assignments are not allowed${at(text, /=/)}`);
      case 'FunctionAssignmentNode':
        throw new FormulaError(`function definitions are not allowed${at(text, /=/)}`);
      case 'ArrayNode':
        throw new FormulaError(`matrices are not allowed${at(text, /\[/)}`);
      case 'ObjectNode':
        throw new FormulaError(`objects are not allowed${at(text, /\{/)}`);
      case 'BlockNode':
        throw new FormulaError(`one expression only${at(text, /[;\n]/)}`);
      case 'ConditionalNode':
        throw new FormulaError(`conditionals are not allowed${at(text, /\?/)}`);
      case 'RangeNode':
        throw new FormulaError(`ranges are not allowed${at(text, /:/)}`);
      case 'RelationalNode':
        throw new FormulaError(`comparisons are not allowed${at(text, /[<>=!]/)}`);
      default:
        throw new FormulaError(`${node.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed`);
    }
  };
  return { text, variables, tree: check(root, 0) };
}

/** The variables a checked tree uses. */
export function usedVariables(tree: FormulaNode, into = new Set<string>()): Set<string> {
  switch (tree.kind) {
    case 'variable':
      into.add(tree.name);
      break;
    case 'negate':
    case 'call':
      usedVariables(tree.arg, into);
      break;
    case 'operator':
    case 'call2':
      usedVariables(tree.left, into);
      usedVariables(tree.right, into);
      break;
  }
  return into;
}
