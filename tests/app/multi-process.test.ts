import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { killAll, runCli, startCli } from '../helpers/cli.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FAKE_TOKEN, startFakeDiscordWithWebhook, TEST_WEBHOOK, type FakeDiscord } from '../helpers/fake-discord.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { postsPerStory, waitForPosts } from '../helpers/posts.js';
import { newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Exactly once across processes (ADR 11): `run` beside `once`, and two `run`s, on one database,
 * with a bot channel and a webhook subscribed to everything. Every story is posted once per
 * subscription: never twice, never missing. Before claims and leases, `run` + `once` posted a
 * third to a half of the webhook alerts twice.
 */
const tempDir = useTempDir();
const FEEDS = 12;
const ITEMS = 8;
const STORIES = FEEDS * ITEMS;
const WEBHOOK_CHANNEL = TEST_WEBHOOK.channelId;

let feeds: FeedServer;
let fake: FakeDiscord;
const children: ReturnType<typeof startCli>[] = [];

beforeAll(async () => {
  feeds = await startFeedServer();
  const now = Date.now();
  for (let f = 0; f < FEEDS; f++) {
    const items = Array.from({ length: ITEMS }, (_, i) => {
      const n = f * ITEMS + i;
      return `<item><title>Kyiv story ${n}: Ukraine reports shelling near Kharkiv, ${n} hurt</title><link>https://ukr.example/${n}</link>` +
        `<guid>ukr-${n}</guid><pubDate>${new Date(now - n * 1000).toUTCString()}</pubDate>` +
        `<description>Ukrainian officials in Kyiv said Russian forces shelled the region overnight (report ${n}).</description></item>`;
    }).join('');
    feeds.route(`/mp/${f}.xml`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${f}</title><link>https://ukr.example/</link><description>d</description>${items}</channel></rss>`);
    });
  }
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
  const dir = tempDir();
  const feedsFile = join(dir, 'feeds.json');
  writeFileSync(feedsFile, JSON.stringify({ feeds: Array.from({ length: FEEDS }, (_, f) => ({ id: `f${f}`, name: `Feed ${f}`, url: feeds.url(`/mp/${f}.xml`), language: 'en', kind: 'outlet' })) }));
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
    DISCORD_API_BASE: fake.apiBase,
    DELIVERY_TICK_MS: '1000',
    PARSE_THREADS: '0',
    LOG_LEVEL: 'info',
  };
}

async function waitForAll(timeoutMs: number): Promise<void> {
  await waitForPosts(fake, [DEFAULT_CHANNEL_ID, WEBHOOK_CHANNEL], STORIES, timeoutMs);
}

function expectExactlyOnce(): void {
  for (const channel of [DEFAULT_CHANNEL_ID, WEBHOOK_CHANNEL]) {
    const counts = postsPerStory(fake, channel);
    const twice = [...counts].filter(([, n]) => n > 1);
    expect(twice, `stories posted more than once in ${channel}`).toEqual([]);
    expect(counts.size, `stories posted in ${channel}`).toBe(STORIES);
  }
}

describe('two processes on one database', () => {
  it('GIVEN run and once started together WHEN both poll and deliver THEN every alert is posted exactly once, bot and webhook', async () => {
    const env = await setup();
    const run = startCli(['run', '--no-http'], env);
    children.push(run);
    const once = await runCli(['once', '--all'], { ...env, LOG_LEVEL: 'warn' }, { timeoutMs: 90_000 });
    expect(once.code, once.stderr).toBe(0);
    await waitForAll(60_000);
    expectExactlyOnce();
    const store = createStore(env.WATCHFLOOR_DB!);
    expect(store.outbox.counts()).toMatchObject({ pending: 0, dead: 0, uncertain: 0, sent: 2 * STORIES });
    store.close();
  }, 150_000);

  it('GIVEN two run processes on one database THEN every alert is posted exactly once and each feed is polled by one at a time', async () => {
    const env = await setup();
    const before = feeds.requests.length;
    const first = startCli(['run', '--no-http'], env);
    const second = startCli(['run', '--no-http'], env);
    children.push(first, second);
    await Promise.all([first.waitForLog((l) => l.msg === 'poll cycle finished', 60_000), second.waitForLog((l) => l.msg === 'poll cycle finished', 60_000)]);
    await waitForAll(60_000);
    expectExactlyOnce();
    // Each feed was fetched once: the second process found it leased or already polled.
    const perFeed = new Map<string, number>();
    for (const r of feeds.requests.slice(before)) if (r.path.startsWith('/mp/')) perFeed.set(r.path, (perFeed.get(r.path) ?? 0) + 1);
    expect(perFeed.size).toBe(FEEDS);
    expect([...perFeed].filter(([, n]) => n !== 1)).toEqual([]);
  }, 150_000);
});
