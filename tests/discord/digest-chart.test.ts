import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery, type Delivery } from '../../src/app/delivery.js';
import { MAX_ATTACHMENT_BYTES, preloadChartLibraries } from '../../src/charts/render.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore, type Store } from '../../src/store/index.js';
import { messageBodyProblems } from '../helpers/discord-schemas.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FAKE_TOKEN, startFakeDiscord, startFakeDiscordWithWebhook, TEST_WEBHOOK, type FakeDiscord } from '../helpers/fake-discord.js';
import { readPng } from '../helpers/png.js';
import { capturingLogger, classified, makeStory, newSubscription, TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOUR_MS = 3_600_000;

let fake: FakeDiscord | null = null;
let store: Store | null = null;
let delivery: Delivery | null = null;

afterEach(async () => {
  if (fake) for (const request of fake.messageRequests()) expect(messageBodyProblems(request), `${request.method} ${request.path}`).toEqual([]);
  await delivery?.close();
  store?.close();
  await fake?.close();
  fake = null;
  store = null;
  delivery = null;
});

async function setUp(options: { chart: boolean; webhook?: boolean }): Promise<{ fake: FakeDiscord; store: Store; delivery: Delivery; subscriptionId: number }> {
  fake = options.webhook ? await startFakeDiscordWithWebhook() : await startFakeDiscord();
  store = createStore(join(tempDir(), 'w.db'));
  const target = options.webhook ? { kind: 'webhook' as const, url: TEST_WEBHOOK.url } : { kind: 'channel' as const, channelId: DEFAULT_CHANNEL_ID, guildId: DEFAULT_GUILD_ID };
  const subscription = store.subscriptions.add(newSubscription({ target, topics: ['ukraine', 'north-korea'], mode: 'digest', schedule: '0 8 * * *', createdAt: Date.now() - 30 * HOUR_MS }));
  for (let i = 0; i < 12; i++) {
    const at = Date.now() - (i * 2 + 1) * HOUR_MS;
    store.stories.insert(makeStory({ title: `Digest story number ${i} about ${i % 2 === 0 ? 'Kyiv' : 'Pyongyang'} ${'x'.repeat(i)}`, publishedAt: at, firstSeenAt: at }), classified(i % 2 === 0 ? { ukraine: 6 } : { 'north-korea': 6 }));
  }
  delivery = createDelivery({
    store,
    env: loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase, DIGEST_CHART: options.chart ? 'on' : 'off' }),
    log: capturingLogger().log,
    topics: TEST_TOPICS,
    feedsById: TEST_FEEDS,
    rest: { offset: 0, timeout: 10_000, retries: 0 },
    retry: { baseDelayMs: 20, maxAttempts: 2, waitMs: 0 },
  });
  return { fake, store, delivery, subscriptionId: subscription.id };
}

describe('a small chart on digests (DIGEST_CHART=on)', () => {
  it('GIVEN DIGEST_CHART=on WHEN a digest goes out through the bot THEN its first message carries one small valid PNG, and the outbox row stays small', async () => {
    await preloadChartLibraries();
    const t = await setUp({ chart: true });
    expect(t.delivery.runDueDigests(Date.now(), { force: true })).toBe(1);
    const report = await t.delivery.drain();
    expect(report.sent).toBeGreaterThanOrEqual(1);
    const posts = t.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    const [first, ...rest] = posts;
    expect(first?.files).toHaveLength(1);
    const file = first?.files[0];
    expect(file?.name).toBe('watchfloor-digest-trend.png');
    expect(readPng(file?.bytes ?? Buffer.alloc(0))).toMatchObject({ width: 640, height: 300 });
    expect(file?.bytes.length).toBeLessThan(MAX_ATTACHMENT_BYTES);
    for (const later of rest) expect(later.files).toEqual([]);
    // The stored row holds the message only; the PNG is kept beside it, once.
    const rows = t.store.outbox.listForSubscription(t.subscriptionId);
    const stored = t.store.db.prepare<[], { n: number; bytes: number }>('SELECT count(*) AS n, sum(length(png)) AS bytes FROM outbox_files').get();
    expect(stored).toEqual({ n: 1, bytes: file?.bytes.length });
    const payloadBytes = t.store.db.prepare<[number], { n: number }>('SELECT length(payload) AS n FROM outbox WHERE id = ?').get(rows[0]?.id ?? 0)?.n ?? 0;
    expect(payloadBytes).toBeLessThan(7000);
  });

  it('GIVEN DIGEST_CHART=on WHEN a digest goes out through a webhook THEN the chart is attached there too', async () => {
    await preloadChartLibraries();
    const t = await setUp({ chart: true, webhook: true });
    t.delivery.runDueDigests(Date.now(), { force: true });
    await t.delivery.drain();
    const posts = t.fake.requests.filter((r) => r.method === 'POST' && r.path === `/webhooks/${TEST_WEBHOOK.id}/${TEST_WEBHOOK.token}`);
    expect(posts[0]?.files).toHaveLength(1);
    expect(readPng(posts[0]?.files[0]?.bytes ?? Buffer.alloc(0)).width).toBe(640);
  });

  it('GIVEN the default (off) WHEN a digest goes out THEN no file is attached', async () => {
    const t = await setUp({ chart: false });
    t.delivery.runDueDigests(Date.now(), { force: true });
    await t.delivery.drain();
    const posts = t.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    expect(posts.length).toBeGreaterThanOrEqual(1);
    expect(posts.every((p) => p.files.length === 0)).toBe(true);
    expect(t.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox_files').get()?.n).toBe(0);
  });
});
