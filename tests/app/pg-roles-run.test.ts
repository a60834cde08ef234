import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FAKE_TOKEN, startFakeDiscordWithWebhook, TEST_WEBHOOK, type FakeDiscord } from '../helpers/fake-discord.js';
import { postsPerStory, waitForPosts } from '../helpers/posts.js';
import { pgQuery, until, usePgRun } from '../helpers/pg-run.js';
import { item as storyItem, rss } from '../helpers/shelling-feed.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * `run --role poller|deliverer` with WATCHFLOOR_DB naming a real PostgreSQL server (ADR 16): two
 * pollers over loopback feeds store every story once and queue every alert once per
 * subscription, also when one of them is killed while it holds a feed's lease; with two
 * deliverers over 500 feeds, every alert reaches the fake Discord exactly once, also when one
 * poller and one deliverer are killed mid-work. Living alerts (event subscriptions) are tested
 * in pg-events-run.test.ts.
 */
const tempDir = useTempDir();
const FEEDS = 20;
const ITEMS = 5;
const SLOW_ITEMS = 3;
const STORIES = FEEDS * ITEMS + SLOW_ITEMS;
const SLOW_FIRST_ANSWER_MS = 4_000;
/** The done-when scale of issue 18: 500 feeds, one story each (plus the slow feed's). */
const MANY_FEEDS = 500;

const run = usePgRun();
let slowRequests = 0;
let databases = 0;

const item = (n: number, now: number): string => storyItem(n, now, 'pg');

