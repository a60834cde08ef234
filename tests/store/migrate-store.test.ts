import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStoreTargets } from '../../src/app/commands/migrate-store.js';
import { preloadChartLibraries } from '../../src/charts/render.js';
import { digestChart } from '../../src/charts/digest-chart.js';
import { ConfigError } from '../../src/config/errors.js';
import type { OutboundMessage } from '../../src/core/compose/message.js';
import { openDatabase } from '../../src/store/db.js';
import { createStore, type Store } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { COPY_ORDER, copySqliteToPostgres } from '../../src/store/pg/copy-from-sqlite.js';
import { runCli } from '../helpers/cli.js';
import { makeWatchfloorDb } from '../helpers/databases.js';
import { freePort, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { readPng } from '../helpers/png.js';
import { classified, makeStory, newSubscription, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { useWriterProcesses } from '../helpers/writer-process.js';

/**
 * `watchfloor migrate-store`: a SQLite database filled through the store's own functions is
 * copied into a real PostgreSQL and read back equal, table by table; refusals (a target with
 * data, another schema version, an unreachable server) and a failure mid-copy leave the target
 * as it was.
 */

const tempDir = useTempDir('watchfloor-migrate-store-');
let server: TestPostgres;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
  await preloadChartLibraries();
}, 60_000);
afterAll(async () => { await server.stop(); });

async function freshDatabase(): Promise<string> {
  databases += 1;
  return server.createDatabase(`wf_migrate_${databases}`);
}

const PAYLOAD: OutboundMessage = { content: 'alert', embeds: [], allowedMentions: { parse: [], roles: [] } };

/** The tables of a SQLite database that hold data of their own (not FTS5's index). */
function dataTables(db: Database.Database): string[] {
  return db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'stories_fts%' ORDER BY name").pluck().all();
}

/**
 * A database with rows in every table, written by the store's functions: 1,200 stories (several
 * batches) with verdicts and a second source, feed state and a poll cycle, four subscriptions,
 * alerts (one sent), a digest with its PNG chart, an event with reports and its alert, a surge
 * and its notice, feedback, a heartbeat and an added feed. Returned open, as `run` would hold it.
 */
function populate(path: string): Store {
  const store = createStore(path);
  const now = Date.now();
  const rowids: number[] = [];
  store.transaction(() => {
    for (let i = 0; i < 1200; i++) {
      const story = makeStory({ firstSeenAt: now - i * 60_000, title: i === 7 ? 'Missile launch near Pyongyang' : `Russia strikes Kyiv power grid (${i})` });
      const outcome = store.stories.insert(story, classified({ ukraine: 4 + (i % 5) }));
      rowids.push(outcome.rowid);
      if (i === 3 && story.url) store.stories.insert(makeStory({ url: story.url, feedId: 'ap' }), null);
    }
  });
  const [first, second, third] = rowids as [number, number, number];
  store.feeds.ensure('reuters', 'https://news.example/reuters.xml');
  store.feeds.recordSuccess('reuters', { at: now, status: 200, validators: { etag: '"abc"', lastModified: null, bodyHash: 'f00d' }, nextPollAt: now + 300_000, newStories: 1200 });
  const cycle = store.cycles.start(now - 1000);
  store.cycles.finish(cycle, { at: now, polled: 1, ok: 1, notModified: 0, failed: 0, newStories: 1200 });

  const instant = store.subscriptions.add(newSubscription());
  const webhook = store.subscriptions.add(newSubscription({ target: { kind: 'webhook', url: 'https://discord.com/api/webhooks/123/secret-token' } }));
  const digest = store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: '555', guildId: '777' }, mode: 'digest', schedule: '0 8 * * *', timezone: 'Asia/Seoul' }));
  const living = store.subscriptions.add(newSubscription({ mode: 'event', developingSources: 3, developingWindowMs: 3_600_000 }));
  store.trends.setSettings(instant.id, { surges: true, quietHours: { start: 22, end: 7 } });

  expect(store.outbox.addAlert({ subscriptionId: instant.id, storyRowid: first, payload: PAYLOAD, now })).toBe(true);
  expect(store.outbox.addAlert({ subscriptionId: webhook.id, storyRowid: first, payload: PAYLOAD, now })).toBe(true);
  const claimed = store.outbox.claimDue(now, 10, { owner: store.owner, leaseMs: 60_000 });
  const sent = claimed.rows[0];
  if (!sent) throw new Error('no outbox row claimed');
  expect(store.outbox.beginSend(sent.id, { owner: store.owner, leaseMs: 60_000 }, now)).toBe(true);
  expect(store.outbox.markSent(sent.id, { owner: store.owner, leaseMs: 60_000 }, '999000111', now)).toBe(true);

  const chart = digestChart({ trends: store.trends, topics: TEST_TOPICS, now });
  expect(store.outbox.addDigest({ subscriptionId: digest.id, until: now, payloads: [PAYLOAD, PAYLOAD], now })).toBe(2);
  const part = store.outbox.firstDigestPart(digest.id, now);
  if (part === null) throw new Error('no digest part');
  store.outbox.attachFile(part, chart);

  const event = store.events.create({ title: 'Russia strikes Kyiv power grid', startedAt: now - 60_000, storyRowid: first, feedId: 'reuters', at: now - 60_000, now });
  expect(store.events.addReport(event, second, 'ap', now)).toBe(true);
  expect(store.outbox.addEventAlert({ subscriptionId: living.id, storyRowid: first, eventId: event, payload: PAYLOAD, now })).not.toBeNull();

  const surge = store.trends.recordSurge({ topic: 'ukraine', hour: Math.floor(now / 3_600_000) * 3_600_000, score: { count: 40, median: 4, mad: 1.5, z: 8.2, baselineDays: 14, surging: true }, storyRowids: [first, second, third], now });
  if (!surge) throw new Error('surge not recorded');
  expect(store.outbox.addSurge({ subscriptionId: instant.id, surgeId: surge.id, payload: PAYLOAD, now })).toBe(true);

  expect(store.feedback.record({ guildId: '777', memberId: '888', storyRowid: second, topic: 'ukraine', rating: -1, matchedThen: true, scoreThen: 5.5, source: 'reaction', now }, { maxPerMember: 100, maxPerWindow: 100, rateWindowMs: 60_000 })).toBe('stored');
  store.heartbeats.beat({ owner: store.owner, role: 'poller', pid: process.pid, host: 'host-a', startedAt: now - 5000, lastSeenAt: now, intervalMs: 30_000 });
  store.addedFeeds.add({ id: 'added-1', url: 'https://news.example/added.xml', name: 'Added', language: 'en', kind: 'outlet', addedBy: '888', guildId: '777', addedAt: now });
  return store;
}

