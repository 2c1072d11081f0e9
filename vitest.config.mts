import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // tfjs keeps one global engine per process: run files in separate forks, one at a time on 2 cores.
    pool: 'forks',
    testTimeout: 60_000,
    env: { DESCENT_BACKEND: 'cpu' },
  },
});
