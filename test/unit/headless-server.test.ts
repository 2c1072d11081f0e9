import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type HeadlessServer } from '../../main/headless-server';
import { decodeMessage, encodeMessage } from '../../main/protocol/codec';
import { CONTENT_SECURITY_POLICY } from '../../main/protocol/content-security-policy';
import { ENGINE_GAVE_UP_CLOSE_CODE } from '../../main/protocol/limits';
import type { EngineMessage, RegressionRunConfig } from '../../main/protocol/messages';

// The server serves dist/ (renderer and engine host), so it needs `npm run build` first;
// `npm test` builds before it runs the unit tests.
const DIST = resolve(__dirname, '../../dist');
let server: HeadlessServer;
let wsUrl = '';

beforeAll(async () => {
  if (!existsSync(`${DIST}/main/engine/host.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  server = await startServer({ host: '127.0.0.1', port: 0, backend: 'cpu', maxConnections: 3, distDir: DIST });
  wsUrl = `${server.url.replace('http', 'ws')}/ws?token=${server.token}`;
});
afterAll(async () => {
  await server?.close();
});

function open(headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: EngineMessage[] }> {
  return openAt(wsUrl, headers);
}

function openAt(url: string, headers: Record<string, string> = {}, ca?: Buffer): Promise<{ ws: WebSocket; messages: EngineMessage[] }> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url, { headers, ...(ca ? { ca } : {}) });
    const messages: EngineMessage[] = [];
    ws.on('message', (d: Buffer) => messages.push(decodeMessage(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)) as EngineMessage));
    ws.once('open', () => ok({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', fail);
  });
}

async function until<T>(get: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The cookie a browser keeps after opening the printed address: its `name=value`. */
async function tokenCookie(s: HeadlessServer): Promise<string> {
  const res = await fetch(`${s.url}/?token=${s.token}`, { redirect: 'manual' });
  const setCookie = res.headers.get('set-cookie');
  if (res.status !== 302 || !setCookie) throw new Error(`no cookie for the right token (HTTP ${res.status})`);
  return setCookie.split(';')[0]!;
}

/** A regression run on four points; `itersPerSecond` 0 runs flat out. */
const runConfig = (maxIterations: number, itersPerSecond: number): RegressionRunConfig => ({
  lab: 'regression',
  problem: { x: new Float64Array([60, 65, 70, 75]), y: new Float64Array([150, 170, 180, 205]), normalize: true, initSlope: 0, initIntercept: 0 },
  lanes: [{ id: 'gd', optimizer: 'gd', params: { learningRate: 0.1 } }],
  maxIterations,
  itersPerSecond,
  seed: 1,
  paused: false,
});

/** This process's children running host.js (ps itself is a child too, so match the command). */
const enginePids = (): number[] =>
  execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('engine/host.js'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));

describe('headless server', () => {
  // Each test starts with no engines: a closed connection's engine exits asynchronously.
  beforeEach(async () => {
    await until(() => (enginePids().length === 0 ? true : undefined));
  });

  it('should answer hello with the backend and validate requests before the engine sees them', async () => {
    const { ws, messages } = await open();
    ws.send(encodeMessage({ type: 'hello' }));
    expect(await until(() => messages.find((m) => m.type === 'ready'))).toMatchObject({ backend: 'cpu' });
    ws.send(encodeMessage({ type: 'setSpeed', runId: 'zzz', itersPerSecond: -5 }));
    expect(await until(() => messages.find((m) => m.type === 'error'))).toMatchObject({
      runId: 'zzz',
      error: { name: 'InvalidRequest', message: expect.stringMatching(/itersPerSecond/) },
    });
    ws.send('{"type":"hello"}'); // text frames are not the protocol
    await until(() => (messages.filter((m) => m.type === 'error').length === 2 ? true : undefined));
    expect(messages.at(-1)).toMatchObject({ error: { message: 'expected a binary message' } });
    ws.close();
  });

  it('should serve the built page with the content security policy as a header', async () => {
    const res = await fetch(server.url + '/', { headers: { Cookie: await tokenCookie(server) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('should refuse WebSocket connections from other origins', async () => {
    await expect(open({ Origin: 'http://evil.example' })).rejects.toThrow(/HTTP 403/);
    const { ws } = await open({ Origin: server.url });
    ws.close();
  });

  it('should refuse a page whose own name was rebound to this machine (DNS rebinding)', async () => {
    // Origin and Host agree, as they do for a rebound name; the Host is not a loopback name.
    const port = new URL(server.url).port;
    await expect(open({ Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` })).rejects.toThrow(/HTTP 403/);
    const { ws } = await open({ Host: `localhost:${port}`, Origin: `http://localhost:${port}` });
    ws.close();
  });

  it('should refuse connections beyond its engine limit', async () => {
    const clients = await Promise.all([open(), open(), open()]);
    await expect(open()).rejects.toThrow(/HTTP 503/);
    for (const c of clients) c.ws.close();
  });

  it('should survive a malformed frame and keep serving others', async () => {
    const port = new URL(server.url).port;
    await new Promise<void>((done) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `GET /ws?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
        // After the handshake, a binary frame without the client mask the protocol requires.
        setTimeout(() => socket.write(Buffer.from([0x82, 0x02, 0x01, 0x02])), 200);
        setTimeout(() => {
          socket.destroy();
          done();
        }, 500);
      });
    });
    const { ws, messages } = await open();
    ws.send(encodeMessage({ type: 'hello' }));
    await until(() => messages.find((m) => m.type === 'ready'));
    ws.close();
  });

  it('should replace a killed engine on the same socket mid-run, say so, and run again', async () => {
    const { ws, messages } = await open();
    ws.send(encodeMessage({ type: 'hello' }));
    await until(() => messages.find((m) => m.type === 'ready'));
    // A run that cannot finish on its own: paced at 50 it/s towards a million iterations.
    ws.send(encodeMessage({ type: 'start', runId: 'doomed', config: runConfig(1_000_000, 50) }));
    await until(() => messages.find((m) => m.type === 'frame' && m.runId === 'doomed' && m.iteration > 0));
    const [pid] = enginePids();
    // Requests keep coming while the engine dies: none may take the server (or the socket) down.
    const spam = setInterval(() => ws.readyState === ws.OPEN && ws.send(encodeMessage({ type: 'setSpeed', runId: 'doomed', itersPerSecond: 50 })), 1);
    process.kill(pid!, 'SIGKILL');
    const restarted = await until(() => messages.find((m) => m.type === 'engineRestarted'));
    clearInterval(spam);
    expect(restarted).toEqual({ type: 'engineRestarted', reason: 'killed by SIGKILL' });
    expect(ws.readyState).toBe(ws.OPEN);
    const fresh = await until(() => {
      const pids = enginePids();
      return pids.length === 1 && pids[0] !== pid ? pids[0] : undefined;
    });
    expect(fresh).not.toBe(pid);

    // The fresh engine answers on the same socket, knows nothing of the old run, and runs a new one.
    const after = messages.length;
    ws.send(encodeMessage({ type: 'hello' }));
    expect(await until(() => messages.slice(after).find((m) => m.type === 'ready'))).toMatchObject({ backend: 'cpu' });
    ws.send(encodeMessage({ type: 'control', runId: 'doomed', action: 'stop' }));
    expect(await until(() => messages.slice(after).find((m) => m.type === 'error' && m.runId === 'doomed'))).toMatchObject({
      error: { message: expect.stringMatching(/no run "doomed"/) },
    });
    ws.send(encodeMessage({ type: 'start', runId: 'again', config: runConfig(200, 0) }));
    const done = await until(() => messages.find((m) => m.type === 'frame' && m.runId === 'again' && m.status === 'done'));
    expect(done).toMatchObject({ iteration: 200 });
    expect(messages.filter((m) => m.type === 'engineRestarted')).toHaveLength(1);
    ws.close();
  });

  it('should stop replacing engines that keep dying, and then close the socket', async () => {
    // Its own server, with a budget of one restart (and no back-off, so the test does not wait).
    const strict = await startServer({
      host: '127.0.0.1',
      port: 0,
      backend: 'cpu',
      distDir: DIST,
      restartBudget: { maxRestarts: 1, windowMs: 60_000, firstDelayMs: 0 },
    });
    try {
      const { ws, messages } = await openAt(`${strict.url.replace('http', 'ws')}/ws?token=${strict.token}`);
      const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
      const [first] = await until(() => (enginePids().length === 1 ? enginePids() : undefined));
      process.kill(first!, 'SIGKILL');
      await until(() => messages.find((m) => m.type === 'engineRestarted'));
      const [second] = await until(() => {
        const pids = enginePids();
        return pids.length === 1 && pids[0] !== first ? pids : undefined;
      });
      process.kill(second!, 'SIGKILL');
      const crash = await until(() => messages.find((m) => m.type === 'error' && m.error.name === 'EngineCrashed'));
      expect(crash).toMatchObject({
        error: { message: 'The engine stopped (killed by SIGKILL) 2 times within 60 s, so it was left stopped. Reload the page to start a fresh one.' },
      });
      expect(await closed).toBe(ENGINE_GAVE_UP_CLOSE_CODE);
      expect(messages.filter((m) => m.type === 'engineRestarted')).toHaveLength(1);
      await until(() => (enginePids().length === 0 ? true : undefined));
    } finally {
      await strict.close();
    }
  });
});

describe('headless server token', () => {
  it('should make a random token of 192 bits per server, and refuse one that cannot travel in a URL or cookie', async () => {
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
    expect(server.openUrl).toBe(`${server.url}/?token=${server.token}`);
    await expect(startServer({ host: '127.0.0.1', port: 0, distDir: DIST, token: 'a b;c' })).rejects.toThrow(/token must be/);
    await expect(startServer({ host: '127.0.0.1', port: 0, distDir: DIST, token: '' })).rejects.toThrow(/token must be/);
  });

  it('should refuse the page and its files without the token, or with a wrong one', async () => {
    for (const path of ['/', '/index.html', '/?token=', `/?token=${server.token}x`, `/?token=${server.token.slice(0, -1)}`]) {
      const res = await fetch(server.url + path, { redirect: 'manual' });
      expect(res.status, path).toBe(401);
      expect(res.headers.get('set-cookie'), path).toBeNull();
      expect(await res.text(), path).toMatch(/needs its token: open the address the server printed/);
    }
    const wrongCookie = (await tokenCookie(server)).replace(/=.*/, '=' + 'f'.repeat(48));
    expect((await fetch(server.url + '/', { headers: { Cookie: wrongCookie } })).status).toBe(401);
  });

  it('should trade the token in the address for an HttpOnly, SameSite=Strict cookie, and serve the page for the cookie', async () => {
    const res = await fetch(`${server.url}/?lab=spread&token=${server.token}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    // The token leaves the address; anything else in it stays.
    expect(res.headers.get('location')).toBe('/?lab=spread');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^descent-token-[0-9a-f]{12}=${server.token}; Path=/; HttpOnly; SameSite=Strict$`));
    // A path that resolves to '//evil.example' (sent as is: fetch would tidy it) stays on this site.
    const location = await new Promise<string | undefined>((ok, fail) => {
      httpGet(server.url, { path: `/x/..//evil.example?token=${server.token}` }, (res) => {
        res.resume();
        ok(res.headers.location);
      }).on('error', fail);
    });
    expect(location).toBe('/evil.example');
    const page = await fetch(server.url + '/?lab=spread', { headers: { Cookie: `other=1; ${cookie.split(';')[0]}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it('should refuse WebSockets without the right token, and accept the page’s cookie or a script’s ?token=', async () => {
    const base = `${server.url.replace('http', 'ws')}/ws`;
    const origin = { Origin: server.url };
    await expect(openAt(base, origin)).rejects.toThrow(/HTTP 401/);
    await expect(openAt(base)).rejects.toThrow(/HTTP 401/); // no Origin (a script) and no token
    await expect(openAt(`${base}?token=${server.token}0`)).rejects.toThrow(/HTTP 401/);
    await expect(openAt(base, { ...origin, Cookie: (await tokenCookie(server)).replace(/=.*/, '=nope') })).rejects.toThrow(/HTTP 401/);
    // A foreign page is refused even when it has the token: Origin is checked first.
    await expect(openAt(`${base}?token=${server.token}`, { Origin: 'http://evil.example' })).rejects.toThrow(/HTTP 403/);

    // The page: same Origin, the cookie its browser keeps. A script: no Origin, the token in the URL.
    for (const [url, headers] of [
      [base, { ...origin, Cookie: await tokenCookie(server) }],
      [`${base}?token=${server.token}`, {}],
    ] as const) {
      const { ws, messages } = await openAt(url, headers);
      ws.send(encodeMessage({ type: 'hello' }));
      expect(await until(() => messages.find((m) => m.type === 'ready'))).toMatchObject({ backend: 'cpu' });
      ws.close();
      await until(() => (enginePids().length === 0 ? true : undefined));
    }
  });

  it('should take a token set by the user, and not the one of another server', async () => {
    const other = await startServer({ host: '127.0.0.1', port: 0, distDir: DIST, token: 'chosen-by-me' });
    try {
      expect(other.openUrl).toBe(`${other.url}/?token=chosen-by-me`);
      expect((await fetch(`${other.url}/?token=chosen-by-me`, { redirect: 'manual' })).status).toBe(302);
      // Servers on one machine share the browser's cookies (cookies ignore ports): each has its own name.
      const ours = await tokenCookie(server);
      expect((await fetch(other.url + '/', { headers: { Cookie: ours } })).status).toBe(401);
      expect((await fetch(`${other.url}/?token=${server.token}`, { redirect: 'manual' })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('headless server over TLS', () => {
  let dir = '';
  let cert: Buffer;
  let tlsServer: HeadlessServer;

  beforeAll(async () => {
    // A self-signed certificate for 127.0.0.1, made for this test only.
    dir = mkdtempSync(join(tmpdir(), 'descent-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'));
    tlsServer = await startServer({ host: '127.0.0.1', port: 0, backend: 'cpu', distDir: DIST, tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
  });
  afterAll(async () => {
    await tlsServer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** GET over HTTPS, trusting only the test's certificate. */
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((ok, fail) => {
      httpsGet(tlsServer.url + path, { ca: cert, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }).on('error', fail);
    });

  it('should serve the page over HTTPS behind the token, with a Secure cookie', async () => {
    expect(tlsServer.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(tlsServer.openUrl).toBe(`${tlsServer.url}/?token=${tlsServer.token}`);
    expect((await get('/')).status).toBe(401);
    const shown = await get(`/?token=${tlsServer.token}`);
    expect(shown.status).toBe(302);
    const cookie = shown.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    const page = await get('/', { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
  });

  it('should run the engine over WSS for the right token only', async () => {
    const base = `${tlsServer.url.replace('https', 'wss')}/ws`;
    await expect(openAt(base, {}, cert)).rejects.toThrow(/HTTP 401/);
    const { ws, messages } = await openAt(`${base}?token=${tlsServer.token}`, { Origin: tlsServer.url }, cert);
    ws.send(encodeMessage({ type: 'hello' }));
    expect(await until(() => messages.find((m) => m.type === 'ready'))).toMatchObject({ backend: 'cpu' });
    ws.close();
    await until(() => (enginePids().length === 0 ? true : undefined));
  });
});
