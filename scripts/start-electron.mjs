// `npm start`'s last step: `electron .` as Electron's own CLI runs it (node_modules/electron/
// cli.js: signals passed on, Electron's exit code returned), with one difference. Where Linux
// does not let Chromium's sandbox start (Ubuntu 24.04 and later restrict unprivileged user
// namespaces with AppArmor, and the sandbox helper in node_modules is not setuid root), Electron
// aborts with a FATAL line and a stack trace; this prints the one-line fix instead.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Chromium's two ways of saying the sandbox cannot start (setuid_sandbox_host.cc, zygote_host_impl_linux.cc). */
const NO_SANDBOX = /The SUID sandbox helper binary was found, but is not configured correctly|No usable sandbox!/;

// The binary's path, as Electron's CLI finds it (ELECTRON_OVERRIDE_DIST_PATH included).
const electron = createRequire(import.meta.url)('electron');
const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'pipe'], windowsHide: false });

/** The line that said the sandbox cannot start; from then on Electron's stderr is not shown. */
let sandboxLine;
let partial = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => {
  const lines = (partial + chunk).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    sandboxLine ??= NO_SANDBOX.test(line) ? line : undefined;
    if (!sandboxLine) process.stderr.write(`${line}\n`);
  }
});

child.on('error', (e) => {
  console.error(`descent-lab: could not start Electron (${e.message})`);
  process.exit(1);
});

let closed = false;
child.on('close', (code, signal) => {
  closed = true;
  if (!sandboxLine && NO_SANDBOX.test(partial)) sandboxLine = partial;
  if (!sandboxLine && partial) process.stderr.write(partial);
  if (sandboxLine) {
    const helper = `'${/that (.+chrome-sandbox) is owned by root/.exec(sandboxLine)?.[1] ?? join(dirname(electron), 'chrome-sandbox')}'`;
    console.error(
      `descent-lab: Electron's sandbox cannot start here (AppArmor restricts user namespaces, as on Ubuntu 24.04+; see README). Fix, once: sudo chown root:root ${helper} && sudo chmod 4755 ${helper}`,
    );
    process.exit(1);
  }
  if (code === null) {
    console.error(electron, 'exited with signal', signal);
    process.exit(1);
  }
  process.exit(code);
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGUSR2']) {
  process.on(signal, () => {
    if (!closed) child.kill(signal);
  });
}
