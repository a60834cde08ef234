import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDelivery } from '../../src/app/delivery.js';
import { loadEnv } from '../../src/config/env.js';
import type { FeedConfig } from '../../src/core/types.js';
import { polledFeeds } from '../../src/store/added-feeds.js';
import { createStore, type Store } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { captureOutput, capturingLogger, classified, makeStory, newSubscription, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Feeds added from Discord belong to the server that added them: their stories reach only that
 * server's subscriptions, instantly and in digests. feeds.json feeds reach everyone.
 */

const tempDir = useTempDir();
const GUILD_A = '210000000000000001';
const GUILD_B = '220000000000000002';
const CHANNEL_A = '310000000000000001';
const CHANNEL_B = '320000000000000002';
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 22, 1);
/** Fixture stories are years old: these subscriptions alert whatever the publication date. */
const FOREVER = 100 * 365 * 24 * HOUR;

const OPERATOR_FEED: FeedConfig = { id: 'wire', url: 'https://wire.example/rss', name: 'Wire', language: 'en', kind: 'wire', intervalMinutes: undefined, enabled: true, topics: [] };

function alertsBySubscription(store: Store): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const row of store.db.prepare<[], { subscription_id: number; story_rowid: number }>("SELECT subscription_id, story_rowid FROM outbox WHERE kind = 'alert'").all()) {
    const set = out.get(row.subscription_id) ?? new Set<number>();
    set.add(row.story_rowid);
    out.set(row.subscription_id, set);
  }
  return out;
}

describe('routing with feeds added from Discord (real pipeline, `once`)', () => {
  let server: FeedServer;
  beforeAll(async () => {
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("GIVEN a feed added from server A and a feeds.json feed WHEN `once` polls both THEN A's feed alerts only A's subscription; the feeds.json feed alerts A, B and the operator's console", async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'operator', name: 'Operator', url: server.url('/feeds/rss2-full.xml'), language: 'en', kind: 'wire' }] }));
    const store = createStore(db);
    store.addedFeeds.add({ id: 'from-a', url: server.url('/feeds/atom-full.atom'), name: 'A desk', language: 'en', kind: 'outlet', addedBy: '1', guildId: GUILD_A, addedAt: NOW });
    const subA = store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL_A, guildId: GUILD_A }, topics: ['*'], maxAgeMs: FOREVER }));
    const subB = store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL_B, guildId: GUILD_B }, topics: ['*'], maxAgeMs: FOREVER }));
    const cli = store.subscriptions.add(newSubscription({ target: { kind: 'console' }, topics: ['*'], maxAgeMs: FOREVER }));
    store.close();

    const once = await runCli(['once', '--all', '--no-deliver'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db, ALLOW_PRIVATE_FEEDS: 'true' });
    expect(once.code).toBe(0);

    const after = createStore(db);
    try {
      const sourcesOf = (rowid: number): readonly string[] => after.stories.get(rowid)?.sources ?? [];
      const alerts = alertsBySubscription(after);
      const ofA = [...(alerts.get(subA.id) ?? [])];
      const fromAddedFeed = ofA.filter((rowid) => sourcesOf(rowid)[0] === 'from-a');
      const fromOperator = ofA.filter((rowid) => sourcesOf(rowid)[0] === 'operator');
      // Both feeds had matching stories, and A got them all.
      expect(fromAddedFeed.length).toBeGreaterThan(0);
      expect(fromOperator.length).toBeGreaterThan(0);
      // B and the operator's console got exactly the feeds.json stories, none of A's feed.
      expect([...(alerts.get(subB.id) ?? [])].sort()).toEqual([...fromOperator].sort());
      expect([...(alerts.get(cli.id) ?? [])].sort()).toEqual([...fromOperator].sort());
    } finally {
      after.close();
    }
  }, 120_000);
});

