import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { killAll, runCli, startCli } from '../helpers/cli.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FAKE_TOKEN, startFakeDiscordWithWebhook, TEST_WEBHOOK, type FakeDiscord } from '../helpers/fake-discord.js';
import { commandInteraction, installInteractionRoutes, interact, replyText } from '../helpers/fake-interactions.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { postsPerStory, waitForPosts } from '../helpers/posts.js';
import { newSubscription } from '../helpers/stories.js';
import { item as storyItem, rss } from '../helpers/shelling-feed.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * `run --role` (docs/self-hosting.md, "Roles"): pollers, deliverers and a gateway as separate
 * processes on one SQLite file, over loopback feeds and the fake Discord. Every story is stored
 * once and every alert posted once per subscription (a bot channel and a webhook), also when a
 * poller and a deliverer are killed in the middle of their work.
 */
const tempDir = useTempDir();
const FEEDS = 10;
const ITEMS = 6;
/** One more feed that answers its first request slowly: a poller is killed while fetching it. */
const SLOW_ITEMS = 4;
const STORIES = FEEDS * ITEMS + SLOW_ITEMS;
const WEBHOOK_CHANNEL = TEST_WEBHOOK.channelId;
const SLOW_FIRST_ANSWER_MS = 4_000;

let feeds: FeedServer;
let fake: FakeDiscord;
let slowRequests = 0;
const children: ReturnType<typeof startCli>[] = [];

const item = (n: number, now: number): string => storyItem(n, now, 'roles');

beforeAll(async () => {
  feeds = await startFeedServer();
  const now = Date.now();
  for (let f = 0; f < FEEDS; f++) {
    const items = Array.from({ length: ITEMS }, (_, i) => item(f * ITEMS + i, now)).join('');
    feeds.route(`/roles/${f}.xml`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(rss(`Feed ${f}`, items));
    });
  }
  const slowItems = Array.from({ length: SLOW_ITEMS }, (_, i) => item(FEEDS * ITEMS + i, now)).join('');
  feeds.route('/roles/slow.xml', (_req, res) => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(rss('Slow', slowItems));
    };
    if (slowRequests++ === 0) setTimeout(answer, SLOW_FIRST_ANSWER_MS);
    else answer();
  });
});
afterAll(async () => {
  await feeds.close();
});

afterEach(async () => {
  await killAll(children);
  await fake.close();
});

async function setup(): Promise<Record<string, string>> {
  fake = await startFakeDiscordWithWebhook();
  installInteractionRoutes(fake);
  return setupOn(fake);
}

function setupOn(discord: FakeDiscord): Record<string, string> {
  slowRequests = 0;
  const dir = tempDir();
  const feedsFile = join(dir, 'feeds.json');
  const list = Array.from({ length: FEEDS }, (_, f) => ({ id: `f${f}`, name: `Feed ${f}`, url: feeds.url(`/roles/${f}.xml`), language: 'en', kind: 'outlet' }));
  list.push({ id: 'slow', name: 'Slow', url: feeds.url('/roles/slow.xml'), language: 'en', kind: 'outlet' });
  writeFileSync(feedsFile, JSON.stringify({ feeds: list }));
  const db = join(dir, 'w.db');
  const store = createStore(db);
  const all = { topics: ['*'], maxAgeMs: 24 * 3_600_000, createdAt: Date.now() - 3_600_000 };
  store.subscriptions.add(newSubscription({ ...all, target: { kind: 'channel', channelId: DEFAULT_CHANNEL_ID, guildId: DEFAULT_GUILD_ID } }));
  store.subscriptions.add(newSubscription({ ...all, target: { kind: 'webhook', url: TEST_WEBHOOK.url } }));
  store.close();
  return {
    WATCHFLOOR_FEEDS: feedsFile,
    WATCHFLOOR_DB: db,
    DISCORD_TOKEN: FAKE_TOKEN,
    DISCORD_API_BASE: discord.apiBase,
    DISCORD_GUILD_ID: DEFAULT_GUILD_ID,
    // Every two seconds: a feed a killed poller held is polled again soon.
    POLL_SCHEDULE: '*/2 * * * * *',
    DELIVERY_TICK_MS: '1000',
    PARSE_THREADS: '0',
    LOG_LEVEL: 'info',
  };
}

