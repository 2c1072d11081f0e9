/**
 * How often a dead engine process is replaced: the EngineSupervisor's rule (engine-supervisor.ts),
 * one budget per window in Electron main and per connection in the headless server. An engine
 * that dies on start-up would otherwise be re-forked in a tight loop, each fork loading
 * TensorFlow.js (≈ 1 s of CPU), so restarts back off and stop after a few in a short time.
 */
export interface RestartBudgetOptions {
  /** Restarts allowed inside `windowMs`; the next death inside the window is final. */
  maxRestarts: number;
  windowMs: number;
  /** The second restart in a window waits this long, each later one twice as long as the one before. */
  firstDelayMs: number;
}

export const DEFAULT_RESTART_BUDGET: RestartBudgetOptions = { maxRestarts: 5, windowMs: 60_000, firstDelayMs: 250 };

export class RestartBudget {
  private deaths: number[] = [];

  constructor(private readonly options: RestartBudgetOptions = DEFAULT_RESTART_BUDGET) {}

  /**
   * Records a death at `nowMs`. Returns how long to wait before starting a fresh engine, or
   * null when the budget is spent and the engine should stay down. The first death in a
   * window restarts at once: a one-off crash should cost the user nothing but the run.
   */
  recordDeath(nowMs: number): { delayMs: number } | null {
    this.deaths = [...this.deaths.filter((t) => nowMs - t < this.options.windowMs), nowMs];
    const n = this.deaths.length;
    if (n > this.options.maxRestarts) return null;
    return { delayMs: n === 1 ? 0 : this.options.firstDelayMs * 2 ** (n - 2) };
  }

  /** Deaths inside the window, for messages ("stopped 6 times in a minute"). */
  get recentDeaths(): number {
    return this.deaths.length;
  }
}
