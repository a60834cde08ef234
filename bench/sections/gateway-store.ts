/**
 * The gateway's port (ADR 16): what a slash command reads, per second, over the same stories.
 *   - baseline: the synchronous SQLite calls, as the commands made them before the port;
 *   - SQLite through the port (its cost is the promise per call);
 *   - PostgreSQL (a throwaway local server, fsync off) through the port.
 * Two reads: `/status`'s counts, and one `/news search` page of a name (ranked). Every figure is
 * a ratio against the baseline of the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSearchQuery } from '../../src/core/search-query.js';
import { createSqliteGatewayStore, type GatewayStore } from '../../src/store/gateway-store.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createNewsReader } from '../../src/store/news-queries.js';
import { openPgDatabase } from '../../src/store/pg/db.js';
import { createPgGatewayStore } from '../../src/store/pg/gateway-store.js';
import { createPgPollStore } from '../../src/store/pg/poll-store.js';
import { createSqlitePollStore, type PollStore } from '../../src/store/poll-store.js';
import { startPostgres } from '../../tests/helpers/postgres.js';
import { classified, makeStory } from '../../tests/helpers/stories.js';
import { fmt, sectionMain, type Row } from '../child.js';

const DAY_MS = 86_400_000;
const WORDS = ['missile', 'grain', 'summit', 'sanctions', 'drone', 'border', 'election', 'talks'];
const MATCH = buildSearchQuery('pyongyang')?.match ?? '';

/** `n` stories, one in 50 naming Pyongyang, stored through the poll port in batches (as a poller does). */
async function fill(poll: PollStore, n: number, now: number): Promise<void> {
  for (let start = 0; start < n; start += 500) {
    const items = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
      const i = start + k;
      const title = `${WORDS[i % WORDS.length] ?? ''} report ${i}${i % 50 === 0 ? ' from Pyongyang' : ''}`;
      return { story: makeStory({ title, summary: `Officials said ${WORDS[(i + 3) % WORDS.length] ?? ''} matters.`, firstSeenAt: now - (n - i) * 1000 }), classification: classified({ ukraine: 5 }) };
    });
    await poll.storeStories(items, now);
  }
}

/** Calls per second of `call`, run `times` times one after the other. */
async function rate(times: number, call: () => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < times; i++) await call();
  return times / ((performance.now() - start) / 1000);
}

function statusDirect(store: Store, now: number) {
  return {
    lastCycle: store.cycles.last({ polledOnly: true }),
    today: store.stories.counts(now - DAY_MS),
    storiesTotal: store.stories.total(),
    outbox: store.outbox.counts(),
    surges: store.trends.summary(),
    events: store.events.counts(now - DAY_MS),
    heartbeats: store.heartbeats.list(),
  };
}

async function measure(gateway: GatewayStore, times: number, now: number): Promise<{ status: number; search: number }> {
  const reader = gateway.stories([]);
  return {
    status: await rate(times, () => gateway.status({ todayFrom: now - DAY_MS, eventsFrom: now - DAY_MS })),
    search: await rate(times, () => reader.search({ match: MATCH, topic: undefined, sinceMs: now - 30 * DAY_MS, limit: 5 })),
  };
}

sectionMain(async (options) => {
  const n = Math.max(2_000, options.feeds * 20);
  const times = 200;
  const now = Date.now();
  const dir = mkdtempSync(join(options.workDir, 'gateway-store-'));
  const store = createStore(join(dir, 'watchfloor.db'));
  await fill(createSqlitePollStore(store), n, now);
  const direct = createNewsReader(store.stories, []);
  // Alternating, best of two each: the port's cost is small beside the run-to-run noise.
  const raw = { status: 0, search: 0 };
  const port = { status: 0, search: 0 };
  for (let round = 0; round < 2; round++) {
    raw.status = Math.max(raw.status, await rate(times, () => statusDirect(store, now)));
    raw.search = Math.max(raw.search, await rate(times, () => direct.search({ match: MATCH, topic: undefined, sinceMs: now - 30 * DAY_MS, limit: 5 })));
    const through = await measure(createSqliteGatewayStore(store), times, now);
    port.status = Math.max(port.status, through.status);
    port.search = Math.max(port.search, through.search);
  }
  store.close();
  rmSync(dir, { recursive: true, force: true });

  const server = await startPostgres();
  let onPg = { status: Number.NaN, search: Number.NaN };
  try {
    const pool = await openPgDatabase(await server.createDatabase('bench_gateway'), { max: 2 });
    await fill(createPgPollStore(pool, { owner: 'bench', location: 'bench' }), n, now);
    await pool.query('ANALYZE');
    onPg = await measure(createPgGatewayStore(pool), times, now);
    await pool.end();
  } finally {
    await server.stop();
  }
  const rows: Row[] = [
    { step: `baseline: sync SQLite /status counts (${fmt(n)} stories)`, figure: `${fmt(raw.status)} /s`, status: 'info' },
    { step: 'SQLite /status through the gateway port', figure: `${fmt(port.status)} /s = ${fmt(port.status / raw.status, 2)}× baseline`, status: 'info' },
    { step: 'PostgreSQL /status through the gateway port', figure: `${fmt(onPg.status)} /s = ${fmt(onPg.status / raw.status, 2)}× baseline`, status: 'info' },
    { step: 'baseline: sync SQLite search page (a name, ranked)', figure: `${fmt(raw.search)} /s`, status: 'info' },
    { step: 'SQLite search through the gateway port', figure: `${fmt(port.search)} /s = ${fmt(port.search / raw.search, 2)}× baseline`, status: 'info' },
    { step: 'PostgreSQL search through the gateway port (tsvector, GIN)', figure: `${fmt(onPg.search)} /s = ${fmt(onPg.search / raw.search, 2)}× baseline`, status: 'info' },
  ];
  return { section: 'gateway-store', rows, data: { stories: n, raw, port, postgres: onPg } };
});
