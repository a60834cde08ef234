import { describe, expect, it } from 'vitest';
import { composeDigest, type DigestStory } from '../../../src/core/compose/digest.js';
import {
  MAX_EMBED_DESCRIPTION_CHARS,
  MAX_EMBED_TITLE_CHARS,
  MAX_EMBED_TOTAL_CHARS,
  MAX_EMBEDS_PER_MESSAGE,
} from '../../../src/core/compose/limits.js';
import { OUTBOUND_MESSAGE_SCHEMA, totalEmbedChars, type OutboundMessage } from '../../../src/core/compose/message.js';
import { SOURCES, TOPICS } from './fixtures.js';

const UNTIL = Date.UTC(2026, 10, 22, 23);
const FROM = UNTIL - 24 * 3_600_000;

/** Deterministic pseudo-words, so no two generated titles look alike to the clusterer. */
function words(seed: number, count: number): string {
  let x = seed * 2654435761 + 1;
  const out: string[] = [];
  for (let w = 0; w < count; w++) {
    let word = '';
    const length = 5 + (w % 5);
    for (let c = 0; c < length; c++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      word += String.fromCharCode(97 + (x % 26));
    }
    out.push(word);
  }
  return out.join(' ');
}

/** 40 distinct stories over three topics, with long titles and URLs to force splitting. */
function fortyStories(): DigestStory[] {
  return Array.from({ length: 40 }, (_, i) => {
    const topic = ['ukraine', 'north-korea', 'south-korea'][i % 3]!;
    return {
      key: `s${i}`,
      title: words(i + 1, 14 + (i % 7)),
      url: `https://news${i}.example/${topic}/${'long-path-segment-'.repeat(8)}${i}`,
      feedId: ['reuters', 'ap', 'bbc', 'kcna'][i % 4]!,
      sources: [['reuters', 'ap', 'bbc', 'kcna'][i % 4]!],
      publishedAt: FROM + i * 1_800_000,
      scores: { [topic]: 3 + (i % 5) },
    };
  });
}

function allLines(messages: readonly OutboundMessage[]): string[] {
  return messages.flatMap((m) => m.embeds.slice(0).flatMap((e) => (e.description ?? '').split('\n'))).filter((l) => l.startsWith('• '));
}

const base = { subscribedTopics: ['ukraine', 'north-korea', 'south-korea'], topics: TOPICS, sources: SOURCES, from: FROM, until: UNTIL, postEmpty: false };

