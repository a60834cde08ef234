import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../../src/charts/render.js';
import { commandInteraction, interact, OPTION, replyText, resolvedChannel, sub } from '../../helpers/fake-interactions.js';
import { readPng } from '../../helpers/png.js';
import { classified, makeStory } from '../../helpers/stories.js';
import { CHANNEL_A, GUILD_A, useHarness, WHO_A } from './harness.js';

const HOUR_MS = 3_600_000;

const h = useHarness();

const DAY_MS = 24 * HOUR_MS;

function seed(count: number, topic: string, hoursAgo: number): void {
  seedAt(count, topic, Date.now() - hoursAgo * HOUR_MS);
}

/** Stories at noon (UTC) of the day `daysAgo` days before today, never in the future: the per-day chart counts whole UTC days, so a relative "N hours ago" would fall out of the window shortly after midnight. */
function seedDay(count: number, topic: string, daysAgo: number): void {
  const now = Date.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  seedAt(count, topic, Math.min(now, today - daysAgo * DAY_MS + 12 * HOUR_MS));
}

function seedAt(count: number, topic: string, newest: number): void {
  for (let i = 0; i < count; i++) {
    const at = newest - i * 60_000;
    h.store.stories.insert(makeStory({ title: `${topic} story ${newest} ${i}`, publishedAt: at, firstSeenAt: at }), classified({ [topic]: 5 }));
  }
}

/** The attachment of the deferred answer (the multipart edit of @original). */
function attachmentOf(token: string) {
  const edit = h.fake.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`));
  expect(edit, 'the deferred answer was edited in').toBeDefined();
  return { edit, files: edit?.files ?? [] };
}

describe('/news trend', () => {
  it('GIVEN stories over a week and a recorded surge WHEN /news trend THEN the answer carries one valid PNG within Discord\'s limits, with totals and the surge', async () => {
    for (let d = 0; d < 7; d++) seedDay(3 + d, 'north-korea', d);
    seed(4, 'ukraine', 5);
    const surgeHour = Math.floor((Date.now() - 2 * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS;
    h.store.trends.recordSurge({ topic: 'north-korea', hour: surgeHour, score: { count: 30, median: 3, mad: 1, z: 9, baselineDays: 14, surging: true }, storyRowids: [], now: Date.now() });
    const payload = commandInteraction(WHO_A, 'news', sub('trend', { topic: 'north-korea', days: 7 }));
    const answer = await interact(h.fake, payload);
    expect(answer.type).toBe(5);
    expect(answer.ephemeral).toBe(false);
    const text = replyText(answer.message);
    expect(text).toContain('Matched stories per day');
    expect(text).toMatch(/North Korea \*\*42\*\*/u);
    expect(text).toContain('1 surge(s) marked');
    const { edit, files } = attachmentOf(payload.token);
    expect(edit?.headers['content-type']).toMatch(/^multipart\/form-data/u);
    expect(files).toHaveLength(1);
    const [file] = files;
    expect(file?.field).toBe('files[0]');
    expect(file?.name).toBe('watchfloor-trend.png');
    const png = readPng(file?.bytes ?? Buffer.alloc(0));
    expect(png).toMatchObject({ width: 1000, height: 500 });
    expect(file?.bytes.length).toBeLessThan(MAX_ATTACHMENT_BYTES);
    // The attachment is declared in payload_json (id = the n of files[n]) with its alt text, as Discord requires.
    expect((edit?.body as { attachments?: unknown }).attachments).toEqual([{ id: '0', description: expect.stringContaining('North Korea') as unknown }]);
  });

  it('GIVEN days ≤ 2 WHEN /news trend THEN it counts per hour', async () => {
    seed(5, 'ukraine', 3);
    const payload = commandInteraction(WHO_A, 'news', sub('trend', { days: 2 }));
    const answer = await interact(h.fake, payload);
    expect(replyText(answer.message)).toContain('Matched stories per hour');
    expect(readPng(attachmentOf(payload.token).files[0]?.bytes ?? Buffer.alloc(0)).width).toBe(1000);
  });

  it('GIVEN an unknown topic or days out of range WHEN /news trend THEN one private message says what to fix, and no chart is sent', async () => {
    const unknown = commandInteraction(WHO_A, 'news', sub('trend', { topic: 'mars' }));
    const first = await interact(h.fake, unknown);
    expect(first.ephemeral).toBe(true);
    expect(replyText(first.message)).toContain('Unknown topic "mars"');
    const tooMany = commandInteraction(WHO_A, 'news', sub('trend', { days: 400 }));
    const second = await interact(h.fake, tooMany);
    expect(second.ephemeral).toBe(true);
    expect(replyText(second.message)).toMatch(/days.*1.*30/u);
    expect(h.fake.requests.some((r) => r.files.length > 0)).toBe(false);
  });
});

describe('/watch add surges: quiet_hours:', () => {
  function watchAdd(values: Record<string, string | number | boolean>) {
    return commandInteraction(WHO_A, 'watch', sub('add', { channel: { type: OPTION.channel, value: CHANNEL_A }, topics: 'north-korea', ...values }), {
      channels: { [CHANNEL_A]: resolvedChannel(CHANNEL_A, GUILD_A) },
    });
  }

  it('GIVEN surges:false or quiet hours WHEN /watch add THEN they are stored and shown; digests default to off', async () => {
    const off = await interact(h.fake, watchAdd({ mode: 'instant', surges: false }));
    expect(replyText(off.message)).toContain('surges off');
    const quiet = await interact(h.fake, watchAdd({ mode: 'instant', quiet_hours: '22-07', timezone: 'Asia/Seoul' }));
    expect(replyText(quiet.message)).toContain('surges on, quiet 22-07');
    const digest = await interact(h.fake, watchAdd({ mode: 'digest', schedule: '0 8 * * *' }));
    expect(replyText(digest.message)).toContain('surges off');
    const [a, b, c] = h.store.subscriptions.list();
    expect(h.store.trends.settings(a?.id ?? 0)).toEqual({ surges: false, quietHours: null });
    expect(h.store.trends.settings(b?.id ?? 0)).toEqual({ surges: null, quietHours: { start: 22, end: 7 } });
    expect(h.store.trends.settings(c?.id ?? 0)).toEqual({ surges: null, quietHours: null });
  });

  it('GIVEN quiet hours that are no window WHEN /watch add THEN nothing is saved and the message says how to write them', async () => {
    const answer = await interact(h.fake, watchAdd({ mode: 'instant', quiet_hours: 'nights' }));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toMatch(/Nothing was saved.*\n.*quiet_hours.*"nights".*quiet_hours:22-07/u);
    expect(h.store.subscriptions.list()).toEqual([]);
  });
});

describe('/status', () => {
  it('GIVEN recorded surges WHEN /status THEN a field lists per topic how many and the latest', async () => {
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 5 * HOUR_MS;
    h.store.trends.recordSurge({ topic: 'ukraine', hour, score: { count: 31, median: 6, mad: 2, z: 7, baselineDays: 14, surging: true }, storyRowids: [], now: Date.now() });
    const answer = await interact(h.fake, commandInteraction(WHO_A, 'status'));
    expect(replyText(answer.message)).toMatch(/Topic surges: .*Ukraine: 1, latest <t:\d+:R> \(31 stories, usually 6\)/u);
  });
});
