import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery } from '../../src/app/delivery.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore } from '../../src/store/index.js';
import { messageBodyProblems } from '../helpers/discord-schemas.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import { classified, makeStory, TEST_FEEDS, TEST_TOPICS, newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
let fake: FakeDiscord | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe('a deliverer killed between send and record', () => {
  it('GIVEN Discord posted the message but the process died before recording it WHEN a new deliverer resumes THEN it re-sends with the same nonce and nothing is posted twice', async () => {
    fake = await startFakeDiscord();
    const dbPath = join(tempDir(), 'w.db');

    // Queue one alert the way the pipeline would.
    const store = createStore(dbPath);
    store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: DEFAULT_CHANNEL_ID, guildId: DEFAULT_GUILD_ID }, topics: ['ukraine'] }));
    const env = loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase });
    const options = { store, env, log: silentLogger(), topics: TEST_TOPICS, feedsById: TEST_FEEDS, rest: { offset: 0, timeout: 2_000 } };
    const router = createDelivery(options);
    const story = makeStory();
    store.transaction(() => {
      const outcome = store.stories.insert(story, classified({ ukraine: 6 }));
      if (outcome.inserted) router.route(outcome.rowid, story, classified({ ukraine: 6 }), Date.now());
    });
    await router.close();
    store.close();

    // "Discord" posts the first request, then never answers it.
    fake.inject({ method: 'POST', path: /\/messages$/, status: 200, afterProcessing: true, hang: true });
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), dbPath, fake.apiBase], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const posted = fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    const exited = once(child, 'exit');
    await Promise.race([posted, exited.then(() => Promise.reject(new Error(`child exited early: ${stderr}`)))]);
    child.kill('SIGKILL');
    const [code, signal] = (await exited) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');
    expect(code).toBeNull();
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    const firstId = fake.messagesIn(DEFAULT_CHANNEL_ID)[0]!.id;

    // After the restart: the row is still pending, its attempt counted.
    const reopened = createStore(dbPath);
    const [before] = reopened.outbox.listForSubscription(1);
    expect(before).toMatchObject({ status: 'pending', attempts: 1, messageId: null });
    const resumed = createDelivery({ ...options, store: reopened });
    const report = await resumed.drain();
    expect(report).toMatchObject({ sent: 1, dead: 0, pending: 0 });

    const requests = fake.messageRequests();
    expect(requests).toHaveLength(2);
    const nonces = requests.map((r) => (r.body as { nonce: string }).nonce);
    expect(nonces[0]).toBe(before!.nonce);
    expect(nonces[1]).toBe(before!.nonce);
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    expect(reopened.outbox.listForSubscription(1)[0]).toMatchObject({ status: 'sent', messageId: firstId, attempts: 2 });
    for (const r of requests) expect(messageBodyProblems(r)).toEqual([]);
    await resumed.close();
    reopened.close();
  });
});
