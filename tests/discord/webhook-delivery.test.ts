import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery, type Delivery } from '../../src/app/delivery.js';
import { loadEnv } from '../../src/config/env.js';
import { fateOfNetworkError } from '../../src/discord/sinks/sink.js';
import { createStore, type Store } from '../../src/store/index.js';
import { FAKE_TOKEN, startFakeDiscordWithWebhook, TEST_WEBHOOK, type FakeDiscord } from '../helpers/fake-discord.js';
import { capturingLogger, classified, makeStory, newSubscription, TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Webhooks take no nonce: Discord cannot deduplicate a resend. These tests hold the deliverer to
 * its rule: one owner of retries (discord.js retries nothing for webhooks), and a send whose fate
 * is unknown is looked up in the channel, or held as uncertain, never resent blindly.
 */
const tempDir = useTempDir();
const { token: WEBHOOK_TOKEN, channelId: WEBHOOK_CHANNEL, url: WEBHOOK_URL } = TEST_WEBHOOK;
const POST_PATH = `/webhooks/${TEST_WEBHOOK.id}/${WEBHOOK_TOKEN}`;

let fake: FakeDiscord | undefined;
let store: Store | undefined;
let delivery: Delivery | undefined;

afterEach(async () => {
  await delivery?.close();
  store?.close();
  await fake?.close();
  delivery = store = fake = undefined;
});

async function setup(options: { bot: boolean; unreadable?: boolean; maybeSent?: 'hold' | 'resend'; timeoutMs?: number }) {
  fake = await startFakeDiscordWithWebhook(options.unreadable ? { unreadableChannels: [WEBHOOK_CHANNEL] } : {});
  store = createStore(join(tempDir(), 'w.db'));
  const subscription = store.subscriptions.add(newSubscription({ target: { kind: 'webhook', url: WEBHOOK_URL }, topics: ['*'], maxAgeMs: 24 * 3_600_000, createdAt: Date.now() - 3_600_000 }));
  const logs = capturingLogger();
  delivery = createDelivery({
    store,
    env: loadEnv({
      ...(options.bot ? { DISCORD_TOKEN: FAKE_TOKEN } : {}),
      DISCORD_API_BASE: fake.apiBase,
      DELIVERY_WEBHOOK_MAYBE_SENT: options.maybeSent ?? 'hold',
    }),
    log: logs.log,
    topics: TEST_TOPICS,
    feedsById: TEST_FEEDS,
    // retries: 3 as discord.js's default: the webhook sink must override it.
    rest: { offset: 0, timeout: options.timeoutMs ?? 5_000, retries: 3 },
    retry: { baseDelayMs: 20, maxAttempts: 4, waitMs: 5_000 },
  });
  const s = store;
  const d = delivery;
  const story = makeStory({ title: 'Ukraine grain corridor reopens' });
  s.transaction(() => {
    const outcome = s.stories.insert(story, classified({ ukraine: 6 }));
    if (outcome.inserted) d.route(outcome.rowid, story, classified({ ukraine: 6 }), Date.now());
  });
  const [row] = s.outbox.listForSubscription(subscription.id);
  return { fake, store: s, delivery: d, logs, rowId: row!.id };
}

const posts = (f: FakeDiscord) => f.requests.filter((r) => r.method === 'POST' && r.path === POST_PATH);

describe('webhook delivery when Discord accepts and the answer is lost', () => {
  it('GIVEN a 502 after Discord posted, with a bot to look THEN the message is found by its marker and recorded as sent: one post, no resend', async () => {
    const t = await setup({ bot: true });
    t.fake.inject({ method: 'POST', path: POST_PATH, status: 502, afterProcessing: true });
    const report = await t.delivery.drain();
    expect(t.fake.messagesIn(WEBHOOK_CHANNEL)).toHaveLength(1);
    expect(posts(t.fake)).toHaveLength(1);
    expect(report).toMatchObject({ sent: 1, uncertain: 0, pending: 0 });
    expect(t.store.outbox.listing(t.rowId)).toMatchObject({ status: 'sent', messageId: t.fake.messagesIn(WEBHOOK_CHANNEL)[0]!.id });
  });

  it('GIVEN Discord posts and never answers, with a bot to look THEN one post, found and recorded as sent', async () => {
    const t = await setup({ bot: true, timeoutMs: 400 });
    t.fake.inject({ method: 'POST', path: POST_PATH, status: 200, afterProcessing: true, hang: true });
    const report = await t.delivery.drain();
    expect(t.fake.messagesIn(WEBHOOK_CHANNEL)).toHaveLength(1);
    expect(posts(t.fake)).toHaveLength(1);
    expect(report).toMatchObject({ sent: 1, uncertain: 0 });
  });

  it('GIVEN a 502 before Discord posted, with a bot to look THEN the lookup finds nothing and the message is sent again: one message in the channel', async () => {
    const t = await setup({ bot: true });
    t.fake.inject({ method: 'POST', path: POST_PATH, status: 502 });
    const report = await t.delivery.drain();
    expect(posts(t.fake)).toHaveLength(2);
    expect(t.fake.messagesIn(WEBHOOK_CHANNEL)).toHaveLength(1);
    expect(report).toMatchObject({ sent: 1, retried: 1, uncertain: 0 });
  });

  it('GIVEN no bot (webhook only) and a 502 after Discord posted THEN the message is held as uncertain, not resent, and a requeue sends it on request', async () => {
    const t = await setup({ bot: false });
    t.fake.inject({ method: 'POST', path: POST_PATH, status: 502, afterProcessing: true });
    const report = await t.delivery.drain();
    expect(posts(t.fake)).toHaveLength(1);
    expect(t.fake.messagesIn(WEBHOOK_CHANNEL)).toHaveLength(1);
    expect(report).toMatchObject({ sent: 0, uncertain: 1, pending: 0 });
    const row = t.store.outbox.listing(t.rowId);
    expect(row?.status).toBe('uncertain');
    expect(row?.lastError).toMatch(/may have been posted.*watchfloor outbox retry/);
    expect(row?.lastError).not.toContain(WEBHOOK_TOKEN);
    expect(t.store.outbox.counts().uncertain).toBe(1);
    const warning = t.logs.lines().find((l) => l.msg === 'message held as uncertain: not resent without a person');
    expect(warning).toMatchObject({ outbox_id: t.rowId });
    // A person checked the channel and asks for it again.
    expect(t.store.outbox.requeue([t.rowId], Date.now())).toEqual([t.rowId]);
    expect(await t.delivery.drain()).toMatchObject({ sent: 1 });
    expect(posts(t.fake)).toHaveLength(2);
  });

  it('GIVEN a bot that cannot read the webhook channel THEN the message is held as uncertain with the reason', async () => {
    const t = await setup({ bot: true, unreadable: true });
    t.fake.inject({ method: 'POST', path: POST_PATH, status: 502, afterProcessing: true });
    expect(await t.delivery.drain()).toMatchObject({ uncertain: 1, sent: 0 });
    expect(posts(t.fake)).toHaveLength(1);
    expect(t.store.outbox.listing(t.rowId)?.lastError).toMatch(/channel could not be read/);
  });

  it('GIVEN DELIVERY_WEBHOOK_MAYBE_SENT=resend and no bot THEN an unclear send is retried (the documented risk: one duplicate)', async () => {
    const t = await setup({ bot: false, maybeSent: 'resend' });
    t.fake.inject({ method: 'POST', path: POST_PATH, status: 502 });
    expect(await t.delivery.drain()).toMatchObject({ sent: 1, retried: 1, uncertain: 0 });
    expect(t.fake.messagesIn(WEBHOOK_CHANNEL)).toHaveLength(1);
  });

  it('GIVEN a webhook message THEN it carries its marker in the footer and stays within Discord limits', async () => {
    const t = await setup({ bot: false });
    await t.delivery.drain();
    const [message] = t.fake.messagesIn(WEBHOOK_CHANNEL);
    const embeds = message!.body.embeds as { footer?: { text: string } }[];
    expect(embeds.at(-1)?.footer?.text).toMatch(new RegExp(`ref ${t.store.outbox.listing(t.rowId)!.nonce}$`));
  });
});

describe('which network failures may have posted', () => {
  it('GIVEN a refused connection THEN nothing was sent; GIVEN a reset after the request THEN it may have been', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    expect(fateOfNetworkError(refused)).toBe('not-sent');

    const resetting = createServer((socket) => {
      socket.once('data', () => socket.resetAndDestroy());
    });
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const a = resetting.address();
    const reset = await fetch(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`, { method: 'POST', body: 'x' }).catch((error: unknown) => error);
    expect(fateOfNetworkError(reset)).toBe('maybe-sent');
    await new Promise<void>((resolve) => resetting.close(() => { resolve(); }));
  });
});
