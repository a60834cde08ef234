import { describe, expect, it } from 'vitest';
import { SEARCH_PAGE_SIZE } from '../../../src/discord/commands/news.js';
import { RANK_CANDIDATES_MAX } from '../../../src/store/stories.js';
import {
  autocompleteInteraction,
  buttonInteraction,
  choiceValues,
  commandInteraction,
  followUps,
  interact,
  replyText,
  sub,
} from '../../helpers/fake-interactions.js';
import { classified, makeStory } from '../../helpers/stories.js';
import { GUILD_A, GUILD_B, useHarness, WHO_A, WHO_B } from './harness.js';

const HOUR_MS = 3_600_000;
const A = WHO_A;

const h = useHarness();

function seed(title: string, scores: Record<string, number>, options: { hoursAgo?: number; summary?: string; feedId?: string; url?: string } = {}) {
  const at = Date.now() - (options.hoursAgo ?? 1) * HOUR_MS;
  const story = makeStory({ title, summary: options.summary ?? 'Details follow.', publishedAt: at, firstSeenAt: at, feedId: options.feedId ?? 'reuters', ...(options.url ? { url: options.url } : {}) });
  h.store.stories.insert(story, classified(scores));
  return story;
}

describe('/news across servers', () => {
  function addFeed(id: string, guildId: string): void {
    h.store.addedFeeds.add({ id, url: `https://${id}.example/rss`, name: `Desk ${id}`, language: 'en', kind: 'outlet', addedBy: '700000000000000001', guildId, addedAt: Date.now() });
  }

  it("GIVEN stories from A's added feed, B's and feeds.json WHEN B runs /news latest, search, digest and explain THEN it never sees a story only A's feed carried", async () => {
    addFeed('desk-a', GUILD_A);
    addFeed('desk-b', GUILD_B);
    const onlyA = seed('Kyiv exclusive from desk A', { ukraine: 6 }, { feedId: 'desk-a', hoursAgo: 1 });
    seed('Kyiv exclusive from desk B', { ukraine: 6 }, { feedId: 'desk-b', hoursAgo: 2 });
    seed('Kyiv report on the wire', { ukraine: 6 }, { feedId: 'reuters', hoursAgo: 3 });
    const shared = seed('Kyiv story both carried', { ukraine: 6 }, { feedId: 'desk-a', hoursAgo: 4 });
    h.store.stories.insert({ ...shared, id: `${shared.id}-wire`, feedId: 'ap' }, classified({ ukraine: 6 }));

    const latestB = replyText((await interact(h.fake, commandInteraction(WHO_B, 'news', sub('latest', { count: 10 })))).message);
    expect(latestB).not.toContain('desk A');
    expect(latestB).toContain('desk B');
    expect(latestB).toContain('on the wire');
    expect(latestB).toContain('both carried');
    const latestA = replyText((await interact(h.fake, commandInteraction(A, 'news', sub('latest', { count: 10 })))).message);
    expect(latestA).toContain('desk A');
    expect(latestA).not.toContain('desk B');

    const searchB = replyText((await interact(h.fake, commandInteraction(WHO_B, 'news', sub('search', { query: 'exclusive' })))).message);
    expect(searchB).toContain('desk B');
    expect(searchB).not.toContain('desk A');
    expect(searchB).toContain('1 results');

    const digestPayload = commandInteraction(WHO_B, 'news', sub('digest', { hours: 24 }));
    const digestB = await interact(h.fake, digestPayload);
    const digestText = [replyText(digestB.message), ...followUps(h.fake, digestPayload.token).map((r) => replyText(r.body as Record<string, unknown>))].join('\n');
    expect(digestText).not.toContain('desk A');
    expect(digestText).toContain('on the wire');

    const explainB = await interact(h.fake, commandInteraction(WHO_B, 'news', sub('explain', { url: onlyA.url ?? '' })));
    expect(replyText(explainB.message)).toContain('No stored story has that link');
    const explainA = await interact(h.fake, commandInteraction(A, 'news', sub('explain', { url: onlyA.url ?? '' })));
    expect(replyText(explainA.message)).toContain('Kyiv exclusive from desk A');
  });
});

