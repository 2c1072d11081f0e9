import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineSupervisor, type EngineProcess, type EngineProcessEvents } from '../../main/engine-supervisor';
import type { EngineMessage, EngineRequest } from '../../main/protocol/messages';
import type { RestartBudgetOptions } from '../../main/restart-budget';

/** A process the test drives by hand: it reports what the transport would (spawn, exit, failure). */
class FakeEngine implements EngineProcess {
  readonly received: EngineRequest[] = [];
  kills = 0;
  /** What send() answers: false as a Node child's closed channel does. */
  accepting = true;

  constructor(readonly events: EngineProcessEvents) {}

  send(request: EngineRequest): boolean {
    if (this.accepting) this.received.push(request);
    return this.accepting;
  }

  kill(): void {
    this.kills++;
  }
}

const BUDGET: RestartBudgetOptions = { maxRestarts: 2, windowMs: 60_000, firstDelayMs: 250 };

function supervise(restartBudget = BUDGET) {
  const engines: FakeEngine[] = [];
  const page: EngineMessage[] = [];
  const onGiveUp = vi.fn();
  const supervisor = new EngineSupervisor({
    spawn: (events) => {
      const engine = new FakeEngine(events);
      engines.push(engine);
      return engine;
    },
    toPage: (m) => page.push(m),
    remedy: 'Restart the app.',
    onGiveUp,
    restartBudget,
    // The budget's clock is the fake timers' clock, so advancing timers also ages deaths.
    now: () => Date.now(),
  });
  return { supervisor, engines, page, onGiveUp };
}

const ofType = <T extends EngineMessage['type']>(page: EngineMessage[], type: T) => page.filter((m) => m.type === type);

