/**
 * Electron main's side of engine supervision, with electron replaced by a stand-in (no Electron
 * binary here): the utility process's events reach the EngineSupervisor, and requests from the
 * window reach the process.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineMessage } from '../../../main/protocol/messages';

/** A utility process as far as the relay uses it; an EventEmitter throws on an unheard 'error', as Electron's does. */
class FakeUtilityProcess extends EventEmitter {
  readonly posted: unknown[] = [];
  kills = 0;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.kills++;
    return true;
  }
}

const electron = vi.hoisted(() => ({ forked: [] as unknown[], ipcMain: undefined as unknown }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  electron.ipcMain = new Emitter();
  return {
    app: { getPath: () => '/tmp/descent-user-data' },
    ipcMain: electron.ipcMain,
    utilityProcess: {
      fork: () => {
        const proc = new FakeUtilityProcess();
        electron.forked.push(proc);
        return proc;
      },
    },
  };
});

const { setupEngineRelay } = await import('../../../main/desktop/engine-relay');
const { CHANNELS } = await import('../../../main/protocol/desktop-api');

const ourPage = { frame: 'top' };
function fakePort() {
  const sent: EngineMessage[] = [];
  return {
    sent,
    port: {
      send: (channel: string, payload: unknown) => {
        if (channel === CHANNELS.engineMessage) sent.push(payload as EngineMessage);
      },
      isOurs: (sender: unknown) => sender === ourPage,
    },
  };
}

const forked = () => electron.forked as FakeUtilityProcess[];
const ipcMain = () => electron.ipcMain as EventEmitter;

describe('engine relay', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    electron.forked.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should treat a fatal V8 error like an exit: no throw in main, one restart announced once the fresh engine is up', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { port, sent } = fakePort();
    const relay = setupEngineRelay(port as never);
    const [first] = forked();
    first!.emit('spawn');
    expect(() => first!.emit('error', 'FatalError', 'v8::internal::Heap::FatalProcessOutOfMemory', '{"report":1}')).not.toThrow();
    expect(first!.kills).toBe(1);
    // Electron emits 'exit' after 'error' all the same: the same death, not a second one.
    first!.emit('exit', 134);
    vi.advanceTimersByTime(60_000);
    expect(forked()).toHaveLength(2);
    forked()[1]!.emit('spawn');
    expect(sent).toEqual([{ type: 'engineRestarted', reason: 'FatalError at v8::internal::Heap::FatalProcessOutOfMemory' }]);
    relay.stop();
    expect(forked()[1]!.kills).toBe(1);
  });

  it('should relay requests from its own page only, and the engine’s messages back', () => {
    const { port, sent } = fakePort();
    const relay = setupEngineRelay(port as never);
    const [proc] = forked();
    proc!.emit('spawn');
    ipcMain().emit(CHANNELS.engineRequest, { sender: ourPage, senderFrame: null }, { type: 'hello' });
    ipcMain().emit(CHANNELS.engineRequest, { sender: { frame: 'other window' }, senderFrame: null }, { type: 'hello' });
    expect(proc!.posted).toEqual([{ type: 'hello' }]);
    proc!.emit('message', { type: 'ready', backend: 'cpu', version: '0.1.0' });
    expect(sent).toEqual([{ type: 'ready', backend: 'cpu', version: '0.1.0' }]);
    relay.stop();
    // After stop the relay no longer listens: nothing reaches the (killed) engine.
    ipcMain().emit(CHANNELS.engineRequest, { sender: ourPage, senderFrame: null }, { type: 'hello' });
    expect(proc!.posted).toHaveLength(1);
  });
});
