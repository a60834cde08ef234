import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '@discordjs/formatters';
import {
  cleanInline,
  escapeText,
  fitLines,
  fitSafeText,
  graphemesUpTo,
  maskedLink,
  neutraliseMentions,
  safeHttpUrl,
  truncateGraphemes,
} from '../../../src/core/compose/text.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemes = (s: string): string[] => Array.from(segmenter.segment(s), (x) => x.segment);

/** A reproducible stream of numbers in [0, 1) (a linear congruential generator). */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('neutraliseMentions', () => {
  it.each([
    ['@everyone look', '@\u200beveryone look'],
    ['@here now', '@\u200bhere now'],
    ['hi <@123456>', 'hi <@\u200b123456>'],
    ['hi <@!123456>', 'hi <@!\u200b123456>'],
    ['role <@&987>', 'role <@&\u200b987>'],
    ['chan <#42>', 'chan <#\u200b42>'],
    ['cmd </ban:1>', 'cmd </\u200bban:1>'],
  ])('GIVEN %j THEN the mention can no longer resolve', (input, expected) => {
    expect(neutraliseMentions(input)).toBe(expected);
  });

  it('GIVEN an e-mail address THEN it is left readable', () => {
    expect(neutraliseMentions('press@example.org')).toBe('press@example.org');
  });
});

