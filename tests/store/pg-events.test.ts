import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgEventRouter } from '../../src/app/pg-events.js';
import type { FeedConfig } from '../../src/core/types.js';
import { openPgDatabase, type PgPool } from '../../src/store/pg/db.js';
import { createPgPollStore } from '../../src/store/pg/poll-store.js';
import { EVENT_OUTLETS } from '../helpers/event-outlets.js';
import { DEFAULT_GUILD_ID } from '../helpers/fake-discord.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { classified, makeStory, TEST_TOPICS } from '../helpers/stories.js';

/**
 * Event assignment on PostgreSQL between pollers (ADR 16): each poller has its own index of
 * the window's events; the event lock makes the second see the first's event before it
 * decides, so reports stored at the same moment by several pollers land in one event.
 */
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
});