type Cell = string | number | null;

/** A value as both engines should give it back: bytes as hex, everything else as read. */
function cell(value: unknown): Cell {
  if (Buffer.isBuffer(value)) return `bytes:${value.toString('hex')}`;
  if (value === null || typeof value === 'number' || typeof value === 'string') return value;
  throw new Error(`unexpected value of type ${typeof value}`);
}

function sorted(rows: Cell[][]): Cell[][] {
  return rows.map((r) => ({ r, key: JSON.stringify(r) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.r);
}

function columnsOf(db: Database.Database, table: string): string[] {
  return db.prepare<[string], string>('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table);
}

function sqliteRows(db: Database.Database, table: string): Cell[][] {
  const list = columnsOf(db, table).map((c) => `"${c}"`).join(', ');
  return sorted((db.prepare(`SELECT ${list} FROM "${table}"`).raw(true).all() as unknown[][]).map((r) => r.map(cell)));
}

async function pgRows(client: pg.Client, table: string, columns: readonly string[]): Promise<Cell[][]> {
  const r = await client.query<unknown[]>({ text: `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}"`, rowMode: 'array' });
  return sorted(r.rows.map((row) => row.map(cell)));
}

async function withPg<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  // The same number parsing as the store (BIGINT read as a number).
  pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function pgCounts(url: string): Promise<Record<string, number>> {
  return withPg(url, async (client) => {
    const out: Record<string, number> = {};
    for (const table of COPY_ORDER) out[table] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0]?.n ?? -1;
    return out;
  });
}

const startWriter = useWriterProcesses();

describe('migrate-store: the tables it copies', () => {
  it('GIVEN the SQLite schema of this build THEN the copier lists exactly its tables (a new table must be added to COPY_ORDER)', () => {
    const db = openDatabase(':memory:');
    try {
      expect([...COPY_ORDER].sort()).toEqual(dataTables(db));
    } finally {
      db.close();
    }
  });

  it('GIVEN the foreign keys of every table THEN each parent is copied before its children', () => {
    const db = openDatabase(':memory:');
    try {
      for (const [index, table] of COPY_ORDER.entries()) {
        const parents = db.prepare<[string], string>('SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)').pluck().all(table);
        for (const parent of parents) {
          if (parent !== table) expect(COPY_ORDER.indexOf(parent), `${table} references ${parent}`).toBeLessThan(index);
        }
      }
    } finally {
      db.close();
    }
  });
});

describe('migrate-store into a real PostgreSQL', () => {
  it('GIVEN a populated database in use by another connection WHEN copied THEN every table reads back equal, ids kept, sequences past them, search filled', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    const store = populate(path);
    const url = await freshDatabase();
    try {
      const source = new Database(path, { readonly: true });
      try {
        // Every table holds rows: a table the fixture leaves empty would prove nothing.
        for (const table of dataTables(source)) expect(sqliteRows(source, table).length, table).toBeGreaterThan(0);

        const result = await copySqliteToPostgres(path, url, { batchRows: 100 });
        expect(result.schemaVersion).toBe(MIGRATIONS.length);
        expect(result.tables.map((t) => t.name)).toEqual(COPY_ORDER);
        expect(result.replacedRows).toBe(0);
        await withPg(url, async (client) => {
          for (const table of dataTables(source)) {
            const expected = sqliteRows(source, table);
            expect(result.tables.find((t) => t.name === table)?.rows, table).toBe(expected.length);
            expect({ table, rows: await pgRows(client, table, columnsOf(source, table)) }).toEqual({ table, rows: expected });
          }
          const maxCycle = source.prepare('SELECT max(id) FROM poll_cycles').pluck().get() as number;
          const nextCycle = await client.query<{ id: number }>('INSERT INTO poll_cycles (started_at) VALUES (1) RETURNING id');
          expect(nextCycle.rows[0]?.id).toBe(maxCycle + 1);
          const maxStory = source.prepare('SELECT max(rowid) FROM stories').pluck().get() as number;
          const nextStory = await client.query<{ rowid: number }>("INSERT INTO stories (id, feed_id, title, summary, published_at, first_seen_at, language) VALUES ('new', 'f', 't', 's', 1, 1, 'en') RETURNING rowid");
          expect(nextStory.rows[0]?.rowid).toBe(maxStory + 1);
          const hits = await client.query<{ title: string }>("SELECT title FROM stories WHERE search_vector @@ to_tsquery('simple', 'pyongyang')");
          expect(hits.rows.map((r) => r.title)).toEqual(['Missile launch near Pyongyang']);
          const png = await client.query<{ png: Buffer }>('SELECT png FROM outbox_files');
          expect(readPng(png.rows[0]?.png ?? Buffer.alloc(0)).width).toBe(640);
        });
      } finally {
        source.close();
      }
    } finally {
      store.close();
    }
  });

  it('GIVEN another process writing stories all along WHEN copied THEN the copy is one snapshot: every story with its source, none half-written', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    makeWatchfloorDb(path, 2000);
    const writer = await startWriter(path);
    const url = await freshDatabase();
    const before = writer.committed();
    const result = await copySqliteToPostgres(path, url, { batchRows: 50 });
    const after = writer.committed();
    await writer.stop();
    expect(after).toBeGreaterThan(before); // the writer went on while the copy ran
    const stories = result.tables.find((t) => t.name === 'stories')?.rows ?? 0;
    expect(stories).toBeGreaterThanOrEqual(2000 + before);
    expect(stories).toBeLessThanOrEqual(2000 + after);
    expect((stories - 2000) % 25).toBe(0); // whole transactions only
    const counts = await pgCounts(url);
    expect(counts.stories).toBe(stories);
    expect(counts.story_sources).toBe(stories);
  });

  it('GIVEN a target that already holds the data WHEN copied again THEN it is refused and unchanged; with force it is replaced', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    populate(path).close();
    const url = await freshDatabase();
    const first = await copySqliteToPostgres(path, url);
    const before = await pgCounts(url);
    const refusal = copySqliteToPostgres(path, url);
    await expect(refusal).rejects.toBeInstanceOf(ConfigError);
    await expect(refusal).rejects.toThrow(/already holds Watchfloor data \(stories 1200, .*\); nothing was copied.*--force/);
    expect(await pgCounts(url)).toEqual(before);

    const again = await copySqliteToPostgres(path, url, { force: true });
    expect(again.replacedRows).toBe(first.rows);
    expect(again.tables).toEqual(first.tables);
    expect(await pgCounts(url)).toEqual(before);
  });

  it('GIVEN another process in a transaction on the target WHEN copied THEN it waits only up to the lock timeout and says the database is in use', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    makeWatchfloorDb(path, 3);
    const url = await freshDatabase();
    await copySqliteToPostgres(path, url);
    await withPg(url, async (other) => {
      await other.query('BEGIN');
      await other.query('SELECT count(*) FROM stories');
      await expect(copySqliteToPostgres(path, url, { force: true, lockTimeoutMs: 200 })).rejects.toThrow(/is in use: another process holds its tables .*Stop every `watchfloor run` on it/);
      await other.query('ROLLBACK');
    });
    expect((await pgCounts(url)).stories).toBe(3);
  });

  it('GIVEN a row PostgreSQL rejects, in a table copied late WHEN copied THEN the message names the table and the target holds nothing', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    populate(path).close();
    const raw = new Database(path);
    // SQLite keeps text in an INTEGER column; PostgreSQL's BIGINT refuses it.
    raw.prepare("UPDATE feedback SET created_at = 'yesterday'").run();
    raw.close();
    const url = await freshDatabase();
    await expect(copySqliteToPostgres(path, url)).rejects.toThrow(/copying table feedback failed at rows 1–1: invalid input syntax for type bigint.*Nothing was written to the target/);
    const counts = await pgCounts(url);
    expect(Object.values(counts).every((n) => n === 0), JSON.stringify(counts)).toBe(true);
  });

  it('GIVEN a source of an older or a newer schema version THEN it is refused with both versions and what to run', async () => {
    const dir = tempDir();
    const older = join(dir, 'older.db');
    openDatabase(older, MIGRATIONS.slice(0, MIGRATIONS.length - 1)).close();
    const url = await freshDatabase();
    await expect(copySqliteToPostgres(older, url)).rejects.toThrow(
      `has schema version ${MIGRATIONS.length - 1}, and this Watchfloor copies version ${MIGRATIONS.length}. Start \`watchfloor run\``,
    );
    const newer = join(dir, 'newer.db');
    openDatabase(newer).close();
    const raw = new Database(newer);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    await expect(copySqliteToPostgres(newer, url)).rejects.toThrow(`has schema version ${MIGRATIONS.length + 1}, but this Watchfloor knows only ${MIGRATIONS.length}`);
  });

  it('GIVEN a server that does not answer THEN one message names it, without the password', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    createStore(path).close();
    const port = await freePort();
    const error = await copySqliteToPostgres(path, `postgres://wf:s3cret-pw@127.0.0.1:${port}/watchfloor`).then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toMatch(new RegExp(`cannot open PostgreSQL database postgres://\\S+@127\\.0\\.0\\.1:${port}/watchfloor: .*ECONNREFUSED.*Check the URL given to --to`));
    expect(error?.message).not.toContain('s3cret-pw');
  });
});

