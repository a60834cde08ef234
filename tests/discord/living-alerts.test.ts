import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Classifier } from '../../src/app/classifier.js';
import { createDelivery, type Delivery } from '../../src/app/delivery.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadEnv } from '../../src/config/env.js';
import type { FeedConfig } from '../../src/core/types.js';
import { closeFetchAgents } from '../../src/feeds/fetch.js';
import { createStore, type Store } from '../../src/store/index.js';
import { messageBodyProblems } from '../helpers/discord-schemas.js';
import { DEFAULT_GUILD_ID, DEFAULT_ROLE_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import { EVENT_OUTLET_SOURCES, eventPoller, newsroomGuild, startEventOutlets } from '../helpers/event-outlets.js';
import type { FeedServer } from '../helpers/feed-server.js';
import { newSubscription, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const EVENT_CHANNEL = '300000000000000011';
const INSTANT_CHANNEL = '300000000000000012';
const HOOK_CHANNEL = '300000000000000013';
const WEBHOOK_ID = '600000000000000011';
const WEBHOOK_TOKEN = 'h'.repeat(68);
const WEBHOOK_URL = `https://discord.com/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`;

let server: FeedServer;
let classifier: Classifier;
let feeds: () => FeedConfig[];
let fake: FakeDiscord;
let store: Store;
let delivery: Delivery;

beforeAll(async () => {
  ({ server, classifier, feeds } = await startEventOutlets(tempDir()));
});

afterAll(async () => {
  await server.close();
  await closeFetchAgents();
});

beforeEach(async () => {
  fake = await startFakeDiscord({
    guilds: [
      newsroomGuild([
        { id: EVENT_CHANNEL, name: 'events' },
        { id: INSTANT_CHANNEL, name: 'instant' },
        { id: HOOK_CHANNEL, name: 'hooked' },
      ]),
    ],
    webhooks: [{ id: WEBHOOK_ID, token: WEBHOOK_TOKEN, channelId: HOOK_CHANNEL }],
  });
  store = createStore(join(tempDir(), 'w.db'));
  const base = { topics: ['north-korea'], maxAgeMs: 24 * 3_600_000, createdAt: Date.now() - 3_600_000 };
  store.subscriptions.add(newSubscription({ ...base, target: { kind: 'channel', channelId: EVENT_CHANNEL, guildId: DEFAULT_GUILD_ID }, mode: 'event', mentionRoleId: DEFAULT_ROLE_ID }));
  store.subscriptions.add(newSubscription({ ...base, target: { kind: 'channel', channelId: INSTANT_CHANNEL, guildId: DEFAULT_GUILD_ID }, mode: 'instant' }));
  store.subscriptions.add(newSubscription({ ...base, target: { kind: 'webhook', url: WEBHOOK_URL }, mode: 'event' }));
  delivery = createDelivery({
    store,
    env: loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase }),
    log: silentLogger(),
    topics: TEST_TOPICS,
    feedsById: EVENT_OUTLET_SOURCES,
    rest: { offset: 0, timeout: 10_000, retries: 3 },
    retry: { baseDelayMs: 20, maxAttempts: 4, waitMs: 5_000 },
  });
});

afterEach(async () => {
  for (const request of fake.messageRequests()) expect(messageBodyProblems(request), `${request.method} ${request.path}`).toEqual([]);
  await delivery.close();
  store.close();
  await fake.close();
});

function poller() {
  return eventPoller(store, classifier, delivery);
}

const contentOf = (body: Record<string, unknown>) => (typeof body.content === 'string' ? body.content : '');
const embedsOf = (body: Record<string, unknown>) => body.embeds as { title?: string; fields?: { name: string; value: string }[] }[];
const alsoReported = (body: Record<string, unknown>) => embedsOf(body)[0]?.fields?.find((f) => f.name.startsWith('Also reported by'));

