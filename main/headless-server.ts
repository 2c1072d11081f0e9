/**
 * Headless server: the built renderer over HTTP and the engine over a WebSocket at /ws, for
 * any browser, for the end-to-end tests, and for running the engine on another machine.
 * Each connection gets its own engine process (a Node child), so tabs never share a run; one
 * that dies is replaced on the same socket (within a RestartBudget) and the page is told.
 * Bound to 127.0.0.1 unless told otherwise; main/server.ts is the command-line entry.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeMessage, encodeMessage } from './protocol/codec';
import { CONTENT_SECURITY_POLICY } from './protocol/content-security-policy';
import { LIMITS, parseRequest, requestIds, type EngineMessage } from './protocol/messages';
import { DEFAULT_RESTART_BUDGET, RestartBudget, type RestartBudgetOptions } from './restart-budget';


export interface ServerOptions {
  host: string;
  port: number;
  backend?: string;
  /** Engine processes at once (one per connection); more connections are refused. */
  maxConnections?: number;
  /** The build to serve (renderer/ and main/engine/host.js); defaults to this bundle's dist/. */
  distDir?: string;
  /** How often a connection's dead engine is replaced before the connection is closed. */
  restartBudget?: RestartBudgetOptions;
}

/**
 * Browsers do not apply CORS to WebSockets, so any page the user visits could otherwise drive
 * the engine on 127.0.0.1: accept only our own pages (Origin matching Host) and clients that
 * send no Origin at all (the CLI-side tools, scripts).
 */
function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(address: string): boolean {
  return LOOPBACK_NAMES.has(address) || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/**
 * DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1, and then
 * its Origin and Host match each other. A server bound to loopback therefore also wants the Host
 * to be a loopback name; one bound elsewhere was opened to the network on purpose.
 */
function hostAllowed(boundTo: string, host: string | undefined): boolean {
  if (!isLoopback(boundTo)) return true;
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return isLoopback(name.toLowerCase());
}

export function startServer(options: ServerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  // This file is bundled into dist/main/server.js and dist/scripts/bench.js: one level up is dist/.
  const distDir = options.distDir ?? join(__dirname, '..');
  const rendererDir = join(distDir, 'renderer');
  const hostScript = join(distDir, 'main/engine/host.js');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return Promise.reject(new Error(`the renderer is not built (${rendererDir}); run npm run build`));
  }
  const serveStatic = sirv(rendererDir, { etag: true, dev: false });
  const http = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    serveStatic(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });
  const children = new Set<ChildProcess>();
  /** Open connections, each with its engine (or a replacement on the way): the engine limit counts these. */
  let connections = 0;
  let shuttingDown = false;
  const maxConnections = options.maxConnections ?? 8;
  const restartBudget = options.restartBudget ?? DEFAULT_RESTART_BUDGET;
  const wss = new WebSocketServer({
    server: http,
    path: '/ws',
    maxPayload: LIMITS.maxCsvBytes * 2,
    verifyClient: ({ origin, req }, done) => {
      if (!hostAllowed(options.host, req.headers.host)) return done(false, 403, 'connections must name this machine (127.0.0.1 or localhost) as the host');
      if (!sameOrigin(origin || undefined, req.headers.host)) return done(false, 403, 'cross-origin connections are refused');
      if (connections >= maxConnections) return done(false, 503, `at most ${maxConnections} engines at once`);
      done(true);
    },
  });

  wss.on('connection', (ws: WebSocket) => {
    connections++;
    const env = { ...process.env, ...(options.backend ? { DESCENT_BACKEND: options.backend } : {}) };
    const reply = (message: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message));
    };
    const budget = new RestartBudget(restartBudget);
    let closed = false;
    let restartTimer: NodeJS.Timeout | undefined;

    // A dead engine is replaced on the same socket, so the page keeps its settings and the runs
    // it has drawn: it hears 'engineRestarted' and says hello to the fresh engine.
    const startEngine = (): ChildProcess => {
      const proc = fork(hostScript, [], { serialization: 'advanced', env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.add(proc);
      proc.on('message', reply);
      // A send racing the child's death raises 'error' on the child: the exit handler reports it.
      proc.on('error', () => {});
      proc.on('exit', (code, signal) => {
        children.delete(proc);
        if (closed || shuttingDown || ws.readyState !== ws.OPEN) return;
        const reason = signal ? `killed by ${signal}` : `exit code ${code}`;
        const next = budget.recordDeath(Date.now());
        if (!next) {
          reply({
            type: 'error',
            error: { name: 'EngineCrashed', message: `the engine stopped (${reason}), ${budget.recentDeaths} times in a short while; not restarting it` },
          } satisfies EngineMessage);
          ws.close(1011, 'engine stopped');
          return;
        }
        restartTimer = setTimeout(() => {
          restartTimer = undefined;
          if (closed) return;
          child = startEngine();
          reply({ type: 'engineRestarted', reason } satisfies EngineMessage);
        }, next.delayMs);
      });
      return proc;
    };
    let child = startEngine();

    ws.on('message', (data, isBinary) => {
      let raw: unknown;
      try {
        if (!isBinary) throw new Error('expected a binary message');
        // ws hands over a Buffer by default: decode it in place (the codec copies what it keeps).
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        raw = decodeMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (e) {
        reply({ type: 'error', error: { name: 'InvalidRequest', message: (e as Error).message } });
        return;
      }
      // Validated here and again in the engine: a bad message never reaches the engine process.
      const parsed = parseRequest(raw);
      if (!parsed.ok) {
        reply({ type: 'error', ...requestIds(raw), error: parsed.error });
        return;
      }
      if (child.connected) child.send(parsed.value);
      else {
        // Between a death and its replacement (a few seconds at most) there is no one to ask.
        const error = { name: 'EngineRestarting', message: 'the engine stopped and is being restarted; try again' };
        reply({ type: 'error', ...requestIds(raw), error } satisfies EngineMessage);
      }
    });
    // A malformed frame (say, unmasked) is this connection's problem, never the server's.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      closed = true;
      connections--;
      clearTimeout(restartTimer);
      child.kill();
    });
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
            shuttingDown = true;
            for (const c of children) c.kill();
            for (const client of wss.clients) client.terminate();
            wss.close();
            http.close(() => done());
          }),
      });
    });
  });
}
