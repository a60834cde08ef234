import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { composeAlert } from '../../../src/core/compose/alert.js';
import { composeDigest, type DigestStory } from '../../../src/core/compose/digest.js';
import {
  MAX_AUTHOR_NAME_CHARS,
  MAX_CONTENT_CHARS,
  MAX_EMBED_DESCRIPTION_CHARS,
  MAX_EMBED_TITLE_CHARS,
  MAX_EMBED_TOTAL_CHARS,
  MAX_EMBEDS_PER_MESSAGE,
  MAX_FIELD_NAME_CHARS,
  MAX_FIELD_VALUE_CHARS,
  MAX_FOOTER_TEXT_CHARS,
} from '../../../src/core/compose/limits.js';
import { OUTBOUND_MESSAGE_SCHEMA, totalEmbedChars, type OutboundMessage } from '../../../src/core/compose/message.js';
import { cleanInline, ELLIPSIS, escapeText, fitLines, fitSafeText, truncateGraphemes } from '../../../src/core/compose/text.js';
import { SOURCES, TOPICS, verdict } from './fixtures.js';

/**
 * Text fitting, tried on random strings made of what breaks naive cutting: emoji ZWJ sequences,
 * flags, decomposed Hangul, combining marks, surrogates, Markdown and mentions, long words.
 * Limits are counted in UTF-16 units (`.length`), cuts checked in graphemes.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemes = (s: string): string[] => Array.from(segmenter.segment(s), (x) => x.segment);
/** With the `u` flag a surrogate pair is one code point: only a lone surrogate matches. */
const hasLoneSurrogate = (s: string): boolean => /[\uD800-\uDFFF]/u.test(s);
const RUNS = 300;

const char = (from: number, to: number): fc.Arbitrary<string> => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));

/** One piece of text; `surrogates` adds lone high and low surrogates. */
function atom(surrogates: boolean): fc.Arbitrary<string> {
  const pieces: fc.Arbitrary<string>[] = [
    fc.constantFrom('👩‍👩‍👧‍👦', '👩🏽‍🚀', '🏳️‍🌈', '🧑🏿‍🤝‍🧑🏻', '❤️‍🔥', '👍🏽', '\u200d', '\ufe0f', '😀'),
    fc.constantFrom('🇺🇦', '🇰🇷', '🇰🇵', '🇺', '🇦'),
    // Precomposed syllables decomposed (NFD) into U+1100 jamo, and free jamo sequences.
    char(0xac00, 0xd7a3).map((s) => s.normalize('NFD')),
    fc.array(fc.oneof(char(0x1100, 0x11ff), char(0xa960, 0xa97c), char(0xd7b0, 0xd7fb)), { minLength: 1, maxLength: 5 }).map((cs) => cs.join('')),
    fc.tuple(fc.constantFrom('a', 'e', 'ы', '한', ' ', '*'), fc.array(char(0x0300, 0x036f), { maxLength: 6 })).map(([base, marks]) => base + marks.join('')),
    fc.constantFrom('*', '_', '`', '~', '|', '>', '<', '#', '- ', '1. ', '\\', '[', ']', '(', ')', '**', '__', '~~', '||', '```'),
    fc.constantFrom('@everyone', '@here', '<@123456>', '<@!1>', '<@&987>', '<#42>', '</ban:1>', '[click](javascript:alert(1))', 'https://x.example/a_b*c'),
    fc.constantFrom(' ', '  ', '\n', '\t', '\u00a0', '\u200b', '\u0007', '\u202e', '\r\n'),
    fc.string({ unit: fc.constantFrom('a', 'b', 'k', 'ö', 'ї', '中', '평'), minLength: 1, maxLength: 40 }),
    fc.constantFrom('Ukraine ', 'wins ', 'Pyongyang ', 'Київ ', '서울 '),
  ];
  if (surrogates) pieces.push(char(0xd800, 0xdfff), fc.constantFrom('😀', '\ud83c\udde6'));
  const one = fc.oneof(...pieces);
  // Runs of one piece (up to about 600 units): 130 flags, a word repeated, a stack of marks.
  return fc.oneof({ arbitrary: one, weight: 5 }, { arbitrary: fc.tuple(one, fc.integer({ min: 2, max: 140 })).map(([s, n]) => s.repeat(Math.max(1, Math.min(n, Math.floor(600 / s.length))))), weight: 1 });
}

