import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandInteraction, interact, replyText, sub } from '../../helpers/fake-interactions.js';
import { readPng } from '../../helpers/png.js';
import { classified, makeStory } from '../../helpers/stories.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { disposeClassifier, expectValidTraffic, startHarness, WHO_A, type Harness } from './harness.js';

const tempDir = useTempDir();
let h: Harness;

beforeEach(async () => {
  h = await startHarness({ dir: tempDir() });
});

afterEach(async () => {
  expectValidTraffic(h.fake);
  await h.close();
});

afterAll(() => {
  disposeClassifier();
});

describe('/news trend timezone:', () => {
  it('GIVEN timezone:Asia/Seoul WHEN /news trend THEN the chart counts Seoul days and says so', async () => {
    const at = Date.now() - 3_600_000;
    h.store.stories.insert(makeStory({ title: 'Pyongyang story', publishedAt: at, firstSeenAt: at }), classified({ 'north-korea': 5 }));
    const payload = commandInteraction(WHO_A, 'news', sub('trend', { topic: 'north-korea', days: 7, timezone: 'Asia/Seoul' }));
    const answer = await interact(h.fake, payload);
    const text = replyText(answer.message);
    expect(text).toContain('(Asia/Seoul)');
    expect(text).toMatch(/North Korea \*\*1\*\*/u);
    const edit = h.fake.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(`/${payload.token}/messages/@original`));
    expect(readPng(edit!.files[0]!.bytes)).toMatchObject({ width: 1000, height: 500 });
  });

  it('GIVEN a time zone that does not exist WHEN /news trend THEN one private message names it and how to fix it, and no chart is sent', async () => {
    const payload = commandInteraction(WHO_A, 'news', sub('trend', { timezone: 'Asia/Pyongyangg' }));
    const answer = await interact(h.fake, payload);
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain('`timezone:Asia/Pyongyangg` is not an IANA time zone name. Use one such as `Asia/Seoul`');
    expect(h.fake.requests.flatMap((r) => r.files)).toHaveLength(0);
  });
});
