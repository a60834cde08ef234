import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAll, startCli } from '../helpers/cli.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * `run --role poller` with WATCHFLOOR_DB naming a real PostgreSQL server (ADR 16): two pollers
 * over loopback feeds store every story once and queue every alert once per subscription, also
 * when one of them is killed while it holds a feed's lease; subscriptions it cannot deliver yet
 * are refused at start-up.
 */
const tempDir = useTempDir();
const FEEDS = 20;
const ITEMS = 5;
const SLOW_ITEMS = 3;
const STORIES = FEEDS * ITEMS + SLOW_ITEMS;
const SLOW_FIRST_ANSWER_MS = 4_000;

let server: TestPostgres;
let feeds: FeedServer;
let slowRequests = 0;
let databases = 0;
const children: ReturnType<typeof startCli>[] = [];

function rss(title: string, items: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://ukr.example/</link><description>d</description>${items}</channel></rss>`;
}

function item(n: number, now: number): string {
  return `<item><title>Kyiv story ${n}: Ukraine reports shelling near Kharkiv, ${n} hurt</title><link>https://ukr.example/pg/${n}</link>` +
    `<guid>pg-${n}</guid><pubDate>${new Date(now - n * 1000).toUTCString()}</pubDate>` +
    `<description>Ukrainian officials in Kyiv said Russian forces shelled the region overnight (report ${n}).</description></item>`;
}

beforeAll(async () => {
  server = await startPostgres();
  feeds = await startFeedServer();
  const now = Date.now();
  for (let f = 0; f < FEEDS; f++) {
    const items = Array.from({ length: ITEMS }, (_, i) => item(f * ITEMS + i, now)).join('');
    // Every feed also carries story 0's link under another guid: the same article from many feeds is stored once.
    const shared = `<item><title>Kyiv story 0: Ukraine reports shelling near Kharkiv, 0 hurt</title><link>https://ukr.example/pg/0</link><guid>pg-shared-${f}</guid><pubDate>${new Date(now).toUTCString()}</pubDate><description>Ukrainian officials in Kyiv said Russian forces shelled the region.</description></item>`;
    feeds.route(`/pg/${f}.xml`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(rss(`Feed ${f}`, items + (f > 0 ? shared : '')));
    });
  }
  const slowItems = Array.from({ length: SLOW_ITEMS }, (_, i) => item(FEEDS * ITEMS + i, now)).join('');
  feeds.route('/pg/slow.xml', (_req, res) => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(rss('Slow', slowItems));
    };
    if (slowRequests++ === 0) setTimeout(answer, SLOW_FIRST_ANSWER_MS);
    else answer();
  });
}, 120_000);

afterAll(async () => {
  await feeds.close();
  await server.stop();
});

afterEach(async () => {
  await killAll(children);
});

/** A fresh database with the schema and the given subscriptions; the environment of a `run` on it. */
async function setup(subscriptions: readonly { readonly mode: string; readonly schedule?: string }[]): Promise<{ env: Record<string, string>; url: string }> {
  slowRequests = 0;
  databases++;
  const url = await server.createDatabase(`wf_roles_${process.pid}_${databases}`);
  const { openPgDatabase } = await import('../../src/store/pg/db.js');
  const pool = await openPgDatabase(url, { max: 1 }); // migrates
  for (const s of subscriptions) {
    await pool.query(`INSERT INTO subscriptions (target_kind, topics, mode, schedule, max_age_ms, created_at, created_by)
      VALUES ('console', '["*"]', $1, $2, $3, $4, 'test')`, [s.mode, s.schedule ?? null, 24 * 3_600_000, Date.now() - 3_600_000]);
  }
  await pool.end();
  const dir = tempDir();
  const feedsFile = join(dir, 'feeds.json');
  const list = Array.from({ length: FEEDS }, (_, f) => ({ id: `f${f}`, name: `Feed ${f}`, url: feeds.url(`/pg/${f}.xml`), language: 'en', kind: 'outlet' }));
  list.push({ id: 'slow', name: 'Slow', url: feeds.url('/pg/slow.xml'), language: 'en', kind: 'outlet' });
  writeFileSync(feedsFile, JSON.stringify({ feeds: list }));
  return {
    url,
    env: {
      WATCHFLOOR_FEEDS: feedsFile,
      WATCHFLOOR_DB: url,
      WATCHFLOOR_MODEL: join(dir, 'model.json'),
      POLL_SCHEDULE: '*/2 * * * * *',
      PARSE_THREADS: '0',
      LOG_LEVEL: 'info',
    },
  };
}

