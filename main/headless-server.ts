/**
 * Headless server: the built renderer over HTTP and the engine over a WebSocket at /ws, for
 * any browser, for the end-to-end tests, and for running the engine on another machine.
 * Each connection gets its own engine process (a Node child), so tabs never share a run.
 * Bound to 127.0.0.1 unless told otherwise; main/server.ts is the command-line entry.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeMessage, encodeMessage } from './protocol/codec';
import { LIMITS, parseRequest } from './protocol/messages';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:";

export interface ServerOptions {
  host: string;
  port: number;
  backend?: string;
}

export function startServer(options: ServerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const rendererDir = join(__dirname, '../renderer');
  // Paths from the dist/ root: this file is bundled into dist/main/server.js and dist/scripts/bench.js.
  const hostScript = join(__dirname, '../main/engine/host.js');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return Promise.reject(new Error(`the renderer is not built (${rendererDir}); run npm run build`));
  }
  const serveStatic = sirv(rendererDir, { etag: true, dev: false });
  const http = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    serveStatic(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });
  const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: LIMITS.maxCsvBytes * 2 });
  const children = new Set<ChildProcess>();

  wss.on('connection', (ws: WebSocket) => {
    const env = { ...process.env, ...(options.backend ? { DESCENT_BACKEND: options.backend } : {}) };
    const child = fork(hostScript, [], { serialization: 'advanced', env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(child);
    const reply = (message: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message));
    };
    child.on('message', reply);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (ws.readyState === ws.OPEN) {
        reply({ type: 'error', error: { name: 'EngineCrashed', message: `the engine stopped (${signal ?? code})` } });
        ws.close(1011, 'engine stopped');
      }
    });
    ws.on('message', (data, isBinary) => {
      let raw: unknown;
      try {
        if (!isBinary) throw new Error('expected a binary message');
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        raw = decodeMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (e) {
        reply({ type: 'error', error: { name: 'InvalidRequest', message: (e as Error).message } });
        return;
      }
      // Validated here and again in the engine: a bad message never reaches the engine process.
      const parsed = parseRequest(raw);
      if (!parsed.ok) {
        const requestId = (raw as { requestId?: unknown } | null)?.requestId;
        reply({ type: 'error', ...(typeof requestId === 'string' ? { requestId } : {}), error: parsed.error });
        return;
      }
      child.send(parsed.value);
    });
    ws.on('close', () => child.kill());
  });

  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      const address = http.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const c of children) c.kill();
            for (const client of wss.clients) client.terminate();
            wss.close();
            http.close(() => done());
          }),
      });
    });
  });
}
