import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Each test file starts its own loopback servers and SQLite files; files run in
    // parallel processes, tests inside a file run in order.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