describe('/news latest', () => {
  it('GIVEN matched stories WHEN /news latest THEN the newest come first, escaped, with source and topics', async () => {
    seed('Older: Kyiv talks resume', { ukraine: 5 }, { hoursAgo: 5 });
    seed('Newest: *Seoul* @everyone <@123> [click](https://evil.example)', { 'south-korea': 6 }, { hoursAgo: 1, feedId: 'ap' });
    seed('Middle: Pyongyang parade', { 'north-korea': 7 }, { hoursAgo: 3, feedId: 'kcna' });
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('latest', { count: 3 })));
    expect(answer.type).toBe(4);
    expect(answer.ephemeral).toBe(false);
    const text = replyText(answer.message);
    expect(text.indexOf('Newest')).toBeLessThan(text.indexOf('Middle'));
    expect(text.indexOf('Middle')).toBeLessThan(text.indexOf('Older'));
    expect(text).toContain('\\*Seoul\\*');
    expect(text).toContain('@\u200beveryone');
    expect(text).not.toContain('<@123>');
    expect(text).toContain('\\[click\\]');
    expect(text).toContain('KCNA Watch');
    expect(text).toContain('North Korea');
  });

  it('GIVEN a topic and a window WHEN /news latest THEN only that topic inside the window is listed', async () => {
    seed('Kyiv grid repaired', { ukraine: 5 }, { hoursAgo: 2 });
    seed('Kharkiv strike long ago', { ukraine: 5 }, { hoursAgo: 30 });
    seed('Seoul election', { 'south-korea': 5 }, { hoursAgo: 1 });
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('latest', { topic: 'ukraine', hours: 24 })));
    const text = replyText(answer.message);
    expect(text).toContain('Kyiv grid repaired');
    expect(text).not.toContain('Kharkiv');
    expect(text).not.toContain('Seoul');
  });

  it('GIVEN an unknown topic WHEN /news latest THEN an ephemeral reply names the known topics', async () => {
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('latest', { topic: 'japan' })));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toMatch(/Unknown topic "japan".*north-korea, south-korea, ukraine/s);
  });

  it('GIVEN a count out of range (sent without Discord\'s checks) WHEN /news latest THEN the range is explained', async () => {
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('latest', { count: 500 })));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain('`count` must be a whole number from 1 to 10');
  });

  it('GIVEN no stories WHEN /news latest THEN an ephemeral reply says so and how to widen it', async () => {
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('latest')));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain('No matched stories');
  });
});

