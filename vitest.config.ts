import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One model cache for the run: the classifier trains once, not in every file (model-cache-setup.ts).
    globalSetup: ['tests/helpers/model-cache-setup.ts'],
    // Each test file starts its own loopback servers and SQLite files; files run in
    // parallel processes, tests inside a file run in order.
    pool: 'forks',
    // Vitest's default (cores - 1) runs the files one at a time on a 2-core machine, though most
    // of them wait on child processes and sockets: two at a time took the suite from 563 s to
    // 433 s there, with the same results.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Many tests run the real CLI in child processes (1-3 s each on an idle machine, several
    // times that with both cores busy): the limit is a safety net against hangs, not a measure.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
