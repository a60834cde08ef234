import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDelivery, type Delivery } from '../../src/app/delivery.js';
import { loadEnv } from '../../src/config/env.js';
import { MAX_NONCE_CHARS } from '../../src/core/compose/limits.js';
import { createStore, type Store } from '../../src/store/index.js';
import { messageBodyProblems } from '../helpers/discord-schemas.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_ROLE_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import { newsroomGuild } from '../helpers/event-outlets.js';
import { capturingLogger, classified, makeStory, TEST_FEEDS, TEST_TOPICS, newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const FORBIDDEN_CHANNEL = '300000000000000009';
const WEBHOOK_ID = '600000000000000001';
const WEBHOOK_TOKEN = 'w'.repeat(68);
const WEBHOOK_CHANNEL = '300000000000000002';

let fake: FakeDiscord;
let store: Store;
let delivery: Delivery;
let logs: ReturnType<typeof capturingLogger>;

function subscribeChannel(channelId = DEFAULT_CHANNEL_ID, overrides: { mentionRoleId?: string | null; mode?: 'instant' | 'digest'; schedule?: string | null } = {}) {
  return store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId, guildId: DEFAULT_GUILD_ID }, topics: ['ukraine', 'north-korea', 'south-korea'], mode: overrides.mode ?? 'instant', schedule: overrides.schedule ?? null, mentionRoleId: overrides.mentionRoleId ?? null, maxAgeMs: 24 * 3_600_000, createdAt: Date.now() - 3_600_000 }));
}

/** Stores a story and routes it in one transaction, as the poll pipeline does. */
function ingest(story = makeStory(), scores: Record<string, number> = { ukraine: 6 }): number {
  return store.transaction(() => {
    const outcome = store.stories.insert(story, classified(scores));
    return outcome.inserted ? delivery.route(outcome.rowid, story, classified(scores), Date.now()) : 0;
  });
}

beforeEach(async () => {
  fake = await startFakeDiscord({
    guilds: [
      newsroomGuild([
        { id: DEFAULT_CHANNEL_ID, name: 'alerts' },
        { id: WEBHOOK_CHANNEL, name: 'hooked' },
        { id: FORBIDDEN_CHANNEL, name: 'locked' },
      ]),
    ],
    webhooks: [{ id: WEBHOOK_ID, token: WEBHOOK_TOKEN, channelId: WEBHOOK_CHANNEL }],
    forbiddenChannels: [FORBIDDEN_CHANNEL],
  });
  store = createStore(join(tempDir(), 'w.db'));
  // One subscription exists before delivery starts, so no default console subscription is made.
  subscribeChannel();
  logs = capturingLogger();
  delivery = createDelivery({
    store,
    env: loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase }),
    log: logs.log,
    topics: TEST_TOPICS,
    feedsById: TEST_FEEDS,
    rest: { offset: 0, timeout: 10_000, retries: 3 },
    retry: { baseDelayMs: 20, maxAttempts: 4, waitMs: 10_000 },
  });
});

afterEach(async () => {
  // Every message the bot or webhook sent must be valid for Discord, whatever the test.
  for (const request of fake.messageRequests()) expect(messageBodyProblems(request), `${request.method} ${request.path}`).toEqual([]);
  await delivery.close();
  store.close();
  await fake.close();
});

