import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Classifier } from '../../src/app/classifier.js';
import { createDelivery, type Delivery } from '../../src/app/delivery.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadEnv } from '../../src/config/env.js';
import { closeFetchAgents } from '../../src/feeds/fetch.js';
import { createStore, type Store } from '../../src/store/index.js';
import { messageBodyProblems } from '../helpers/discord-schemas.js';
import { EVENT_OUTLET_SOURCES, eventPoller, newsroomGuild, startEventOutlets } from '../helpers/event-outlets.js';
import { DEFAULT_GUILD_ID, DEFAULT_ROLE_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import type { FeedServer } from '../helpers/feed-server.js';
import { newSubscription, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';
import type { FeedConfig } from '../../src/core/types.js';

const tempDir = useTempDir();
const EVENT_FORUM = '300000000000000021';
const INSTANT_FORUM = '300000000000000022';
const NK_TAG = '700000000000000001';
const UA_TAG = '700000000000000002';

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
  const tags = [{ id: UA_TAG, name: 'Ukraine' }, { id: NK_TAG, name: 'north korea' }];
  fake = await startFakeDiscord({
    guilds: [newsroomGuild([
      { id: EVENT_FORUM, name: 'events', type: 15, availableTags: tags },
      { id: INSTANT_FORUM, name: 'wire', type: 16, availableTags: tags },
    ])],
  });
  store = createStore(join(tempDir(), 'w.db'));
  const base = { topics: ['north-korea'], maxAgeMs: 24 * 3_600_000, createdAt: Date.now() - 3_600_000 };
  store.subscriptions.add(newSubscription({ ...base, target: { kind: 'channel', channelId: EVENT_FORUM, guildId: DEFAULT_GUILD_ID }, mode: 'event', mentionRoleId: DEFAULT_ROLE_ID }));
  store.subscriptions.add(newSubscription({ ...base, target: { kind: 'channel', channelId: INSTANT_FORUM, guildId: DEFAULT_GUILD_ID }, mode: 'instant' }));
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

const contentOf = (body: Record<string, unknown>) => (typeof body.content === 'string' ? body.content : '');
const embedsOf = (body: Record<string, unknown>) => body.embeds as { title?: string; footer?: { text: string }; fields?: { name: string; value: string }[] }[];
const alsoReported = (body: Record<string, unknown>) => embedsOf(body)[0]?.fields?.find((f) => f.name.startsWith('Also reported by'));

describe('forum channels: one post per event, through the real discord.js client', () => {
  it('GIVEN an event subscription to a forum and 5 outlets reporting one event WHEN each is polled and delivered THEN the forum holds ONE post, tagged by topic, its starter edited 4 times, the 4 later reports and one 🚨 Developing notice in it', async () => {
    const p = eventPoller(store, classifier, delivery);
    for (const feed of feeds()) {
      expect((await p.runCycle([feed], { force: true })).totals.newStories).toBe(1);
      await delivery.drain();
    }

    const posts = fake.postsIn(EVENT_FORUM);
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.threadName).toBe('North Korea fires ballistic missile into East Sea, Seoul says');
    expect(post.appliedTags).toEqual([NK_TAG]);
    // Created once, through Start Thread in Forum.
    const creates = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${EVENT_FORUM}/threads`);
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({ name: post.threadName, applied_tags: [NK_TAG], message: { allowed_mentions: { parse: [], roles: [DEFAULT_ROLE_ID] } } });
    // The first send tried the channel as a text channel; Discord's 50008 taught the bot it is a forum, once.
    expect(fake.requests.filter((r) => r.path === `/channels/${EVENT_FORUM}/messages`).map((r) => r.status)).toEqual([400]);

    // The starter message (the post's id) edited four times, to four other outlets, newest first.
    const inPost = fake.messagesIn(post.id);
    const starter = inPost.find((m) => m.id === post.id)!;
    const patches = fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${post.id}/messages/${post.id}`);
    expect(patches).toHaveLength(4);
    const field = alsoReported(starter.body);
    expect(field?.name).toBe('Also reported by 4 outlets');
    expect(field?.value.split('\n')[0]).toContain('Times E');
    for (const patch of patches) expect((patch.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [], roles: [] });

    // Later reports and the developing notice are messages in the post; the notice pings the role only.
    const developing = inPost.filter((m) => contentOf(m.body).startsWith('🚨 **Developing**'));
    expect(developing).toHaveLength(1);
    expect(developing[0]?.body).toMatchObject({ content: `🚨 **Developing** <@&${DEFAULT_ROLE_ID}>`, allowed_mentions: { parse: [], roles: [DEFAULT_ROLE_ID] } });
    const reports = inPost.filter((m) => m !== starter && !developing.includes(m));
    expect(reports.map((m) => embedsOf(m.body)[0]?.title)).toEqual(['North Korea launches ballistic missile toward East Sea: JCS', 'Pyongyang fires ballistic missile into East Sea', '북한, 동해상으로 탄도미사일 발사', 'Japan says North Korean missile fell in East Sea']);
    // No thread was started from a message: the post is the thread.
    expect(fake.requests.filter((r) => /\/messages\/\d+\/threads$/.test(r.path))).toHaveLength(0);
    expect(store.outbox.counts()).toMatchObject({ dead: 0, pending: 0 });

    // An instant subscription to a (media) forum: one post per story, each titled by its headline.
    const instant = fake.postsIn(INSTANT_FORUM);
    expect(instant.map((t) => t.threadName).sort()).toEqual(['Japan says North Korean missile fell in East Sea', 'North Korea fires ballistic missile into East Sea, Seoul says', 'North Korea launches ballistic missile toward East Sea: JCS', 'Pyongyang fires ballistic missile into East Sea', '북한, 동해상으로 탄도미사일 발사']);
    for (const t of instant) expect(t.appliedTags).toEqual([NK_TAG]);
  });

  it('GIVEN a forum whose tags match no topic WHEN an alert is posted THEN the post carries no tags and is still created', async () => {
    const p = eventPoller(store, classifier, delivery);
    store.subscriptions.remove(2);
    fake.guilds[0] = newsroomGuild([{ id: EVENT_FORUM, name: 'events', type: 15, availableTags: [{ id: UA_TAG, name: 'Ukraine' }] }]);
    await p.runCycle(feeds().slice(0, 1), { force: true });
    await delivery.drain();
    expect(fake.postsIn(EVENT_FORUM)).toMatchObject([{ appliedTags: [] }]);
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${EVENT_FORUM}/threads`);
    expect(create?.body).not.toHaveProperty('applied_tags');
  });
});
