import { app, ipcMain, utilityProcess, type IpcMainEvent } from 'electron';
import path from 'node:path';
import { EngineSupervisor, type EngineProcess, type EngineProcessEvents } from '../engine-supervisor';
import { CHANNELS } from '../protocol/desktop-api';
import type { EngineMessage } from '../protocol/messages';
import type { RendererPort } from './renderer-port';

export interface EngineRelay {
  /** Stops the engine and the relay for good (window closed, app quit). */
  stop(): void;
}

/**
 * Runs the engine (main/engine/host.ts, bundled to dist/main/engine/host.js) in a utility
 * process and relays messages both ways; the EngineSupervisor validates requests on the way
 * in and replaces an engine that dies.
 */
export function setupEngineRelay(port: RendererPort): EngineRelay {
  const hostPath = path.join(__dirname, 'engine/host.js');

  const spawn = (events: EngineProcessEvents): EngineProcess => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    // DESCENT_BACKEND=cpu|wasm|tensorflow forces the engine's backend (tests use cpu).
    if (process.env.DESCENT_BACKEND) env.DESCENT_BACKEND = process.env.DESCENT_BACKEND;
    // Downloaded models live with the app's data (the engine never imports electron to ask).
    env.DESCENT_MODEL_CACHE ??= path.join(app.getPath('userData'), 'models');
    const proc = utilityProcess.fork(hostPath, [], { serviceName: 'Descent Lab engine', stdio: 'inherit', env });
    proc.on('spawn', () => events.spawned());
    // The engine is trusted and structured clone keeps its typed arrays: relayed as they come.
    proc.on('message', (message: EngineMessage) => events.message(message));
    proc.on('exit', (code: number) => events.exited({ code }));
    // A fatal V8 error in the engine (out of memory on a large run, say). Unheard, an 'error'
    // event throws in main ("A JavaScript error occurred in the main process"); Electron emits
    // 'exit' after it all the same, which the supervisor then ignores.
    proc.on('error', (type: string, location: string, report: string) => {
      console.error(`Descent Lab engine: ${type} at ${location}\n${report}`);
      events.failed(`${type} at ${location}`);
    });
    return {
      send: (request) => {
        proc.postMessage(request);
        return true;
      },
      kill: () => {
        proc.kill();
      },
    };
  };

  const supervisor = new EngineSupervisor({
    spawn,
    toPage: (message) => port.send(CHANNELS.engineMessage, message),
    remedy: 'Restart the app.',
  });

  const onRequest = (event: IpcMainEvent, raw: unknown): void => {
    if (port.isOurs(event.sender, event.senderFrame)) supervisor.request(raw);
  };
  ipcMain.on(CHANNELS.engineRequest, onRequest);

  return {
    stop() {
      ipcMain.removeListener(CHANNELS.engineRequest, onRequest);
      supervisor.stop();
    },
  };
}
