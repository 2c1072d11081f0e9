import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_BUDGET, RestartBudget } from '../../main/restart-budget';

describe('restart budget', () => {
  it('should restart a one-off death at once and back off on repeats', () => {
    const budget = new RestartBudget({ maxRestarts: 4, windowMs: 60_000, firstDelayMs: 250 });
    // Deaths 1-4 in one minute: 0 ms, then 250 · 2^(k-2) = 250, 500, 1000 ms; the 5th is final.
    expect([0, 1000, 2000, 3000].map((t) => budget.recordDeath(t)?.delayMs)).toEqual([0, 250, 500, 1000]);
    expect(budget.recordDeath(4000)).toBeNull();
    expect(budget.recentDeaths).toBe(5);
  });

  it('should forget deaths older than its window', () => {
    const budget = new RestartBudget({ maxRestarts: 2, windowMs: 60_000, firstDelayMs: 250 });
    expect(budget.recordDeath(0)).toEqual({ delayMs: 0 });
    expect(budget.recordDeath(59_999)).toEqual({ delayMs: 250 });
    // At 60 s the first death leaves the window: two in it (59.999 s, 60 s), still within the budget.
    expect(budget.recordDeath(60_000)).toEqual({ delayMs: 250 });
    expect(budget.recordDeath(60_001)).toBeNull();
    // A quiet spell empties the window: the next death is a first one again.
    expect(budget.recordDeath(200_000)).toEqual({ delayMs: 0 });
  });

  it('should allow five restarts a minute by default', () => {
    const budget = new RestartBudget(DEFAULT_RESTART_BUDGET);
    const answers = Array.from({ length: 6 }, (_, i) => budget.recordDeath(i * 1000));
    expect(answers.slice(0, 5).every((a) => a !== null)).toBe(true);
    expect(answers[5]).toBeNull();
  });
});
