import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { E2E_PORT as PORT, E2E_TOKEN } from './test/e2e/e2e-server';

/**
 * End-to-end: the built renderer served by the headless server (engine over WebSocket),
 * driven in Debian's Chromium. Build first (`npm run build`); never `playwright install`.
 */
/** The real classifiers for the adversarial lab; the cache (for opened folders) a throwaway one. */
const MODELS_DIR = path.resolve(__dirname, '../shared/models');
const MODEL_CACHE = path.join(tmpdir(), 'descent-e2e-model-cache');

export default defineConfig({
  testDir: 'test/e2e',
  // Its own folder: Playwright empties outputDir at start, and test-results/ holds other reports.
  outputDir: 'test-results/e2e-artifacts',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  webServer: {
    command: `node dist/main/server.js --port ${PORT} --token ${E2E_TOKEN}`,
    // Ready when the token is taken (a redirect that sets the cookie).
    url: `http://127.0.0.1:${PORT}/?token=${E2E_TOKEN}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    env: { DESCENT_MODELS_DIR: MODELS_DIR, DESCENT_MODEL_CACHE: MODEL_CACHE },
  },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'e2e',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
});
