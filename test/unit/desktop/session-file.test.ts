/**
 * Session files: the format's checks (not a session, damaged, from a newer app) and the atomic
 * write — a process killed while it saves leaves the last good copy whole.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localPath, readSessionFile, sessionPathFromArgv, writeSessionFile } from '../../../main/desktop/session-file';
import { APP_VERSION } from '../../../main/protocol/app-info';
import { decodeSession, encodeSession, MAX_SESSION_BYTES, SESSION_FORMAT_VERSION, sessionSizeProblem, type Session } from '../../../main/protocol/session';

/**
 * A read that fails after stat succeeded (an I/O error, a network drive gone): no file can be
 * made to do that for root, who reads everything, so readFile fails for files of this name.
 */
const FAILS_TO_READ = 'eio.descent';
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const readFile: typeof fs.readFile = (async (...args: Parameters<typeof fs.readFile>) => {
    if (String(args[0]).endsWith(FAILS_TO_READ)) throw Object.assign(new Error('i/o error, read'), { code: 'EIO' });
    return fs.readFile(...args);
  }) as typeof fs.readFile;
  return { ...fs, readFile };
});

const ROOT = resolve(__dirname, '../../..');
const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'descent-session-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const session = (labs: Session['labs'] = {}): Session => ({
  format: 'descent-session',
  version: SESSION_FORMAT_VERSION,
  savedWith: APP_VERSION,
  savedAt: '2026-12-01T10:00:00.000Z',
  activeLab: 'spread',
  labs,
});

