import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * A row that cannot be read (a subscription's topics cut short, an added feed whose URL is not
 * one) is skipped, logged once with its id and the fix, and shown as broken; the rest go on.
 */

const tempDir = useTempDir();
/** Fixture stories are years old: these subscriptions alert whatever the publication date. */
const FOREVER = 100 * 365 * 24 * 3_600_000;

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('unreadable rows', () => {
  it('GIVEN a subscription whose topics are not JSON and an added feed whose URL is not one WHEN `once` and `subscriptions` run THEN both are skipped, logged once with id and fix, listed as broken, and the rest is alerted', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'operator', name: 'Operator', url: server.url('/feeds/rss2-full.xml'), language: 'en', kind: 'wire' }] }));
    const store = createStore(db);
    const healthy = store.subscriptions.add(newSubscription({ topics: ['*'], maxAgeMs: FOREVER }));
    const poisoned = store.subscriptions.add(newSubscription({ topics: ['*'], maxAgeMs: FOREVER }));
    const poisonedDigest = store.subscriptions.add(newSubscription({ topics: ['*'], mode: 'digest', schedule: '0 8 * * *' }));
    store.addedFeeds.add({ id: 'broken-feed', url: server.url('/feeds/atom-full.atom'), name: 'Broken', language: 'en', kind: 'outlet', addedBy: '1', guildId: '210000000000000001', addedAt: Date.now() });
    // What a crash, a hand edit or an older build can leave behind.
    store.db.prepare("UPDATE subscriptions SET topics = '[\"ukr' WHERE id = ?").run(poisoned.id);
    store.db.prepare("UPDATE subscriptions SET topics = '{}' WHERE id = ?").run(poisonedDigest.id);
    store.db.prepare("UPDATE added_feeds SET url = 'ht!tp:// nothing' WHERE id = 'broken-feed'").run();
    store.close();
    const env = { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db, ALLOW_PRIVATE_FEEDS: 'true' };

    const listed = await runCli(['subscriptions'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`#${healthy.id}\\s+console`, 'u'));
    expect(listed.stdout).toMatch(new RegExp(`#${poisoned.id}\\s+BROKEN`, 'u'));
    expect(listed.stdout).toContain(`#${poisoned.id} is broken and skipped: topics is not JSON`);
    expect(listed.stdout).toContain(`Fix: watchfloor unsubscribe ${poisoned.id}, then subscribe again.`);
    expect(listed.stdout).toContain(`#${poisonedDigest.id} is broken and skipped: topics is not a non-empty JSON list of topic ids`);
    const json = await runCli(['subscriptions', '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject([{ id: healthy.id, topics: ['*'] }, { id: poisoned.id, broken: true }, { id: poisonedDigest.id, broken: true }]);

    const once = await runCli(['once', '--all', '--no-deliver'], env);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/operator\s+\d+ new/u);
    expect(once.stdout).not.toContain('broken-feed');
    const warnings = logLines(once.stderr).filter((l) => typeof l.reason === 'string' && typeof l.fix === 'string');
    // Once each, with the id and the fix, though routing read the subscriptions for every story.
    expect(warnings.map((w) => [w.table, w.row_id])).toEqual(
      expect.arrayContaining([
        ['subscriptions', String(poisoned.id)],
        ['subscriptions', String(poisonedDigest.id)],
        ['added_feeds', 'broken-feed'],
      ]),
    );
    expect(warnings, JSON.stringify(warnings)).toHaveLength(3);
    expect(warnings.find((w) => w.row_id === String(poisoned.id))?.msg).toContain(`fix: \`watchfloor unsubscribe ${poisoned.id}\``);
    expect(warnings.find((w) => w.row_id === 'broken-feed')?.msg).toContain('/feeds remove id:broken-feed');

    const after = createStore(db);
    try {
      const counts = after.db.prepare<[], { subscription_id: number; n: number }>("SELECT subscription_id, count(*) AS n FROM outbox WHERE kind = 'alert' GROUP BY subscription_id").all();
      expect(counts.find((c) => c.subscription_id === healthy.id)?.n ?? 0).toBeGreaterThan(0);
      expect(counts.find((c) => c.subscription_id === poisoned.id)).toBeUndefined();
      // Only feeds.json was polled: the broken added feed has no poll state.
      expect(after.feeds.get('broken-feed')).toBeUndefined();
    } finally {
      after.close();
    }

    const removed = await runCli(['unsubscribe', String(poisoned.id)], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`Removed: #${poisoned.id} (its row could not be read: topics is not JSON`);
    expect((await runCli(['subscriptions'], env)).stdout).not.toContain(`#${poisoned.id} `);
  }, 180_000);
});
