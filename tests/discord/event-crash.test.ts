import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messageBodyProblems } from '../helpers/discord-schemas.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import { makeStory } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { eventDatabase, ingest, killDuring, resumeDelivery } from '../helpers/crash.js';

const tempDir = useTempDir();
let fake: FakeDiscord | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe('a living alert across crashes', () => {
  it('GIVEN a deliverer killed between send and record, first of the alert and then of its edit WHEN a new deliverer resumes each time THEN the channel holds one message, edited to the newest state', async () => {
    fake = await startFakeDiscord();
    const dbPath = join(tempDir(), 'w.db');
    eventDatabase(dbPath, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID);
    const resume = () => resumeDelivery(dbPath, fake!.apiBase);

    // 1. The alert: Discord posts it, the process dies before recording it.
    await ingest(dbPath, fake.apiBase, makeStory({ feedId: 'reuters', title: 'North Korea fires ballistic missile into East Sea' }));
    fake.inject({ method: 'POST', path: /\/messages$/, status: 200, afterProcessing: true, hang: true });
    await killDuring(fake, dbPath, (r) => r.method === 'POST' && r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages`);
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    const first = await resume();
    expect(first.report).toMatchObject({ sent: 1, dead: 0, pending: 0 });
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    const messageId = fake.messagesIn(DEFAULT_CHANNEL_ID)[0]!.id;
    expect(first.rows[0]).toMatchObject({ kind: 'alert', status: 'sent', messageId, attempts: 2 });

    // 2. A second outlet: its edit is sent (Discord applies it) and the process dies before recording it.
    await ingest(dbPath, fake.apiBase, makeStory({ feedId: 'ap', title: 'North Korea launches ballistic missile toward East Sea' }));
    fake.inject({ method: 'PATCH', path: /\/messages\/\d+$/, status: 200, afterProcessing: true, hang: true });
    await killDuring(fake, dbPath, (r) => r.method === 'PATCH');
    const second = await resume();
    // The edit, and the report in the thread under the alert.
    expect(second.report).toMatchObject({ sent: 2, dead: 0, pending: 0 });
    const patches = fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${DEFAULT_CHANNEL_ID}/messages/${messageId}`);
    // Sent twice (the same full state: an idempotent PATCH), still one message.
    expect(patches).toHaveLength(2);
    expect(patches[1]!.body).toEqual(patches[0]!.body);
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    expect(second.rows.find((r) => r.kind === 'event-edit')).toMatchObject({ status: 'sent', messageId, attempts: 2 });
    const fields = (fake.messagesIn(DEFAULT_CHANNEL_ID)[0]!.body.embeds as { fields: { name: string; value: string }[] }[])[0]!.fields;
    expect(fields.find((f) => f.name.startsWith('Also reported by'))).toMatchObject({ name: 'Also reported by 1 outlet' });
    expect(fake.messagesIn(messageId)).toHaveLength(1);

    // 3. A third outlet: its report is posted in the thread and the process dies before recording it.
    await ingest(dbPath, fake.apiBase, makeStory({ feedId: 'kcna', title: 'Pyongyang fires ballistic missile into East Sea' }));
    fake.inject({ method: 'POST', path: `/channels/${messageId}/messages`, status: 200, afterProcessing: true, hang: true });
    await killDuring(fake, dbPath, (r) => r.method === 'POST' && r.path === `/channels/${messageId}/messages`);
    const third = await resume();
    expect(third.report).toMatchObject({ dead: 0, pending: 0 });
    // Same nonce again: Discord returns the first post; one thread, two reports in it, one alert.
    expect(fake.threads).toHaveLength(1);
    expect(fake.messagesIn(messageId)).toHaveLength(2);
    expect(fake.messagesIn(DEFAULT_CHANNEL_ID)).toHaveLength(1);
    for (const r of fake.messageRequests()) expect(messageBodyProblems(r)).toEqual([]);
  });
});
