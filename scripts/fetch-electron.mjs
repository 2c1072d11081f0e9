// postinstall: fetch the Electron binary, but never fail the install over it
// (`--required`, used by `npm start`: fail with the same explanation instead).
// Electron's own install script is turned off in package.json's allowScripts because it fails
// the whole `npm install` where its download host cannot be reached. Here it runs on our
// terms: with internet it downloads as usual; offline (or with ELECTRON_SKIP_BINARY_DOWNLOAD=1)
// the desktop window is unavailable until `npm run fetch-electron` succeeds, and everything
// else (npm run serve, the CLI, the tests) works.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
let electronDir;
try {
  electronDir = dirname(require.resolve('electron/package.json'));
} catch {
  process.exit(0); // production install without devDependencies: nothing to fetch
}
if (existsSync(join(electronDir, 'path.txt')) && existsSync(join(electronDir, 'dist'))) process.exit(0);
// With a progress line on a terminal (electron-download-progress.mjs); stderr is kept for the reason of a failure.
const progress = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'electron-download-progress.mjs')).href;
const r = spawnSync(process.execPath, ['--import', progress, 'install.js'], { cwd: electronDir, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
if (r.status === 0) {
  if (!process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) console.log('descent-lab: Electron binary ready');
  process.exit(0);
}
const reason = (r.stderr || '').split('\n').find((l) => /Error|error:/.test(l))?.trim() ?? `exit code ${r.status}`;
console.warn(
  `descent-lab: could not download the Electron binary (${reason}).\n` +
    '  The desktop window needs it: run `npm run fetch-electron` once you are online.\n' +
    '  Everything else works now: npm run serve (the app in a browser), npx descent, npm test.',
);
process.exit(process.argv.includes('--required') ? 1 : 0);
