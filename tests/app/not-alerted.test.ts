import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

describe('matched stories that were not alerted', () => {
  it('GIVEN a new feed whose matched stories are years old THEN once says how many were not alerted and why, instead of a silent gap', async () => {
    const dir = tempDir();
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'harbour', name: 'Harbour', url: server.url('/feeds/rss2-full.xml'), language: 'en', kind: 'outlet' }] }));
    const db = join(dir, 'w.db');
    const store = createStore(db);
    store.subscriptions.add(newSubscription({ target: { kind: 'console' }, topics: ['*'], maxAgeMs: 24 * 3_600_000 }));
    store.close();
    const once = await runCli(['once', '--all', '--no-deliver'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db, PARSE_THREADS: '0' });
    expect(once.code).toBe(0);
    const matched = /\((\d+) matched\), 0 alerts queued\./.exec(once.stdout);
    expect(Number(matched?.[1])).toBeGreaterThan(0);
    expect(once.stdout).toContain(`${matched?.[1]} matched stor${matched?.[1] === '1' ? 'y' : 'ies'} not alerted: ${matched?.[1]} published longer ago than the maximum age`);
    const json = await runCli(['once', '--all', '--no-deliver', '--json'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: join(dir, 'other.db'), PARSE_THREADS: '0' });
    const report = JSON.parse(json.stdout) as { totals: { notAlerted: Record<string, number> } };
    // A fresh database: the automatic console subscription, same 24 h maximum age.
    expect(report.totals.notAlerted['too-old']).toBe(Number(matched?.[1]));
  }, 60_000);
});
