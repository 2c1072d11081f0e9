/** `descent lr-find`: the range test's JSON, its suggestion recomputed from what it printed, and bad ranges. */
import { describe, expect, it } from 'vitest';
import { finderRates, suggestLearningRate } from '../../main/protocol/lr-finder';
import { cli } from './run-cli';

describe('descent lr-find', () => {
  it('should print {learningRates, losses, suggested} for a lab\u2019s lane, the suggestion the one its numbers give', async () => {
    const { code, out, err } = await cli(['lr-find', 'regression', '--normalize', '--optimizer', 'gd', '--backend', 'cpu', '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r).toMatchObject({ lab: 'regression', backend: 'cpu', optimizer: 'gd' });
    expect(r.learningRates).toEqual(finderRates().slice(0, r.losses.length));
    // Gradient descent on the standardised data blows up past a rate of 1 (curvature 2): the test stops there.
    expect(r.losses.length).toBeLessThan(100);
    expect(r.suggested).toBe(suggestLearningRate(r.learningRates, r.losses.map(Number), r.start));
    expect(r.suggested).toBeGreaterThan(0.1);
    expect(r.suggested).toBeLessThan(1);
  });

  it('should take its own range and the Surface lab\u2019s options', async () => {
    const { code, out } = await cli(['lr-find', 'surface', '--formula', 'x^2 + y^2', '--optimizer', 'gd', '--min-lr', '1e-4', '--max-lr', '10', '--steps', '11', '--backend', 'cpu', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    // 1e-4 … 10 in 11 steps is two steps a decade; f = x² + y² from (1, 1) blows up past a rate of 1.
    expect(r.learningRates.slice(0, 3)).toEqual(finderRates(1e-4, 10, 11).slice(0, 3));
    expect(r.learningRates.at(-1)).toBeGreaterThan(1);
    expect(r.losses.at(-1)).toBeGreaterThan(4 * Math.min(...r.losses.slice(0, -1)));
  });

  it('should refuse bad ranges and labs with one line, exit 2', async () => {
    const cases: [string[], string][] = [
      [['lr-find', 'regression', '--min-lr', '1', '--max-lr', '0.1'], 'descent: --max-lr (0.1) must be above --min-lr (1)\n'],
      [['lr-find', 'regression', '--min-lr', '0'], 'descent: --min-lr must be above 0, got 0\n'],
      [['lr-find', 'surface', '--function', 'booth', '--steps', '1'], 'descent: --steps must be an integer from 2 to 100000, got "1"\n'],
      [['lr-find', 'attack'], 'descent: lr-find does not apply to attacks: their step is a budget in pixel levels, not a learning rate\n'],
      [['lr-find'], 'descent: lr-find takes a lab first: regression, spread or surface\n'],
      [['lr-find', 'spread', '--n', '4', '--restarts', '3'], 'descent: lr-find runs one start: --restarts is not supported here\n'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.err, args.join(' ')).toBe(message);
      expect(r.code).toBe(2);
    }
  });
});
