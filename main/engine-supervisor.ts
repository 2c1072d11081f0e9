/**
 * One engine process, kept alive for one page, over any transport: Electron main runs it as a
 * utilityProcess (desktop/engine-relay.ts), the headless server as a Node child per connection
 * (headless-server.ts). Each host only says how to spawn a process and where the page is; the
 * supervisor owns validation on the way in, restarts, 'engineRestarted' and the crash messages,
 * so the two cannot drift apart again. Plain TypeScript: no electron, no Node modules.
 */
import { parseRequest, requestIds, type EngineMessage, type EngineRequest } from './protocol/messages';
import { DEFAULT_RESTART_BUDGET, RestartBudget, type RestartBudgetOptions } from './restart-budget';

/** What a spawned process reports; the host wires its transport's events to these. */
export interface EngineProcessEvents {
  /** The process is up, so a request sent now reaches it. */
  spawned(): void;
  message(message: EngineMessage): void;
  /** The process ended; `signal` where the transport knows which one ended it. */
  exited(exit: { code: number | null; signal?: string | null }): void;
  /**
   * The process failed without an exit of its own (a fork that never started) or with one to
   * follow (Electron's fatal V8 error): counted as its death either way, and only once.
   */
  failed(description: string): void;
}

/** A spawned engine process, as the supervisor drives it. */
export interface EngineProcess {
  /** Hands over a validated request; false when the transport cannot take it now. */
  send(request: EngineRequest): boolean;
  kill(): void;
}

export type SpawnEngine = (events: EngineProcessEvents) => EngineProcess;

export interface EngineSupervisorOptions {
  spawn: SpawnEngine;
  /** Everything meant for the page: the engine's messages and the supervisor's own. */
  toPage: (message: EngineMessage) => void;
  /** What the user can do once the engine stays down ("Restart the app."), ending the messages that say so. */
  remedy: string;
  /** Called once, after the final message, when the budget is spent and no engine will follow. */
  onGiveUp?: () => void;
  restartBudget?: RestartBudgetOptions;
  /** The clock the restart budget reads; tests pass their own. */
  now?: () => number;
}

/** Why a process ended, as the page's notice shows it ("… stopped unexpectedly (killed by SIGKILL) …"). */
export function deathReason(exit: { code: number | null; signal?: string | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

interface Child {
  /** Unset only while spawn() runs. */
  process?: EngineProcess;
  dead: boolean;
}

export class EngineSupervisor {
  private child: Child | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private gaveUp = false;
  private readonly budgetOptions: RestartBudgetOptions;
  private readonly budget: RestartBudget;
  private readonly now: () => number;

  constructor(private readonly options: EngineSupervisorOptions) {
    this.budgetOptions = options.restartBudget ?? DEFAULT_RESTART_BUDGET;
    this.budget = new RestartBudget(this.budgetOptions);
    this.now = options.now ?? Date.now;
    this.start(undefined);
  }

  /**
   * An untrusted request from the page: validated here (the engine validates again, as every
   * receiver does) and handed to the engine, or answered with an error carrying its ids.
   */
  request(raw: unknown): void {
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      this.options.toPage({ type: 'error', ...requestIds(raw), error: parsed.error });
      return;
    }
    const child = this.child;
    if (child?.process && !child.dead && child.process.send(parsed.value)) return;
    // Between a death and its replacement (a few seconds at most) there is no one to ask.
    const error = this.gaveUp || this.stopped
      ? { name: 'EngineStopped', message: `The engine is not running. ${this.options.remedy}` }
      : { name: 'EngineRestarting', message: 'The engine stopped and is being restarted; try again.' };
    this.options.toPage({ type: 'error', ...requestIds(raw), error });
  }

  /** Stops the engine for good (window closed, socket closed, server shutting down): no restart follows. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    this.child = undefined;
    if (child && !child.dead) {
      child.dead = true;
      child.process?.kill();
    }
  }

  /** `restartReason` is set for a replacement: the page hears it once the process is up. */
  private start(restartReason: string | undefined): void {
    // The events close over `child`, so a late event from a replaced process is recognised.
    const child: Child = { dead: false };
    this.child = child;
    const current = (): boolean => this.child === child && !child.dead && !this.stopped;
    const proc = this.options.spawn({
      spawned: () => {
        // Told once the process is up, so the page's answer (a hello) finds it; one that fails
        // to spawn dies instead, and that death counts against the budget like any other.
        if (restartReason !== undefined && current()) this.options.toPage({ type: 'engineRestarted', reason: restartReason });
      },
      message: (message) => {
        if (current()) this.options.toPage(message);
      },
      exited: (exit) => {
        if (current()) this.died(child, deathReason(exit));
      },
      failed: (description) => {
        if (!current()) return;
        this.died(child, description);
        // A process that failed but lives on (say, half-started) must not linger beside its replacement.
        child.process?.kill();
      },
    });
    child.process = proc;
    // A transport that reported a death before spawn() returned: make sure it is gone.
    if (child.dead) proc.kill();
  }

  private died(child: Child, reason: string): void {
    child.dead = true;
    const next = this.budget.recordDeath(this.now());
    if (!next) {
      this.gaveUp = true;
      this.child = undefined;
      const withinS = this.budgetOptions.windowMs / 1000;
      const message = `The engine stopped (${reason}) ${this.budget.recentDeaths} times within ${withinS} s, so it was left stopped. ${this.options.remedy}`;
      this.options.toPage({ type: 'error', error: { name: 'EngineCrashed', message } });
      this.options.onGiveUp?.();
      return;
    }
    // stop() clears this timer, so it only fires for a supervisor still running.
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.start(reason);
    }, next.delayMs);
  }
}
