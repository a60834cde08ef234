import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { FAKE_TOKEN, startFakeDiscordWithWebhook, TEST_WEBHOOK, type FakeDiscord } from '../helpers/fake-discord.js';
import { routeThreeKyivStories, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { HEAVY_PACKAGES, moduleProbe, packagesIn } from '../helpers/module-probe.js';
import { newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Fixed cost (ADR 15): a command loads only the packages it uses. The real CLI runs in a child
 * process with a probe preloaded that lists every module it loaded.
 */
const tempDir = useTempDir();

/** The npm packages (by name) the CLI loaded for these arguments, and its result. */
async function packagesLoaded(args: readonly string[], env: Record<string, string> = {}): Promise<{ packages: Set<string>; code: number | null; stderr: string }> {
  const { out, probeEnv } = probe();
  const result = await runCli(args, { ...env, ...probeEnv }, { timeoutMs: 90_000 });
  return { packages: packagesIn(out), code: result.code, stderr: result.stderr };
}

/** A fresh probe: the file it writes to and the environment that preloads it. */
function probe(): { out: string; probeEnv: Record<string, string> } {
  return moduleProbe(tempDir());
}

let feeds: FeedServer;
let fake: FakeDiscord;

beforeAll(async () => {
  feeds = await startFeedServer();
  fake = await startFakeDiscordWithWebhook();
  routeThreeKyivStories(feeds, '/ml.xml', 'ml');
});
afterAll(async () => {
  await fake.close();
  await feeds.close();
});

function setup(subscribeWebhook: boolean): Record<string, string> {
  const dir = tempDir();
  const feedsFile = join(dir, 'feeds.json');
  writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'kyiv', name: 'Kyiv', url: feeds.url('/ml.xml'), language: 'en', kind: 'outlet' }] }));
  const db = join(dir, 'w.db');
  if (subscribeWebhook) {
    const store = createStore(db);
    store.subscriptions.add(newSubscription({ topics: ['*'], maxAgeMs: 24 * 3_600_000, createdAt: Date.now() - 3_600_000, target: { kind: 'webhook', url: TEST_WEBHOOK.url } }));
    store.close();
  }
  return { WATCHFLOOR_FEEDS: feedsFile, WATCHFLOOR_DB: db, PARSE_THREADS: '0' };
}

describe('modules loaded by a command', () => {
  it('GIVEN --help THEN no heavy package is loaded', async () => {
    const { packages, code } = await packagesLoaded(['--help']);
    expect(code).toBe(0);
    expect(packages.has('commander')).toBe(true); // the probe sees packages at all
    expect(HEAVY_PACKAGES.filter((name) => packages.has(name))).toEqual([]);
  });

  it('GIVEN no bot token (console only) WHEN once polls THEN discord.js, @discordjs/rest and pino-pretty are never loaded', async () => {
    const { packages, code, stderr } = await packagesLoaded(['once', '--all'], setup(false));
    expect(code, stderr).toBe(0);
    expect(packages.has('rss-parser')).toBe(true); // it did poll
    expect(packages.has('p-limit')).toBe(true); // ES modules are seen too (p-limit has no CommonJS build)
    // undici too: feeds are fetched with node:http (ADR 15).
    expect(['discord.js', '@discordjs/rest', 'pino-pretty', 'prom-client', 'undici'].filter((name) => packages.has(name))).toEqual([]);
  });

  it('GIVEN the automatic console digest WHEN a second once finds it not yet due THEN cron-parser and luxon are not loaded, and the first fire time came from the memo file', async () => {
    const env = setup(false);
    // The first once creates the console digest (08:00 UTC) and computes when it first fires.
    const first = await packagesLoaded(['once', '--all'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.packages.has('cron-parser')).toBe(true);
    const memoFile = join(dirname(env.WATCHFLOOR_DB ?? ''), 'schedule-cache.json');
    const memo = JSON.parse(readFileSync(memoFile, 'utf8')) as { entries: Record<string, number> };
    const [[key, next]] = Object.entries(memo.entries) as [[string, number]];
    expect(key.split('\u0000').slice(0, 2)).toEqual(['0 8 * * *', 'UTC']);
    expect(new Date(next).toISOString()).toMatch(/T08:00:00\.000Z$/);
    expect(next).toBeGreaterThan(Date.now());
    const second = await packagesLoaded(['once', '--all'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.packages.has('rss-parser')).toBe(true); // it did poll
    expect(['cron-parser', 'luxon'].filter((name) => second.packages.has(name))).toEqual([]);
  });

  it('GIVEN the default parser threads and UTF-8 feeds WHEN once polls one feed THEN piscina, node-cron and iconv-lite are never loaded', async () => {
    const { PARSE_THREADS: _threads, ...env } = setup(false);
    const { packages, code, stderr } = await packagesLoaded(['once', '--all'], env);
    expect(code, stderr).toBe(0);
    expect(packages.has('rss-parser')).toBe(true); // it did poll
    // Too few documents to start a parser thread; no schedule validated; no legacy charset.
    expect(['piscina', 'node-cron', 'iconv-lite'].filter((name) => packages.has(name))).toEqual([]);
  });

  it('GIVEN a webhook subscription and no bot token WHEN once posts its alerts THEN discord.js is never loaded', async () => {
    const before = fake.messagesIn(TEST_WEBHOOK.channelId).length;
    const { packages, code, stderr } = await packagesLoaded(['once', '--all'], { ...setup(true), DISCORD_API_BASE: fake.apiBase });
    expect(code, stderr).toBe(0);
    expect(fake.messagesIn(TEST_WEBHOOK.channelId).length - before).toBe(3); // posted through the webhook
    expect(packages.has('@discordjs/rest')).toBe(true);
    expect(packages.has('discord.js')).toBe(false);
  });

  it('GIVEN a bot token and a webhook subscription WHEN run --role poller polls and queues alerts THEN neither discord.js nor @discordjs/rest is loaded, and the flag wins over WATCHFLOOR_ROLE', async () => {
    const { out, probeEnv } = probe();
    const env: Record<string, string> = { ...setup(true), DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase, WATCHFLOOR_ROLE: 'gateway', LOG_LEVEL: 'info', ...probeEnv };
    const identifiesBefore = fake.identifies.length;
    const run = startCli(['run', '--no-http', '--role', 'poller'], env);
    try {
      const running = await run.waitForLog((l) => l.msg === 'watchfloor running', 60_000);
      expect(running.role).toBe('poller');
      const cycle = await run.waitForLog((l) => l.msg === 'poll cycle finished', 60_000);
      expect(cycle).toMatchObject({ polled: 1, failed: 0 });
    } finally {
      run.child.kill('SIGTERM');
    }
    expect((await run.exited).code).toBe(0);
    // It queued the alerts (for a deliverer) and sent none, nor connected to Discord.
    const store = createStore(env.WATCHFLOOR_DB ?? '');
    expect(store.outbox.counts()).toMatchObject({ pending: 3, sent: 0 });
    store.close();
    expect(fake.identifies.length).toBe(identifiesBefore);
    const packages = packagesIn(out);
    expect(packages.has('rss-parser')).toBe(true); // it did poll
    expect(['discord.js', '@discordjs/rest'].filter((name) => packages.has(name))).toEqual([]);
  }, 90_000);
});