describe('bot delivery against a fake Discord', () => {
  it('GIVEN a routed story WHEN drained THEN one alert with the right embed is posted and its message id recorded', async () => {
    const story = makeStory({ title: 'Russia strikes Kyiv power grid overnight', url: 'https://reuters.example/kyiv-grid' });
    expect(ingest(story)).toBe(1);
    const report = await delivery.drain();
    expect(report).toMatchObject({ sent: 1, dead: 0, pending: 0 });

    const [message] = fake.messagesIn(DEFAULT_CHANNEL_ID);
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    const body = message!.body as { embeds: Record<string, unknown>[]; nonce: string; enforce_nonce: boolean; allowed_mentions: unknown };
    expect(body.embeds[0]).toMatchObject({ title: story.title, url: story.url, author: { name: 'Reuters · wire' }, color: 0x0057b7 });
    expect(body.nonce.length).toBeLessThanOrEqual(MAX_NONCE_CHARS);
    expect(body.enforce_nonce).toBe(true);
    expect(body.allowed_mentions).toEqual({ parse: [], roles: [] });

    const [row] = store.outbox.listForSubscription(1);
    expect(row).toMatchObject({ status: 'sent', messageId: message!.id, nonce: body.nonce, attempts: 1 });
  });

  it('GIVEN a mention role WHEN the alert is posted THEN only that role may be pinged', async () => {
    store.subscriptions.remove(1);
    subscribeChannel(DEFAULT_CHANNEL_ID, { mentionRoleId: DEFAULT_ROLE_ID });
    ingest();
    await delivery.drain();
    const body = fake.messagesIn(DEFAULT_CHANNEL_ID)[0]!.body as { content: string; allowed_mentions: unknown };
    expect(body.content).toBe(`<@&${DEFAULT_ROLE_ID}>`);
    expect(body.allowed_mentions).toEqual({ parse: [], roles: [DEFAULT_ROLE_ID] });
  });

  it('GIVEN injected 429s and 5xx WHEN drained THEN the alert is still posted exactly once', async () => {
    fake.inject(
      { method: 'POST', path: /\/messages$/, status: 429, retryAfterSeconds: 0.05 },
      { method: 'POST', path: /\/messages$/, status: 500 },
      { method: 'POST', path: /\/messages$/, status: 429, retryAfterSeconds: 0.05 },
      { method: 'POST', path: /\/messages$/, status: 503 },
    );
    ingest();
    const report = await delivery.drain();
    expect(report.sent).toBe(1);
    expect(fake.messageRequests().length).toBe(5);
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    // All tries carried the same nonce.
    expect(new Set(fake.messageRequests().map((r) => (r.body as { nonce: string }).nonce)).size).toBe(1);
  });

  it('GIVEN Discord posts but every answer is lost (5xx) past discord.js retries THEN our retry gets the first message back, not a second post', async () => {
    // discord.js tries 1 + 3 times; all four are processed by "Discord" and answered 502.
    const lost = { method: 'POST', path: /\/messages$/, status: 502, afterProcessing: true } as const;
    fake.inject(lost, lost, lost, lost);
    ingest();
    const report = await delivery.drain();
    expect(report).toMatchObject({ sent: 1, retried: 1, dead: 0 });
    expect(fake.messageRequests().length).toBe(5);
    const posted = fake.messagesIn(DEFAULT_CHANNEL_ID);
    expect(posted).toHaveLength(1);
    expect(store.outbox.listForSubscription(1)[0]).toMatchObject({ status: 'sent', messageId: posted[0]!.id, attempts: 2 });
  });

  it('GIVEN a channel the bot cannot access THEN the message becomes a logged dead letter after one try', async () => {
    store.subscriptions.remove(1);
    const sub = subscribeChannel(FORBIDDEN_CHANNEL);
    ingest();
    const report = await delivery.drain();
    expect(report).toMatchObject({ sent: 0, dead: 1 });
    expect(fake.messageRequests()).toHaveLength(1);
    const [row] = store.outbox.listForSubscription(sub.id);
    expect(row?.status).toBe('dead');
    expect(row?.lastError).toContain('Missing Access');
    const dead = logs.lines().find((l) => l.msg === 'dead letter');
    expect(dead).toMatchObject({ outbox_id: row!.id, status: 403, code: 50001 });
    expect(String(dead?.reason)).toContain('View Channel');
  });

  it('GIVEN a channel that keeps failing with 5xx THEN it gives up after the bounded number of tries', async () => {
    const failing = { method: 'POST', path: /\/messages$/, status: 500 } as const;
    // 4 of our attempts × (1 + 3 discord.js retries).
    fake.inject(...Array.from({ length: 16 }, () => failing));
    ingest();
    const report = await delivery.drain();
    expect(report).toMatchObject({ sent: 0, dead: 1 });
    expect(fake.messageRequests()).toHaveLength(16);
    const [row] = store.outbox.listForSubscription(1);
    expect(row).toMatchObject({ status: 'dead', attempts: 4 });
    expect(row?.lastError).toMatch(/gave up after 4 attempts/);
  });

  it('GIVEN a hostile title with @everyone, a role mention, Markdown and a javascript: link THEN what reaches Discord is neutralised', async () => {
    ingest(makeStory({ title: '@everyone <@&123> **URGENT** [open](javascript:alert(1))', summary: '@here <#1> ~~x~~', url: 'javascript:alert(1)' }));
    await delivery.drain();
    const request = fake.messageRequests()[0]!;
    const raw = JSON.stringify(request.body);
    expect(raw).not.toMatch(/@everyone|@here/);
    expect(raw).not.toMatch(/<@&\d|<#\d/);
    const embed = (request.body as { embeds: { title: string; url?: string; description: string }[] }).embeds[0]!;
    expect(embed.url).toBeUndefined();
    expect(embed.title).toBe('@\u200beveryone \\<@&\u200b123\\> \\*\\*URGENT\\*\\* \\[open\\](javascript:alert(1))');
    expect(embed.description).toContain('\\~\\~x\\~\\~');
    expect((request.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [], roles: [] });
  });

  it('GIVEN a digest of 40 stories WHEN due THEN it is posted as several valid messages, in order', async () => {
    store.subscriptions.remove(1);
    const sub = subscribeChannel(DEFAULT_CHANNEL_ID, { mode: 'digest', schedule: '0 8 * * *' });
    const now = Date.now();
    store.transaction(() => {
      for (let i = 0; i < 40; i++) {
        const story = makeStory({ title: `${'abcdefghij'[i % 10]!.repeat(3)} item ${i * 7919} ${Math.random().toString(36).slice(2)} ${'zq'.repeat(i)}`, firstSeenAt: now - 60_000 * (i + 1), publishedAt: now - 60_000 * (i + 2), url: `https://n${i}.example/${'p'.repeat(300)}` });
        store.stories.insert(story, classified({ [['ukraine', 'north-korea', 'south-korea'][i % 3]!]: 4 + (i % 4) }));
      }
    });
    expect(delivery.runDueDigests(now, { force: true })).toBe(1);
    const rows = store.outbox.listForSubscription(sub.id);
    expect(rows.length).toBeGreaterThan(1);
    const report = await delivery.drain();
    expect(report.sent).toBe(rows.length);
    const posted = fake.messagesIn(DEFAULT_CHANNEL_ID);
    expect(posted).toHaveLength(rows.length);
    posted.forEach((m, i) => {
      const embeds = (m.body as { embeds: { footer?: { text: string } }[] }).embeds;
      expect(embeds.at(-1)?.footer?.text).toBe(`Watchfloor digest · part ${i + 1}/${rows.length}`);
    });
    const lines = posted.flatMap((m) => (m.body as { embeds: { description?: string }[] }).embeds.flatMap((e) => (e.description ?? '').split('\n'))).filter((l) => l.startsWith('• '));
    expect(lines).toHaveLength(40);
  });

  it('GIVEN a webhook subscription THEN the message goes through the webhook with wait=true and no nonce', async () => {
    const sub = store.subscriptions.add(newSubscription({ target: { kind: 'webhook', url: `https://discord.com/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}` }, topics: ['*'] }));
    store.subscriptions.remove(1);
    ingest();
    const report = await delivery.drain();
    expect(report.sent).toBe(1);
    const request = fake.messageRequests()[0]!;
    expect(request.path).toBe(`/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`);
    expect(request.query.wait).toBe('true');
    expect(request.headers.authorization).toBeUndefined();
    expect((request.body as Record<string, unknown>).nonce).toBeUndefined();
    const posted = fake.messagesIn(WEBHOOK_CHANNEL);
    expect(posted).toHaveLength(1);
    expect(store.outbox.listForSubscription(sub.id)[0]).toMatchObject({ status: 'sent', messageId: posted[0]!.id });
    // The token never reaches the logs.
    expect(JSON.stringify(logs.lines())).not.toContain(WEBHOOK_TOKEN);
  });

  it('GIVEN run mode WHEN started THEN the bot connects through the gateway and a routed alert goes out without an explicit drain', async () => {
    await delivery.start();
    expect(delivery.connected()).toBe(true);
    expect(delivery.client?.guilds.cache.get(DEFAULT_GUILD_ID)?.channels.cache.has(DEFAULT_CHANNEL_ID)).toBe(true);
    ingest();
    await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    await delivery.stop();
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    expect(store.outbox.listForSubscription(1)[0]?.status).toBe('sent');
  });
});
