import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: one model cache (WATCHFLOOR_MODEL_CACHE) for the whole run, so the
 * classifier is trained once per rules and training text, not once per test file and per CLI
 * child process. Tests that are about training itself pass `modelCache: null`. Removed at the end.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-model-cache-'));
  process.env.WATCHFLOOR_MODEL_CACHE = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
