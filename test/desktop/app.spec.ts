/**
 * The real app under Playwright's Electron launcher. Where no Electron binary is installed
 * (an offline install, or one with ELECTRON_SKIP_BINARY_DOWNLOAD=1) every test reports itself skipped.
 * Run `npm run build` first; on a Linux machine with no display, run under `xvfb-run`.
 */
import { _electron as electron, expect, test as base, type ElectronApplication, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtInData, gradientDescentMse, leastSquaresMse } from '../regression-expected';

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
    // A profile of its own: recent sessions and the window's place stay out of the user's.
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-desktop-'));
    const args = [APP_ENTRY, `--user-data-dir=${profile}`];
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
      fs.rmSync(profile, { recursive: true, force: true });
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

  // The built-in data and the default start: the exact answer and plain gradient descent's loss
  // after the cap, both worked out in float64 from the data (test/regression-expected.ts).
  const data = builtInData();
  const exactMse = Number(await lab.getByTestId('exact-mse').getAttribute('data-value'));
  expect(Math.abs(exactMse / leastSquaresMse(data) - 1)).toBeLessThan(1e-9);
  const loss = Number(await lab.getByTestId('lane-loss-0').getAttribute('data-value'));
  expect(Math.abs(loss / gradientDescentMse(data, 2e-5, DEFAULT_MAX_ITERATIONS) - 1)).toBeLessThan(1e-6);

  await window.screenshot({ path: path.join(ROOT, 'test-results/screenshots/desktop.png') });
});

test('should save a session to a file and open it again', async ({ app, window }) => {
  await expect(window.getByTestId('backend')).toHaveText(/^(cpu|wasm|tensorflow)$/, { timeout: 30_000 });
  const lab = window.locator('#panel-regression');
  const seed = lab.getByTestId('seed');
  await seed.fill('11');
  await seed.press('Enter');
  await lab.getByTestId('run').click();
  await expect(lab.getByTestId('lane-status-0')).toHaveText('done', { timeout: 30_000 });
  const slope = await lab.getByTestId('lane-slope-2').getAttribute('data-value');

  // Native dialogs cannot be clicked: main's dialog calls answer with this file instead.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'descent-session-')), 'saved.descent');
  await app.evaluate(({ dialog }, target) => {
    dialog.showSaveDialog = (async () => ({ canceled: false, filePath: target })) as typeof dialog.showSaveDialog;
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [target] })) as typeof dialog.showOpenDialog;
  }, file);
  await window.getByTestId('save-session').click();
  await expect(window.getByTestId('engine-notice')).toContainText('Saved saved.descent');
  expect(fs.readFileSync(file).subarray(0, 16).toString('latin1')).toBe('DESCENT SESSION\n');

  // Back to a blank window, then File > Open Session… (the same dialog, answered with the file).
  await window.reload();
  await expect(lab.getByTestId('dataset-summary')).toContainText('150 rows', { timeout: 30_000 });
  await expect(lab.getByTestId('seed')).toHaveValue('1');
  await window.getByTestId('open-session').click();
  await expect(window.getByTestId('engine-notice')).toContainText('Opened saved.descent');
  await expect(lab.getByTestId('seed')).toHaveValue('11');
  await expect(lab.getByTestId('iteration')).toHaveText(String(DEFAULT_MAX_ITERATIONS));
  expect(await lab.getByTestId('lane-slope-2').getAttribute('data-value')).toBe(slope);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});
