import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery, type Delivery } from '../../src/app/delivery.js';
import { digestChart } from '../../src/charts/digest-chart.js';
import { preloadChartLibraries } from '../../src/charts/render.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore, type Store } from '../../src/store/index.js';
import { newsroomGuild } from '../helpers/event-outlets.js';
import { DEFAULT_GUILD_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import { capturingLogger, classified, makeStory, newSubscription, TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOUR_MS = 3_600_000;
const FORUM = '300000000000000041';
/** 16:30 UTC: 01:30 of the next day in Seoul, so Seoul's days and UTC's differ. */
const NOW = Date.UTC(2026, 11, 4, 16, 30);
/** A made-up word per seed: headlines that share no wording, so the digest lists each one apart. */
function wordOf(seed: number): string {
  let x = (seed * 2_654_435_761) >>> 0;
  let word = '';
  for (let n = 0; n < 7; n++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    word += String.fromCharCode(97 + ((x >>> 16) % 26));
  }
  return word;
}

let fake: FakeDiscord | null = null;
let store: Store | null = null;
let delivery: Delivery | null = null;

afterEach(async () => {
  await delivery?.close();
  store?.close();
  await fake?.close();
  fake = store = delivery = null;
});

describe('a digest to a forum channel, with its chart in the subscription\'s time zone', () => {
  it('GIVEN a Seoul digest subscription to a forum WHEN the digest goes out THEN it is ONE post holding every part, and its chart counts Seoul days', async () => {
    await preloadChartLibraries();
    fake = await startFakeDiscord({ guilds: [newsroomGuild([{ id: FORUM, name: 'digests', type: 15, availableTags: [{ id: '700000000000000009', name: 'Ukraine' }] }])] });
    store = createStore(join(tempDir(), 'w.db'));
    const subscription = store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: FORUM, guildId: DEFAULT_GUILD_ID }, topics: ['ukraine', 'north-korea'], mode: 'digest', schedule: '0 8 * * *', timezone: 'Asia/Seoul', createdAt: NOW - 30 * HOUR_MS }));
    // Enough long stories for a digest of several messages.
    for (let i = 0; i < 60; i++) {
      const at = NOW - (i % 24) * HOUR_MS - i * 1000;
      const words = Array.from({ length: 16 }, (_, k) => wordOf(i * 100 + k)).join(' ');
      store.stories.insert(makeStory({ title: `${i % 2 === 0 ? 'Kyiv' : 'Pyongyang'} ${i}: ${words}`, url: `https://example.com/${i}`, publishedAt: at, firstSeenAt: at }), classified(i % 2 === 0 ? { ukraine: 6 } : { 'north-korea': 6 }));
    }
    delivery = createDelivery({
      store,
      env: loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase, DIGEST_CHART: 'on' }),
      log: capturingLogger().log,
      topics: TEST_TOPICS,
      feedsById: TEST_FEEDS,
      clock: () => NOW,
      rest: { offset: 0, timeout: 10_000, retries: 0 },
      retry: { baseDelayMs: 20, maxAttempts: 2, waitMs: 0 },
    });
    expect(delivery.runDueDigests(NOW, { force: true })).toBe(1);
    await delivery.drain();
    const rows = store.outbox.listForSubscription(subscription.id);
    expect(rows.length, JSON.stringify(rows.map((r) => r.payload?.embeds.map((e) => e.title)))).toBeGreaterThan(1);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);

    const posts = fake.postsIn(FORUM);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.threadName).toMatch(/^Watchfloor digest: \d+ stories in \d+ entries · 2026-12-04 16:30 UTC$/u);
    expect(posts[0]!.appliedTags).toEqual([]);
    // Every part in the one post: the first is its starter, the others messages in it.
    expect(fake.messagesIn(posts[0]!.id)).toHaveLength(rows.length);
    expect(rows.every((r) => r.messageId !== null)).toBe(true);

    // The chart went with the post, drawn in Seoul days.
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${FORUM}/threads`);
    expect(create?.files).toHaveLength(1);
    const hidden: string[] = [];
    const topics = TEST_TOPICS.filter((t) => t.id === 'ukraine' || t.id === 'north-korea');
    const seoul = digestChart({ trends: store.trends, topics, now: NOW, hiddenFeeds: hidden, timeZone: 'Asia/Seoul' });
    const utc = digestChart({ trends: store.trends, topics, now: NOW, hiddenFeeds: hidden });
    expect(seoul.data.equals(utc.data)).toBe(false);
    expect(create?.files[0]?.bytes.equals(seoul.data)).toBe(true);
  });
});