describe('/news search', () => {
  it('GIVEN matching stories WHEN /news search THEN snippets show the matches in bold and feed text escaped', async () => {
    seed('Missile launch *confirmed* by Seoul', { 'north-korea': 6 }, { summary: 'The missile flew 800 km before landing at sea, officials said.' });
    seed('Kyiv talks', { ukraine: 5 });
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('search', { query: 'missile' })));
    expect(answer.type).toBe(4);
    const text = replyText(answer.message);
    expect(text).toContain('**Missile**');
    expect(text).toContain('\\*confirmed\\*');
    expect(text).toContain('The **missile** flew');
    expect(text).not.toContain('Kyiv talks');
    expect(text.includes('\u0001') || text.includes('\u0002')).toBe(false);
    // One page only: no buttons.
    expect(answer.message.components).toEqual([]);
  });

  it('GIVEN a query matching more stories than are ranked THEN the newest come first and the footer says so', async () => {
    const total = RANK_CANDIDATES_MAX + 1;
    h.store.transaction(() => {
      for (let i = 0; i < total; i++) seed(`Grain shipment ${i} leaves port`, i === 0 ? { ukraine: 5 } : {}, { hoursAgo: 1 + (total - i) / 1000, url: `https://news.example/grain/${i}` });
    });
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('search', { query: 'grain' })));
    const text = replyText(answer.message);
    expect(text).toContain(`${total} results`);
    expect(text).toContain('newest first (too many matches to rank: add words)');
    expect(text).toContain(`**Grain** shipment ${total - 1} leaves port`);
  });

  it('GIVEN 12 results WHEN paging with Next and Previous THEN each page shows the next five and the buttons reflect the ends', async () => {
    for (let i = 1; i <= 12; i++) seed(`Sanctions round ${String(i).padStart(2, '0')} announced`, { 'north-korea': 4 + i / 10 }, { hoursAgo: i });
    const first = await interact(h.fake, commandInteraction(A, 'news', sub('search', { query: 'sanctions' })));
    expect(replyText(first.message)).toContain('Page 1/3 · 12 results');
    const rows = first.message.components as { components: { custom_id: string; disabled: boolean; label: string }[] }[];
    const [previous, next] = rows[0]!.components;
    expect(previous).toMatchObject({ label: 'Previous', disabled: true });
    expect(next).toMatchObject({ label: 'Next', disabled: false });
    expect(next!.custom_id.length).toBeLessThanOrEqual(100);
    const firstNumbers = [...replyText(first.message).matchAll(/\*\*(\d+)\.\*\*/gu)].map((m) => Number(m[1]));
    expect(firstNumbers).toEqual([1, 2, 3, 4, 5].slice(0, SEARCH_PAGE_SIZE));

    const second = await interact(h.fake, buttonInteraction(A, next!.custom_id, first.message));
    expect(second.type).toBe(7);
    expect(replyText(second.message)).toContain('Page 2/3');
    expect([...replyText(second.message).matchAll(/\*\*(\d+)\.\*\*/gu)].map((m) => Number(m[1]))).toEqual([6, 7, 8, 9, 10]);

    const nextRow = (second.message.components as { components: { custom_id: string }[] }[])[0]!;
    const third = await interact(h.fake, buttonInteraction(A, nextRow.components[1]!.custom_id, second.message));
    expect(replyText(third.message)).toContain('Page 3/3');
    const lastRow = (third.message.components as { components: { custom_id: string; disabled: boolean }[] }[])[0]!;
    expect(lastRow.components[1]!.disabled).toBe(true);
    expect([...replyText(third.message).matchAll(/\*\*(\d+)\.\*\*/gu)].map((m) => Number(m[1]))).toEqual([11, 12]);

    const back = await interact(h.fake, buttonInteraction(A, lastRow.components[0]!.custom_id, third.message));
    expect(replyText(back.message)).toContain('Page 2/3');
  });

  it('GIVEN someone else\'s search WHEN another member presses Next THEN they are told to run their own, and the message is unchanged', async () => {
    for (let i = 1; i <= 7; i++) seed(`Drone attack report ${i}`, { ukraine: 5 }, { hoursAgo: i });
    const first = await interact(h.fake, commandInteraction(A, 'news', sub('search', { query: 'drone' })));
    const next = (first.message.components as { components: { custom_id: string }[] }[])[0]!.components[1]!;
    const other = await interact(h.fake, buttonInteraction({ ...A, userId: '700000000000000099' }, next.custom_id, first.message));
    expect(other.type).toBe(4);
    expect(other.ephemeral).toBe(true);
    expect(replyText(other.message)).toContain('Only the person who ran this search');
  });

  it('GIVEN a button from before a restart WHEN pressed THEN the reply says the search expired', async () => {
    const answer = await interact(h.fake, buttonInteraction(A, 'news-search:abcdefghij:1', { embeds: [] }));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain('expired');
  });

  it('GIVEN a query of punctuation only WHEN /news search THEN an ephemeral reply explains the query syntax', async () => {
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('search', { query: '*** ((( """' })));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain('Nothing searchable');
  });

  it('GIVEN FTS syntax in a query WHEN /news search THEN it is searched as text, never an error', async () => {
    seed('NEAR the border: troops gather', { 'north-korea': 5 });
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('search', { query: 'NEAR( border" ^troops:' })));
    expect(h.logs.lines().filter((l) => l.msg === 'command failed')).toEqual([]);
    expect(replyText(answer.message)).toMatch(/border|No stored story/u);
  });
});

