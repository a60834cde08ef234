import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Each test file starts its own loopback servers and SQLite files; files run in
    // parallel processes, tests inside a file run in order.
    pool: 'forks',
    // Many tests run the real CLI in child processes (1-3 s each on an idle machine, several
    // times that with both cores busy): the limit is a safety net against hangs, not a measure.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
