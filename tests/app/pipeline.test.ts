import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig } from '../../src/core/types.js';
import { closeFetchAgents, fetchFeed } from '../../src/feeds/fetch.js';
import { parseFeed } from '../../src/feeds/parse.js';
import { loadClassifier, type Classifier } from '../../src/app/classifier.js';
import { createAnalyser } from '../../src/app/analyse.js';
import { createPoller, DEFAULT_FEED_INTERVAL_MS, type PollerDeps } from '../../src/app/pipeline.js';
import { silentLogger } from '../../src/app/logger.js';
import { createStore, type Store } from '../../src/store/index.js';
import { hasEvidence } from '../../src/store/stories.js';
import { routeHomeNewsFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const RULES = join(import.meta.dirname, '../../rules');
let server: FeedServer;
let classifier: Classifier;

beforeAll(async () => {
  server = await startFeedServer();
  const dir = tempDir();
  classifier = await loadClassifier({ rulesDir: RULES, modelPath: join(dir, 'model.json'), log: silentLogger() });
});
afterAll(async () => {
  await server.close();
  await closeFetchAgents();
});

function feed(id: string, path: string, extra: Partial<FeedConfig> = {}): FeedConfig {
  return { id, url: server.url(path), name: id, language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [], ...extra };
}

/** The real fetch → parse → normalise → classify chain; the clock and routing are the test's. */
function poller(store: Store, clock: { now: number }, extra: Partial<PollerDeps> = {}) {
  return createPoller({
    store,
    log: silentLogger(),
    clock: () => clock.now,
    random: () => 0,
    fetch: (f, validators) => fetchFeed(f.url, validators, { timeoutMs: 5000, idleTimeoutMs: 2000, maxBytes: 1 << 20, userAgent: 'watchfloor-test', blockPrivateAddresses: false, baseDir: '.' }),
    analyse: createAnalyser({ parse: parseFeed, normalise: normaliseItems }),
    classify: (input) => classifier.classify(input),
    ...extra,
  });
}

describe('poll cycle', () => {
  it('GIVEN two feeds WHEN polled twice THEN stories are stored with verdicts once, and the second poll is a conditional GET answered 304', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const clock = { now: Date.UTC(2025, 2, 10, 12) };
    const routed: string[] = [];
    const p = poller(store, clock, { route: (_rowid, story) => (routed.push(story.id), 1) });
    const feeds = [feed('harbour', '/feeds/rss2-full.xml'), feed('rdf', '/feeds/rss1-rdf.rdf')];
    let released = 0;
    const release = store.releaseMemory.bind(store);
    store.releaseMemory = () => {
      released++;
      release();
    };

    const first = await p.runCycle(feeds);
    expect(first.totals).toMatchObject({ polled: 2, ok: 2, failed: 0 });
    // The cycle's end put its stories in the search index: nothing is left queued for it.
    expect(store.db.prepare('SELECT count(*) AS n FROM stories_fts_pending').get()).toEqual({ n: 0 });
    expect(store.db.prepare('SELECT count(*) AS n FROM stories_fts_docsize').get()).toEqual({ n: store.stories.total() });
    const stored = store.stories.total();
    expect(stored).toBeGreaterThan(3);
    expect(first.totals.newStories).toBe(stored);
    // Every matched story carries its matched verdicts with reasons; only verdicts with evidence are kept.
    const anyMatched = store.stories.latest({ limit: 50 });
    expect(anyMatched.length).toBe(first.totals.matchedStories);
    expect(anyMatched.length).toBeGreaterThan(0);
    expect(routed.length).toBe(first.totals.newStories);
    for (const s of anyMatched) {
      const verdicts = store.stories.verdicts(s.rowid);
      expect(verdicts.filter((v) => v.matched).map((v) => v.topic).sort()).toEqual([...s.matchedTopics].sort());
      expect(verdicts.filter((v) => v.matched).every((v) => v.reasons.length > 0)).toBe(true);
      expect(verdicts.every(hasEvidence)).toBe(true);
    }
    // The cycle ends by handing SQLite's page cache back.
    expect(released).toBe(1);
    expect(store.feeds.get('harbour')?.validators.etag).toBeTruthy();

    clock.now += DEFAULT_FEED_INTERVAL_MS + 1;
    const second = await p.runCycle(feeds);
    expect(second.totals).toMatchObject({ polled: 2, notModified: 2, newStories: 0 });
    const conditional = server.requests.filter((r) => r.path === '/feeds/rss2-full.xml');
    expect(conditional).toHaveLength(2);
    expect(conditional[1]?.headers['if-none-match']).toBe(store.feeds.get('harbour')?.validators.etag);
    expect(store.stories.total()).toBe(stored);
    store.close();
  });

  it('GIVEN a server that sends no validators WHEN the body is unchanged THEN it is recognised by hash and not parsed again, also after a restart', async () => {
    const path = join(tempDir(), 'w.db');
    const clock = { now: Date.UTC(2025, 2, 10, 12) };
    const feeds = [feed('plain', '/plain/rss2-full.xml')];
    let parses = 0;
    const counting = createAnalyser({
      parse: (text, url) => {
        parses++;
        return parseFeed(text, url);
      },
      normalise: normaliseItems,
    });
    const store1 = createStore(path);
    const r1 = await poller(store1, clock, { analyse: counting }).runCycle(feeds);
    expect(r1.results[0]?.outcome).toBe('new');
    store1.close();

    const store2 = createStore(path);
    clock.now += DEFAULT_FEED_INTERVAL_MS + 1;
    const r2 = await poller(store2, clock, { analyse: counting }).runCycle(feeds);
    expect(r2.results[0]?.outcome).toBe('not-modified');
    expect(parses).toBe(1);
    store2.close();
  });

  it('GIVEN one failing feed THEN the others are stored, the failure is recorded with its reason, and the feed backs off exponentially', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const start = Date.UTC(2025, 2, 10, 12);
    const clock = { now: start };
    const p = poller(store, clock);
    const broken = feed('broken', '/status/500', { intervalMinutes: 10 });
    const feeds = [broken, feed('good', '/feeds/rss2-full.xml')];

    const first = await p.runCycle(feeds);
    expect(first.totals).toMatchObject({ polled: 2, ok: 1, failed: 1 });
    const failure = first.results.find((r) => r.feedId === 'broken');
    expect(failure?.error).toMatchObject({ kind: 'http', status: 500 });
    expect(failure?.error?.message).toContain(broken.url);
    expect(store.feeds.get('broken')).toMatchObject({ consecutiveFailures: 1, lastErrorKind: 'http', nextPollAt: start + 10 * 60_000 });
    expect(store.stories.total()).toBeGreaterThan(0);

    // Not due before its next poll time; then a second failure doubles the wait.
    clock.now = start + 5 * 60_000;
    expect((await p.dueFeeds(feeds)).map((f) => f.id)).toEqual([]);
    clock.now = start + 10 * 60_000;
    expect((await p.dueFeeds(feeds)).map((f) => f.id)).toEqual(['broken', 'good']);
    await p.runCycle([broken]);
    expect(store.feeds.get('broken')).toMatchObject({ consecutiveFailures: 2, nextPollAt: clock.now + 20 * 60_000 });
    store.close();
  });

  it('GIVEN the same document under two feed ids THEN each story is stored once and both feeds are recorded as its sources', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const clock = { now: Date.UTC(2025, 2, 10, 12) };
    const p = poller(store, clock);
    const a = await p.runCycle([feed('first', '/feeds/rss2-full.xml')]);
    const b = await p.runCycle([feed('second', '/plain/rss2-full.xml')]);
    expect(b.totals.newStories).toBe(0);
    expect(b.results[0]?.seenStories).toBe(a.totals.newStories);
    const withUrl = store.stories.latest({ limit: 50, matchedOnly: false }).filter((s) => s.url !== null);
    expect(withUrl.length).toBeGreaterThan(0);
    for (const s of withUrl) expect(s.sources).toEqual(['first', 'second']);
    store.close();
  });

  it('GIVEN a disabled feed, or one not asked for THEN it is not polled', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const p = poller(store, { now: Date.UTC(2025, 2, 10, 12) });
    const feeds = [feed('off', '/feeds/rss2-full.xml', { enabled: false }), feed('on', '/feeds/rss1-rdf.rdf'), feed('other', '/feeds/atom-full.atom')];
    expect((await p.dueFeeds(feeds)).map((f) => f.id)).toEqual(['on', 'other']);
    expect((await p.dueFeeds(feeds, { only: ['other'] })).map((f) => f.id)).toEqual(['other']);
    store.close();
  });

  it('GIVEN a shutdown that aborts a fetch THEN the feed is not charged with a failure', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const controller = new AbortController();
    const p = poller(store, { now: Date.UTC(2025, 2, 10, 12) }, {
      signal: controller.signal,
      fetch: (f, validators) => {
        const pending = fetchFeed(f.url, validators, { timeoutMs: 5000, idleTimeoutMs: 5000, maxBytes: 1 << 20, userAgent: 'watchfloor-test', blockPrivateAddresses: false, baseDir: '.', signal: controller.signal });
        setTimeout(() => { controller.abort(); }, 50);
        return pending;
      },
    });
    const report = await p.runCycle([feed('stalled', '/stall-headers')]);
    expect(report.results[0]?.error?.message).toBe('interrupted by shutdown');
    expect(store.feeds.get('stalled')?.consecutiveFailures).toBe(0);
    store.close();
  });
});

