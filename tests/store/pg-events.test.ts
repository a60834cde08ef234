import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/app/classifier.js';
import { silentLogger } from '../../src/app/logger.js';
import { createPgEventRouter } from '../../src/app/pg-events.js';
import { createPgRouting } from '../../src/app/pg-routing.js';
import type { FeedConfig } from '../../src/core/types.js';
import { openPgDatabase, type PgPool } from '../../src/store/pg/db.js';
import { createPgRatings } from '../../src/store/pg/feedback.js';
import { createPgPollStore } from '../../src/store/pg/poll-store.js';
import { EVENT_OUTLETS } from '../helpers/event-outlets.js';
import { DEFAULT_GUILD_ID } from '../helpers/fake-discord.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { FEEDBACK_NOW, GUILD_A, GUILD_B, MEMBERS, ROUNDUP_FIXTURE, type FixtureStory } from '../helpers/feedback-fixture.js';
import { classified, makeStory, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Event assignment on PostgreSQL between pollers (ADR 16): each poller has its own index of
 * the window's events; the event lock makes the second see the first's event before it
 * decides, so reports stored at the same moment by several pollers land in one event.
 */
const tempDir = useTempDir();
let server: TestPostgres;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await server.stop();
});

const FEEDS: ReadonlyMap<string, FeedConfig> = new Map(EVENT_OUTLETS.map((o) => [o.id, { id: o.id, url: `https://${o.id}.example/rss`, name: o.name, language: o.language, kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] }]));

async function database(): Promise<{ pool: PgPool; url: string }> {
  const url = await server.createDatabase(`wf_pg_events_${process.pid}_${++databases}`);
  const pool = await openPgDatabase(url, { max: 12 });
  await pool.query(`INSERT INTO subscriptions (target_kind, guild_id, channel_id, topics, mode, max_age_ms, created_at, created_by)
    VALUES ('channel', $1, '300000000000000031', '["north-korea"]', 'event', $2, $3, 'test')`, [DEFAULT_GUILD_ID, 24 * 3_600_000, Date.now() - 3_600_000]);
  return { pool, url };
}

/** A poller's store with its own event index, as in `run --role poller`. */
function poller(pool: PgPool, owner: string) {
  const events = createPgEventRouter({ topics: new Map(TEST_TOPICS.map((t) => [t.id, t])), feeds: () => FEEDS });
  return createPgPollStore(pool, {
    owner,
    location: 'test',
    routing: {
      route: () => ({ alerts: [], why: null }),
      routeEvents: (tx, rowid, story, classification, now) => events.route(tx, rowid, story, classification, now),
    },
  });
}