describe('engine supervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should relay valid requests to the engine and its messages to the page', () => {
    const { supervisor, engines, page } = supervise();
    expect(engines).toHaveLength(1);
    engines[0]!.events.spawned();
    supervisor.request({ type: 'hello' });
    expect(engines[0]!.received).toEqual([{ type: 'hello' }]);
    engines[0]!.events.message({ type: 'ready', backend: 'cpu', version: '0.1.0' });
    // The first engine is no restart: nothing announced.
    expect(page).toEqual([{ type: 'ready', backend: 'cpu', version: '0.1.0' }]);
  });

  it('should answer an invalid request itself, with its ids, and never pass it on', () => {
    const { supervisor, engines, page } = supervise();
    supervisor.request({ type: 'setSpeed', runId: 'r1', itersPerSecond: -5 });
    supervisor.request('not an object');
    expect(engines[0]!.received).toEqual([]);
    expect(page).toEqual([
      { type: 'error', runId: 'r1', error: { name: 'InvalidRequest', message: expect.stringMatching(/itersPerSecond/) } },
      { type: 'error', error: { name: 'InvalidRequest', message: expect.any(String) } },
    ]);
  });

  it('should replace a crashed engine at once and announce it once, after the fresh one is up', () => {
    const { supervisor, engines, page } = supervise();
    engines[0]!.events.spawned();
    engines[0]!.events.exited({ code: null, signal: 'SIGKILL' });
    // Before the (zero-delay) restart timer fires there is no engine: the page is told to retry.
    supervisor.request({ type: 'defaultDataset', requestId: 'q1' });
    expect(page).toEqual([
      { type: 'error', requestId: 'q1', error: { name: 'EngineRestarting', message: 'The engine stopped and is being restarted; try again.' } },
    ]);
    vi.advanceTimersByTime(0);
    expect(engines).toHaveLength(2);
    expect(ofType(page, 'engineRestarted')).toEqual([]);
    engines[1]!.events.spawned();
    expect(ofType(page, 'engineRestarted')).toEqual([{ type: 'engineRestarted', reason: 'killed by SIGKILL' }]);
    // Requests now go to the fresh engine, and a late word from the dead one is dropped.
    supervisor.request({ type: 'hello' });
    expect(engines[1]!.received).toEqual([{ type: 'hello' }]);
    engines[0]!.events.message({ type: 'ready', backend: 'cpu', version: 'stale' });
    engines[0]!.events.exited({ code: 1 });
    engines[1]!.events.message({ type: 'ready', backend: 'wasm', version: '0.1.0' });
    vi.advanceTimersByTime(60_000);
    expect(ofType(page, 'ready')).toEqual([{ type: 'ready', backend: 'wasm', version: '0.1.0' }]);
    expect(ofType(page, 'engineRestarted')).toHaveLength(1);
    expect(engines).toHaveLength(2);
  });

  it('should back off on repeated deaths and give up with one final message when the budget is spent', () => {
    const { supervisor, engines, page, onGiveUp } = supervise();
    engines[0]!.events.spawned();
    engines[0]!.events.exited({ code: 3 });
    vi.advanceTimersByTime(0);
    engines[1]!.events.spawned();
    engines[1]!.events.exited({ code: 3 });
    // The second death in the window waits firstDelayMs (250 ms).
    vi.advanceTimersByTime(249);
    expect(engines).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(engines).toHaveLength(3);
    engines[2]!.events.spawned();
    // Third death inside a minute with maxRestarts 2: final.
    engines[2]!.events.exited({ code: 3 });
    vi.advanceTimersByTime(60_000);
    expect(engines).toHaveLength(3);
    expect(ofType(page, 'engineRestarted')).toEqual([
      { type: 'engineRestarted', reason: 'exit code 3' },
      { type: 'engineRestarted', reason: 'exit code 3' },
    ]);
    expect(ofType(page, 'error')).toEqual([
      {
        type: 'error',
        error: { name: 'EngineCrashed', message: 'The engine stopped (exit code 3) 3 times within 60 s, so it was left stopped. Restart the app.' },
      },
    ]);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    supervisor.request({ type: 'defaultDataset', requestId: 'late' });
    expect(page.at(-1)).toEqual({
      type: 'error',
      requestId: 'late',
      error: { name: 'EngineStopped', message: 'The engine is not running. Restart the app.' },
    });
  });

  it('should forget deaths that have left the budget window', () => {
    const { engines, onGiveUp } = supervise({ maxRestarts: 1, windowMs: 10_000, firstDelayMs: 250 });
    engines[0]!.events.exited({ code: 1 });
    vi.advanceTimersByTime(0);
    // 10 s later the first death is out of the window: this one is a first death again, not a final one.
    vi.advanceTimersByTime(10_000);
    engines[1]!.events.exited({ code: 1 });
    vi.advanceTimersByTime(0);
    expect(engines).toHaveLength(3);
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it('should not restart after stop(), whether a death follows or a restart was pending', () => {
    const { supervisor, engines, page } = supervise();
    engines[0]!.events.spawned();
    supervisor.stop();
    expect(engines[0]!.kills).toBe(1);
    // The kill's own exit is no crash.
    engines[0]!.events.exited({ code: null, signal: 'SIGTERM' });
    vi.advanceTimersByTime(60_000);
    expect(engines).toHaveLength(1);
    expect(page).toEqual([]);

    const second = supervise();
    second.engines[0]!.events.exited({ code: 1 });
    second.supervisor.stop(); // the zero-delay restart has not fired yet
    vi.advanceTimersByTime(60_000);
    expect(second.engines).toHaveLength(1);
    expect(second.engines[0]!.kills).toBe(0); // already dead: nothing to kill
    second.supervisor.request({ type: 'hello' });
    expect(second.page.at(-1)).toMatchObject({ error: { name: 'EngineStopped' } });

    // Stopped while a replacement was starting: it is killed, and its late 'spawn' announces nothing.
    const third = supervise();
    third.engines[0]!.events.exited({ code: 1 });
    vi.advanceTimersByTime(0);
    third.supervisor.stop();
    expect(third.engines[1]!.kills).toBe(1);
    third.engines[1]!.events.spawned();
    third.engines[1]!.events.message({ type: 'ready', backend: 'cpu', version: '0.1.0' });
    expect(third.page).toEqual([]);
  });

  it('should count a failure followed by its exit (a fatal V8 error) as one death, and kill the process', () => {
    const { engines, page } = supervise();
    engines[0]!.events.spawned();
    engines[0]!.events.failed('FatalError at v8::internal::Heap');
    expect(engines[0]!.kills).toBe(1);
    engines[0]!.events.exited({ code: 134 });
    vi.advanceTimersByTime(0);
    expect(engines).toHaveLength(2);
    engines[1]!.events.spawned();
    expect(ofType(page, 'engineRestarted')).toEqual([{ type: 'engineRestarted', reason: 'FatalError at v8::internal::Heap' }]);
    // One death so far (budget: 2 restarts): the next one is restarted once more, not the final one.
    engines[1]!.events.exited({ code: 1 });
    vi.advanceTimersByTime(60_000);
    expect(engines).toHaveLength(3);
    expect(ofType(page, 'error')).toEqual([]);
  });

  it('should count an exit followed by a failure (a kill that failed on a dead process) as one death', () => {
    const { engines, page } = supervise({ maxRestarts: 1, windowMs: 60_000, firstDelayMs: 0 });
    engines[0]!.events.exited({ code: 1 });
    engines[0]!.events.failed('kill ESRCH');
    vi.advanceTimersByTime(0);
    expect(engines).toHaveLength(2);
    expect(engines[0]!.kills).toBe(0);
    expect(ofType(page, 'error')).toEqual([]);
  });

  it('should kill a process whose transport reported its failure before spawn() returned', () => {
    const engines: FakeEngine[] = [];
    new EngineSupervisor({
      spawn: (events) => {
        const engine = new FakeEngine(events);
        engines.push(engine);
        if (engines.length === 1) events.failed('spawn EAGAIN');
        return engine;
      },
      toPage: () => {},
      remedy: 'Restart the app.',
    });
    expect(engines[0]!.kills).toBe(1);
    vi.advanceTimersByTime(0);
    expect(engines).toHaveLength(2);
  });

  it('should count a process that never started against the budget, and announce only one that did', () => {
    const { supervisor, engines, page } = supervise();
    engines[0]!.events.spawned();
    engines[0]!.events.exited({ code: 1 });
    vi.advanceTimersByTime(0);
    // The replacement fails to start (no exit follows, as with Node's spawn errors).
    engines[1]!.events.failed('spawn ENOENT');
    vi.advanceTimersByTime(250);
    expect(engines).toHaveLength(3);
    engines[2]!.events.spawned();
    expect(ofType(page, 'engineRestarted')).toEqual([{ type: 'engineRestarted', reason: 'spawn ENOENT' }]);
    supervisor.request({ type: 'hello' });
    expect(engines[2]!.received).toEqual([{ type: 'hello' }]);
  });

  it('should tell the page to retry when the transport cannot take a request', () => {
    const { supervisor, engines, page } = supervise();
    engines[0]!.events.spawned();
    engines[0]!.accepting = false; // a Node child whose channel closed before its exit arrived
    supervisor.request({ type: 'hello' });
    expect(page).toEqual([{ type: 'error', error: { name: 'EngineRestarting', message: expect.any(String) } }]);
  });
});