function start(role: string, env: Record<string, string>): ReturnType<typeof startCli> {
  const child = startCli(['run', '--no-http', '--role', role], env);
  children.push(child);
  return child;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const pidOf = (owner: string): number => Number(owner.split(':').at(-2));

describe('run --role poller on PostgreSQL', () => {
  it('GIVEN two pollers WHEN the one holding a feed lease is killed mid-fetch THEN every story is stored once, with every feed as a source, and queued once per subscription', async () => {
    const { env, url } = await setup([{ mode: 'instant' }, { mode: 'instant' }]);
    const pollers = [start('poller', env), start('poller', env)];
    const byPid = new Map(pollers.map((p) => [p.child.pid, p]));
    await until(() => slowRequests > 0, 60_000);
    let owner = '';
    await until(async () => {
      owner = (await query<{ lease_owner: string | null }>(url, "SELECT lease_owner FROM feed_state WHERE feed_id = 'slow'"))[0]?.lease_owner ?? '';
      return owner !== '';
    }, 10_000);
    const killed = byPid.get(pidOf(owner));
    expect(killed, `lease owner ${owner}`).toBeDefined();
    killed?.child.kill('SIGKILL');
    expect((await killed?.exited)?.signal).toBe('SIGKILL');

    await until(async () => Number((await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM stories'))[0]?.n) >= STORIES, 90_000);
    const survivor = pollers.find((p) => p !== killed);
    await survivor?.waitForLog((l) => l.msg === 'poll cycle finished', 30_000);
    const stories = await query<{ n: number; urls: number }>(url, 'SELECT count(*)::int AS n, count(DISTINCT url)::int AS urls FROM stories');
    expect(stories[0]).toEqual({ n: STORIES, urls: STORIES });
    // The shared link: one story, every feed that carried it as a source.
    const sources = await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM story_sources s JOIN stories t ON t.rowid = s.story_rowid WHERE t.url = 'https://ukr.example/pg/0'");
    expect(sources[0]?.n).toBe(FEEDS);
    // One alert per story and subscription, never two.
    const alerts = await query<{ subscription_id: number; n: number; stories: number }>(url,
      "SELECT subscription_id, count(*)::int AS n, count(DISTINCT story_rowid)::int AS stories FROM outbox WHERE kind = 'alert' GROUP BY subscription_id ORDER BY subscription_id");
    expect(alerts.map((a) => [a.n, a.stories])).toEqual([[STORIES, STORIES], [STORIES, STORIES]]);
    // The slow feed was fetched again by the survivor once the dead poller's lease was ended.
    expect(slowRequests).toBeGreaterThanOrEqual(2);
    const slow = await query<{ last_status: number; lease_owner: string | null }>(url, "SELECT last_status::int AS last_status, lease_owner FROM feed_state WHERE feed_id = 'slow'");
    expect(slow[0]?.last_status).toBe(200);

    survivor?.child.kill('SIGTERM');
    expect((await survivor?.exited)?.code).toBe(0);
    // A clean stop removes its heartbeat; the killed one's row stays until it is pruned.
    const beats = await query<{ owner: string; role: string }>(url, 'SELECT owner, role FROM process_heartbeats');
    expect(beats.map((b) => pidOf(b.owner))).toEqual([killed?.child.pid]);
    expect(beats.map((b) => b.role)).toEqual(['poller']);
  }, 180_000);

  it('GIVEN an event subscription in the database WHEN a poller starts THEN it exits 2 naming the subscription and the fix', async () => {
    const { env } = await setup([{ mode: 'instant' }, { mode: 'event' }]);
    const poller = start('poller', env);
    const result = await poller.exited;
    expect(result.code).toBe(2);
    const { stderr } = poller.output();
    expect(stderr).toContain('2 (event)');
    expect(stderr).toContain('docs/self-hosting.md');
    expect(stderr).toContain('WATCHFLOOR_DB');
    expect(slowRequests).toBe(0); // refused before any feed was fetched
  }, 60_000);
});