const text = (surrogates: boolean, maxAtoms = 120): fc.Arbitrary<string> =>
  fc.array(atom(surrogates), { maxLength: maxAtoms }).map((parts) => parts.join(''));

/**
 * `out` is `whole` or a cut of it: the cut ends with the ellipsis as a grapheme of its own, and
 * every other grapheme is one of `whole`'s (no grapheme split, no surrogate orphaned).
 */
function expectCutOf(out: string, whole: string): void {
  if (out === whole || out === '') return;
  expect(out.endsWith(ELLIPSIS)).toBe(true);
  const body = out.slice(0, -ELLIPSIS.length);
  const outGraphemes = graphemes(out);
  expect(outGraphemes[outGraphemes.length - 1]).toBe(ELLIPSIS);
  const known = new Set(graphemes(whole));
  for (const g of graphemes(body)) expect(known.has(g), `${JSON.stringify(g)} is not a grapheme of ${JSON.stringify(whole)}`).toBe(true);
  if (!hasLoneSurrogate(whole)) expect(hasLoneSurrogate(out)).toBe(false);
}

/** The first `count` graphemes without trailing whitespace graphemes, as the fitting keeps them. */
function prefix(gs: readonly string[], count: number): string {
  let end = count;
  while (end > 0 && /^\s+$/u.test(gs[end - 1] ?? '')) end--;
  return gs.slice(0, end).join('');
}

