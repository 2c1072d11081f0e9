/**
 * Headless server: the built renderer over HTTP and the engine over a WebSocket at /ws, for
 * any browser, for the end-to-end tests, and for running the engine on another machine.
 * Each connection gets its own engine process (a Node child), so tabs never share a run; one
 * that dies is replaced on the same socket and the page is told (engine-supervisor.ts).
 * Bound to 127.0.0.1 unless told otherwise. Every request, page or WebSocket, needs the server's
 * token (access-token.ts); with a certificate it speaks HTTPS and WSS. main/server.ts is the
 * command-line entry.
 */
import { fork } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeMessage, encodeMessage } from './protocol/codec';
import { AccessToken, isValidToken, randomToken, TOKEN_RULE } from './access-token';
import { CONTENT_SECURITY_POLICY } from './protocol/content-security-policy';
import { EngineSupervisor, type EngineProcess, type EngineProcessEvents } from './engine-supervisor';
import { ENGINE_GAVE_UP_CLOSE_CODE } from './protocol/limits';
import { LIMITS, type EngineMessage } from './protocol/messages';
import type { RestartBudgetOptions } from './restart-budget';


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
  /** The secret every page and WebSocket request must carry; a random one when not given. */
  token?: string;
  /** A PEM certificate and its key: the page over HTTPS and the engine over WSS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface HeadlessServer {
  /** Where it listens, without the token: http(s)://host:port */
  url: string;
  token: string;
  /** What to open in a browser (and to print): the address with `?token=`. */
  openUrl: string;
  close(): Promise<void>;
}

/**
 * Browsers do not apply CORS to WebSockets, so any page the user visits could otherwise drive
 * the engine: accept only our own pages (Origin matching Host) and clients that send no Origin
 * at all (scripts, which must show the token like everyone else).
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

/** Whether `address` (a --host value) can be reached from this machine only. */
export function isLoopback(address: string): boolean {
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

/** The page a browser gets without the token: where to find the address that has it. */
function refuse(res: ServerResponse): void {
  res.statusCode = 401;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('Descent Lab needs its token: open the address the server printed when it started (it ends in ?token=…).\n');
}

export function startServer(options: ServerOptions): Promise<HeadlessServer> {
  // This file is bundled into dist/main/server.js and dist/scripts/bench.js: one level up is dist/.
  const distDir = options.distDir ?? join(__dirname, '..');
  const rendererDir = join(distDir, 'renderer');
  const hostScript = join(distDir, 'main/engine/host.js');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return Promise.reject(new Error(`the renderer is not built (${rendererDir}); run npm run build`));
  }
  const token = options.token ?? randomToken();
  if (!isValidToken(token)) return Promise.reject(new Error(`the token must be ${TOKEN_RULE}`));
  const access = new AccessToken(token);
  const secure = options.tls !== undefined;
  const serveStatic = sirv(rendererDir, { etag: true, dev: false });
  const onRequest: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const url = new URL(req.url ?? '/', 'http://any');
    if (!access.admits(req, url)) return refuse(res);
    if (url.searchParams.has('token')) {
      // Shown once in the address: from now on the cookie carries it, and the address bar (and
      // the history, and a screenshot) loses it.
      url.searchParams.delete('token');
      res.statusCode = 302;
      res.setHeader('Set-Cookie', access.cookie(secure));
      // One leading slash: '//host' would send the browser to another site.
      res.setHeader('Location', `/${url.pathname.replace(/^\/+/, '')}${url.search}`);
      res.end();
      return;
    }
    serveStatic(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  };
  const http = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createHttpServer(onRequest);
  /** One per open connection, each with its engine (or a replacement on the way): the engine limit counts these. */
  const supervisors = new Set<EngineSupervisor>();
  const maxConnections = options.maxConnections ?? 8;
  const env = { ...process.env, ...(options.backend ? { DESCENT_BACKEND: options.backend } : {}) };
  const spawn = (events: EngineProcessEvents): EngineProcess => {
    const proc = fork(hostScript, [], { serialization: 'advanced', env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.on('spawn', () => events.spawned());
    proc.on('message', (message: EngineMessage) => events.message(message));
    proc.on('exit', (code, signal) => events.exited({ code, signal }));
    // Sends pass a callback, so 'error' here means the fork itself failed (or a kill did).
    proc.on('error', (e) => events.failed(e.message));
    return {
      send: (request) => {
        if (!proc.connected) return false;
        // A send racing the child's death fails in its callback; the exit that follows reports it.
        // (send's own false means a backlog, and the message is queued all the same.)
        proc.send(request, () => {});
        return true;
      },
      kill: () => {
        proc.kill();
      },
    };
  };
  const wss = new WebSocketServer({
    server: http,
    path: '/ws',
    maxPayload: LIMITS.maxCsvBytes * 2,
    verifyClient: ({ origin, req }, done) => {
      if (!hostAllowed(options.host, req.headers.host)) return done(false, 403, 'connections must name this machine (127.0.0.1 or localhost) as the host');
      if (!sameOrigin(origin || undefined, req.headers.host)) return done(false, 403, 'cross-origin connections are refused');
      // A page sends the token in its cookie; a script as ?token= on /ws.
      if (!access.admits(req, new URL(req.url ?? '/', 'http://any'))) return done(false, 401, "the server's token is required");
      if (supervisors.size >= maxConnections) return done(false, 503, `at most ${maxConnections} engines at once`);
      done(true);
    },
  });

  wss.on('connection', (ws: WebSocket) => {
    const reply = (message: EngineMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message));
    };
    // A dead engine is replaced on the same socket, so the page keeps its settings and the runs
    // it has drawn; once the budget is spent the socket closes with ENGINE_GAVE_UP_CLOSE_CODE,
    // and the page stays disconnected until it is reloaded (a fresh connection and engine).
    const supervisor = new EngineSupervisor({
      spawn,
      toPage: reply,
      remedy: 'Reload the page to start a fresh one.',
      onGiveUp: () => ws.close(ENGINE_GAVE_UP_CLOSE_CODE, 'engine stopped'),
      restartBudget: options.restartBudget,
    });
    supervisors.add(supervisor);

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
      supervisor.request(raw);
    });
    // A malformed frame (say, unmasked) is this connection's problem, never the server's.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      supervisors.delete(supervisor);
      supervisor.stop();
    });
  });

  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      const address = http.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const url = `${secure ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
      resolve({
        url,
        token,
        openUrl: `${url}/?token=${token}`,
        close: () =>
          new Promise<void>((done) => {
            for (const supervisor of supervisors) supervisor.stop();
            for (const client of wss.clients) client.terminate();
            wss.close();
            http.close(() => done());
          }),
      });
    });
  });
}
