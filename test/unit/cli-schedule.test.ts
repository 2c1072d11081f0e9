/** `--schedule NAME --warmup N --param …` in every optimizer command: the rates used, worked out by hand, and bad input. */
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

async function json(args: string[]) {
  const { code, out, err } = await cli([...args, '--backend', 'cpu', '--json']);
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe('schedules on the command line', () => {
  it('should step the regression at the step-decay rates after a warm-up: 0.05, 0.1, then 0.2·0.5^⌊t/2⌋ … of --lr 0.2', async () => {
    const r = await json(['regression', '--optimizer', 'gd', '--lr', '0.2', '--normalize', '--iterations', '7', '--schedule', 'step', '--warmup', '4', '--param', 'stepSize=2', '--param', 'gamma=0.5']);
    expect(r.schedule).toEqual({ name: 'step', params: { stepSize: 2, gamma: 0.5 }, warmup: 4 });
    expect(r.learningRates).toEqual([0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2, 0.1]);
    expect(r.params).toEqual({ learningRate: 0.2 });
  });

  it('should run the surface lane on a cosine to its floor, recording the rate per iteration', async () => {
    const r = await json(['surface', '--formula', 'x^2 + y^2', '--optimizer', 'gd', '--lr', '0.1', '--iterations', '4', '--schedule', 'cosine', '--param', 'period=2', '--param', 'floor=0.5']);
    expect(r.schedule).toEqual({ name: 'cosine', params: { period: 2, floor: 0.5 }, warmup: 0 });
    // 0.1·(0.5 + 0.5·(1 + cos(πt/2))/2): 0.1, 0.075, 0.05, 0.05, 0.05.
    r.history.learningRate.forEach((v: number, t: number) => expect(v).toBeCloseTo([0.1, 0.075, 0.05, 0.05, 0.05][t]!, 12));
    // Gradient steps on x² from 1: x ← x·(1 − 2·rate).
    expect(r.history.x[2]).toBeCloseTo(1 * (1 - 0.2) * (1 - 0.15), 6);
  });

  it('should cool a softened spread lane by default, and take a warm-up in front of that cooling', async () => {
    const cooled = await json(['spread', '--n', '5', '--loss', 'min-angle', '--iterations', '3']);
    expect(cooled.schedule).toEqual({ name: 'exponential', params: { decayRate: 0.998, floor: 0.001 }, warmup: 0 });
    const energy = await json(['spread', '--n', '5', '--loss', 'coulomb', '--iterations', '3']);
    expect(energy.schedule).toEqual({ name: 'constant', params: {}, warmup: 0 });
    const warmed = await json(['spread', '--n', '5', '--loss', 'min-angle', '--iterations', '3', '--warmup', '10', '--param', 'decayRate=0.99']);
    expect(warmed.schedule).toEqual({ name: 'exponential', params: { decayRate: 0.99, floor: 0.001 }, warmup: 10 });
  });

  it('should refuse a bad schedule with one line naming what, exit 2', async () => {
    const cases: [string[], string][] = [
      [['regression', '--schedule', 'linear'], 'descent: unknown schedule "linear" (choose constant, step, exponential, cosine)\n'],
      [['surface', '--function', 'booth', '--warmup', '-3'], 'descent: --warmup must be an integer from 0 to 10000000, got "-3"\n'],
      [['regression', '--schedule', 'step', '--param', 'gamma=2'], 'descent: step schedule gamma must be a number in [0, 1], got 2\n'],
      [['spread', '--n', '4', '--schedule', 'cosine', '--param', 'stepSize=3'], 'descent: the cosine schedule has no parameter "stepSize" (it takes period, floor)\n'],
      [['regression', '--param', 'decayRate=0.9'], 'descent: the constant schedule has no parameter "decayRate" (it takes none)\n'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.err, args.join(' ')).toBe(message);
      expect(r.code).toBe(2);
    }
  });
});
