/**
 * `npm run serve`'s command (dist/main/server.js): what it prints at start, and the arguments it
 * refuses. Needs `npm run build` first, as headless-server.test.ts does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const SERVER = resolve(__dirname, '../../dist/main/server.js');

beforeAll(() => {
  if (!existsSync(SERVER)) throw new Error('dist/ is missing: run `npm run build` first');
});

/** Starts the command, waits for its first line on stdout, then stops it. */
function firstWords(args: string[]): Promise<{ out: string; err: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [SERVER, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) child.kill();
    });
    child.on('error', fail);
    // The warning goes out (synchronously, to a pipe) before the address: it is all in by then.
    child.on('close', () => ok({ out, err }));
  });
}

describe('descent-serve', () => {
  it('should print the loopback address with its random token, and warn about nothing', async () => {
    const { out, err } = await firstWords([]);
    expect(out).toMatch(/^Descent Lab at http:\/\/127\.0\.0\.1:\d+\/\?token=([0-9a-f]{48}) \(engine over WebSocket at \/ws; scripts add \?token=\1\)\n$/);
    expect(err).toBe('');
  });

  it('should take --token and warn when it listens beyond this machine', async () => {
    const { out, err } = await firstWords(['--host', '0.0.0.0', '--token', 'my-secret']);
    expect(out).toMatch(/^Descent Lab at http:\/\/0\.0\.0\.0:\d+\/\?token=my-secret /);
    expect(err).toMatch(/^descent-serve: warning: listening on 0\.0\.0\.0, which other machines can reach\./);
    expect(err).toMatch(/Without --tls-cert\/--tls-key the token and your data cross the network unencrypted\./);
  });

  it('should refuse a token that cannot travel in a URL, and half a TLS pair', () => {
    for (const [args, message] of [
      [['--token', 'a b'], /--token must be 1-256 letters, digits or \. _ ~ -/],
      [['--token', ''], /--token must be/],
      [['--tls-cert', 'cert.pem'], /--tls-cert and --tls-key go together/],
    ] as const) {
      const r = spawnSync(process.execPath, [SERVER, '--port', '0', ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});
