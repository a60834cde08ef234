import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * The first hour of a self-hoster: a token Discord refuses stops `run` with exit 2 and the fix
 * (it used to stay up forever doing nothing); Discord out of reach keeps polling while the login
 * is retried, with /readyz saying why; `once` with a refused token leaves the bot's messages
 * pending (not dead), tries once, and exits 2 with the fix.
 */
const tempDir = useTempDir();
let feeds: FeedServer;
let fake: FakeDiscord;
beforeAll(async () => {
  feeds = await startFeedServer();
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake.close();
  await feeds.close();
});

function config(): { env: Record<string, string>; db: string } {
  const dir = tempDir();
  const feedsFile = join(dir, 'feeds.json');
  writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'harbour', name: 'Harbour', url: feeds.url('/feeds/rss2-full.xml'), language: 'en', kind: 'outlet' }] }));
  const db = join(dir, 'w.db');
  return { db, env: { WATCHFLOOR_FEEDS: feedsFile, WATCHFLOOR_DB: db, PARSE_THREADS: '0', LOG_LEVEL: 'info' } };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('run when Discord refuses or cannot be reached', () => {
  it('GIVEN a token Discord refuses (401) THEN run exits 2 at once with the fix, instead of staying up doing nothing', async () => {
    const { env } = config();
    const run = startCli(['run', '--no-http'], { ...env, DISCORD_TOKEN: 'garbage-token', DISCORD_API_BASE: fake.apiBase });
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 45_000);
    const exit = await run.exited;
    clearTimeout(timer);
    expect(exit.code).toBe(2);
    expect(run.output().stderr).toContain('DISCORD_TOKEN');
    expect(run.output().stderr).toContain('Reset Token');
    expect(run.output().stderr).not.toContain('garbage-token');
  }, 60_000);

  it('GIVEN Discord out of reach THEN run polls anyway, /readyz says why, and SIGTERM stops it cleanly', async () => {
    const { env } = config();
    const api = `http://127.0.0.1:${await closedPort()}/api`;
    const run = startCli(['run'], { ...env, DISCORD_TOKEN: 'some-token', DISCORD_API_BASE: api, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1' });
    try {
      const listening = await run.waitForLog((l) => l.msg === 'health and metrics server listening', 45_000);
      await run.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('discord login failed'), 45_000);
      const cycle = await run.waitForLog((l) => l.msg === 'poll cycle finished', 45_000);
      expect(cycle).toMatchObject({ polled: 1, failed: 0 });
      const ready = await fetch(`http://127.0.0.1:${Number(listening.port)}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: { discord: { detail: string } } };
      expect(body.checks.discord.detail).toMatch(/cannot log in to Discord .*retrying in \d+ s/);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect((await run.exited).code).toBe(0);
  }, 90_000);
});

describe('once with a token Discord refuses', () => {
  it('GIVEN bot alerts queued THEN once tries once, leaves them pending with their attempts, and exits 2 with the fix', async () => {
    const { env, db } = config();
    const store = createStore(db);
    store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: DEFAULT_CHANNEL_ID, guildId: DEFAULT_GUILD_ID }, topics: ['*'], maxAgeMs: 100 * 365 * 24 * 3_600_000 }));
    store.close();
    const before = fake.requests.length;
    const once = await runCli(['once', '--all'], { ...env, DISCORD_TOKEN: 'garbage-token', DISCORD_API_BASE: fake.apiBase, LOG_LEVEL: 'silent' }, { timeoutMs: 60_000 });
    expect(once.code).toBe(2);
    expect(once.stderr).toContain('DISCORD_TOKEN');
    expect(once.stderr).toContain('Reset Token');
    const posts = fake.requests.slice(before).filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    const after = createStore(db);
    const counts = after.outbox.counts();
    expect(counts.dead).toBe(0);
    expect(counts.pending).toBeGreaterThan(1);
    expect(after.outbox.listByStatus('pending', 100).every((r) => r.attempts === 0)).toBe(true);
    after.close();
  }, 90_000);
});