function start(role: string, env: Record<string, string>): ReturnType<typeof startCli> {
  const child = startCli(['run', '--no-http', '--role', role], env);
  children.push(child);
  return child;
}

async function waitForAll(timeoutMs: number): Promise<void> {
  await waitForPosts(fake, [DEFAULT_CHANNEL_ID, WEBHOOK_CHANNEL], STORIES, timeoutMs);
}

function expectExactlyOnce(db: string): void {
  for (const channel of [DEFAULT_CHANNEL_ID, WEBHOOK_CHANNEL]) {
    const counts = postsPerStory(fake, channel);
    expect([...counts].filter(([, n]) => n > 1), `stories posted more than once in ${channel}`).toEqual([]);
    expect(counts.size, `stories posted in ${channel}`).toBe(STORIES);
  }
  const store = createStore(db);
  try {
    expect(store.stories.total()).toBe(STORIES);
    expect(store.outbox.counts()).toMatchObject({ pending: 0, dead: 0, uncertain: 0, sent: 2 * STORIES });
  } finally {
    store.close();
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid in an owner name (`host:pid:random`, ADR 11). */
function pidOf(owner: string): number {
  return Number(owner.split(':').at(-2));
}

describe('run --role', () => {
  it('GIVEN a poller, a deliverer and a gateway on one database THEN every alert is posted exactly once, only the gateway connects, /status lists the three roles, and each removes its heartbeat on a clean stop', async () => {
    const env = await setup();
    const gateway = start('gateway', env);
    const poller = start('poller', env);
    const deliverer = start('deliverer', env);
    await gateway.waitForLog((l) => l.msg === 'slash commands registered in one server', 60_000);
    await poller.waitForLog((l) => l.msg === 'poll cycle finished', 60_000);
    await waitForAll(60_000);
    expectExactlyOnce(env.WATCHFLOOR_DB ?? '');
    // One gateway connection in all: the deliverer posted over REST, the poller not at all.
    expect(fake.identifies).toHaveLength(1);
    // Only the gateway logs in: discord.js fetches /gateway/bot at login.
    expect(fake.requests.filter((r) => r.path === '/gateway/bot')).toHaveLength(1);
    expect(gateway.output().stderr).not.toContain('poll cycle finished');

    const answer = await interact(fake, commandInteraction({ guildId: DEFAULT_GUILD_ID, channelId: DEFAULT_CHANNEL_ID }, 'status'));
    const text = replyText(answer.message);
    expect(text).toContain('Processes (roles)');
    expect(text).toMatch(/gateway 1 live/u);
    expect(text).toMatch(/poller 1 live/u);
    expect(text).toMatch(/deliverer 1 live/u);

    const status = await runCli(['status', '--json'], { WATCHFLOOR_FEEDS: env.WATCHFLOOR_FEEDS ?? '', WATCHFLOOR_DB: env.WATCHFLOOR_DB ?? '' });
    expect(status.code, status.stderr).toBe(0);
    const processes = (JSON.parse(status.stdout) as { processes: { role: string; pid: number; alive: boolean }[] }).processes;
    expect(processes.map((p) => p.role).sort()).toEqual(['deliverer', 'gateway', 'poller']);
    expect(processes.every((p) => p.alive)).toBe(true);
    expect(processes.find((p) => p.role === 'poller')?.pid).toBe(poller.child.pid);

    for (const child of [gateway, poller, deliverer]) child.child.kill('SIGTERM');
    for (const child of [gateway, poller, deliverer]) expect((await child.exited).code).toBe(0);
    const store = createStore(env.WATCHFLOOR_DB ?? '');
    expect(store.heartbeats.list()).toEqual([]);
    store.close();
  }, 180_000);

  it('GIVEN two pollers and two deliverers WHEN one of each is killed mid-work THEN every story is stored once and every alert posted exactly once', async () => {
    const env = await setup();
    // The first bot message is posted by Discord but never answered: its deliverer hangs in the send.
    fake.inject({ method: 'POST', path: new RegExp(`^/channels/${DEFAULT_CHANNEL_ID}/messages$`), status: 200, afterProcessing: true, hang: true });
    const pollers = [start('poller', env), start('poller', env)];
    const deliverers = [start('deliverer', env), start('deliverer', env)];
    const byPid = new Map([...pollers, ...deliverers].map((c) => [c.child.pid, c]));

    // The poller fetching the slow feed holds its lease: kill it while the fetch is in flight.
    await until(() => slowRequests > 0, 60_000);
    const store = createStore(env.WATCHFLOOR_DB ?? '');
    const leaseOwner = store.feeds.get('slow')?.leaseOwner ?? '';
    const pollerKilled = byPid.get(pidOf(leaseOwner));
    expect(pollerKilled, `lease owner ${leaseOwner}`).toBeDefined();
    expect(pollers).toContain(pollerKilled);
    pollerKilled?.child.kill('SIGKILL');

    // The deliverer whose send hangs holds that row's claim: kill it mid-send.
    await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    let claimedBy: string | null = null;
    for (let i = 0; i < 50 && claimedBy === null; i++) {
      claimedBy = store.db.prepare<[], { claimed_by: string }>("SELECT claimed_by FROM outbox WHERE status = 'pending' AND send_started_at IS NOT NULL AND claimed_by IS NOT NULL ORDER BY id LIMIT 1").get()?.claimed_by ?? null;
      if (claimedBy === null) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const delivererKilled = byPid.get(pidOf(claimedBy ?? ''));
    expect(deliverers).toContain(delivererKilled);
    delivererKilled?.child.kill('SIGKILL');
    store.close();
    expect((await pollerKilled?.exited)?.signal).toBe('SIGKILL');
    expect((await delivererKilled?.exited)?.signal).toBe('SIGKILL');

    await waitForAll(90_000);
    expectExactlyOnce(env.WATCHFLOOR_DB ?? '');
    // The slow feed was fetched again by the surviving poller (its first answer went to the dead one).
    expect(slowRequests).toBeGreaterThanOrEqual(2);
    // The surviving deliverer sent the hung message again with its nonce; Discord kept one.
    const botPosts = fake.messageRequests().filter((r) => r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    const hungNonce = (botPosts[0]?.body as { nonce?: string } | undefined)?.nonce;
    expect(hungNonce).toBeDefined();
    expect(botPosts.filter((r) => (r.body as { nonce?: string }).nonce === hungNonce).length).toBeGreaterThanOrEqual(2);
  }, 240_000);

  it('GIVEN two deliverers and digest subscriptions that are due THEN each digest is composed and posted once', async () => {
    const env = await setup();
    const store = createStore(env.WATCHFLOOR_DB ?? '');
    // Instant alerts off (no stories anyway); two daily digests due since last midnight, posted even when empty.
    for (const sub of store.subscriptions.list()) store.subscriptions.remove(sub.id);
    const digest = { mode: 'digest' as const, schedule: '0 0 * * *', timezone: 'UTC', postEmptyDigest: true, topics: ['*'], createdAt: Date.now() - 2 * 86_400_000 };
    store.subscriptions.add(newSubscription({ ...digest, target: { kind: 'channel', channelId: DEFAULT_CHANNEL_ID, guildId: DEFAULT_GUILD_ID } }));
    store.subscriptions.add(newSubscription({ ...digest, target: { kind: 'webhook', url: TEST_WEBHOOK.url } }));
    store.close();
    const deliverers = [start('deliverer', env), start('deliverer', env)];
    await Promise.all(deliverers.map((d) => d.waitForLog((l) => l.msg === 'watchfloor running', 60_000)));
    await until(() => fake.messagesIn(DEFAULT_CHANNEL_ID).length >= 1 && fake.messagesIn(WEBHOOK_CHANNEL).length >= 1, 60_000);
    // A few more ticks of both: nothing more may come.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    expect(fake.messagesIn(WEBHOOK_CHANNEL)).toHaveLength(1);
    const after = createStore(env.WATCHFLOOR_DB ?? '');
    expect(after.outbox.counts()).toMatchObject({ pending: 0, sent: 2 });
    after.close();
    // Each deliverer logged the digests it queued: two in all, never one twice.
    const queued = deliverers.flatMap((d) => d.output().stderr.split('\n').filter((line) => line.includes('"digest queued"')));
    expect(queued).toHaveLength(2);
  }, 120_000);

  it('GIVEN WATCHFLOOR_SHARDS=auto and Discord recommending 2 shards WHEN a gateway starts THEN it identifies both shards in one process, answers a command, and /healthz and /readyz report its role', async () => {
    fake = await startFakeDiscordWithWebhook({ recommendedShards: 2 });
    installInteractionRoutes(fake);
    const env = { ...setupOn(fake), WATCHFLOOR_SHARDS: 'auto', HTTP_PORT: '0' };
    const feedRequestsBefore = feeds.requests.length;
    const gateway = startCli(['run', '--role', 'gateway'], env);
    children.push(gateway);
    const listening = await gateway.waitForLog((l) => l.msg === 'health and metrics server listening', 60_000);
    await gateway.waitForLog((l) => l.msg === 'discord gateway connected', 60_000);
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([[0, 2], [1, 2]]);
    const answer = await interact(fake, commandInteraction({ guildId: DEFAULT_GUILD_ID, channelId: DEFAULT_CHANNEL_ID }, 'status'));
    expect(replyText(answer.message)).toMatch(/gateway 1 live/u);

    const base = `http://127.0.0.1:${String(listening.port)}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok', role: 'gateway' });
    const ready = await fetch(`${base}/readyz`);
    const body = (await ready.json()) as { ready: boolean; role: string; checks: { poll_cycle: { ok: boolean; detail: string }; discord: { ok: boolean } } };
    expect(ready.status).toBe(200);
    expect(body).toMatchObject({ ready: true, role: 'gateway', checks: { poll_cycle: { ok: true, detail: 'this process does not poll (role gateway)' }, discord: { ok: true } } });
    // The gateway neither polls nor delivers.
    expect(feeds.requests.slice(feedRequestsBefore)).toHaveLength(0);
    expect(fake.messageRequests()).toHaveLength(0);
    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);
  }, 90_000);

  it('GIVEN WATCHFLOOR_SHARDS=3 WHEN a gateway starts THEN it identifies shards 0, 1 and 2 of 3', async () => {
    const env = { ...(await setup()), WATCHFLOOR_SHARDS: '3' };
    const gateway = start('gateway', env);
    await gateway.waitForLog((l) => l.msg === 'discord gateway connected', 90_000);
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([[0, 3], [1, 3], [2, 3]]);
  }, 120_000);

  it('GIVEN an unknown role THEN run exits 2 with one message naming the flag or the variable and the roles', async () => {
    const env = { WATCHFLOOR_DB: join(tempDir(), 'w.db'), WATCHFLOOR_FEEDS: join(import.meta.dirname, '../../examples/feeds.json') };
    const flag = await runCli(['run', '--no-http', '--role', 'pollr'], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('command line (--role): "pollr" is not a role. Use one of all, poller, deliverer, gateway');
    expect(flag.stderr.trim().split('\n')).toHaveLength(2); // the header and the one problem
    const variable = await runCli(['run', '--no-http'], { ...env, WATCHFLOOR_ROLE: 'Deliverer' });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('WATCHFLOOR_ROLE');
    expect(variable.stderr).toContain('must be one of all, poller, deliverer, gateway');
  }, 60_000);
});
