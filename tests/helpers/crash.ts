import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createDelivery } from '../../src/app/delivery.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore, type Store } from '../../src/store/index.js';
import { FAKE_TOKEN, type FakeDiscord, type RecordedRequest } from './fake-discord.js';
import { classified, type makeStory, newSubscription, TEST_FEEDS, TEST_TOPICS } from './stories.js';

/** Runs the crash child (tests/discord/crash-child.ts) until `request` reaches the fake, then kills it with SIGKILL. */
export async function killDuring(discord: FakeDiscord, dbPath: string, request: (r: RecordedRequest) => boolean): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../discord/crash-child.ts'), dbPath, discord.apiBase], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  await Promise.race([discord.waitForRequest(request), exited.then(() => Promise.reject(new Error(`child exited early: ${stderr}`)))]);
  child.kill('SIGKILL');
  const [, signal] = (await exited) as [number | null, string | null];
  expect(signal).toBe('SIGKILL');
}

/** Stores a report about North Korea and routes it as the poll cycle does, with a delivery that is closed again at once. */
export async function ingest(dbPath: string, apiBase: string, story: ReturnType<typeof makeStory>): Promise<void> {
  const store: Store = createStore(dbPath);
  const router = createDelivery({ store, env: loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: apiBase }), log: silentLogger(), topics: TEST_TOPICS, feedsById: TEST_FEEDS });
  store.transaction(() => {
    const outcome = store.stories.insert(story, classified({ 'north-korea': 6 }));
    if (outcome.inserted) router.route(outcome.rowid, story, classified({ 'north-korea': 6 }), Date.now());
  });
  await router.close();
  store.close();
}

/** A database at `dbPath` with one `event` subscription (id 1) to `channelId`. */
export function eventDatabase(dbPath: string, channelId: string, guildId: string): void {
  const setup = createStore(dbPath);
  setup.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId, guildId }, topics: ['north-korea'], mode: 'event' }));
  setup.close();
}

/** A new deliverer on `dbPath` drains once and closes: the report and subscription 1's rows after it. */
export async function resumeDelivery(dbPath: string, apiBase: string) {
  const store = createStore(dbPath);
  const delivery = createDelivery({ store, env: loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: apiBase }), log: silentLogger(), topics: TEST_TOPICS, feedsById: TEST_FEEDS, rest: { offset: 0, timeout: 2_000 } });
  const report = await delivery.drain();
  const rows = store.outbox.listForSubscription(1);
  await delivery.close();
  store.close();
  return { report, rows };
}
