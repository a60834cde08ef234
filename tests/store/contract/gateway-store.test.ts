/**
 * The gateway's port (what the slash commands read and write), one contract on two engines:
 * every case runs against SQLite (over the synchronous store) and a real PostgreSQL server, each
 * on a fresh database. Stories are stored through each engine's poll store, as a poller does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/core/news.js';
import { MAX_QUERY_TERMS, parseSearchText } from '../../../src/core/search-query.js';
import type { Classification, Story } from '../../../src/core/types.js';
import type { AddedFeed } from '../../../src/store/added-feeds.js';
import { createSqliteGatewayStore, type GatewayStore } from '../../../src/store/gateway-store.js';
import { createStore } from '../../../src/store/index.js';
import { openPgDatabase } from '../../../src/store/pg/db.js';
import { createPgGatewayStore } from '../../../src/store/pg/gateway-store.js';
import { createPgPollStore } from '../../../src/store/pg/poll-store.js';
import { createSqlitePollStore, type PollStore } from '../../../src/store/poll-store.js';
import { RANK_CANDIDATES_MAX } from '../../../src/store/stories.js';
import type { NewSubscription } from '../../../src/store/subscriptions.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { classified, makeStory } from '../../helpers/stories.js';

let server: TestPostgres;
beforeAll(async () => { server = await startPostgres(); });
afterAll(async () => { await server.stop(); });

interface Engine {
  readonly gateway: GatewayStore;
  readonly poll: PollStore;
  dispose(): Promise<void>;
}

function sqliteEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-gateway-'));
  const store = createStore(join(dir, 'watchfloor.db'));
  return Promise.resolve({
    gateway: createSqliteGatewayStore(store),
    poll: createSqlitePollStore(store),
    dispose() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}

let databases = 0;
async function postgresEngine(): Promise<Engine> {
  databases++;
  const url = await server.createDatabase(`wf_gateway_${process.pid}_${databases}`);
  const pool = await openPgDatabase(url, { max: 2 });
  return {
    gateway: createPgGatewayStore(pool),
    poll: createPgPollStore(pool, { owner: 'test', location: 'test database' }),
    dispose: () => pool.end(),
  };
}

const engines: [string, () => Promise<Engine>][] = [
  ['sqlite', sqliteEngine],
  ['postgres', postgresEngine],
];

const NOW = Date.now();

function channelSubscription(guildId: string, channelId: string, topics: string[] = ['ukraine']): NewSubscription {
  return {
    target: { kind: 'channel', guildId, channelId },
    topics,
    mode: 'instant',
    schedule: null,
    timezone: 'UTC',
    minScore: 0,
    mentionRoleId: null,
    maxAgeMs: DAY_MS,
    postEmptyDigest: false,
    createdAt: NOW,
    createdBy: 'discord:42',
    developingSources: null,
    developingWindowMs: null,
  };
}

function addedFeed(id: string, url: string, guildId: string): AddedFeed {
  return { id, url, name: `Feed ${id}`, language: 'en', kind: 'outlet', addedBy: '42', guildId, addedAt: NOW };
}

it('refuses over-long and empty queries with the same messages before either engine is asked', () => {
  expect(parseSearchText('a'.repeat(201))).toEqual({ ok: false, problem: 'The query is 201 characters long; keep it under 200.' });
  expect(parseSearchText('"" * -').ok).toBe(false);
});

describe.each(engines)('gateway store contract on %s', (engine, open) => {
  let db: Engine;
  afterEach(async () => { await db.dispose(); });

  const store = async (items: readonly { story: Story; classification: Classification }[]) => {
    const batch = await db.poll.storeStories(items, NOW);
    expect(batch.inserted).toBe(items.length);
  };

  it('reports its engine', async () => {
    db = await open();
    expect(db.gateway.engine).toBe(engine);
  });

  it('adds, reads and removes subscriptions with their surge settings, each keeping its server', async () => {
    db = await open();
    const a = await db.gateway.addSubscription(channelSubscription('guild-a', 'chan-a'), { surges: true });
    const b = await db.gateway.addSubscription(channelSubscription('guild-b', 'chan-b', ['north-korea', 'ukraine']), null);
    expect((await db.gateway.subscriptions()).map((s) => [s.id, s.target])).toEqual([
      [a.id, { kind: 'channel', guildId: 'guild-a', channelId: 'chan-a' }],
      [b.id, { kind: 'channel', guildId: 'guild-b', channelId: 'chan-b' }],
    ]);
    expect((await db.gateway.subscription(b.id))?.topics).toEqual(['north-korea', 'ukraine']);
    expect(await db.gateway.trendSettings(a.id)).toEqual({ surges: true, quietHours: null });
    expect(await db.gateway.trendSettings(b.id)).toEqual({ surges: null, quietHours: null });
    expect(await db.gateway.unreadableSubscriptions()).toEqual([]);
    expect(await db.gateway.removeSubscription(a.id)).toBe(true);
    expect(await db.gateway.removeSubscription(a.id)).toBe(false);
    expect(await db.gateway.subscription(a.id)).toBeUndefined();
    expect((await db.gateway.subscriptions()).map((s) => s.id)).toEqual([b.id]);
    expect(await db.gateway.outboxCountsBySubscription()).toEqual(new Map());
  });

  it('adds feeds from Discord once: a second feed with the same URL is taken; removing forgets it', async () => {
    db = await open();
    expect(await db.gateway.addFeed(addedFeed('example-org', 'https://example.org/feed.xml', 'guild-a'))).toBe('added');
    expect(await db.gateway.addFeed(addedFeed('example-org-2', 'https://example.org/feed.xml', 'guild-b'))).toBe('taken');
    expect(await db.gateway.addFeed(addedFeed('other-net', 'https://other.net/rss', 'guild-b'))).toBe('added');
    expect((await db.gateway.addedFeeds()).map((f) => [f.id, f.guildId])).toEqual([['example-org', 'guild-a'], ['other-net', 'guild-b']]);
    expect((await db.gateway.addedFeed('other-net'))?.url).toBe('https://other.net/rss');
    expect(await db.gateway.removeFeed('example-org')).toBe(true);
    expect(await db.gateway.removeFeed('example-org')).toBe(false);
    expect(await db.gateway.addedFeed('example-org')).toBeUndefined();
    expect(await db.gateway.unreadableAddedFeeds()).toEqual([]);
  });

  it('keeps the home topic of a feed added with one, and none for a feed added without', async () => {
    db = await open();
    expect(await db.gateway.addFeed({ ...addedFeed('seoul-desk', 'https://seoul.example/rss', 'guild-a'), home: 'south-korea' })).toBe('added');
    expect(await db.gateway.addFeed(addedFeed('plain', 'https://plain.example/rss', 'guild-a'))).toBe('added');
    expect((await db.gateway.addedFeed('seoul-desk'))?.home).toBe('south-korea');
    expect(await db.gateway.addedFeed('plain')).not.toHaveProperty('home');
    expect((await db.gateway.addedFeeds()).map((f) => [f.id, f.home ?? null])).toEqual([['plain', null], ['seoul-desk', 'south-korea']]);
  });

  it('edits a feed only from the server that added it: each field given is set, the rest kept; home null clears it; the feed as it was and is; a removed feed is not found', async () => {
    db = await open();
    const seoul = { ...addedFeed('seoul-desk', 'https://seoul.example/rss', 'guild-a'), home: 'south-korea' };
    expect(await db.gateway.addFeed(seoul)).toBe('added');
    // Another server: nothing found, nothing written.
    expect(await db.gateway.editFeed('seoul-desk', 'guild-b', { name: 'Hijacked' })).toBeUndefined();
    expect(await db.gateway.addedFeed('seoul-desk')).toEqual(seoul);
    const renamed = await db.gateway.editFeed('seoul-desk', 'guild-a', { name: 'Seoul desk', kind: 'wire' });
    expect(renamed?.before).toEqual(seoul);
    expect(renamed?.after).toEqual({ ...seoul, name: 'Seoul desk', kind: 'wire' });
    expect((await db.gateway.editFeed('seoul-desk', 'guild-a', { language: 'ko', home: 'north-korea' }))?.after).toEqual({ ...seoul, name: 'Seoul desk', kind: 'wire', language: 'ko', home: 'north-korea' });
    const cleared = await db.gateway.editFeed('seoul-desk', 'guild-a', { home: null });
    expect(cleared?.before.home).toBe('north-korea');
    expect(cleared?.after).toMatchObject({ name: 'Seoul desk', language: 'ko', kind: 'wire' });
    expect(cleared?.after).not.toHaveProperty('home');
    expect(await db.gateway.addedFeed('seoul-desk')).toEqual(cleared?.after);
    expect(await db.gateway.removeFeed('seoul-desk')).toBe(true);
    expect(await db.gateway.editFeed('seoul-desk', 'guild-a', { name: 'Back' })).toBeUndefined();
    expect(await db.gateway.addedFeeds()).toEqual([]);
  });

  it('serialises two edits of one feed at once: one lands wholly after the other, and each reports the row it changed', async () => {
    db = await open();
    const seoul = addedFeed('seoul-desk', 'https://seoul.example/rss', 'guild-a');
    expect(await db.gateway.addFeed(seoul)).toBe('added');
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([
        db.gateway.editFeed('seoul-desk', 'guild-a', { name: `Name ${round}` }),
        db.gateway.editFeed('seoul-desk', 'guild-a', { home: round % 2 === 0 ? 'south-korea' : null }),
      ]);
      // Whichever ran second saw the first one's row as its "before".
      const chained = JSON.stringify(a?.after) === JSON.stringify(b?.before) || JSON.stringify(b?.after) === JSON.stringify(a?.before);
      expect(chained).toBe(true);
      const final = await db.gateway.addedFeed('seoul-desk');
      expect(final?.name).toBe(`Name ${round}`);
      expect(final?.home).toBe(round % 2 === 0 ? 'south-korea' : undefined);
    }
  });

  it('counts for /status: the last cycle that polled, stories and matches since a time, feed health', async () => {
    db = await open();
    const cycle = await db.poll.startCycle(NOW - 1000);
    await db.poll.finishCycle(cycle, { at: NOW - 500, polled: 3, ok: 2, notModified: 0, failed: 1, newStories: 2 });
    await store([
      { story: makeStory({ firstSeenAt: NOW }), classification: classified({ ukraine: 5 }) },
      { story: makeStory({ firstSeenAt: NOW }), classification: classified({ ukraine: 4, 'north-korea': 6 }) },
      { story: makeStory({ firstSeenAt: NOW - 2 * DAY_MS }), classification: classified({ ukraine: 5 }) },
    ]);
    await db.poll.ensureFeed('reuters', 'https://reuters.example/feed');
    await db.poll.recordFailure('reuters', { at: NOW, status: 500, kind: 'http', message: 'server error', nextPollAt: NOW + 60_000 });
    const figures = await db.gateway.status({ todayFrom: NOW - DAY_MS, eventsFrom: NOW - DAY_MS });
    expect(figures.lastCycle).toMatchObject({ polled: 3, ok: 2, failed: 1, newStories: 2, finishedAt: NOW - 500 });
    expect(figures.today).toEqual({ stories: 2, perTopic: { 'north-korea': 1, ukraine: 2 } });
    expect(figures.outbox).toEqual({ pending: 0, sent: 0, dead: 0, uncertain: 0 });
    expect(figures.events).toEqual({ inWindow: 0, living: 0, developing: 0 });
    expect(figures.surges).toEqual([]);
    expect((await db.gateway.feedStates()).get('reuters')?.consecutiveFailures).toBe(1);
  });

  it('searches words, phrases, prefixes and AND/OR/NOT, within the window, the topic and what the server may read', async () => {
    db = await open();
    const mk = (title: string, overrides: Partial<Story> = {}, topics: Record<string, number> = { 'north-korea': 5 }) => ({ story: makeStory({ title, summary: 'Reported by agencies.', ...overrides }), classification: classified(topics) });
    // Stored in first-seen order, as a poller stores them (SQLite's count bounds the window by rowid).
    await store([
      mk('Old missile story', { firstSeenAt: NOW - 40 * DAY_MS }),
      mk('Missile test near Pyongyang'),
      mk('North Korea missile launch condemned'),
      mk('Grain deal extended for Kyiv', {}, { ukraine: 5 }),
      mk('Hidden missile report', { feedId: 'other-server-feed' }),
    ]);
    const reader = db.gateway.stories(['other-server-feed']);
    const titles = async (text: string, topic?: string) => {
      const parsed = parseSearchText(text);
      if (!parsed.ok) throw new Error(parsed.problem);
      const result = await reader.search({ match: parsed.query.match, topic, sinceMs: NOW - 30 * DAY_MS, limit: 10 });
      expect(result.total).toBe(result.hits.length);
      return result.hits.map((h) => h.story.title).sort();
    };
    expect(await titles('missile')).toEqual(['Missile test near Pyongyang', 'North Korea missile launch condemned']);
    expect(await titles('"missile launch"')).toEqual(['North Korea missile launch condemned']);
    expect(await titles('pyong*')).toEqual(['Missile test near Pyongyang']);
    expect(await titles('missile NOT launch')).toEqual(['Missile test near Pyongyang']);
    expect(await titles('launch OR grain')).toEqual(['Grain deal extended for Kyiv', 'North Korea missile launch condemned']);
    expect(await titles('missile', 'ukraine')).toEqual([]);
    expect(await titles('kyiv', 'ukraine')).toEqual(['Grain deal extended for Kyiv']);
    // Beyond the term limit the rest is ignored (and said so), never an error on either engine.
    const many = parseSearchText(['grain', ...Array.from({ length: MAX_QUERY_TERMS + 2 }, (_, i) => `w${i}`)].join(' OR '));
    expect(many.ok && many.query.ignored.filter((i) => i.includes(`more than ${MAX_QUERY_TERMS} terms`)).length).toBe(3);
    expect(await titles(['grain', ...Array.from({ length: MAX_QUERY_TERMS + 2 }, (_, i) => `w${i}`)].join(' OR '))).toEqual(['Grain deal extended for Kyiv']);
    // The title's matches are marked as on SQLite (char 1 and 2), whatever the case typed.
    const parsed = parseSearchText('MISSILE');
    if (!parsed.ok) throw new Error(parsed.problem);
    const [hit] = (await reader.search({ match: parsed.query.match, topic: undefined, sinceMs: NOW - 30 * DAY_MS, limit: 1 })).hits;
    expect(hit?.titleSnippet.toLowerCase()).toContain('\u0001missile\u0002');
    // A story only another server's feed carried is not found; the unscoped reader finds it.
    const everything = await db.gateway.stories([]).search({ match: parsed.query.match, topic: undefined, sinceMs: NOW - 30 * DAY_MS, limit: 10 });
    expect(everything.total).toBe(3);
  });

  it(`ranks at most ${RANK_CANDIDATES_MAX} matches; more are listed newest first and counted`, async () => {
    db = await open();
    const items = Array.from({ length: RANK_CANDIDATES_MAX + 1 }, (_, i) => ({ story: makeStory({ title: `Common word story ${i}`, firstSeenAt: NOW - 1000 + (i % 7) }), classification: classified({ ukraine: 5 }) }));
    await store(items);
    const parsed = parseSearchText('common');
    if (!parsed.ok) throw new Error(parsed.problem);
    const result = await db.gateway.stories([]).search({ match: parsed.query.match, topic: undefined, sinceMs: NOW - DAY_MS, limit: 3 });
    expect(result.total).toBe(RANK_CANDIDATES_MAX + 1);
    expect(result.ranked).toBe(false);
    // Newest stored first: the last three inserted.
    expect(result.hits.map((h) => h.story.title)).toEqual([`Common word story ${RANK_CANDIDATES_MAX}`, `Common word story ${RANK_CANDIDATES_MAX - 1}`, `Common word story ${RANK_CANDIDATES_MAX - 2}`]);
  });

  it('counts matched stories per topic and hour for /news trend, leaving out what another server\'s feeds alone carried', async () => {
    db = await open();
    const hour = Math.floor(NOW / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    const at = (minutes: number) => ({ firstSeenAt: hour + minutes * 60_000, publishedAt: hour + minutes * 60_000 });
    await store([
      { story: makeStory(at(5)), classification: classified({ ukraine: 5 }) },
      { story: makeStory(at(50)), classification: classified({ ukraine: 5, 'north-korea': 6 }) },
      { story: makeStory({ ...at(70), feedId: 'theirs' }), classification: classified({ ukraine: 5 }) },
    ]);
    const all = await db.gateway.trends.hourlyCounts(['ukraine', 'north-korea'], hour - 3_600_000, NOW);
    expect([...(all.get('ukraine') ?? [])]).toEqual([[hour, 2], [hour + 3_600_000, 1]]);
    expect([...(all.get('north-korea') ?? [])]).toEqual([[hour, 1]]);
    const visible = await db.gateway.trends.hourlyCounts(['ukraine'], hour - 3_600_000, NOW, ['theirs']);
    expect([...(visible.get('ukraine') ?? [])]).toEqual([[hour, 2]]);
    expect(await db.gateway.trends.surgesBetween(hour - 3_600_000, NOW, ['ukraine'])).toEqual([]);
  });

  it('reads a story by URL with its verdicts, and the newest matched stories', async () => {
    db = await open();
    const story = makeStory({ title: 'Seoul summit', publishedAt: NOW - 1000 });
    await store([{ story, classification: classified({ 'south-korea': 7 }) }, { story: makeStory({ publishedAt: NOW - 5000 }), classification: { verdicts: [], matched: [] } }]);
    const found = await db.gateway.storyByUrl(story.url ?? '');
    expect(found?.title).toBe('Seoul summit');
    expect(found?.sources).toEqual(['reuters']);
    expect((await db.gateway.verdicts(found?.rowid ?? 0)).map((v) => [v.topic, v.matched, v.score])).toEqual([['south-korea', true, 7]]);
    expect((await db.gateway.stories([]).latest({ topic: undefined, sinceMs: NOW - DAY_MS, limit: 10 })).map((s) => s.title)).toEqual(['Seoul summit']);
    expect((await db.gateway.matchedBetween(NOW - DAY_MS, NOW + DAY_MS, ['south-korea'])).map((s) => s.title)).toEqual(['Seoul summit']);
    expect(await db.gateway.matchedBetween(NOW - DAY_MS, NOW + DAY_MS, ['ukraine'])).toEqual([]);
  });
});
