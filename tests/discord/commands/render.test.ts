import { describe, expect, it } from 'vitest';
import { MAX_EMBED_DESCRIPTION_CHARS, MAX_EMBED_TOTAL_CHARS, MAX_EMBEDS_PER_MESSAGE } from '../../../src/core/compose/limits.js';
import { totalEmbedChars } from '../../../src/core/compose/message.js';
import { highlightToMarkdown, inlineCode, packLines } from '../../../src/discord/commands/render.js';
import { createSearchSessions, type SearchSession } from '../../../src/discord/commands/search-sessions.js';

const S = '\u0001';
const E = '\u0002';

describe('highlightToMarkdown', () => {
  it('GIVEN FTS markers around a match THEN the match is bold and the rest escaped', () => {
    expect(highlightToMarkdown(`North Korea *fires* ${S}missile${E} near <@123>`, 200)).toBe('North Korea \\*fires\\* **missile** near <\\@123\\>'.replace('<\\@123\\>', '\\<@\u200b123\\>'));
  });

  it('GIVEN a backslash just before a match THEN it cannot escape the bold markers', () => {
    const out = highlightToMarkdown(`path\\${S}missile${E}`, 200);
    expect(out).toBe('path\\\\**missile**');
  });

  it('GIVEN markers that feed text smuggled in as private-use characters THEN they do not become bold', () => {
    expect(highlightToMarkdown('a\ue000b\ue001c', 200)).toBe('abc');
  });

  it('GIVEN a long snippet THEN it is cut within the limit, ending in an ellipsis, with balanced bold', () => {
    const raw = `${'word '.repeat(40)}${S}target${E} ${'tail '.repeat(40)}`;
    for (const max of [20, 50, 203, 206, 215]) {
      const out = highlightToMarkdown(raw, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect((out.match(/\*\*/gu) ?? []).length % 2).toBe(0);
    }
  });
});

describe('inlineCode', () => {
  it('GIVEN text with backticks and markdown THEN it stays raw inside one code span that cannot be closed early', () => {
    expect(inlineCode('0 8 * * *', 100)).toBe('`0 8 * * *`');
    expect(inlineCode('a`b <@1>', 100)).toBe("`a'b <@1>`");
    expect(inlineCode('', 100)).toBe('` `');
  });
});

describe('packLines', () => {
  it('GIVEN more lines than fit THEN embeds stay within every limit and the rest is counted, not dropped silently', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `• line ${i} ${'x'.repeat(80)}`);
    const embeds = packLines('Title', lines, 0x123456, 'See the CLI.');
    expect(embeds.length).toBeLessThanOrEqual(MAX_EMBEDS_PER_MESSAGE);
    expect(totalEmbedChars(embeds)).toBeLessThanOrEqual(MAX_EMBED_TOTAL_CHARS);
    for (const e of embeds) expect(e.description?.length ?? 0).toBeLessThanOrEqual(MAX_EMBED_DESCRIPTION_CHARS);
    const last = embeds[embeds.length - 1]!.description!;
    const shown = embeds.flatMap((e) => e.description!.split('\n')).filter((l) => l.startsWith('• line')).length;
    expect(last).toContain(`… and ${400 - shown} more not shown. See the CLI.`);
  });
});

describe('search sessions', () => {
  const session = (createdAt: number, userId = 'u'): SearchSession => ({ userId, guildId: 'g', match: '"x"', terms: ['x'], ignored: [], topic: undefined, days: 30, sinceMs: 0, createdAt });

  it('GIVEN a saved search THEN its key is short enough for a custom_id, and it expires after the TTL', () => {
    const sessions = createSearchSessions({ ttlMs: 1_000 });
    const key = sessions.save(session(10_000));
    expect(key).toMatch(/^[\w-]{10}$/u);
    expect(sessions.get(key, 10_500)?.userId).toBe('u');
    expect(sessions.get(key, 11_001)).toBeUndefined();
  });

  it('GIVEN the maximum number of searches THEN the oldest is forgotten first', () => {
    const sessions = createSearchSessions({ ttlMs: 60_000, max: 2 });
    const first = sessions.save(session(1));
    const second = sessions.save(session(2));
    const third = sessions.save(session(3));
    expect(sessions.get(first, 4)).toBeUndefined();
    expect(sessions.get(second, 4)).toBeDefined();
    expect(sessions.get(third, 4)).toBeDefined();
    expect(sessions.size()).toBe(2);
  });
});
