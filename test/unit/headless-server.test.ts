import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../../main/headless-server';
import { decodeMessage, encodeMessage } from '../../main/protocol/codec';
import { CONTENT_SECURITY_POLICY } from '../../main/protocol/content-security-policy';
import type { EngineMessage } from '../../main/protocol/messages';

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
  return new Promise((ok, fail) => {
    const ws = new WebSocket(wsUrl, { headers });
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

  it('should tell the client when its engine dies, and survive messages racing the death', async () => {
    const { ws, messages } = await open();
    ws.send(encodeMessage({ type: 'hello' }));
    await until(() => messages.find((m) => m.type === 'ready'));
    const [pid] = enginePids();
    const spam = setInterval(() => ws.readyState === ws.OPEN && ws.send(encodeMessage({ type: 'hello' })), 1);
    process.kill(pid!, 'SIGKILL');
    const crash = await until(() => messages.find((m) => m.type === 'error' && m.error.name === 'EngineCrashed'));
    clearInterval(spam);
    expect(crash).toBeDefined();
    const again = await open();
    again.ws.send(encodeMessage({ type: 'hello' }));
    await until(() => again.messages.find((m) => m.type === 'ready'));
    again.ws.close();
  });
});
