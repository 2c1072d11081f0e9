import { describe, expect, it } from 'vitest';
import {
  CONSTANT_SCHEDULE,
  SCHEDULE_NAMES,
  SCHEDULE_SPECS,
  describeSchedule,
  isScheduleParam,
  learningRateAt,
  resolveSchedule,
  scheduleDecayAt,
  type Schedule,
} from '../../../main/protocol/schedules';
import { OPTIMIZER_NAMES, OPTIMIZER_SPECS } from '../../../main/protocol/optimizers';
import { SPREAD_COOLING, defaultSpreadSchedule } from '../../../main/protocol/spread';

const rates = (s: Schedule, base: number, n: number) => Array.from({ length: n }, (_, t) => learningRateAt(s, base, t));

describe('learning-rate schedules', () => {
  it('should keep the constant rate, the very number given', () => {
    expect(rates(CONSTANT_SCHEDULE, 0.1, 5)).toEqual([0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(Object.is(learningRateAt(CONSTANT_SCHEDULE, 2e-5, 1e6), 2e-5)).toBe(true);
  });

  it('should halve every 3 steps for step decay (gamma 0.5): 0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2', () => {
    const s = resolveSchedule({ name: 'step', params: { stepSize: 3, gamma: 0.5 } });
    expect(rates(s, 0.8, 7)).toEqual([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2]);
  });

  it('should multiply by 0.9 a step for exponential decay, down to its floor: 1, 0.9, 0.81, 0.729, then 0.7', () => {
    const s = resolveSchedule({ name: 'exponential', params: { decayRate: 0.9, floor: 0.7 } });
    const r = rates(s, 1, 6);
    [1, 0.9, 0.81, 0.729, 0.7, 0.7].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 12));
  });

  it('should follow half a cosine to the floor over the period, then stay there', () => {
    // period 4, floor 0.2, base 1: 0.2 + 0.8·(1 + cos(πt/4))/2 for t = 0…4 is
    // 1, 0.2 + 0.4·(1 + √2/2) = 0.882843, 0.6, 0.2 + 0.4·(1 − √2/2) = 0.317157, 0.2; then 0.2.
    const s = resolveSchedule({ name: 'cosine', params: { period: 4, floor: 0.2 } });
    const r = rates(s, 1, 7);
    [1, 0.882842712, 0.6, 0.317157288, 0.2, 0.2, 0.2].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 8));
  });

  it('should warm up linearly in front of each schedule, which then starts from its own step 0', () => {
    // 4 warm-up steps at base 0.4: 0.1, 0.2, 0.3, 0.4, then the schedule from t = 0.
    const warm = [0.1, 0.2, 0.3, 0.4];
    const expected: Record<string, number[]> = {
      constant: [...warm, 0.4, 0.4, 0.4],
      step: [...warm, 0.4, 0.4, 0.2], // stepSize 2, gamma 0.5
      exponential: [...warm, 0.4, 0.2, 0.1], // decayRate 0.5
      cosine: [...warm, 0.4, 0.2, 0], // period 2, floor 0: 1, (1 + cos(π/2))/2 = 0.5, 0
    };
    const params: Record<string, Record<string, number>> = { constant: {}, step: { stepSize: 2, gamma: 0.5 }, exponential: { decayRate: 0.5 }, cosine: { period: 2 } };
    for (const name of SCHEDULE_NAMES) {
      const s = resolveSchedule({ name, params: params[name], warmup: 4 });
      const r = rates(s, 0.4, 7);
      expected[name]!.forEach((v, i) => expect(r[i], `${name} at step ${i}`).toBeCloseTo(v, 12));
      // The decay part (what the Spread lab's temperature follows) is 1 through the warm-up.
      expect(scheduleDecayAt(s, 3)).toBe(1);
    }
  });

  it('should fill in defaults and refuse unknown or out-of-range parameters with one line naming them', () => {
    expect(resolveSchedule({ name: 'cosine' })).toEqual({ name: 'cosine', params: { period: 1000, floor: 0 }, warmup: 0 });
    expect(() => resolveSchedule({ name: 'step', params: { decayRate: 0.5 } })).toThrow('the step schedule has no parameter "decayRate" (it takes stepSize, gamma)');
    expect(() => resolveSchedule({ name: 'constant', params: { gamma: 0.5 } })).toThrow('(it takes none)');
    expect(() => resolveSchedule({ name: 'exponential', params: { decayRate: 1.5 } })).toThrow('exponential schedule decayRate must be a number in [0, 1], got 1.5');
    expect(() => resolveSchedule({ name: 'step', params: { stepSize: 2.5 } })).toThrow('step schedule stepSize must be an integer, got 2.5');
    expect(() => resolveSchedule({ name: 'constant', warmup: -1 })).toThrow('warm-up must be a whole number of steps');
  });

  it('should name its parameters apart from every optimizer\u2019s, so one --param serves both', () => {
    for (const o of OPTIMIZER_NAMES) for (const p of OPTIMIZER_SPECS[o].params) expect(isScheduleParam(p.name), `${o} ${p.name}`).toBe(false);
    for (const s of SCHEDULE_NAMES) for (const p of SCHEDULE_SPECS[s].params) expect(isScheduleParam(p.name)).toBe(true);
  });

  it('should describe a schedule in words', () => {
    expect(describeSchedule(resolveSchedule({ name: 'cosine', params: { period: 500 }, warmup: 50 }))).toBe('cosine (period 500, floor 0) after 50 warm-up steps');
    expect(describeSchedule(CONSTANT_SCHEDULE)).toBe('constant');
  });

  it('should make the Spread lab\u2019s cooling ×0.998 a step down to 1e-3 of the start, for softened minima only', () => {
    expect(learningRateAt(SPREAD_COOLING, 0.01, 100)).toBeCloseTo(0.01 * 0.998 ** 100, 15);
    expect(learningRateAt(SPREAD_COOLING, 0.01, 10_000)).toBeCloseTo(1e-5, 15);
    expect(defaultSpreadSchedule({ loss: 'min-angle', temperatureDeg: 1 })).toBe(SPREAD_COOLING);
    expect(defaultSpreadSchedule({ loss: 'min-angle', temperatureDeg: 0 })).toBe(CONSTANT_SCHEDULE);
    expect(defaultSpreadSchedule({ loss: 'coulomb', temperatureDeg: 1 })).toBe(CONSTANT_SCHEDULE);
  });
});