describe('composeDigest', () => {
  it('GIVEN 40 stories THEN they are split across embeds and messages within every Discord limit, none lost', () => {
    const messages = composeDigest({ ...base, stories: fortyStories() });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.embeds.length).toBeLessThanOrEqual(MAX_EMBEDS_PER_MESSAGE);
      expect(totalEmbedChars(m.embeds)).toBeLessThanOrEqual(MAX_EMBED_TOTAL_CHARS);
      for (const e of m.embeds) {
        expect(e.title?.length ?? 0).toBeLessThanOrEqual(MAX_EMBED_TITLE_CHARS);
        expect(e.description?.length ?? 0).toBeLessThanOrEqual(MAX_EMBED_DESCRIPTION_CHARS);
      }
      expect(OUTBOUND_MESSAGE_SCHEMA.safeParse(m).success).toBe(true);
      expect(m.allowedMentions).toEqual({ parse: [], roles: [] });
    }
    expect(allLines(messages)).toHaveLength(40);
    // Parts are numbered in the footer of each message's last embed.
    messages.forEach((m, i) => { expect(m.embeds.at(-1)?.footer?.text).toBe(`Watchfloor digest · part ${i + 1}/${messages.length}`); });
    // The header counts everything, per topic.
    const header = messages[0]!.embeds[0]!;
    expect(header.title).toBe('Watchfloor digest: 40 stories in 40 entries');
    expect(header.description).toContain('🔵 Ukraine: 14');
    expect(header.description).toContain('🔴 North Korea: 13');
    expect(header.description).toContain('🟢 South Korea: 13');
  });

  it('GIVEN stories of one topic THEN entries are ordered by score, then newest first', () => {
    const stories: DigestStory[] = [
      { key: 'low', title: 'Low score item about grain exports', url: null, feedId: 'ap', sources: ['ap'], publishedAt: FROM + 10, scores: { ukraine: 3 } },
      { key: 'high-old', title: 'High score older item about Kherson', url: null, feedId: 'ap', sources: ['ap'], publishedAt: FROM + 20, scores: { ukraine: 9 } },
      { key: 'high-new', title: 'High score newer item about Sumy shelling', url: null, feedId: 'ap', sources: ['ap'], publishedAt: FROM + 30, scores: { ukraine: 9 } },
    ];
    const lines = allLines(composeDigest({ ...base, stories }));
    expect(lines.map((l) => l.split(' — ')[0])).toEqual(['• High score newer item about Sumy shelling', '• High score older item about Kherson', '• Low score item about grain exports']);
  });

  it('GIVEN one event reported by three outlets THEN the digest lists it once with "also reported by"', () => {
    const stories: DigestStory[] = [
      { key: 'r', title: 'North Korea fires ballistic missile into East Sea, Seoul says', url: 'https://r.example/1', feedId: 'reuters', sources: ['reuters'], publishedAt: FROM + 1000, scores: { 'north-korea': 8 } },
      { key: 'a', title: 'North Korea fires ballistic missile toward East Sea: South Korea military', url: 'https://a.example/1', feedId: 'ap', sources: ['ap'], publishedAt: FROM + 2000, scores: { 'north-korea': 7 } },
      { key: 'k', title: 'North Korea fires ballistic missile into East Sea', url: 'https://k.example/1', feedId: 'kcna', sources: ['kcna', 'bbc'], publishedAt: FROM + 3000, scores: { 'north-korea': 6 } },
    ];
    const messages = composeDigest({ ...base, stories });
    const lines = allLines(messages);
    expect(lines).toHaveLength(1);
    const description = messages[0]!.embeds[1]!.description!;
    expect(description).toContain('[North Korea fires ballistic missile into East Sea, Seoul says](https://r.example/1) — Reuters');
    expect(description).toContain('also reported by AP, KCNA Watch, BBC News');
    expect(messages[0]!.embeds[0]!.title).toBe('Watchfloor digest: 3 stories in 1 entry');
  });

  it('GIVEN a story matching two topics THEN it is listed once, under its best-scoring topic', () => {
    const stories: DigestStory[] = [{ key: 'x', title: 'Seoul and Kyiv sign arms deal', url: null, feedId: 'ap', sources: ['ap'], publishedAt: FROM + 1, scores: { ukraine: 4, 'south-korea': 7 } }];
    const messages = composeDigest({ ...base, stories });
    expect(allLines(messages)).toHaveLength(1);
    expect(messages[0]!.embeds[1]!.title).toContain('South Korea');
  });

  it('GIVEN no stories THEN nothing is posted, unless empty digests are wanted', () => {
    expect(composeDigest({ ...base, stories: [] })).toEqual([]);
    const empty = composeDigest({ ...base, stories: [], postEmpty: true });
    expect(empty).toHaveLength(1);
    expect(empty[0]!.embeds[0]!.title).toBe('Watchfloor digest: nothing new');
  });

  it('GIVEN a hostile title and URL THEN the digest line is escaped and unlinked', () => {
    const stories: DigestStory[] = [{ key: 'h', title: '@everyone [x](javascript:alert(1)) **pwn**', url: 'javascript:alert(1)', feedId: 'ap', sources: ['ap'], publishedAt: FROM + 1, scores: { ukraine: 5 } }];
    const line = allLines(composeDigest({ ...base, stories }))[0]!;
    expect(line).toContain('@\u200beveryone');
    expect(line).toContain('\\[x\\](javascript:alert(1)) \\*\\*pwn\\*\\*');
    expect(line).not.toMatch(/(?<!\\)\]\(javascript/);
  });

  it('GIVEN "Ukraine wins " and 130 flags, and a title of only spaces THEN the lines keep the words and flags, and say untitled', () => {
    const stories: DigestStory[] = [
      { key: 'f', title: `Ukraine wins ${'🇺🇦'.repeat(130)}`, url: 'https://f.example/1', feedId: 'ap', sources: ['ap'], publishedAt: FROM + 1, scores: { ukraine: 5 } },
      { key: 'e', title: ' \u0007 ', url: 'https://e.example/1', feedId: 'ap', sources: ['ap'], publishedAt: FROM + 2, scores: { ukraine: 4 } },
    ];
    const lines = allLines(composeDigest({ ...base, stories }));
    // 13 units of words, 4 a flag, 1 the ellipsis: 46 flags fit in a digest title of 200.
    expect(lines[0]).toContain(`[Ukraine wins ${'🇺🇦'.repeat(46)}…](https://f.example/1)`);
    expect(lines[1]).toContain('[(untitled)](https://e.example/1)');
  });

  it('GIVEN more topics than the header holds THEN the header keeps whole lines within the description limit', () => {
    const topics = new Map(Array.from({ length: 60 }, (_, i) => [`t${i}`, { id: `t${i}`, label: `Topic ${i} ${'🇺🇦'.repeat(40)}`, color: 0x123456 }]));
    const stories: DigestStory[] = [...topics.keys()].map((t, i) => ({ key: t, title: words(i + 1, 8), url: null, feedId: 'ap', sources: ['ap'], publishedAt: FROM + i, scores: { [t]: 5 } }));
    const messages = composeDigest({ ...base, subscribedTopics: ['*'], topics, stories });
    const header = messages[0]!.embeds[0]!;
    expect(header.description!.length).toBeLessThanOrEqual(MAX_EMBED_DESCRIPTION_CHARS);
    expect(header.description).toMatch(/\n… and \d+ more$/u);
    for (const m of messages) expect(OUTBOUND_MESSAGE_SCHEMA.safeParse(m).success).toBe(true);
  });
});
