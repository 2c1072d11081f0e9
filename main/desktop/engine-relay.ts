import { ipcMain, utilityProcess, type IpcMainEvent, type UtilityProcess } from 'electron';
import path from 'node:path';
import { CHANNELS } from '../protocol/desktop-api';
import { parseRequest, requestIds as idsOf, type EngineMessage } from '../protocol/messages';
import type { RendererPort } from './renderer-port';

/** More crashes than this inside CRASH_WINDOW_MS and we stop restarting: a crash loop helps nobody. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;

export interface EngineRelay {
  /** Stops the engine and the relay for good (window closed, app quit). */
  stop(): void;
}

/**
 * Runs the engine (main/engine/host.ts, bundled to dist/main/engine/host.js) in a utility
 * process and relays messages both ways. Requests from the page are validated here before they
 * reach the engine; the engine validates again, as every receiver does.
 */
export function setupEngineRelay(port: RendererPort): EngineRelay {
  const hostPath = path.join(__dirname, 'engine/host.js');
  let child: UtilityProcess | undefined;
  let stopping = false;
  let crashTimes: number[] = [];

  const toRenderer = (message: EngineMessage | unknown): void => port.send(CHANNELS.engineMessage, message);

  const start = (): UtilityProcess => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    // DESCENT_BACKEND=cpu|wasm|tensorflow forces the engine's backend (tests use cpu).
    if (process.env.DESCENT_BACKEND) env.DESCENT_BACKEND = process.env.DESCENT_BACKEND;
    const proc = utilityProcess.fork(hostPath, [], { serviceName: 'Descent Lab engine', stdio: 'inherit', env });
    proc.on('message', (message: unknown) => toRenderer(message));
    proc.on('exit', (code: number) => {
      if (child !== proc) return;
      child = undefined;
      if (stopping) return;
      const now = Date.now();
      crashTimes = [...crashTimes.filter((t) => now - t < CRASH_WINDOW_MS), now];
      if (crashTimes.length > MAX_CRASHES) {
        toRenderer({
          type: 'error',
          error: {
            name: 'EngineCrashed',
            message: `The engine stopped (code ${code}) ${crashTimes.length} times in a minute; not restarting. Restart the app.`,
          },
        } satisfies EngineMessage);
        return;
      }
      toRenderer({
        type: 'error',
        error: { name: 'EngineCrashed', message: `The engine stopped (code ${code}); restarting…` },
      } satisfies EngineMessage);
      child = start();
      // A fresh engine answers hello with 'ready', which tells the page it may start runs again.
      child.postMessage({ type: 'hello' });
    });
    return proc;
  };

  child = start();

  const onRequest = (event: IpcMainEvent, raw: unknown): void => {
    if (!port.isOurs(event.sender, event.senderFrame)) return;
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      toRenderer({ type: 'error', ...idsOf(raw), error: parsed.error } satisfies EngineMessage);
      return;
    }
    if (!child) {
      toRenderer({
        type: 'error',
        ...idsOf(raw),
        error: { name: 'EngineStopped', message: 'The engine is not running; restart the app.' },
      } satisfies EngineMessage);
      return;
    }
    child.postMessage(parsed.value);
  };
  ipcMain.on(CHANNELS.engineRequest, onRequest);

  return {
    stop() {
      stopping = true;
      ipcMain.removeListener(CHANNELS.engineRequest, onRequest);
      child?.kill();
      child = undefined;
    },
  };
}