describe('migrate-store arguments', () => {
  it('GIVEN no --from THEN the source is --db / WATCHFLOOR_DB, and a PostgreSQL source is refused naming --from', () => {
    expect(migrateStoreTargets({ to: 'postgres://h/db' }, '/srv/wf.db')).toEqual({ source: '/srv/wf.db', target: 'postgres://h/db' });
    expect(() => migrateStoreTargets({ to: 'postgres://h/db' }, 'postgres://u:pw@h/db')).toThrow(/--from\): the source must be the SQLite database file, and it is postgres:\/\/\S+@h\/db \(from --db or WATCHFLOOR_DB\)/);
  });

  it('GIVEN a --to that is not a PostgreSQL URL, or not a URL THEN the message names --to and the form', () => {
    expect(() => migrateStoreTargets({ to: 'data/other.db' }, 'a.db')).toThrow(/--to\): data\/other\.db is not a PostgreSQL URL/);
    expect(() => migrateStoreTargets({ to: 'postgres://u:pw@[bad/db' }, 'a.db')).toThrow(/--to\): .* is not a valid URL\. Write it as postgres:\/\/USER/);
  });
});

describe('watchfloor migrate-store (CLI)', () => {
  it('GIVEN a database WHEN migrated with --json THEN the counts per table are printed, and a second run exits 2', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    const store = createStore(path);
    store.stories.insert(makeStory(), null);
    store.close();
    const url = await freshDatabase();
    const withPassword = url.replace('postgres@', 'postgres:not-needed-pw@');
    const ok = await runCli(['migrate-store', '--to', withPassword, '--json'], { WATCHFLOOR_DB: path });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain('not-needed-pw');
    const json = JSON.parse(ok.stdout) as { source: string; target: string; schemaVersion: number; tables: { name: string; rows: number }[]; rows: number };
    expect(json.source).toBe(path);
    expect(json.schemaVersion).toBe(MIGRATIONS.length);
    expect(json.tables.find((t) => t.name === 'stories')?.rows).toBe(1);
    expect(json.rows).toBe(json.tables.reduce((sum, t) => sum + t.rows, 0));

    const again = await runCli(['migrate-store', '--from', path, '--to', withPassword]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds Watchfloor data \(stories 1, story_sources 1 rows\)/);
    expect(again.stderr).not.toContain('not-needed-pw');
  });

  it('GIVEN an unreachable server or a --to that is not PostgreSQL THEN one line on stderr, exit 1 and 2, no password', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    createStore(path).close();
    const port = await freePort();
    const down = await runCli(['migrate-store', '--from', path, '--to', `postgres://wf:s3cret-pw@127.0.0.1:${port}/watchfloor`]);
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toContain(`127.0.0.1:${port}`);
    expect(down.stderr).not.toContain('s3cret-pw');
    const file = await runCli(['migrate-store', '--from', path, '--to', 'data/other.db']);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/--to\): data\/other\.db is not a PostgreSQL URL/);
  });
});