describe('fitSafeText over random text', () => {
  it('GIVEN any text and limit THEN the result fits, is the longest fitting grapheme prefix of the escaped text, and is never just "…" when a grapheme fits', () => {
    fc.assert(
      fc.property(text(true, 80), fc.integer({ min: 0, max: 400 }), (raw, maxChars) => {
        const out = fitSafeText(raw, maxChars);
        const clean = cleanInline(raw);
        const escaped = escapeText(clean);
        expect(out.length).toBeLessThanOrEqual(maxChars);
        expectCutOf(out, escaped);
        if (out === escaped) return;
        const gs = graphemes(clean);
        // Escaping never shortens text: the prefix kept is at most as long as the result.
        const body = out.slice(0, -ELLIPSIS.length);
        let kept = 0;
        let units = 0;
        while (kept < gs.length && units + (gs[kept]?.length ?? 0) <= body.length) units += gs[kept++]?.length ?? 0;
        while (kept > 0 && escapeText(prefix(gs, kept)) !== body) kept--;
        expect(escapeText(prefix(gs, kept))).toBe(body);
        // One grapheme more (past any whitespace) would not fit.
        let next = kept + 1;
        while (next < gs.length && prefix(gs, next) === prefix(gs, kept)) next++;
        if (next <= gs.length) expect(escapeText(prefix(gs, next)).length + ELLIPSIS.length).toBeGreaterThan(maxChars);
        const first = gs[0];
        if (first !== undefined && escapeText(first).length + ELLIPSIS.length <= maxChars) expect(out).not.toBe(ELLIPSIS);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('truncateGraphemes over random text', () => {
  it('GIVEN any text and limit THEN the result fits, cuts between graphemes of the input, and keeps the longest prefix', () => {
    fc.assert(
      fc.property(text(true, 80), fc.integer({ min: 0, max: 400 }), (input, maxChars) => {
        const out = truncateGraphemes(input, maxChars);
        expect(out.length).toBeLessThanOrEqual(maxChars);
        if (input.length <= maxChars) {
          expect(out).toBe(input);
          return;
        }
        expectCutOf(out, input);
        if (out === '') {
          expect(maxChars).toBeLessThan(ELLIPSIS.length);
          return;
        }
        const gs = graphemes(input);
        const body = out.slice(0, -ELLIPSIS.length);
        // A grapheme prefix of the input, and the next non-whitespace grapheme would not fit.
        expect(input.startsWith(body)).toBe(true);
        const keptGraphemes = graphemes(body);
        expect(keptGraphemes).toEqual(gs.slice(0, keptGraphemes.length));
        let next = keptGraphemes.length;
        while (next < gs.length && /^\s+$/u.test(gs[next] ?? '')) next++;
        if (next < gs.length) expect(prefix(gs, next + 1).length + ELLIPSIS.length).toBeGreaterThan(maxChars);
        const first = gs[0];
        if (first !== undefined && !/^\s+$/u.test(first) && first.length + ELLIPSIS.length <= maxChars) expect(out).not.toBe(ELLIPSIS);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fitLines over random lines', () => {
  it('GIVEN any lines and limit THEN the result fits and holds whole lines, then how many were left out', () => {
    fc.assert(
      fc.property(fc.array(text(false, 20), { maxLength: 12 }), fc.integer({ min: 40, max: 1100 }), (lines, maxChars) => {
        const out = fitLines(lines, maxChars);
        expect(out.length).toBeLessThanOrEqual(maxChars);
        if (out === lines.join('\n')) return;
        const note = /\n… and (\d+) more$/u.exec(out);
        if (note === null) {
          // One line alone, too long: cut on graphemes.
          expect(lines).toHaveLength(1);
          expect(out).toBe(truncateGraphemes(lines[0] ?? '', maxChars));
          return;
        }
        const head = out.slice(0, note.index);
        const kept = lines.length - Number(note[1]);
        expect(kept).toBeGreaterThan(0);
        // Whole lines, or the first line alone cut to leave room for the note.
        if (head !== lines.slice(0, kept).join('\n')) {
          expect(kept).toBe(1);
          expect(head).toBe(truncateGraphemes(lines[0] ?? '', maxChars - note[0].length));
        }
        expect(hasLoneSurrogate(out)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Every Discord limit, checked one by one (and by the schema the sinks re-validate with). */
function expectWithinLimits(message: OutboundMessage): void {
  expect(OUTBOUND_MESSAGE_SCHEMA.safeParse(message).success).toBe(true);
  expect(message.embeds.length).toBeLessThanOrEqual(MAX_EMBEDS_PER_MESSAGE);
  expect(message.content?.length ?? 0).toBeLessThanOrEqual(MAX_CONTENT_CHARS);
  expect(totalEmbedChars(message.embeds)).toBeLessThanOrEqual(MAX_EMBED_TOTAL_CHARS);
  for (const embed of message.embeds) {
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(MAX_EMBED_TITLE_CHARS);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(MAX_EMBED_DESCRIPTION_CHARS);
    expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(MAX_FOOTER_TEXT_CHARS);
    expect(embed.author?.name.length ?? 0).toBeLessThanOrEqual(MAX_AUTHOR_NAME_CHARS);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(MAX_FIELD_NAME_CHARS);
      expect(field.value.length).toBeLessThanOrEqual(MAX_FIELD_VALUE_CHARS);
    }
  }
  // Inputs hold no lone surrogates here: any in the output would be a split pair.
  for (const embed of message.embeds) {
    for (const s of [embed.title, embed.description, embed.footer?.text, embed.author?.name, ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])]) {
      if (s !== undefined) expect(hasLoneSurrogate(s)).toBe(false);
    }
  }
}

const PUBLISHED = Date.UTC(2026, 10, 22, 7, 30);

describe('composeAlert over random text', () => {
  it('GIVEN random title, summary, source and matched text THEN every limit holds and title and description are cuts of the escaped text', () => {
    const reason = fc.record({ matched: text(false, 20), note: text(false, 20) });
    fc.assert(
      fc.property(
        fc.record({
          title: text(false, 60),
          summary: text(false, 60),
          sourceName: text(false, 40),
          reasons: fc.array(reason, { maxLength: 5 }),
          topics: fc.subarray(['ukraine', 'north-korea', 'south-korea', 'unknown-topic'], { minLength: 1 }),
          role: fc.option(fc.stringMatching(/^[1-9]\d{16,19}$/u), { nil: null }),
        }),
        (input) => {
          const verdicts = input.topics.map((topic, i) =>
            verdict(topic, 3 + i, {
              reasons: input.reasons.flatMap((r, j) => [
                { kind: 'pattern' as const, pattern: 'p', matched: r.matched, field: 'title' as const, weight: j + 1 },
                { kind: 'note' as const, text: r.note },
              ]),
            }),
          );
          const message = composeAlert({
            story: { title: input.title, summary: input.summary, url: 'https://news.example/a', publishedAt: PUBLISHED, publishedEstimated: false, feedId: 'reuters' },
            verdicts,
            topics: TOPICS,
            source: { name: input.sourceName, kind: 'wire' },
            mentionRoleId: input.role,
          });
          expectWithinLimits(message);
          const embed = message.embeds[0];
          expect(embed).toBeDefined();
          const title = embed?.title ?? '';
          if (title !== '(untitled)') expectCutOf(title, escapeText(cleanInline(input.title)));
          expectCutOf(embed?.description ?? '', escapeText(cleanInline(input.summary)));
          const firstTitleGrapheme = graphemes(cleanInline(input.title))[0];
          if (firstTitleGrapheme !== undefined && escapeText(firstTitleGrapheme).length < MAX_EMBED_TITLE_CHARS) expect(title).not.toBe(ELLIPSIS);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('composeDigest over random text', () => {
  it('GIVEN random titles and source names THEN every message keeps every limit and every title is a cut of its escaped text', () => {
    const story = fc.record({ title: text(false, 30), feedId: fc.constantFrom('reuters', 'ap', 'bbc', 'kcna', 'other'), topic: fc.constantFrom('ukraine', 'north-korea', 'south-korea') });
    fc.assert(
      fc.property(fc.array(story, { minLength: 1, maxLength: 30 }), text(false, 30), (drawn, otherName) => {
        const stories: DigestStory[] = drawn.map((s, i) => ({
          key: `s${i}`,
          title: s.title,
          url: `https://news${i}.example/${'segment/'.repeat(i % 30)}`,
          feedId: s.feedId,
          sources: [s.feedId, 'other'],
          publishedAt: PUBLISHED + i * 60_000,
          scores: { [s.topic]: 3 + (i % 5) },
        }));
        const sources = new Map([...SOURCES, ['other', { name: otherName, kind: 'outlet' }]]);
        const messages = composeDigest({ stories, subscribedTopics: ['*'], topics: TOPICS, sources, from: PUBLISHED - 86_400_000, until: PUBLISHED, postEmpty: false });
        expect(messages.length).toBeGreaterThan(0);
        const known = new Set([...stories.flatMap((s) => graphemes(escapeText(cleanInline(s.title)))), ...graphemes('(untitled)')]);
        for (const message of messages) {
          expectWithinLimits(message);
          for (const embed of message.embeds.slice(1)) {
            // Each entry starts `• [escaped title](url)`; escaped titles hold no unescaped bracket.
            for (const match of (embed.description ?? '').matchAll(/^• \[((?:\\[\s\S]|[^\\\]])*)\]\(https:/gmu)) {
              const title = match[1] ?? '';
              for (const g of graphemes(title.endsWith(ELLIPSIS) ? title.slice(0, -ELLIPSIS.length) : title)) expect(known.has(g), JSON.stringify(g)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
