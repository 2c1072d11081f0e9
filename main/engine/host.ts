/**
 * Engine process entry. Under Electron it is a utilityProcess (messages on process.parentPort);
 * under the headless server a Node child (process.send, 'advanced' serialisation). Either way
 * messages are structured-cloned, so typed arrays arrive as typed arrays.
 */
import type { EngineMessage } from '../protocol/messages';
import { Engine } from './engine';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: EngineMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else if (process.send) process.send(message);
}

const engine = new Engine(send);
engine.whenReady().catch((e: unknown) => {
  send({ type: 'error', error: { name: 'BackendError', message: e instanceof Error ? e.message : String(e) } });
});

if (parentPort) parentPort.on('message', (e) => void engine.handle(e.data));
else if (process.send) {
  process.on('message', (m) => void engine.handle(m));
  process.on('disconnect', () => process.exit(0));
} else {
  console.error('host.js is the engine process: start it from the app or the server');
  process.exit(2);
}
