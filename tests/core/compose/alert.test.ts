import { describe, expect, it } from 'vitest';
import { ALERT_SUMMARY_MAX_CHARS, composeAlert } from '../../../src/core/compose/alert.js';
import { MAX_EMBED_TITLE_CHARS, MAX_FIELD_VALUE_CHARS } from '../../../src/core/compose/limits.js';
import { OUTBOUND_MESSAGE_SCHEMA } from '../../../src/core/compose/message.js';
import { SOURCES, TOPICS, verdict } from './fixtures.js';

const PUBLISHED = Date.UTC(2026, 10, 22, 7, 30);
const story = {
  title: 'Russia strikes Kyiv power grid overnight',
  summary: 'Air raid alerts sounded across Ukraine as missiles targeted energy infrastructure.',
  url: 'https://www.reuters.example/world/europe/kyiv-grid',
  publishedAt: PUBLISHED,
  publishedEstimated: false,
  feedId: 'reuters',
};

describe('composeAlert', () => {
  it('GIVEN a matched story THEN one embed carries the linked title, source and kind, time, coloured topics and why', () => {
    const message = composeAlert({ story, verdicts: [verdict('ukraine', 6.2)], topics: TOPICS, source: SOURCES.get('reuters'), mentionRoleId: null });
    expect(message.embeds).toHaveLength(1);
    const embed = message.embeds[0]!;
    expect(embed.title).toBe('Russia strikes Kyiv power grid overnight');
    expect(embed.url).toBe(story.url);
    expect(embed.author?.name).toBe('Reuters · wire');
    expect(embed.color).toBe(0x0057b7);
    expect(embed.timestamp).toBe(new Date(PUBLISHED).toISOString());
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields.Topics).toBe('🔵 Ukraine');
    expect(fields.Published).toContain(`<t:${PUBLISHED / 1000}:f>`);
    expect(fields.Why).toContain('“Kyiv” in title (+3)');
    expect(fields.Why).toContain('model p=0.91');
    expect(message.content).toBeUndefined();
    expect(message.allowedMentions).toEqual({ parse: [], roles: [] });
    expect(OUTBOUND_MESSAGE_SCHEMA.safeParse(message).success).toBe(true);
  });

  it('GIVEN a mention role THEN the content pings that role and allowedMentions allows only it', () => {
    const message = composeAlert({ story, verdicts: [verdict('ukraine', 6.2)], topics: TOPICS, source: undefined, mentionRoleId: '400000000000000001' });
    expect(message.content).toBe('<@&400000000000000001>');
    expect(message.allowedMentions).toEqual({ parse: [], roles: ['400000000000000001'] });
    // Without a feed config the feed id stands in for the source.
    expect(message.embeds[0]?.author?.name).toBe('reuters');
  });

  it('GIVEN two topics THEN the best-scoring one gives the colour and both are listed with their colour dots', () => {
    const message = composeAlert({ story, verdicts: [verdict('ukraine', 4), verdict('north-korea', 9)], topics: TOPICS, source: undefined, mentionRoleId: null });
    expect(message.embeds[0]?.color).toBe(0xc8102e);
    expect(message.embeds[0]?.fields?.[0]?.value).toBe('🔴 North Korea · 🔵 Ukraine');
  });

  it('GIVEN a hostile title, summary, URL and matched text THEN everything is neutralised and within limits', () => {
    const hostile = {
      ...story,
      title: `@everyone <@&123> **BREAKING** [click me](javascript:alert(1)) ${'x'.repeat(400)}`,
      summary: '@here ||spoiler|| <#1> `rm -rf`',
      url: 'javascript:alert(1)',
    };
    const message = composeAlert({
      story: hostile,
      verdicts: [verdict('ukraine', 5, { reasons: [{ kind: 'pattern', pattern: 'x', matched: '@everyone **x**', field: 'title', weight: 2 }] })],
      topics: TOPICS,
      source: SOURCES.get('reuters'),
      mentionRoleId: null,
    });
    const embed = message.embeds[0]!;
    expect(embed.url).toBeUndefined();
    expect(embed.title!.length).toBeLessThanOrEqual(MAX_EMBED_TITLE_CHARS);
    const text = JSON.stringify(message);
    expect(text).not.toMatch(/@everyone|@here/);
    expect(text).not.toMatch(/<@&\d/);
    expect(text).not.toMatch(/<#\d/);
    expect(embed.title).toContain('\\[click me\\](javascript:');
    expect(embed.description).toContain('\\|\\|spoiler\\|\\|');
    for (const field of embed.fields ?? []) expect(field.value.length).toBeLessThanOrEqual(MAX_FIELD_VALUE_CHARS);
    expect(message.allowedMentions).toEqual({ parse: [], roles: [] });
  });

  it('GIVEN an estimated publication time THEN the alert says so', () => {
    const message = composeAlert({ story: { ...story, publishedEstimated: true }, verdicts: [verdict('ukraine', 5)], topics: TOPICS, source: undefined, mentionRoleId: null });
    expect(message.embeds[0]?.fields?.find((f) => f.name === 'Published')?.value).toContain('estimated');
  });

  it('GIVEN "Ukraine wins " and 130 flags as title and summary THEN both keep the words and whole flags, not just "…"', () => {
    const flags = `Ukraine wins ${'🇺🇦'.repeat(130)}`;
    const message = composeAlert({ story: { ...story, title: flags, summary: flags }, verdicts: [verdict('ukraine', 5)], topics: TOPICS, source: undefined, mentionRoleId: null });
    expect(message.embeds[0]?.title).toBe(`Ukraine wins ${'🇺🇦'.repeat(60)}…`);
    expect(message.embeds[0]?.description).toBe(`Ukraine wins ${'🇺🇦'.repeat(84)}…`);
    expect(OUTBOUND_MESSAGE_SCHEMA.safeParse(message).success).toBe(true);
  });

  it('GIVEN a long decomposed (NFD) Korean title and summary THEN both are cut near the limit on syllable boundaries', () => {
    const korean = '북한, 동해상으로 탄도미사일 발사 합참 추가 도발 대비 '.repeat(12).normalize('NFD');
    const embed = composeAlert({ story: { ...story, title: korean, summary: korean }, verdicts: [verdict('north-korea', 5)], topics: TOPICS, source: undefined, mentionRoleId: null }).embeds[0]!;
    expect(embed.title!.length).toBeGreaterThan(MAX_EMBED_TITLE_CHARS - 5);
    expect(embed.description!.length).toBeGreaterThan(ALERT_SUMMARY_MAX_CHARS - 5);
    for (const text of [embed.title!, embed.description!]) {
      expect(text.endsWith('…')).toBe(true);
      expect(korean.startsWith(text.slice(0, -1))).toBe(true);
      expect(text.normalize('NFC')).not.toMatch(/[\u1100-\u11FF]/u);
    }
  });

  it('GIVEN a title of only spaces and controls THEN the alert says untitled rather than sending an empty title', () => {
    const message = composeAlert({ story: { ...story, title: ' \u0007\u202e ' }, verdicts: [verdict('ukraine', 5)], topics: TOPICS, source: undefined, mentionRoleId: null });
    expect(message.embeds[0]?.title).toBe('(untitled)');
  });

  it('GIVEN more topics than the Why field holds THEN whole lines are kept and the rest counted', () => {
    const long = '@everyone **x** '.repeat(3);
    const verdicts = Array.from({ length: 12 }, (_, i) =>
      verdict(`topic-${i}`, 5, { reasons: [1, 2, 3].map((w) => ({ kind: 'pattern' as const, pattern: 'x', matched: long, field: 'title' as const, weight: w })) }),
    );
    const message = composeAlert({ story, verdicts, topics: TOPICS, source: undefined, mentionRoleId: null });
    const why = message.embeds[0]?.fields?.find((f) => f.name === 'Why')?.value ?? '';
    expect(why.length).toBeLessThanOrEqual(MAX_FIELD_VALUE_CHARS);
    expect(why).toMatch(/\n… and \d+ more$/u);
    // Every line kept is whole: its bold label is closed and its score is there.
    for (const line of why.split('\n').slice(0, -1)) expect(line).toMatch(/^\*\*.+\*\*: .+ → 5 ≥ 3$/u);
    expect(OUTBOUND_MESSAGE_SCHEMA.safeParse(message).success).toBe(true);
  });
});