describe('events on PostgreSQL with several pollers', () => {
  it('GIVEN five reports of one event stored at the same moment by five pollers, each with its own index THEN they form ONE event with five reports, one alert and one developing notice', async () => {
    const { pool } = await database();
    try {
      const now = Date.now();
      const pollers = EVENT_OUTLETS.map((outlet, i) => ({ outlet, store: poller(pool, `host:${i}:test`) }));
      // Creating an event is held up until all five transactions are under way: each has stored
      // its story and is about to assign it (waiting for the event lock, or for the table).
      const gate = await pool.connect();
      await gate.query('BEGIN');
      await gate.query('LOCK TABLE events IN EXCLUSIVE MODE');
      const storing = Promise.all(pollers.map(({ outlet, store }) =>
        store.storeStories([{ story: makeStory({ feedId: outlet.id, title: outlet.title, language: outlet.language, publishedAt: now - 600_000 }), classification: classified({ 'north-korea': 6 }) }], now)));
      try {
        for (let waiting = 0; waiting < EVENT_OUTLETS.length;) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          waiting = (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0]?.n ?? 0;
        }
      } finally {
        await gate.query('COMMIT');
        gate.release();
      }
      const batches = await storing;
      expect(batches.map((b) => b.inserted)).toEqual([1, 1, 1, 1, 1]);
      expect((await pool.query('SELECT count(*)::int AS n FROM events')).rows).toEqual([{ n: 1 }]);
      expect((await pool.query('SELECT count(DISTINCT feed_id)::int AS n FROM event_reports')).rows).toEqual([{ n: 5 }]);
      const kinds = await pool.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM outbox GROUP BY kind ORDER BY kind');
      // One alert; each later report an edit (coalesced while none is sent) and a thread report; one notice.
      expect(kinds.rows.filter((r) => r.kind !== 'event-edit')).toEqual([{ kind: 'alert', n: 1 }, { kind: 'developing', n: 1 }, { kind: 'event-report', n: 4 }]);
      expect(kinds.rows.find((r) => r.kind === 'event-edit')?.n).toBeGreaterThanOrEqual(1);
      // Every row has its nonce, as the SQLite outbox writes it.
      expect((await pool.query('SELECT count(*)::int AS n FROM outbox WHERE nonce IS NULL')).rows).toEqual([{ n: 0 }]);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('GIVEN a report of an event another poller created after this one last looked THEN it joins that event, and a story in a different event starts its own', async () => {
    const { pool } = await database();
    try {
      const now = Date.now();
      const [a, b] = [poller(pool, 'host:1:test'), poller(pool, 'host:2:test')];
      const nk = classified({ 'north-korea': 6 });
      await a.storeStories([{ story: makeStory({ feedId: 'wire-a', title: EVENT_OUTLETS[0].title, publishedAt: now - 600_000 }), classification: nk }], now);
      await b.storeStories([{ story: makeStory({ feedId: 'wire-b', title: EVENT_OUTLETS[1].title, publishedAt: now - 500_000 }), classification: nk }], now);
      await a.storeStories([{ story: makeStory({ feedId: 'daily-c', title: 'Kim Jong Un inspects new greenhouse farm in South Hamgyong', publishedAt: now - 400_000 }), classification: nk }], now);
      const events = await pool.query<{ id: number; reports: number }>('SELECT e.id, count(r.*)::int AS reports FROM events e JOIN event_reports r ON r.event_id = e.id GROUP BY e.id ORDER BY e.id');
      expect(events.rows.map((e) => e.reports)).toEqual([2, 1]);
      const alerts = await pool.query<{ event_id: number }>("SELECT event_id FROM outbox WHERE kind = 'alert' ORDER BY id");
      expect(alerts.rows.map((r) => r.event_id)).toEqual(events.rows.map((e) => e.id));
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('GIVEN a server that rated briefing roundups down on PostgreSQL THEN its instant and event subscriptions leave out and let in the same stories, and the other server decides as the shared classification', async () => {
    const url = await server.createDatabase(`wf_pg_ratings_${process.pid}`);
    const pool = await openPgDatabase(url, { max: 4 });
    try {
      const classifier = await loadClassifier({ rulesDir: join(import.meta.dirname, '../../rules'), modelPath: join(tempDir(), 'model.json'), log: silentLogger() });
      const NOW = FEEDBACK_NOW;
      const subscription = async (mode: string, guild: string, channel: string): Promise<number> => {
        const r = await pool.query<{ id: number }>(`INSERT INTO subscriptions (target_kind, guild_id, channel_id, topics, mode, max_age_ms, created_at, created_by)
          VALUES ('channel', $1, $2, '["*"]', $3, $4, $5, 'test') RETURNING id`, [guild, channel, mode, 365 * 86_400_000, NOW - 86_400_000]);
        return r.rows[0]?.id ?? 0;
      };
      const instantA = await subscription('instant', GUILD_A, '310000000000000001');
      const eventA = await subscription('event', GUILD_A, '310000000000000002');
      const eventB = await subscription('event', GUILD_B, '320000000000000002');
      const ratings = createPgRatings(pool);
      const store = createPgPollStore(pool, { owner: 'host:1:test', location: 'test', routing: createPgRouting({ topics: new Map(classifier.topics.map((t) => [t.id, t])), feeds: () => FEEDS, ratings: ratings.source }) });
      const rowsOf = async (id: number): Promise<{ story_rowid: number | null }[]> => (await pool.query<{ story_rowid: number | null }>('SELECT story_rowid FROM outbox WHERE subscription_id = $1', [id])).rows;
      const ingest = async (f: FixtureStory, i: number) => {
        const story = makeStory({ title: f.title, summary: f.summary, publishedAt: NOW - 3_600_000 + i, firstSeenAt: NOW });
        const classification = classifier.classify(story);
        await store.storeStories([{ story, classification }], NOW);
        const rowid = (await pool.query<{ rowid: number }>('SELECT rowid FROM stories WHERE id = $1', [story.id])).rows[0]?.rowid ?? 0;
        return { rowid, shared: classification.matched.length > 0, verdict: classification.verdicts.find((v) => v.topic === f.topic) };
      };
      let i = 0;
      for (const f of ROUNDUP_FIXTURE.filter((x) => x.set === 'rated')) {
        const { rowid, verdict } = await ingest(f, i);
        await pool.query(`INSERT INTO feedback (guild_id, member_id, story_rowid, topic, rating, matched_then, score_then, source, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, 'reaction', $8)`, [GUILD_A, MEMBERS[Math.floor(i / 3) % 3], rowid, f.topic, f.roundup ? -1 : 1, verdict?.matched ? 1 : 0, verdict?.score ?? 0, NOW]);
        i++;
      }
      await ratings.refresh();
      const took = async (id: number, rowid: number, before: number): Promise<boolean> => {
        const rows = await rowsOf(id);
        return rows.some((r) => r.story_rowid === rowid) || rows.length > before;
      };
      let changed = 0;
      let j = 0;
      for (const f of ROUNDUP_FIXTURE.filter((x) => x.set === 'held-out')) {
        const before = { a: (await rowsOf(eventA)).length, b: (await rowsOf(eventB)).length, i: (await rowsOf(instantA)).length };
        // Far apart in time: every story its own event, so "took it" is one new row.
        const { rowid, shared } = await ingest(f, 1000 + j++ * 13 * 3_600_000);
        const instant = await took(instantA, rowid, before.i);
        expect(await took(eventA, rowid, before.a), `A's event subscription on "${f.title}"`).toBe(instant);
        expect(await took(eventB, rowid, before.b), `B's event subscription on "${f.title}"`).toBe(shared);
        if (instant !== shared) changed++;
      }
      // The ratings changed some of A's decisions (the test would pass vacuously otherwise).
      expect(changed).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  }, 120_000);
});