describe('/news digest', () => {
  it('GIVEN matched stories WHEN /news digest THEN it defers and then posts a digest composed like the scheduled one', async () => {
    seed('Kyiv power grid hit', { ukraine: 6 }, { hoursAgo: 2 });
    seed('Pyongyang test launch', { 'north-korea': 7 }, { hoursAgo: 3, feedId: 'kcna' });
    seed('Outside window', { ukraine: 6 }, { hoursAgo: 30 });
    const payload = commandInteraction(A, 'news', sub('digest', { hours: 24 }));
    const answer = await interact(h.fake, payload);
    expect(answer.type).toBe(5);
    expect(answer.ephemeral).toBe(false);
    const text = replyText(answer.message);
    expect(text).toContain('Watchfloor digest: 2 stories');
    expect(text).toContain('Kyiv power grid hit');
    expect(text).toContain('KCNA Watch');
    expect(text).not.toContain('Outside window');
    expect(followUps(h.fake, payload.token)).toHaveLength(0);
  });

  it('GIVEN 150 long-titled stories WHEN /news digest THEN it is split into parts within Discord\'s limits, sent as follow-ups', async () => {
    // Distinct words per title, so near-duplicate clustering keeps them apart.
    const title = (i: number): string => Array.from({ length: 14 }, (_, k) => `w${(i * 31 + k * 17) % 997}x${k}${i}`).join(' ');
    for (let i = 0; i < 150; i++) seed(title(i), { ukraine: 5 + (i % 3) }, { hoursAgo: 1 + (i % 20) });
    const payload = commandInteraction(A, 'news', sub('digest', { topic: 'ukraine' }));
    const answer = await interact(h.fake, payload);
    expect(replyText(answer.message)).toContain('part 1/');
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(payload.token) && /more part|part 4\//u.test(JSON.stringify(r.body)));
    expect(followUps(h.fake, payload.token).length).toBeGreaterThanOrEqual(1);
  });

  it('GIVEN an unknown topic WHEN /news digest (deferred publicly) THEN the public placeholder is removed and the error is private', async () => {
    const payload = commandInteraction(A, 'news', sub('digest', { topic: 'mars' }));
    const answer = await interact(h.fake, payload);
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain('Unknown topic "mars"');
    expect(h.fake.requests.some((r) => r.method === 'DELETE' && r.path.endsWith('/messages/@original'))).toBe(true);
  });
});

describe('/news explain', () => {
  it('GIVEN a stored story URL WHEN /news explain THEN each topic\'s stored verdict and reasons are shown', async () => {
    seed('Russia strikes Kyiv power grid overnight', { ukraine: 6 }, { url: 'https://news.example/kyiv-grid' });
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('explain', { url: 'https://news.example/kyiv-grid?utm_source=x#top' })));
    const text = replyText(answer.message);
    expect(text).toContain('Why: Russia strikes Kyiv power grid overnight');
    expect(text).toContain('Ukraine — matched');
    expect(text).toContain('“Kyiv” in title (+3)');
    // The other topics had no evidence, so no verdict was stored for them: the reply says so.
    expect(text).toContain('No evidence at all for 🔴 North Korea · 🔵 South Korea: none of their words appear.');
    expect(text).not.toContain('North Korea — not matched');
  });

  it('GIVEN text WHEN /news explain THEN the current classifier decides, with matched and unmatched topics', async () => {
    const answer = await interact(h.fake, commandInteraction(A, 'news', sub('explain', { text: 'North Korea fires ballistic missile into East Sea, Seoul says' })));
    const text = replyText(answer.message);
    expect(text).toContain('North Korea — matched');
    expect(text).toMatch(/Ukraine — not matched/u);
  });

  it('GIVEN both url and text, or neither WHEN /news explain THEN an ephemeral reply asks for exactly one', async () => {
    const cases: Record<string, string>[] = [{}, { url: 'https://a.example/', text: 'x' }];
    for (const options of cases) {
      const answer = await interact(h.fake, commandInteraction(A, 'news', sub('explain', options)));
      expect(answer.ephemeral).toBe(true);
      expect(replyText(answer.message)).toContain('exactly one of `url`');
    }
  });

  it('GIVEN a URL nobody stored, or not a URL WHEN /news explain THEN the reply says what to do instead', async () => {
    const unknown = await interact(h.fake, commandInteraction(A, 'news', sub('explain', { url: 'https://unknown.example/story' })));
    expect(replyText(unknown.message)).toContain('No stored story has that link');
    const bad = await interact(h.fake, commandInteraction(A, 'news', sub('explain', { url: 'javascript:alert(1)' })));
    expect(replyText(bad.message)).toContain('is not an http(s) link');
  });
});

describe('/news autocomplete', () => {
  it('GIVEN a partly typed topic WHEN autocompleting THEN matching topics come back as choices', async () => {
    const answer = await interact(h.fake, autocompleteInteraction(A, 'news', sub('latest', { topic: 'kor' }, 'topic')));
    expect(choiceValues(answer).sort()).toEqual(['north-korea', 'south-korea']);
  });
});