describe('session format', () => {
  it('should round-trip settings and typed-array histories exactly', () => {
    const loss = Float64Array.from({ length: 1000 }, (_, i) => Math.exp(-i / 100) + 1e-17 * i);
    const vectors = Float32Array.from({ length: 36 }, (_, i) => Math.sin(i));
    const back = decodeSession(encodeSession(session({ regression: { settings: { seed: 3 }, run: { loss } }, spread: { samples: [{ iteration: 5, vectors }] } })));
    expect(back.activeLab).toBe('spread');
    const r = back.labs.regression as { settings: { seed: number }; run: { loss: Float64Array } };
    expect(r.settings.seed).toBe(3);
    expect(r.run.loss).toBeInstanceOf(Float64Array);
    expect(Array.from(r.run.loss)).toEqual(Array.from(loss));
    const s = back.labs.spread as { samples: { vectors: Float32Array }[] };
    expect(Array.from(s.samples[0]!.vectors)).toEqual(Array.from(vectors));
  });

  it('should say plainly what is wrong with a file that is not a session, damaged, or newer', () => {
    expect(() => decodeSession(new TextEncoder().encode('weight,height\n1,2\n'), 'data.csv')).toThrow(/data\.csv is not a Descent Lab session file/);
    const good = encodeSession(session());
    expect(() => decodeSession(good.subarray(0, 20), 'cut.descent')).toThrow(/cut\.descent is damaged/);
    const newer = encodeSession({ ...session(), version: SESSION_FORMAT_VERSION + 1, savedWith: '9.0.0' });
    expect(() => decodeSession(newer, 'new.descent', 'Descent Lab 0.1.0')).toThrow(
      /new\.descent was saved by a newer Descent Lab \(9\.0\.0, session format 2\); Descent Lab 0\.1\.0 reads format 1 and older\. Update Descent Lab to open it\./,
    );
  });

  it('should refuse to save, or open, a session too large to cross Electron IPC in one message, and say why', () => {
    const MiB = 2 ** 20;
    expect(sessionSizeProblem(MAX_SESSION_BYTES, 'the session')).toBeUndefined();
    expect(sessionSizeProblem(MAX_SESSION_BYTES + 1, 'the session')).toBe("the session is 256.1 MiB, over Descent Lab's 256 MiB limit for sessions");
    // What the page shows after "Could not save the session: ", before anything crosses IPC.
    const tooMuch = session({ regression: { run: { history: new Uint8Array(MAX_SESSION_BYTES) } } });
    expect(() => encodeSession(tooMuch)).toThrow(/^the session is 256\.1 MiB, over Descent Lab's 256 MiB limit for sessions \(recorded runs make it so: Reset a lab to save less\)$/);
    // Opening: untouched zeroed pages, so this costs no memory.
    expect(() => decodeSession(new Uint8Array(300 * MiB), 'big.descent')).toThrow("big.descent is 300.0 MiB, over Descent Lab's 256 MiB limit for sessions");
  });

  it('should keep APP_VERSION equal to package.json', () => {
    expect(APP_VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('session files on disk', () => {
  it('should write and read back a session', async () => {
    const file = join(scratch(), 'a.descent');
    const bytes = encodeSession(session());
    await writeSessionFile(file, bytes);
    const r = await readSessionFile(file);
    if ('error' in r) throw new Error(r.error);
    expect(Buffer.compare(Buffer.from(r.bytes), Buffer.from(bytes))).toBe(0);
    expect(await readSessionFile(join(scratch(), 'missing.descent'))).toMatchObject({ error: expect.stringMatching(/missing\.descent cannot be read \(ENOENT\)/) });
  });

  it('should refuse a file over the size limit before reading it', async () => {
    const file = join(scratch(), 'big.descent');
    writeFileSync(file, '');
    truncateSync(file, 300 * 2 ** 20); // sparse: 300 MiB long, no disk used
    expect(await readSessionFile(file)).toEqual({ error: "big.descent is 300.0 MiB, over Descent Lab's 256 MiB limit for sessions; it cannot be opened." });
  });

  it('should say so, not reject, when a file passes stat but cannot be read', async () => {
    const file = join(scratch(), FAILS_TO_READ);
    writeFileSync(file, encodeSession(session()));
    expect(await readSessionFile(file)).toEqual({ error: `${FAILS_TO_READ} cannot be read (EIO).` });
  });

  it('should refuse, before the page sees it, a file that is not a session or is from a newer app', async () => {
    // Main makes an opened file the one Save writes to: it must be a session this app reads.
    const dir = scratch();
    writeFileSync(join(dir, 'data.descent'), 'height,weight\n1,2\n');
    expect(await readSessionFile(join(dir, 'data.descent'))).toEqual({ error: 'data.descent is not a Descent Lab session file' });
    writeFileSync(join(dir, 'new.descent'), encodeSession({ ...session(), version: SESSION_FORMAT_VERSION + 1 }));
    expect(await readSessionFile(join(dir, 'new.descent'))).toMatchObject({ error: expect.stringMatching(/saved by a newer Descent Lab/) });
  });

  it('should leave the last good copy whole when the saving process is killed mid-write', async () => {
    const dir = scratch();
    const file = join(dir, 'kept.descent');
    const good = encodeSession(session({ regression: { note: 'the good copy' } }));
    writeFileSync(file, good);
    // A child saves 300 MB over it through the same function; it is killed once its temporary
    // file appears, that is, in the middle of the write.
    const script = `require('${join(ROOT, 'main/desktop/session-file.ts').replace(/\\/g, '/')}').writeSessionFile(${JSON.stringify(file)}, new Uint8Array(300 * 1024 * 1024).fill(7)).then(() => console.log('finished'))`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let finished = false;
    child.stdout.on('data', (d: Buffer) => (finished ||= d.toString().includes('finished')));
    const t0 = Date.now();
    const tempFile = () => readdirSync(dir).some((f) => f !== 'kept.descent');
    while (!tempFile() && !finished && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
    const sawTemp = tempFile();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(finished, 'the write finished before it could be interrupted').toBe(false);
    expect(sawTemp, 'the save had begun (its temporary file existed) when it was killed').toBe(true);
    expect(Buffer.compare(readFileSync(file), Buffer.from(good))).toBe(0);
    expect(decodeSession(readFileSync(file)).labs.regression).toEqual({ note: 'the good copy' });
    expect(existsSync(file)).toBe(true);
  }, 60_000);
});

describe('a session file named on a command line', () => {
  // As Electron reports a second launch: its argv (executable first) and its working directory.
  const exe = '/opt/Descent Lab/descent-lab';

  it('should resolve a relative path against the folder of the launch that named it', () => {
    expect(sessionPathFromArgv([exe, 'runs/a.descent'], '/home/ann/work')).toBe('/home/ann/work/runs/a.descent');
    expect(sessionPathFromArgv([exe, '../b.DESCENT'], '/home/ann/work')).toBe('/home/ann/b.DESCENT');
    expect(sessionPathFromArgv([exe, '/tmp/c.descent'], '/home/ann/work')).toBe('/tmp/c.descent');
  });

  it('should turn a file: URL (a launcher\'s %U) into its path, decoded', () => {
    expect(sessionPathFromArgv([exe, 'file:///home/ann/My%20runs/d%C3%A9j%C3%A0.descent'], '/')).toBe('/home/ann/My runs/déjà.descent');
    expect(sessionPathFromArgv([exe, 'file://localhost/tmp/e.descent'], '/')).toBe('/tmp/e.descent');
    // A file on another host is no local path: nothing to open.
    expect(sessionPathFromArgv([exe, 'file://server/share/f.descent'], '/')).toBeUndefined();
    expect(localPath('file://server/share/f.descent', '/')).toBeUndefined();
  });

  it('should skip the executable, switches and other files, and take the first session', () => {
    // `electron . file` in development: '.' is the app folder, not a session.
    expect(sessionPathFromArgv(['/x/electron', '.', '--no-sandbox', 'data.csv', 'g.descent', 'h.descent'], '/w')).toBe('/w/g.descent');
    expect(sessionPathFromArgv(['/x/run.descent', '--flag=a.descent'], '/w')).toBeUndefined();
    expect(sessionPathFromArgv([exe], '/w')).toBeUndefined();
  });
});
