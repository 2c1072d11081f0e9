/**
 * The real app under Playwright's Electron launcher. Where no Electron binary is installed
 * (an offline install, or one with ELECTRON_SKIP_BINARY_DOWNLOAD=1) every test reports itself skipped.
 * Run `npm run build` first; on a Linux machine with no display, run under `xvfb-run`.
 */
import { _electron as electron, expect, test as base, type ElectronApplication, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const APP_ENTRY = path.join(ROOT, 'dist/main/app.js');
const DEFAULT_MAX_ITERATIONS = 50;

/** The Electron executable, or undefined where the package was installed without it. */
function findElectron(): string | undefined {
  try {
    // The electron package's main export is the executable's path; it throws when dist/ is missing.
    const executable: unknown = require('electron');
    return typeof executable === 'string' && fs.existsSync(executable) ? executable : undefined;
  } catch {
    return undefined;
  }
}

const electronPath = findElectron();

const test = base.extend<{ app: ElectronApplication; window: Page }>({
  app: async ({}, use) => {
    if (!fs.existsSync(APP_ENTRY)) throw new Error(`${APP_ENTRY} is missing; run npm run build first`);
    const args = [APP_ENTRY];
    // Chromium refuses to start as root with its sandbox on (CI containers); the page's own
    // sandbox (webPreferences.sandbox) is unaffected by this switch.
    if (process.platform === 'linux' && process.getuid?.() === 0) args.unshift('--no-sandbox');
    const app = await electron.launch({
      executablePath: electronPath,
      args,
      cwd: ROOT,
      env: { ...process.env, DESCENT_BACKEND: 'cpu' },
    });
    try {
      await use(app);
    } finally {
      await app.close();
    }
  },
  window: async ({ app }, use) => {
    await use(await app.firstWindow());
  },
});

test.skip(
  electronPath === undefined,
  'Electron binary not installed (its download failed offline or was skipped with ELECTRON_SKIP_BINARY_DOWNLOAD=1); the desktop test runs where it is',
);

test('should open the window and run the default lanes to the cap', async ({ window }) => {
  // The status bar shows '…' until the engine's 'ready' names its backend.
  await expect(window.getByTestId('backend')).toHaveText(/^(cpu|wasm|tensorflow)$/, { timeout: 30_000 });
  // Every lab stays mounted; the regression lab is shown first.
  const lab = window.locator('#panel-regression');
  await expect(lab.getByTestId('dataset-summary')).toContainText('150 rows');

  await lab.getByTestId('run').click();
  await expect(lab.getByTestId('lane-status-0')).toHaveText('done', { timeout: 30_000 });
  await expect(lab.getByTestId('iteration')).toHaveText(String(DEFAULT_MAX_ITERATIONS));

  const loss = Number(await lab.getByTestId('lane-loss-0').getAttribute('data-value'));
  expect(Number.isFinite(loss)).toBe(true);

  await window.screenshot({ path: path.join(ROOT, 'test-results/screenshots/desktop.png') });
});