describe('escapeText', () => {
  it('GIVEN Markdown, a masked javascript: link and mentions THEN nothing is left to format, link or ping', () => {
    const out = escapeText('**bold** __u__ ~~s~~ ||spoiler|| `code` [click](javascript:alert(1)) @everyone <@&123>');
    expect(out).not.toMatch(/(?<!\\)\*\*/);
    expect(out).not.toMatch(/(?<!\\)\|\|/);
    expect(out).not.toMatch(/(?<!\\)`/);
    // The bracket is escaped exactly once: `\[` (an escaped backslash `\\[` would re-open the link).
    expect(out).toContain('\\[click\\](javascript:alert(1))');
    expect(out).not.toContain('\\\\[');
    expect(out).toContain('@\u200beveryone');
    expect(out).toContain('<@&\u200b123');
  });

  it('GIVEN a heading or list marker at the start THEN it is escaped', () => {
    expect(escapeText('# Breaking')).toBe('\\# Breaking');
    expect(escapeText('- item')).toBe('\\- item');
  });
});

describe('truncateGraphemes', () => {
  it('GIVEN text within the limit THEN it is unchanged', () => {
    expect(truncateGraphemes('short', 10)).toBe('short');
  });

  it('GIVEN emoji with modifiers, flags and Hangul THEN the cut never splits a grapheme', () => {
    const text = '👩🏽‍🚀🇺🇦🇰🇷 평양 발표 '.repeat(20);
    for (let limit = 1; limit < 60; limit++) {
      const cut = truncateGraphemes(text, limit);
      expect(cut.length).toBeLessThanOrEqual(limit);
      const kept = cut.endsWith('…') ? cut.slice(0, -1) : cut;
      // Every grapheme of the cut text is a grapheme of the original, in order.
      expect(text.startsWith(kept)).toBe(true);
      const original = graphemes(text);
      graphemes(kept).forEach((g, i) => { expect(g).toBe(original[i]); });
    }
  });
});

describe('fitSafeText', () => {
  it('GIVEN text whose escapes push it over the limit THEN the result fits and ends with an ellipsis', () => {
    const raw = '*'.repeat(300);
    const out = fitSafeText(raw, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out.endsWith('…')).toBe(true);
    // Never a dangling escape before the ellipsis.
    expect(out).not.toMatch(/(?<!\\)\\…$/);
  });

  it('GIVEN control characters, bidi overrides and newlines THEN they are removed or folded', () => {
    expect(cleanInline('a\u202Eb\u0007c\n\n d')).toBe('abc d');
  });
});

describe('safeHttpUrl', () => {
  it.each(['javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'ftp://x.example/', 'not a url', '', 'https://user:pw@x.example/'])(
    'GIVEN %j THEN it is dropped',
    (url) => {
      expect(safeHttpUrl(url)).toBeNull();
    },
  );

  it('GIVEN an https URL with parentheses THEN it is kept with them percent-encoded', () => {
    expect(safeHttpUrl('https://en.example/wiki/Kyiv_(city)')).toBe('https://en.example/wiki/Kyiv_%28city%29');
  });

  it('GIVEN an unusable URL THEN the masked link falls back to plain text', () => {
    expect(maskedLink('Title', safeHttpUrl('javascript:x'))).toBe('Title');
    expect(maskedLink('Title', safeHttpUrl('http://a.example/'))).toBe('[Title](http://a.example/)');
  });
});

describe('graphemesUpTo fast path', () => {
  it('GIVEN random text from many scripts, marks, jamo, emoji and CR LF THEN the graphemes equal Intl.Segmenter\'s', () => {
    const alphabet = ['a', ' ', 'é', 'e\u0301', 'ß', 'ω', 'ї', 'й', '\u0483', 'Й', '평', '양', '\u1100', '\u1161', '\u11A8', '中', '、', '\u302A', '—', '…', '\u200D', '\u200C', '😀', '🏽', '🇺', '🇦', '\r', '\n', '\t', '\u00AD', '\u2060', '\u0E33', 'ก', '\u0915', '\u094D'];
    const next = seededRandom(7);
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = Math.floor(next() * 12);
      // Half the strings come from the first 14 characters only (the fast path's alphabet).
      const pool = next() < 0.5 ? 14 : alphabet.length;
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(next() * pool)] ?? '';
      const count = Math.floor(next() * 14);
      const expected = graphemes(text).slice(0, count);
      expect(graphemesUpTo(text, count), JSON.stringify(text)).toEqual(expected);
      if (expected.every((g) => g.length === 1) && !['\u0301', '\u0483', '\u1100', '\u1161', '\u11A8', '\u302A'].some((c) => text.includes(c))) fast++;
    }
    expect(fast).toBeGreaterThan(5_000);
  });
});

describe('escapeText fast path', () => {
  it('GIVEN random text built from Markdown, mention and list characters THEN the result equals the full escape', () => {
    const full = (text: string) =>
      neutraliseMentions(escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true }).replace(/[[\]<>]/gu, (c) => `\\${c}`));
    const alphabet = ['a', ' ', '*', '_', '`', '~', '|', '>', '#', '-', '+', '1', '.', ')', '@', '<', '[', ']', '(', '😀', '한', '\\', '\n', 'é', ':', '/', '&', '!'];
    const next = seededRandom(11);
    let unchanged = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = Math.floor(next() * 10);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(next() * alphabet.length)] ?? '';
      const escaped = escapeText(text);
      expect(escaped, JSON.stringify(text)).toBe(full(text));
      if (escaped === text) unchanged++;
    }
    // Both paths were exercised.
    expect(unchanged).toBeGreaterThan(1000);
    expect(unchanged).toBeLessThan(19_000);
  });
});

describe('fitSafeText cuts in graphemes, measures in UTF-16 units (issue: titles collapsed to "…")', () => {
  const FLAG = '🇺🇦';

  it('GIVEN "Ukraine wins " and 130 flags THEN the title keeps the words and as many whole flags as fit', () => {
    const raw = `Ukraine wins ${FLAG.repeat(130)}`;
    // 13 units of words, 4 units a flag, 1 for the ellipsis: 60 flags fit in 256, 84 in 350.
    expect(fitSafeText(raw, 256)).toBe(`Ukraine wins ${FLAG.repeat(60)}…`);
    expect(fitSafeText(raw, 350)).toBe(`Ukraine wins ${FLAG.repeat(84)}…`);
  });

  it('GIVEN a long decomposed (NFD) Korean title THEN it keeps whole syllables up to the limit', () => {
    const raw = '북한, 동해상으로 탄도미사일 발사 합참 추가 도발 대비 '.repeat(12).normalize('NFD');
    for (const limit of [100, 256, 350]) {
      const out = fitSafeText(raw, limit);
      expect(out.length).toBeLessThanOrEqual(limit);
      // A syllable is two or three units and a trailing space is dropped: at most 4 units left over.
      expect(out.length).toBeGreaterThanOrEqual(limit - 4);
      expect(out.endsWith('…')).toBe(true);
      expect(raw.startsWith(out.slice(0, -1))).toBe(true);
      // No syllable cut in half: the text recomposes to whole syllables, no stray jamo.
      expect(out.normalize('NFC')).not.toMatch(/[\u1100-\u11FF]/u);
    }
  });

  it('GIVEN flags and Markdown that needs escaping THEN the longest prefix whose escape fits is kept', () => {
    const raw = `**${FLAG.repeat(100)}** _x_`;
    const out = fitSafeText(raw, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    // `\*\*` is 4 units: (100 - 4 - 1) / 4 = 23 flags.
    expect(out).toBe(`\\*\\*${FLAG.repeat(23)}…`);
  });

  it('GIVEN a single grapheme longer than the limit THEN only the ellipsis is left', () => {
    expect(fitSafeText(`a${'\u0301'.repeat(300)} b`, 100)).toBe('…');
  });
});

describe('truncateGraphemes measures in UTF-16 units', () => {
  it('GIVEN 130 flags after words THEN whole flags up to the limit are kept', () => {
    expect(truncateGraphemes(`Ukraine wins ${'🇺🇦'.repeat(130)}`, 256)).toBe(`Ukraine wins ${'🇺🇦'.repeat(60)}…`);
  });

  it('GIVEN a cut right after a space THEN the space is dropped, not the word before it', () => {
    expect(truncateGraphemes('abc def', 5)).toBe('abc…');
  });
});

describe('fitLines', () => {
  it('GIVEN lines that do not all fit THEN whole lines are kept and the rest counted', () => {
    expect(fitLines(['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(10)], 30)).toBe(`${'a'.repeat(10)}\n… and 2 more`);
    expect(fitLines(['a'.repeat(10), 'b'.repeat(10)], 21)).toBe(`${'a'.repeat(10)}\n${'b'.repeat(10)}`);
  });

  it('GIVEN a first line too long on its own THEN it is cut on graphemes, leaving room for the note', () => {
    const out = fitLines(['🇺🇦'.repeat(20), 'next'], 40);
    expect(out).toBe(`${'🇺🇦'.repeat(6)}…\n… and 1 more`);
    expect(out.length).toBeLessThanOrEqual(40);
  });
});