describe('poll cycle beside another process, and storage faults', () => {
  it('GIVEN a feed leased by another process WHEN a cycle forces it THEN it is skipped with the holder named, and polled once the lease is gone', async () => {
    const path = join(tempDir(), 'w.db');
    const store = createStore(path);
    const other = createStore(path);
    const clock = { now: Date.now() };
    const f = feed('harbour', '/feeds/rss2-full.xml');
    store.feeds.ensure(f.id, f.url);
    expect(other.feeds.lease(f.id, { owner: 'elsewhere:1:abcdef', now: clock.now, leaseMs: 60_000, force: true })).toBeNull();
    const first = await poller(store, clock).runCycle([f], { force: true });
    expect(first.results[0]).toMatchObject({ outcome: 'skipped', newStories: 0 });
    expect(first.results[0]?.skipReason).toMatch(/another process \(elsewhere:1:abcdef\)/);
    expect(first.totals).toMatchObject({ polled: 0, skipped: 1 });
    clock.now += 60_000;
    const second = await poller(store, clock).runCycle([f], { force: true });
    expect(second.results[0]?.outcome).toBe('new');
    expect(store.feeds.get(f.id)).toMatchObject({ leaseOwner: null });
    other.close();
    store.close();
  });

  it('GIVEN a feed polled by another process since this cycle listed it THEN it is not polled again', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const clock = { now: Date.now() };
    const f = feed('harbour', '/feeds/rss2-full.xml');
    const p = poller(store, clock);
    const due = await p.dueFeeds([f]);
    expect(due).toHaveLength(1);
    await p.runCycle([f]);
    const requests = server.requests.length;
    // A second cycle built from the stale list of due feeds.
    const again = await p.runCycle(due, { only: ['harbour'] });
    expect(again.results).toEqual([]);
    expect(server.requests.length).toBe(requests);
    store.close();
  });

  it('GIVEN the disk fills up while a feed is stored THEN that feed fails with a storage error naming the database and the fix, the others and what was committed go on', async () => {
    const path = join(tempDir(), 'w.db');
    const store = createStore(path);
    const clock = { now: Date.UTC(2025, 2, 10, 12) };
    const routed: string[] = [];
    const p = poller(store, clock, { route: (_rowid, story) => (routed.push(story.id), 1) });
    await p.runCycle([feed('harbour', '/feeds/rss2-full.xml')]);
    const committed = store.stories.total();
    expect(committed).toBeGreaterThan(0);
    // No page may be added from now on: SQLite answers SQLITE_FULL as on a full disk.
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages}`);
    const items = Array.from({ length: 200 }, (_, i) => `<item><title>Story ${i} from Kyiv</title><link>https://big.example/${i}</link><description>${'Ukraine grain exports '.repeat(40)}${i}</description></item>`).join('');
    server.route('/big-feed.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>https://big.example/</link><description>d</description>${items}</channel></rss>`);
    });
    const report = await p.runCycle([feed('big', '/big-feed.xml'), feed('rdf', '/feeds/rss1-rdf.rdf')]);
    const failed = report.results.filter((r) => r.outcome === 'error');
    expect(failed.map((r) => r.feedId)).toContain('big');
    for (const r of failed) {
      expect(r.error?.kind).toBe('storage');
      expect(r.error?.message).toContain(path);
      expect(r.error?.message).toMatch(/full/i);
    }
    expect(report.totals.failed).toBe(failed.length);
    // What was committed before is intact; a feed whose stories still fit was stored; the
    // failed feed's transaction left nothing half-written.
    const storedNow = report.results.reduce((n, r) => n + r.newStories, 0);
    expect(store.stories.total()).toBe(committed + storedNow);
    expect(store.db.prepare("SELECT count(*) AS n FROM stories WHERE feed_id = 'big'").get()).toEqual({ n: 0 });
    store.db.pragma('max_page_count = 1073741823');
    // `status` reads the failure from feed_state.
    const state = store.feeds.get(failed[0]!.feedId);
    expect(state?.lastErrorKind).toBe('storage');
    store.close();
  });

  it('GIVEN another process holding the write lock past the busy timeout THEN the feed is retried and then fails alone, naming the database', async () => {
    const path = join(tempDir(), 'w.db');
    const store = createStore(path);
    store.db.pragma('busy_timeout = 50');
    const blocker = createStore(path);
    const clock = { now: Date.UTC(2025, 2, 10, 12) };
    blocker.db.prepare('BEGIN IMMEDIATE').run();
    try {
      const report = await poller(store, clock).runCycle([feed('harbour', '/feeds/rss2-full.xml')]);
      expect(report.results[0]?.outcome).toBe('error');
      expect(report.results[0]?.error?.kind).toBe('storage');
      expect(report.results[0]?.error?.message).toContain(path);
    } finally {
      blocker.db.prepare('ROLLBACK').run();
    }
    // Once the other process lets go, the next cycle stores the feed.
    clock.now += 24 * 3_600_000;
    const later = await poller(store, clock).runCycle([feed('harbour', '/feeds/rss2-full.xml')]);
    expect(later.results[0]?.outcome).toBe('new');
    blocker.close();
    store.close();
  });

  it('GIVEN a feed with a home topic in feeds.json WHEN its stories are polled, classified in the poll cycle or by the analyser THEN a home story naming no country matches the topic, with the home feed as its reason; the same story from a feed without home matches nothing', async () => {
    routeHomeNewsFeed(server, '/nation.xml');
    const matchedByTitle = (store: Store): Record<string, readonly string[]> => Object.fromEntries(store.stories.latest({ limit: 10, matchedOnly: false }).map((s) => [s.title, s.matchedTopics]));
    const clock = { now: Date.UTC(2025, 2, 10, 12) };
    for (const analyse of [createAnalyser({ parse: parseFeed, normalise: normaliseItems }), createAnalyser({ parse: parseFeed, normalise: normaliseItems, classify: (input) => classifier.classify(input) })]) {
      const homeStore = createStore(join(tempDir(), 'home.db'));
      await poller(homeStore, clock, { analyse }).runCycle([feed('korea-nation', '/nation.xml', { home: 'south-korea' })]);
      expect(matchedByTitle(homeStore)).toEqual({ 'Pension reform bill passes National Assembly': ['south-korea'], 'Floods kill 12 in Ivory Coast': [] });
      const [pension] = homeStore.stories.latest({ limit: 1 });
      const south = homeStore.stories.verdicts(pension?.rowid ?? -1).find((v) => v.topic === 'south-korea');
      expect(south?.reasons.some((r) => r.kind === 'note' && r.text.startsWith('home feed "korea-nation"'))).toBe(true);
      homeStore.close();

      const plainStore = createStore(join(tempDir(), 'plain.db'));
      await poller(plainStore, clock, { analyse }).runCycle([feed('world', '/nation.xml')]);
      expect(matchedByTitle(plainStore)).toEqual({ 'Pension reform bill passes National Assembly': [], 'Floods kill 12 in Ivory Coast': [] });
      plainStore.close();
    }
  });
});
