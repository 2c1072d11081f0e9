/**
 * `npm start`'s launcher (scripts/start-electron.mjs) against stand-ins for the Electron binary,
 * found where Electron's own lookup finds it with ELECTRON_OVERRIDE_DIST_PATH.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the launcher with a shell script in the Electron binary's place. */
function launch(script: string, args: string[] = []) {
  const dist = mkdtempSync(join(tmpdir(), 'descent-electron-'));
  dirs.push(dist);
  const pathTxt = join(ROOT, 'node_modules/electron/path.txt');
  const binary = join(dist, existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8') : 'electron');
  mkdirSync(dirname(binary), { recursive: true });
  writeFileSync(binary, `#!/bin/sh\n${script}\n`);
  chmodSync(binary, 0o755);
  return spawnSync(process.execPath, [join(ROOT, 'scripts/start-electron.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist },
    encoding: 'utf8',
  });
}

describe.skipIf(process.platform === 'win32')('npm start', () => {
  it("should run `electron .` with npm's extra arguments, pass its output on and return its exit code", () => {
    const r = launch('echo "args: $*"; echo "[12:WARNING:gpu] no GPU" >&2; printf "last words" >&2; exit 3', ['--trace-warnings']);
    expect(r.stdout).toBe('args: . --trace-warnings\n');
    expect(r.stderr).toBe('[12:WARNING:gpu] no GPU\nlast words');
    expect(r.status).toBe(3);
  });

  it('should print the one-line fix, and not the abort, when the sandbox cannot start (Ubuntu 24.04+)', () => {
    // What Electron prints from node_modules there (electron/electron#42510), then dies on SIGTRAP.
    const r = launch(
      [
        'echo "[40:1202/080000.1:WARNING:ozone] X11 display" >&2',
        `echo "[41:1202/080000.2:FATAL:setuid_sandbox_host.cc(163)] The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I'm aborting now. You need to make sure that /home/ann/My Lab/node_modules/electron/dist/chrome-sandbox is owned by root and has mode 4755." >&2`,
        'echo "#0 0x55d0c0ffee00 base::debug::CollectStackTrace()" >&2',
        'echo "#1 0x55d0c0ffee42 logging::LogMessage::~LogMessage()" >&2',
        'kill -TRAP $$',
      ].join('\n'),
    );
    const helper = "'/home/ann/My Lab/node_modules/electron/dist/chrome-sandbox'";
    expect(r.stderr).toBe(
      '[40:1202/080000.1:WARNING:ozone] X11 display\n' +
        `descent-lab: Electron's sandbox cannot start here (AppArmor restricts user namespaces, as on Ubuntu 24.04+; see README). Fix, once: sudo chown root:root ${helper} && sudo chmod 4755 ${helper}\n`,
    );
    expect(r.status).toBe(1);
  });

  it("should recognise Chromium's other sandbox message and name the helper beside the binary", () => {
    const r = launch('echo "[7:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! If you are running on Ubuntu 23.10+ ..." >&2; kill -TRAP $$');
    expect(r.stderr).toMatch(/^descent-lab: Electron's sandbox cannot start here .* sudo chown root:root '[^']*descent-electron-[^']*\/chrome-sandbox' && sudo chmod 4755 '[^']*\/chrome-sandbox'\n$/);
    expect(r.status).toBe(1);
  });
});
