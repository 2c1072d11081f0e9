import { app, ipcMain, utilityProcess, type IpcMainEvent, type UtilityProcess } from 'electron';
import path from 'node:path';
import { CHANNELS } from '../protocol/desktop-api';
import { parseRequest, requestIds as idsOf, type EngineMessage } from '../protocol/messages';
import { RestartBudget } from '../restart-budget';
import type { RendererPort } from './renderer-port';

export interface EngineRelay {
  /** Stops the engine and the relay for good (window closed, app quit). */
  stop(): void;
}

/**
 * Runs the engine (main/engine/host.ts, bundled to dist/main/engine/host.js) in a utility
 * process and relays messages both ways. Requests from the page are validated here before they
 * reach the engine; the engine validates again, as every receiver does.
 *
 * An engine that dies is replaced (within a RestartBudget, so a crash loop backs off and then
 * stops) and the page hears 'engineRestarted': it ends the run it was drawing as stopped, keeps
 * its settings and history, and says hello to the fresh engine.
 */
export function setupEngineRelay(port: RendererPort): EngineRelay {
  const hostPath = path.join(__dirname, 'engine/host.js');
  let child: UtilityProcess | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const budget = new RestartBudget();

  const toRenderer = (message: EngineMessage): void => port.send(CHANNELS.engineMessage, message);

  const start = (): UtilityProcess => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    // DESCENT_BACKEND=cpu|wasm|tensorflow forces the engine's backend (tests use cpu).
    if (process.env.DESCENT_BACKEND) env.DESCENT_BACKEND = process.env.DESCENT_BACKEND;
    // Downloaded models live with the app's data (the engine never imports electron to ask).
    env.DESCENT_MODEL_CACHE ??= path.join(app.getPath('userData'), 'models');
    const proc = utilityProcess.fork(hostPath, [], { serviceName: 'Descent Lab engine', stdio: 'inherit', env });
    // The engine is trusted and structured clone keeps its typed arrays: relayed as they come.
    proc.on('message', (message: EngineMessage) => toRenderer(message));
    proc.on('exit', (code: number) => {
      if (child !== proc) return;
      child = undefined;
      if (stopping) return;
      const reason = `exit code ${code}`;
      const next = budget.recordDeath(Date.now());
      if (!next) {
        toRenderer({
          type: 'error',
          error: {
            name: 'EngineCrashed',
            message: `The engine stopped (${reason}) ${budget.recentDeaths} times in a minute; not restarting it. Restart the app.`,
          },
        });
        return;
      }
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopping) return;
        const fresh = start();
        child = fresh;
        // Told once the process is up, so the page's answer (a hello) finds it; one that fails
        // to spawn exits instead, and that death counts against the budget like any other.
        fresh.once('spawn', () => {
          if (child === fresh) toRenderer({ type: 'engineRestarted', reason });
        });
      }, next.delayMs);
    });
    return proc;
  };

  child = start();

  const onRequest = (event: IpcMainEvent, raw: unknown): void => {
    if (!port.isOurs(event.sender, event.senderFrame)) return;
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      toRenderer({ type: 'error', ...idsOf(raw), error: parsed.error });
      return;
    }
    if (!child) {
      const restarting = restartTimer !== undefined;
      toRenderer({
        type: 'error',
        ...idsOf(raw),
        error: restarting
          ? { name: 'EngineRestarting', message: 'The engine stopped and is being restarted; try again.' }
          : { name: 'EngineStopped', message: 'The engine is not running; restart the app.' },
      });
      return;
    }
    child.postMessage(parsed.value);
  };
  ipcMain.on(CHANNELS.engineRequest, onRequest);

  return {
    stop() {
      stopping = true;
      clearTimeout(restartTimer);
      ipcMain.removeListener(CHANNELS.engineRequest, onRequest);
      child?.kill();
      child = undefined;
    },
  };
}