beforeAll(() => {
  const feeds = run.feeds();
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
  // A feed a server added from Discord: its stories reach only that server's subscriptions.
  const addedBody = rss('Added', item(900, now) + item(901, now));
  feeds.route('/pg/added.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(addedBody);
  });
  for (let f = 0; f < MANY_FEEDS; f++) {
    const body = rss(`Many ${f}`, item(1_000 + f, now));
    feeds.route(`/many/${f}.xml`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(body);
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
});

let fake: FakeDiscord | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

/** A fresh database with the schema and the given subscriptions; the environment of a `run` on it. */
interface SeedSubscription {
  readonly mode: string;
  readonly schedule?: string;
  readonly createdAt?: number;
  readonly target?: { readonly kind: 'channel'; readonly channelId: string; readonly guildId: string } | { readonly kind: 'webhook'; readonly url: string };
}

async function setup(subscriptions: readonly SeedSubscription[], feedPaths: readonly string[] = Array.from({ length: FEEDS }, (_, f) => `/pg/${f}.xml`)): Promise<{ env: Record<string, string>; url: string }> {
  slowRequests = 0;
  databases++;
  const url = await run.server().createDatabase(`wf_roles_${process.pid}_${databases}`);
  const { openPgDatabase } = await import('../../src/store/pg/db.js');
  const pool = await openPgDatabase(url, { max: 1 }); // migrates
  for (const s of subscriptions) {
    const t = s.target;
    await pool.query(`INSERT INTO subscriptions (target_kind, guild_id, channel_id, webhook_url, topics, mode, schedule, max_age_ms, created_at, created_by)
      VALUES ($1, $2, $3, $4, '["*"]', $5, $6, $7, $8, 'test')`,
    [t?.kind ?? 'console', t?.kind === 'channel' ? t.guildId : null, t?.kind === 'channel' ? t.channelId : null, t?.kind === 'webhook' ? t.url : null,
      s.mode, s.schedule ?? null, 24 * 3_600_000, s.createdAt ?? Date.now() - 3_600_000]);
  }
  await pool.end();
  const dir = tempDir();
  const feedsFile = join(dir, 'feeds.json');
  const list = feedPaths.map((path, f) => ({ id: `f${f}`, name: `Feed ${f}`, url: run.feeds().url(path), language: 'en', kind: 'outlet' }));
  list.push({ id: 'slow', name: 'Slow', url: run.feeds().url('/pg/slow.xml'), language: 'en', kind: 'outlet' });
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

const pidOf = (owner: string): number => Number(owner.split(':').at(-2));

describe('run --role poller on PostgreSQL', () => {
  it('GIVEN two pollers WHEN the one holding a feed lease is killed mid-fetch THEN every story is stored once, with every feed as a source, and queued once per subscription', async () => {
    const setUp = await setup([{ mode: 'instant' }, { mode: 'instant' }]);
    const { url } = setUp;
    // Loopback feeds added from Discord are allowed here; in production they are refused.
    const env = { ...setUp.env, ALLOW_PRIVATE_FEEDS: 'true' };
    await pgQuery(url, `INSERT INTO added_feeds (id, url, name, language, kind, added_by, guild_id, added_at)
      VALUES ('added-1', '${run.feeds().url('/pg/added.xml')}', 'Added', 'en', 'outlet', 'member-1', 'guild-elsewhere', ${Date.now()})`);
    const pollers = [run.start('poller', env), run.start('poller', env)];
    const byPid = new Map(pollers.map((p) => [p.child.pid, p]));
    await until('the slow feed requested', () => slowRequests > 0, 60_000);
    let owner = '';
    await until('the slow feed leased', async () => {
      owner = (await pgQuery<{ lease_owner: string | null }>(url, "SELECT lease_owner FROM feed_state WHERE feed_id = 'slow'"))[0]?.lease_owner ?? '';
      return owner !== '';
    }, 10_000);
    const killed = byPid.get(pidOf(owner));
    expect(killed, `lease owner ${owner}`).toBeDefined();
    killed?.child.kill('SIGKILL');
    expect((await killed?.exited)?.signal).toBe('SIGKILL');

    await until('every story stored', async () => Number((await pgQuery<{ n: number }>(url, 'SELECT count(*)::int AS n FROM stories'))[0]?.n) >= STORIES + 2, 90_000);
    const survivor = pollers.find((p) => p !== killed);
    await survivor?.waitForLog((l) => l.msg === 'poll cycle finished', 30_000);
    const stories = await pgQuery<{ n: number; urls: number }>(url, 'SELECT count(*)::int AS n, count(DISTINCT url)::int AS urls FROM stories');
    expect(stories[0]).toEqual({ n: STORIES + 2, urls: STORIES + 2 });
    // Each story keeps its verdicts with their reasons, as on SQLite (what `explain` and digests read).
    const verdicts = await pgQuery<{ topic: string; matched: number; reasons: string }>(url,
      "SELECT v.topic, v.matched::int AS matched, v.reasons FROM story_verdicts v JOIN stories s ON s.rowid = v.story_rowid WHERE s.url = 'https://ukr.example/pg/1'");
    expect(verdicts.find((v) => v.topic === 'ukraine')?.matched).toBe(1);
    expect(JSON.parse(verdicts.find((v) => v.topic === 'ukraine')?.reasons ?? '{}')).toHaveProperty('reasons');
    // The shared link: one story, every feed that carried it as a source.
    const sources = await pgQuery<{ n: number }>(url, "SELECT count(*)::int AS n FROM story_sources s JOIN stories t ON t.rowid = s.story_rowid WHERE t.url = 'https://ukr.example/pg/0'");
    expect(sources[0]?.n).toBe(FEEDS);
    // One alert per story and subscription, never two.
    const alerts = await pgQuery<{ subscription_id: number; n: number; stories: number }>(url,
      "SELECT subscription_id, count(*)::int AS n, count(DISTINCT story_rowid)::int AS stories FROM outbox WHERE kind = 'alert' GROUP BY subscription_id ORDER BY subscription_id");
    // The added feed's two stories are stored but reach no subscription of another server (nor the operator's console).
    expect(alerts.map((a) => [a.n, a.stories])).toEqual([[STORIES, STORIES], [STORIES, STORIES]]);
    const addedAlerts = await pgQuery<{ n: number }>(url, "SELECT count(*)::int AS n FROM outbox o JOIN stories s ON s.rowid = o.story_rowid WHERE s.feed_id = 'added-1'");
    expect(addedAlerts[0]?.n).toBe(0);
    // The slow feed was fetched again by the survivor once the dead poller's lease was ended.
    expect(slowRequests).toBeGreaterThanOrEqual(2);
    const slow = await pgQuery<{ last_status: number; lease_owner: string | null }>(url, "SELECT last_status::int AS last_status, lease_owner FROM feed_state WHERE feed_id = 'slow'");
    expect(slow[0]?.last_status).toBe(200);

    survivor?.child.kill('SIGTERM');
    expect((await survivor?.exited)?.code).toBe(0);
    // A clean stop removes its heartbeat; the killed one's row stays until it is pruned.
    const beats = await pgQuery<{ owner: string; role: string }>(url, 'SELECT owner, role FROM process_heartbeats');
    expect(beats.map((b) => pidOf(b.owner))).toEqual([killed?.child.pid]);
    expect(beats.map((b) => b.role)).toEqual(['poller']);
  }, 180_000);

  it('GIVEN two pollers and two deliverers over 500 feeds WHEN one of each is killed mid-work THEN every story is stored once and every alert posted exactly once', async () => {
    fake = await startFakeDiscordWithWebhook();
    const { env, url } = await setup(
      [{ mode: 'instant', target: { kind: 'channel', channelId: DEFAULT_CHANNEL_ID, guildId: DEFAULT_GUILD_ID } }, { mode: 'instant', target: { kind: 'webhook', url: TEST_WEBHOOK.url } }],
      Array.from({ length: MANY_FEEDS }, (_, f) => `/many/${f}.xml`),
    );
    const stories = MANY_FEEDS + SLOW_ITEMS;
    const all = { ...env, DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase, DELIVERY_TICK_MS: '1000' };
    // The first bot message is posted by Discord but never answered: its deliverer hangs in the send.
    fake.inject({ method: 'POST', path: new RegExp(`^/channels/${DEFAULT_CHANNEL_ID}/messages$`), status: 200, afterProcessing: true, hang: true });
    const pollers = [run.start('poller', all), run.start('poller', all)];
    const deliverers = [run.start('deliverer', all), run.start('deliverer', all)];
    const byPid = new Map([...pollers, ...deliverers].map((c) => [c.child.pid, c]));

    // The poller fetching the slow feed holds its lease: kill it while the fetch is in flight.
    await until('the slow feed requested', () => slowRequests > 0, 90_000);
    let leaseOwner = '';
    await until('the slow feed leased', async () => {
      leaseOwner = (await pgQuery<{ lease_owner: string | null }>(url, "SELECT lease_owner FROM feed_state WHERE feed_id = 'slow'"))[0]?.lease_owner ?? '';
      return leaseOwner !== '';
    }, 10_000);
    const pollerKilled = byPid.get(pidOf(leaseOwner));
    expect(pollers).toContain(pollerKilled);
    pollerKilled?.child.kill('SIGKILL');

    // The deliverer whose send hangs holds that row's claim: kill it mid-send.
    await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    let claimedBy = '';
    await until('an alert claimed mid-send', async () => {
      claimedBy = (await pgQuery<{ claimed_by: string }>(url, "SELECT claimed_by FROM outbox WHERE status = 'pending' AND send_started_at IS NOT NULL AND claimed_by IS NOT NULL ORDER BY id LIMIT 1"))[0]?.claimed_by ?? '';
      return claimedBy !== '';
    }, 10_000);
    const delivererKilled = byPid.get(pidOf(claimedBy));
    expect(deliverers).toContain(delivererKilled);
    delivererKilled?.child.kill('SIGKILL');
    expect((await pollerKilled?.exited)?.signal).toBe('SIGKILL');
    expect((await delivererKilled?.exited)?.signal).toBe('SIGKILL');

    const webhookChannel = TEST_WEBHOOK.channelId;
    await waitForPosts(fake, [DEFAULT_CHANNEL_ID, webhookChannel], stories, 240_000);
    for (const channel of [DEFAULT_CHANNEL_ID, webhookChannel]) {
      const counts = postsPerStory(fake, channel);
      expect([...counts].filter(([, n]) => n > 1), `stories posted more than once in ${channel}`).toEqual([]);
      expect(counts.size, `stories posted in ${channel}`).toBe(stories);
    }
    expect((await pgQuery<{ n: number }>(url, 'SELECT count(*)::int AS n FROM stories'))[0]?.n).toBe(stories);
    const outbox = await pgQuery<{ status: string; n: number }>(url, 'SELECT status, count(*)::int AS n FROM outbox GROUP BY status ORDER BY status');
    expect(outbox).toEqual([{ status: 'sent', n: 2 * stories }]);
    // The survivor resent the hung message with its nonce; Discord kept one.
    const botPosts = fake.messageRequests().filter((r) => r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    const hungNonce = (botPosts[0]?.body as { nonce?: string } | undefined)?.nonce;
    expect(hungNonce).toBeDefined();
    expect(botPosts.filter((r) => (r.body as { nonce?: string }).nonce === hungNonce).length).toBeGreaterThanOrEqual(2);
    // No process opened a gateway connection: deliverers post over REST.
    expect(fake.identifies).toHaveLength(0);
  }, 420_000);

  it('GIVEN two deliverers and due digest subscriptions with DIGEST_CHART=on THEN each digest is composed once, lists the window\'s stories, carries its chart, and is posted once, and a deliverer reports healthy and ready', async () => {
    fake = await startFakeDiscordWithWebhook();
    const digest = { mode: 'digest', schedule: '0 0 * * *', createdAt: Date.now() - 2 * 86_400_000 };
    const { env, url } = await setup([
      { ...digest, target: { kind: 'channel', channelId: DEFAULT_CHANNEL_ID, guildId: DEFAULT_GUILD_ID } },
      { ...digest, target: { kind: 'webhook', url: TEST_WEBHOOK.url } },
    ]);
    // Two matched stories first seen an hour before the window's end (the last midnight, UTC).
    const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const titles = ['Digest story 1: Ukraine repairs the power grid in Kharkiv after strikes', 'Digest story 2: Kyiv and Ankara open talks on a new grain corridor'];
    for (const [i, title] of titles.entries()) {
      const n = i + 1;
      await pgQuery(url, `WITH s AS (INSERT INTO stories (id, feed_id, url, title, summary, published_at, first_seen_at, language)
          VALUES ('digest-${n}', 'f0', 'https://ukr.example/digest/${n}', '${title}', 'Officials in Kyiv said so.', ${dayStart - 3_600_000}, ${dayStart - 3_600_000}, 'en')
          RETURNING rowid),
        src AS (INSERT INTO story_sources (story_rowid, feed_id, seen_at) SELECT rowid, 'f0', ${dayStart - 3_600_000} FROM s)
        INSERT INTO story_verdicts (story_rowid, topic, matched, score, keyword_score, reasons) SELECT rowid, 'ukraine', 1, 5, 5, '{"threshold":1,"reasons":[]}' FROM s`);
    }
    const all = { ...env, DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase, DELIVERY_TICK_MS: '1000', DIGEST_CHART: 'on' };
    // One of them serves /healthz and /readyz: a deliverer on PostgreSQL is ready without poll cycles.
    const deliverers = [run.start('deliverer', { ...all, HTTP_PORT: '0' }, []), run.start('deliverer', all)];
    const listening = await deliverers[0]?.waitForLog((l) => l.msg === 'health and metrics server listening', 60_000);
    const base = `http://127.0.0.1:${String(listening?.port)}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok', role: 'deliverer' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // /metrics reads the events and surges from PostgreSQL at each scrape (none in this test).
    const scraped = await (await fetch(`${base}/metrics`)).text();
    expect(scraped).toMatch(/^watchfloor_events\{state="window"\} 0$/mu);
    expect(scraped).toMatch(/^watchfloor_events\{state="developing"\} 0$/mu);
    expect(scraped).toContain('# TYPE watchfloor_surges gauge');
    const webhookChannel = TEST_WEBHOOK.channelId;
    const discord = fake;
    await until('both digests posted', () => discord.messagesIn(DEFAULT_CHANNEL_ID).length >= 1 && discord.messagesIn(webhookChannel).length >= 1, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${deliverers.map((d) => d.output().stderr).join('\n')}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // a few more ticks of both: nothing more may come
    for (const channel of [DEFAULT_CHANNEL_ID, webhookChannel]) {
      const messages = discord.messagesIn(channel);
      expect(messages, channel).toHaveLength(1);
      const text = JSON.stringify(messages[0]?.body);
      expect(text).toContain('Digest story 1');
      expect(text).toContain('Digest story 2');
    }
    expect(await pgQuery<{ status: string; n: number }>(url, 'SELECT status, count(*)::int AS n FROM outbox GROUP BY status')).toEqual([{ status: 'sent', n: 2 }]);
    // The chart, drawn from PostgreSQL's counts, went out with each digest (bot and webhook), stored once beside each.
    const posts = discord.requests.filter((r) => r.method === 'POST' && (r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages` || r.path.startsWith('/webhooks/')));
    expect(posts.map((r) => r.files.map((f) => f.name))).toEqual([['watchfloor-digest-trend.png'], ['watchfloor-digest-trend.png']]);
    for (const post of posts) expect(post.files[0]?.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(await pgQuery(url, 'SELECT count(*)::int AS n FROM outbox_files')).toEqual([{ n: 2 }]);
    const windows = await pgQuery<{ last: number }>(url, 'SELECT last_digest_at::float8 AS last FROM subscriptions ORDER BY id');
    expect(windows.map((w) => w.last)).toEqual([dayStart, dayStart]);
    const queued = deliverers.flatMap((d) => d.output().stderr.split('\n').filter((line) => line.includes('"digest queued"')));
    expect(queued).toHaveLength(2);
  }, 120_000);
});