describe('the same story from an added feed first, then from feeds.json', () => {
  let server: FeedServer;
  beforeAll(async () => {
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("GIVEN server A's added feed carried a story first WHEN a feeds.json feed brings the same link THEN server B gets its alert too, and A gets none twice", async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'operator', name: 'Operator', url: server.url('/plain/rss2-full.xml'), language: 'en', kind: 'wire' }] }));
    const store = createStore(db);
    store.addedFeeds.add({ id: 'from-a', url: server.url('/feeds/rss2-full.xml'), name: 'A desk', language: 'en', kind: 'outlet', addedBy: '1', guildId: GUILD_A, addedAt: NOW });
    const subA = store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL_A, guildId: GUILD_A }, topics: ['*'], maxAgeMs: FOREVER }));
    const subB = store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL_B, guildId: GUILD_B }, topics: ['*'], maxAgeMs: FOREVER }));
    store.close();
    const env = { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db, ALLOW_PRIVATE_FEEDS: 'true' };
    expect((await runCli(['once', '--feed', 'from-a', '--no-deliver'], env)).code).toBe(0);
    const between = createStore(db);
    const afterA = alertsBySubscription(between);
    between.close();
    expect(afterA.get(subA.id)?.size ?? 0).toBeGreaterThan(0);
    expect(afterA.get(subB.id)).toBeUndefined();
    expect((await runCli(['once', '--feed', 'operator', '--no-deliver'], env)).code).toBe(0);
    const after = createStore(db);
    try {
      const alerts = alertsBySubscription(after);
      expect([...(alerts.get(subB.id) ?? [])].sort()).toEqual([...(afterA.get(subA.id) ?? [])].sort());
      expect(after.db.prepare<[number], { n: number }>("SELECT count(*) AS n FROM outbox WHERE subscription_id = ? AND kind = 'alert'").get(subA.id)?.n).toBe(afterA.get(subA.id)?.size);
    } finally {
      after.close();
    }
  }, 120_000);
});

describe('digests with feeds added from Discord', () => {
  const opened: { close(): Promise<void> | void }[] = [];
  afterEach(async () => {
    for (const x of opened.splice(0).reverse()) await x.close();
  });

  it("GIVEN stories from A's added feed, B's added feed, feeds.json and both WHEN each server's digest is composed THEN B's holds no story only A's feed carried", () => {
    const store = createStore(join(tempDir(), 'w.db'));
    opened.push(store);
    store.addedFeeds.add({ id: 'from-a', url: 'https://a.example/rss', name: 'A desk', language: 'en', kind: 'outlet', addedBy: '1', guildId: GUILD_A, addedAt: NOW });
    store.addedFeeds.add({ id: 'from-b', url: 'https://b.example/rss', name: 'B desk', language: 'en', kind: 'outlet', addedBy: '2', guildId: GUILD_B, addedAt: NOW });
    const digest = (channelId: string, guildId: string | null) =>
      store.subscriptions.add(newSubscription({ target: guildId === null ? { kind: 'console' } : { kind: 'channel', channelId, guildId }, mode: 'digest', schedule: '0 8 * * *', topics: ['*'], createdAt: NOW - 48 * HOUR }));
    const digestA = digest(CHANNEL_A, GUILD_A);
    const digestB = digest(CHANNEL_B, GUILD_B);
    const digestCli = digest('', null);
    // The runtime's view of the feeds: feeds.json plus the added ones as the store gives them.
    const feedsById = new Map(polledFeeds([OPERATOR_FEED], store.addedFeeds.list()).map((f) => [f.id, f]));
    const delivery = createDelivery({ store, env: loadEnv({}), log: capturingLogger().log, topics: TEST_TOPICS, feedsById, output: captureOutput().stream, clock: () => NOW, retry: { waitMs: 0 } });
    opened.push(delivery);

    const ingest = (feedId: string, title: string, alsoFrom?: string): void => {
      const story = makeStory({ feedId, title: `${title} in Kyiv`, firstSeenAt: NOW - HOUR, publishedAt: NOW - HOUR });
      store.transaction(() => {
        store.stories.insert(story, classified({ ukraine: 6 }));
        if (alsoFrom) store.stories.insert({ ...story, id: `${story.id}-again`, feedId: alsoFrom }, classified({ ukraine: 6 }));
      });
    };
    ingest('from-a', 'Only A desk saw this');
    ingest('from-b', 'Only B desk saw this');
    ingest('wire', 'The wire saw this');
    ingest('from-a', 'A desk first, then the wire', 'wire');

    expect(delivery.runDueDigests(NOW, { force: true })).toBe(3);
    const digestText = (subscriptionId: number): string =>
      store.db.prepare<[number], { payload: string }>("SELECT payload FROM outbox WHERE kind = 'digest' AND subscription_id = ?").all(subscriptionId).map((r) => r.payload).join('\n');

    const a = digestText(digestA.id);
    expect(a).toContain('Only A desk saw this');
    expect(a).not.toContain('Only B desk saw this');
    expect(a).toContain('The wire saw this');
    expect(a).toContain('A desk first, then the wire');

    const b = digestText(digestB.id);
    expect(b).not.toContain('Only A desk saw this');
    expect(b).toContain('Only B desk saw this');
    expect(b).toContain('The wire saw this');
    expect(b).toContain('A desk first, then the wire');

    const cli = digestText(digestCli.id);
    expect(cli).not.toContain('Only A desk saw this');
    expect(cli).not.toContain('Only B desk saw this');
    expect(cli).toContain('The wire saw this');
  });
});
