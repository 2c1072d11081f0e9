// The desktop suite: Playwright's Electron launcher on the built app (npm run build first).
// One worker, because each test starts a whole Electron app with its own engine process.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/desktop',
  // Its own folder, so this run does not wipe the e2e suite's artifacts under test-results/.
  outputDir: 'test-results/desktop-artifacts',
  workers: 1,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/desktop.json' }]],
});
