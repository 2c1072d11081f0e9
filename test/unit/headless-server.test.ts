import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../../main/headless-server';
import { decodeMessage, encodeMessage } from '../../main/protocol/codec';
import { CONTENT_SECURITY_POLICY } from '../../main/protocol/content-security-policy';
import type { EngineMessage, RegressionRunConfig } from '../../main/protocol/messages';

// The server serves dist/ (renderer and engine host), so it needs `npm run build` first;
// `npm test` builds before it runs the unit tests.
const DIST = resolve(__dirname, '../../dist');
let server: Awaited<ReturnType<typeof startServer>>;
let wsUrl = '';

beforeAll(async () => {
  if (!existsSync(`${DIST}/main/engine/host.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  server = await startServer({ host: '127.0.0.1', port: 0, backend: 'cpu', maxConnections: 3, distDir: DIST });
  wsUrl = server.url.replace('http', 'ws') + '/ws';
});
afterAll(async () => {
  await server?.close();
});

function open(headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: EngineMessage[] }> {
  return openAt(wsUrl, headers);
}

function openAt(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: EngineMessage[] }> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url, { headers });
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
    const res = await fetch(server.url + '/');
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
          `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
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
      const { ws, messages } = await openAt(strict.url.replace('http', 'ws') + '/ws');
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
        error: { message: 'The engine stopped (killed by SIGKILL) 2 times within 60 s and is not restarted again. Reload the page to start a fresh one.' },
      });
      expect(await closed).toBe(1011);
      expect(messages.filter((m) => m.type === 'engineRestarted')).toHaveLength(1);
      await until(() => (enginePids().length === 0 ? true : undefined));
    } finally {
      await strict.close();
    }
  });
});