describe('one living alert per event, through the real discord.js client', () => {
  it('GIVEN 5 outlets reporting one event one after another WHEN each is polled and delivered THEN the event channel gets ONE alert edited 4 times and one 🚨 Developing notice, the webhook the same, and the instant channel 5 alerts', async () => {
    const p = poller();
    for (const feed of feeds()) {
      const report = await p.runCycle([feed], { force: true });
      expect(report.totals.newStories).toBe(1);
      await delivery.drain();
    }

    // Bot, event subscription: one alert, four PATCHes of it, one developing notice.
    const inEvents = fake.messagesIn(EVENT_CHANNEL);
    const developing = inEvents.filter((m) => contentOf(m.body).startsWith('🚨 **Developing**'));
    const alerts = inEvents.filter((m) => !developing.includes(m));
    expect(alerts).toHaveLength(1);
    expect(developing).toHaveLength(1);
    const alert = alerts[0]!;
    const patches = fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${EVENT_CHANNEL}/messages/${alert.id}`);
    expect(patches).toHaveLength(4);
    expect(fake.edits.filter((e) => e.messageId === alert.id)).toHaveLength(4);
    // The final state: four other outlets, newest headline first.
    const field = alsoReported(alert.body);
    expect(field?.name).toBe('Also reported by 4 outlets');
    const lines = field?.value.split('\n') ?? [];
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('Times E');
    expect(lines[3]).toContain('Wire B');
    expect(embedsOf(alert.body)[0]?.title).toContain('North Korea fires ballistic missile');
    // The developing notice pings the subscription's role, and only it.
    const notice = fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${EVENT_CHANNEL}/messages` && String((r.body as { content?: string }).content).startsWith('🚨'));
    expect(notice?.body).toMatchObject({ content: `🚨 **Developing** <@&${DEFAULT_ROLE_ID}>`, allowed_mentions: { parse: [], roles: [DEFAULT_ROLE_ID] } });
    // Edits never ping.
    for (const patch of patches) expect((patch.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [], roles: [] });

    // The four later reports also went into one thread under the alert, started once.
    expect(fake.threads).toMatchObject([{ id: alert.id, parentId: EVENT_CHANNEL }]);
    expect(fake.threads[0]?.threadName).toContain('North Korea fires ballistic missile');
    const inThread = fake.messagesIn(alert.id);
    expect(inThread).toHaveLength(4);
    expect(embedsOf(inThread[0]!.body)[0]?.title).toBe('North Korea launches ballistic missile toward East Sea: JCS');
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${EVENT_CHANNEL}/messages/${alert.id}/threads` && r.status === 201)).toHaveLength(1);

    // Webhook, event subscription: the same through PATCH /webhooks/:id/:token/messages/:id.
    const hooked = fake.messagesIn(HOOK_CHANNEL);
    expect(hooked).toHaveLength(2);
    const hookAlert = hooked.find((m) => !contentOf(m.body).startsWith('🚨'))!;
    const hookPatches = fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}/messages/${hookAlert.id}`);
    expect(hookPatches).toHaveLength(4);
    expect(alsoReported(hookAlert.body)?.name).toBe('Also reported by 4 outlets');
    // The edited webhook message keeps its marker, so a lookup still finds it.
    expect(JSON.stringify(embedsOf(hookAlert.body)[0])).toMatch(/ref wf/);

    // Instant subscription beside it: one message per story, never edited.
    expect(fake.messagesIn(INSTANT_CHANNEL)).toHaveLength(5);
    expect(fake.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith(`/channels/${INSTANT_CHANNEL}/`))).toHaveLength(0);

    // One event, stored with its five sources; counted as living and developing.
    expect(store.events.counts(Date.now() - 86_400_000)).toEqual({ inWindow: 1, living: 1, developing: 1 });
    expect(new Set(store.events.reports(1).map((r) => r.feedId)).size).toBe(5);
  });

  it('GIVEN a channel where the bot may not start threads WHEN later reports arrive THEN the alert is still edited and the reports are settled without a thread', async () => {
    fake.noThreadChannels.add(EVENT_CHANNEL);
    const p = poller();
    for (const feed of feeds().slice(0, 2)) {
      await p.runCycle([feed], { force: true });
      await delivery.drain();
    }
    expect(fake.threads).toHaveLength(0);
    const [alert] = fake.messagesIn(EVENT_CHANNEL);
    expect(alsoReported(alert!.body)?.name).toBe('Also reported by 1 outlet');
    const report = store.outbox.listForSubscription(1).find((r) => r.kind === 'event-report');
    expect(report).toMatchObject({ status: 'sent', messageId: null });
    expect(report?.lastError).toMatch(/^no thread: .*403/u);
    expect(store.outbox.counts().dead).toBe(0);
  });

  it('GIVEN several reports queued before the alert is delivered WHEN drained THEN the edits coalesce into one PATCH of the newest state', async () => {
    const p = poller();
    await p.runCycle(feeds().slice(0, 3), { force: true });
    const rows = store.outbox.listForSubscription(1);
    expect(rows.filter((r) => r.kind === 'alert')).toHaveLength(1);
    // Two later reports, one pending edit row holding the newest state.
    expect(rows.filter((r) => r.kind === 'event-edit')).toHaveLength(1);
    await delivery.drain();
    const [alert] = fake.messagesIn(EVENT_CHANNEL);
    const patches = fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${EVENT_CHANNEL}/messages/${alert!.id}`);
    expect(patches).toHaveLength(1);
    expect(alsoReported(alert!.body)?.name).toBe('Also reported by 2 outlets');
    expect(fake.messagesIn(EVENT_CHANNEL)).toHaveLength(1);
  });
});
