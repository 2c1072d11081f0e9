/**
 * The formula language: what it refuses (each with what and where), and that both compilers
 * agree with the maths — every function's autodiff gradient against float64 central
 * differences at random points, the float64 evaluator against Math directly.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/backend';
import { checkFormula, FormulaError } from '../../../../main/engine/formula/formula';
import { compileFloat64 } from '../../../../main/engine/formula/formula-float64';
import { compileTf } from '../../../../main/engine/formula/formula-tf';
import { EVERY_FUNCTION, expectCentralDifferences, randomPoints } from './formula-fixtures';

beforeAll(async () => {
  await selectBackend('cpu');
});

async function refusal(text: string): Promise<string> {
  try {
    await checkFormula(text);
  } catch (e) {
    expect(e).toBeInstanceOf(FormulaError);
    return (e as Error).message;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('formula checking', () => {
  it.each([
    ['', 'the formula is empty'],
    ['   ', 'the formula is empty'],
    ['sine(x) + y', "unknown function 'sine' at column 1"],
    ['x + sine(y)', "unknown function 'sine' at column 5"],
    ['x + z', "unknown name 'z' at column 5: x and y are the only variables"],
    ['x.constructor', 'property access and indexing are not allowed at column 2'],
    ['x[1]', 'property access and indexing are not allowed at column 2'],
    ['constructor', "unknown name 'constructor' at column 1"],
    ['__proto__ + x', "unknown name '__proto__' at column 1"],
    ['toString(x)', "unknown function 'toString' at column 1"],
    ['x = 2', 'assignments are not allowed at column 3'],
    ['f(x) = x^2', 'function definitions are not allowed at column 6'],
    ['"x" + 1', 'strings are not allowed at column 1'],
    ['[1, 2] * x', 'matrices are not allowed at column 1'],
    ['{a: 1}', 'objects are not allowed at column 1'],
    ['x; y', 'one expression only at column 2'],
    ['x > y', "operator '>' is not allowed at column 3 (use + - * / ^)"],
    ['x < y < 2', 'comparisons are not allowed at column 3'],
    ['x ? y : 1', 'conditionals are not allowed at column 3'],
    ['x!', "operator '!' is not allowed at column 2"],
    ['x mod 2', "operator 'mod' is not allowed at column 3"],
    ['x +', 'unexpected end of expression at column 4'],
    ['sin(x', 'parenthesis ) expected at column 6'],
    ['sin(x, y)', 'sin takes one argument, got 2 at column 1'],
    ['max(x)', 'max takes two arguments, got 1 at column 1'],
    ['sin + x', 'sin is a function: write sin(…) at column 1'],
    ['x(2)', 'x is a variable, not a function: write x*(…) at column 1'],
  ])('should refuse %j: "%s…"', async (text, message) => {
    // The message may go on with a hint (the names that are allowed, …); it starts with what and where.
    expect((await refusal(text)).startsWith(message), await refusal(text)).toBe(true);
  });

  it('should refuse more than 500 characters and nesting deeper than 64', async () => {
    expect(await refusal('x+'.repeat(250) + '1')).toBe('the formula is 501 characters long; at most 500 are allowed');
    expect(await refusal('('.repeat(65) + 'x' + ')'.repeat(65))).toBe('parentheses nest deeper than 64 levels at column 65');
    // 64 levels is the limit, not past it.
    await expect(checkFormula('('.repeat(64) + 'x' + ')'.repeat(64))).resolves.toBeTruthy();
    // Depth without parentheses: a chain of 70 unary minuses.
    expect(await refusal('-'.repeat(70) + 'x')).toBe('the formula nests deeper than 64 levels');
  });

  it('should accept the language: numbers, x and y, + − * / ^, unary minus, parentheses, the functions, pi and e', async () => {
    const f = compileFloat64(await checkFormula('-x^2 + 2.5e-1*y/(1 + abs(x)) - sqrt(exp(y)) + max(sin(x), cos(y)) * min(tanh(x), 1) + log(2 + sinh(y)^2) + cosh(0.1*x) + tan(0.2*y) + pi - e + 2x'));
    const x = 0.7;
    const y = -1.3;
    const expected =
      -(x ** 2) + (0.25 * y) / (1 + Math.abs(x)) - Math.sqrt(Math.exp(y)) + Math.max(Math.sin(x), Math.cos(y)) * Math.min(Math.tanh(x), 1) + Math.log(2 + Math.sinh(y) ** 2) + Math.cosh(0.1 * x) + Math.tan(0.2 * y) + Math.PI - Math.E + 2 * x;
    expect(f([x, y])).toBeCloseTo(expected, 14);
  });

  it('should follow mathjs precedence: -x^2 is −(x²), 2^3^2 is 2^9', async () => {
    const f = compileFloat64(await checkFormula('-x^2 + 2^3^2'));
    expect(f([3, 0])).toBe(-9 + 512);
  });
});

describe('formula compilers', () => {
  /** f and its autodiff gradient at a batch of points, through the TensorFlow.js compiler. */
  async function autodiff(text: string, xs: number[], ys: number[]) {
    const compiled = compileTf(await checkFormula(text));
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(compiled.apply([a, b])));
    const value = tf.tidy(() => compiled.apply([x, y]));
    const [gx, gy] = grads([x, y]);
    const out = { f: Array.from(value.dataSync()), gx: Array.from(gx!.dataSync()), gy: Array.from(gy!.dataSync()) };
    tf.dispose([x, y, value, gx!, gy!]);
    compiled.dispose();
    return out;
  }

  it.each(EVERY_FUNCTION)('should differentiate %s by autodiff as float64 central differences do', async (text) => {
    const { xs, ys } = randomPoints(text, 16, { xMin: -1.5, xMax: 1.5, yMin: -1.5, yMax: 1.5 });
    const got = await autodiff(text, xs, ys);
    const f = compileFloat64(await checkFormula(text));
    expectCentralDifferences(f, xs, ys, got.gx, got.gy);
    for (let i = 0; i < xs.length; i++) expect(got.f[i]).toBeCloseTo(f([xs[i]!, ys[i]!]), 4);
  });

  it('should give a formula of no variable a zero gradient over the batch, and free its constants', async () => {
    const before = tf.memory().numTensors;
    const got = await autodiff('2*pi + 1', [0, 1, 2], [3, 4, 5]);
    expect(got.f.map((v) => Number(v.toFixed(4)))).toEqual([7.2832, 7.2832, 7.2832]);
    expect(got.gx).toEqual([0, 0, 0]);
    expect(got.gy).toEqual([0, 0, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('should fold constant subtrees: 2*pi*x makes one kept scalar, not three', async () => {
    const before = tf.memory().numTensors;
    const compiled = compileTf(await checkFormula('cos(2*pi*x) + y'));
    // Kept: 2π and nothing else (x and y are inputs).
    expect(tf.memory().numTensors - before).toBe(1);
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
