import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // tfjs keeps one global engine per process: run files in separate forks, two at a time (the
    // default on 2 cores is one, and most files spend their time in start-up, I/O and waits).
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    env: { DESCENT_BACKEND: 'cpu' },
  },
});
