import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { startCli } from '../helpers/cli.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

describe('watchfloor run', () => {
  it('GIVEN a feed WHEN run starts THEN it polls at once, becomes ready, serves metrics, and on SIGTERM stops cleanly with exit 0', async () => {
    const dir = tempDir();
    const feeds = join(dir, 'feeds.json');
    const db = join(dir, 'w.db');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'harbour', name: 'Harbour', url: server.url('/feeds/rss2-full.xml'), language: 'en', kind: 'outlet' }] }));
    const run = startCli(['run'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    try {
      const listening = await run.waitForLog((l) => l.msg === 'health and metrics server listening');
      const port = Number(listening.port);
      const cycle = await run.waitForLog((l) => l.msg === 'poll cycle finished');
      expect(cycle).toMatchObject({ polled: 1, ok: 1, failed: 0 });

      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/watchfloor_poll_cycles_total\{outcome="ok"\} 1/);
      expect(metrics).toMatch(/watchfloor_stories_stored_total\{topic="[a-z-]+"\} \d+/);
    } finally {
      run.child.kill('SIGTERM');
    }
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    await run.waitForLog((l) => l.msg === 'stopped cleanly', 1000);
    // The database was closed cleanly: it opens, and holds what the cycle stored.
    const store = createStore(db);
    expect(store.stories.total()).toBeGreaterThan(0);
    expect(store.feeds.get('harbour')?.lastSuccessAt).not.toBeNull();
    store.close();
  });

  it('GIVEN an invalid POLL_SCHEDULE THEN run refuses to start with exit 2 and says how to fix it', async () => {
    const run = startCli(['run', '--no-http'], { POLL_SCHEDULE: 'every five minutes', WATCHFLOOR_DB: join(tempDir(), 'w.db'), WATCHFLOOR_FEEDS: join(import.meta.dirname, '../../examples/feeds.json') });
    const exit = await run.exited;
    expect(exit.code).toBe(2);
    expect(run.output().stderr).toContain('POLL_SCHEDULE');
    expect(run.output().stderr).toContain('"*/5 * * * *"');
  });
});
