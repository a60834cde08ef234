import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery } from '../../src/app/delivery.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore } from '../../src/store/index.js';
import { newsroomGuild } from '../helpers/event-outlets.js';
import { DEFAULT_GUILD_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import { makeStory, TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { eventDatabase, ingest, killDuring, resumeDelivery } from '../helpers/crash.js';

const tempDir = useTempDir();
const FORUM = '300000000000000031';
let fake: FakeDiscord | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe('a forum post across a crash', () => {
  it('GIVEN a deliverer killed after Discord created the event post and before it was recorded WHEN a new deliverer resumes THEN it finds the post by its marker: one post, and the next report edits it', async () => {
    fake = await startFakeDiscord({ guilds: [newsroomGuild([{ id: FORUM, name: 'events', type: 15 }])] });
    const dbPath = join(tempDir(), 'w.db');
    eventDatabase(dbPath, FORUM, DEFAULT_GUILD_ID);
    const resume = () => resumeDelivery(dbPath, fake!.apiBase);

    await ingest(dbPath, fake.apiBase, makeStory({ feedId: 'reuters', title: 'North Korea fires ballistic missile into East Sea' }));
    // Discord creates the post; the answer never comes back and the process dies.
    fake.inject({ method: 'POST', path: `/channels/${FORUM}/threads`, status: 201, afterProcessing: true, hang: true });
    await killDuring(fake, dbPath, (r) => r.method === 'POST' && r.path === `/channels/${FORUM}/threads`);
    expect(fake.postsIn(FORUM)).toHaveLength(1);

    const first = await resume();
    expect(first.report).toMatchObject({ sent: 1, dead: 0, pending: 0 });
    // Still one post: the new deliverer looked among the forum's active posts and found its marker.
    expect(fake.postsIn(FORUM)).toHaveLength(1);
    const postId = fake.postsIn(FORUM)[0]!.id;
    expect(first.rows[0]).toMatchObject({ kind: 'alert', status: 'sent', messageId: postId, attempts: 2 });
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${FORUM}/threads`)).toHaveLength(1);
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === `/guilds/${DEFAULT_GUILD_ID}/threads/active`)).toBe(true);

    // A second outlet: the post's starter is edited and the report goes into the post.
    await ingest(dbPath, fake.apiBase, makeStory({ feedId: 'ap', title: 'North Korea launches ballistic missile toward East Sea' }));
    const second = await resume();
    expect(second.report).toMatchObject({ sent: 2, dead: 0, pending: 0 });
    expect(fake.postsIn(FORUM)).toHaveLength(1);
    expect(fake.messagesIn(postId)).toHaveLength(2);
    const starter = fake.messagesIn(postId).find((m) => m.id === postId)!;
    const embeds = starter.body.embeds as { fields: { name: string }[]; footer: { text: string } }[];
    expect(embeds[0]!.fields.map((f) => f.name)).toContain('Also reported by 1 outlet');
    // The edited starter keeps its marker.
    expect(embeds.at(-1)!.footer.text).toMatch(/ref wf/);
  });

  it('GIVEN a post create that failed before reaching Discord WHEN retried THEN the lookup finds nothing and the post is created once', async () => {
    fake = await startFakeDiscord({ guilds: [newsroomGuild([{ id: FORUM, name: 'events', type: 15 }])] });
    const dbPath = join(tempDir(), 'w.db');
    eventDatabase(dbPath, FORUM, DEFAULT_GUILD_ID);
    await ingest(dbPath, fake.apiBase, makeStory({ feedId: 'reuters', title: 'North Korea fires ballistic missile into East Sea' }));
    fake.inject({ method: 'POST', path: `/channels/${FORUM}/threads`, status: 502 });
    const store = createStore(dbPath);
    const delivery = createDelivery({ store, env: loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase }), log: silentLogger(), topics: TEST_TOPICS, feedsById: TEST_FEEDS, rest: { offset: 0, timeout: 2_000, retries: 0 }, retry: { baseDelayMs: 10, maxAttempts: 4, waitMs: 5_000 } });
    const report = await delivery.drain();
    const rows = store.outbox.listForSubscription(1);
    await delivery.close();
    store.close();
    expect(report).toMatchObject({ sent: 1, dead: 0, pending: 0 });
    expect(rows[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(fake.postsIn(FORUM)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === `/guilds/${DEFAULT_GUILD_ID}/threads/active`)).toHaveLength(1);
  });
});
