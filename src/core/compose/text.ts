import { escapeMarkdown } from '@discordjs/formatters';
import { MAX_URL_CHARS } from './limits.js';

/**
 * Making untrusted feed text safe to show in Discord. Feed titles and summaries are written by
 * strangers: they must not ping anyone, inject formatting or links, or hide text with
 * direction overrides.
 */

const ZERO_WIDTH_SPACE = '\u200b';
/** C0/C1 controls and bidirectional overrides/isolates (used to disguise text). */
// eslint-disable-next-line no-control-regex
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Made on first use: most text never needs it, and making one reads ICU data (pages of node). */
let segmenter: Intl.Segmenter | undefined;

/** What we append when text was cut. */
export const ELLIPSIS = '…';

/** Removes control and bidi-override characters and folds all whitespace runs into one space. */
export function cleanInline(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, '').replace(/\s+/gu, ' ').trim();
}

/**
 * Breaks every mention form Discord parses (`@everyone`, `@here`, `<@id>`, `<@!id>`, `<@&id>`,
 * `<#id>`, `</cmd:id>`) with a zero-width space, so it shows as text and never resolves.
 * `allowedMentions` is the second lock on the same door.
 */
export function neutraliseMentions(text: string): string {
  return text
    .replace(/@(everyone|here)/giu, `@${ZERO_WIDTH_SPACE}$1`)
    .replace(/<(@[!&]?|#|\/)/gu, `<$1${ZERO_WIDTH_SPACE}`);
}

/**
 * Text that escapeText could change: a Markdown or mention character anywhere, or a list,
 * heading or quote marker at the start of a line.
 */
const NEEDS_ESCAPE = /[\\*_~`|[\]<>@]|(?:^|\n)[ \t]*(?:[-#+]|\d+[.)])/u;

/**
 * Escapes Markdown (including headings and lists) and mentions. Brackets and angle brackets are
 * escaped one by one instead of with escapeMarkdown's `maskedLink` option, which prefixes a
 * backslash that a second pass would escape again, re-opening the link; escaping every bracket
 * also stops a title from closing the masked link we build around it.
 */
export function escapeText(text: string): string {
  // Most headlines hold nothing to escape; escapeMarkdown costs about 1 µs per character.
  if (!NEEDS_ESCAPE.test(text)) return text;
  const escaped = escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true });
  return neutraliseMentions(escaped.replace(/[[\]<>]/gu, (c) => `\\${c}`));
}

/**
 * Units of measure, once: limits are counted in UTF-16 units (`.length`, never less than the
 * characters Discord counts, see limits.ts); text is only ever cut between graphemes. A count of
 * graphemes and a count of UTF-16 units are never mixed: a flag is one grapheme and four units, a
 * decomposed Hangul syllable one grapheme and two or three units.
 */

/** A grapheme made only of whitespace (what trimEnd would remove). */
const WHITESPACE_GRAPHEME = /^\s+$/u;

/**
 * The first `count` graphemes joined, without trailing whitespace graphemes (removed whole, so
 * the cut stays on a grapheme boundary).
 */
function keptPrefix(graphemes: readonly string[], count: number): string {
  let end = count;
  while (end > 0 && WHITESPACE_GRAPHEME.test(graphemes[end - 1] ?? '')) end--;
  return graphemes.slice(0, end).join('');
}

/**
 * How many of `graphemes` fit in `budget` UTF-16 units, counted as keptPrefix counts them: the
 * largest count whose kept prefix is at most `budget` units long. Kept prefixes only grow with
 * the count, so every larger count is longer than the budget.
 */
function graphemesWithin(graphemes: readonly string[], budget: number): number {
  let units = 0;
  let count = 0;
  for (const grapheme of graphemes) {
    units += grapheme.length;
    // A whitespace grapheme is dropped from the end of a prefix: it costs nothing until more follows.
    if (units > budget && !WHITESPACE_GRAPHEME.test(grapheme)) break;
    count++;
  }
  return count;
}

/**
 * Cuts `text` to at most `maxChars` UTF-16 units on a grapheme boundary (never inside an emoji,
 * a flag or a Hangul syllable block), adding an ellipsis when something was cut.
 */
export function truncateGraphemes(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  if (maxChars < ELLIPSIS.length) return '';
  const budget = maxChars - ELLIPSIS.length;
  // Every grapheme is at least one unit: no more than `budget + 1` graphemes matter (the last
  // one only if it is whitespace, which is dropped).
  const graphemes = graphemesUpTo(text, budget + 1);
  return keptPrefix(graphemes, graphemesWithin(graphemes, budget)) + ELLIPSIS;
}

/**
 * Untrusted text made safe and fitted to `maxChars` UTF-16 units *after* escaping (escapes add
 * characters, and cutting after escaping could split `\*` in two): the longest prefix of whole
 * graphemes whose escape, with an ellipsis, fits. The search runs over the number of graphemes
 * kept and compares lengths in UTF-16 units only.
 */
export function fitSafeText(raw: string, maxChars: number): string {
  const clean = cleanInline(raw);
  // Escaping never shortens text: a text longer than the limit cannot fit whole.
  if (clean.length <= maxChars) {
    const whole = escapeText(clean);
    if (whole.length <= maxChars) return whole;
  }
  if (maxChars < ELLIPSIS.length) return '';
  const budget = maxChars - ELLIPSIS.length;
  const graphemes = graphemesUpTo(clean, budget + 1);
  const fits = (count: number): string | null => {
    const candidate = escapeText(keptPrefix(graphemes, count)) + ELLIPSIS;
    return candidate.length <= maxChars ? candidate : null;
  };
  // Escaping never shortens text, so no prefix longer than `budget` units before escaping fits
  // after it: `upper` graphemes is the most that can fit, and usually fits (feed text rarely needs
  // escapes), which costs one escape. Otherwise a binary search between nothing (the ellipsis
  // alone always fits) and `upper`: log2(upper) escapes, each of at most `budget` units.
  const upper = graphemesWithin(graphemes, budget);
  const atUpper = fits(upper);
  if (atUpper !== null) return atUpper;
  let lo = 0;
  let best = ELLIPSIS;
  let hi = upper;
  // Invariant: `lo` graphemes fit (giving `best`), `hi` graphemes do not.
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const candidate = fits(mid);
    if (candidate === null) {
      hi = mid;
    } else {
      lo = mid;
      best = candidate;
    }
  }
  return best;
}

/**
 * Whole lines joined with newlines while they fit in `maxChars` UTF-16 units, then a note of how
 * many were left out. For lines of escaped text and our own Markdown: cutting one in the middle
 * could leave a dangling `\\` or an unclosed `**`. Only a first line too long on its own is cut
 * (on graphemes).
 */
export function fitLines(lines: readonly string[], maxChars: number): string {
  const all = lines.join('\n');
  if (all.length <= maxChars) return all;
  // Something is left out, so the note is needed: every line kept leaves room for it.
  const more = (count: number): string => (count > 0 ? `\n… and ${count} more` : '');
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const cost = (kept.length > 0 ? 1 : 0) + line.length;
    if (used + cost + more(lines.length - index - 1).length > maxChars) {
      // A first line too long on its own is shown cut, with room for the note after it.
      if (kept.length === 0) return truncateGraphemes(line, maxChars - more(lines.length - 1).length) + more(lines.length - 1);
      return kept.join('\n') + more(lines.length - index);
    }
    kept.push(line);
    used += cost;
  }
  return kept.join('\n');
}

/** The first `count` grapheme clusters of `text`. */
export function graphemesUpTo(text: string, count: number): string[] {
  // Intl.Segmenter costs ~1 µs a grapheme. Text made only of characters that never join their
  // neighbours into one grapheme is cut per UTF-16 unit (the character after the range is checked
  // too: a combining mark there would join the last one).
  if (SINGLE_UNIT_GRAPHEMES.test(text.slice(0, count + 1))) return text.slice(0, count).split('');
  const graphemes: string[] = [];
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(text)) {
    if (graphemes.length >= count) break;
    graphemes.push(segment);
  }
  return graphemes;
}

/**
 * Characters that are one grapheme each, whatever surrounds them: printable ASCII, Latin,
 * Greek, Cyrillic, general punctuation, CJK ideographs and precomposed Hangul syllables. Left out
 * on purpose: combining marks (U+0300–036F, U+0483–0489, U+302A–302F), ZWNJ/ZWJ, CR (CR LF is one
 * grapheme), Hangul jamo (they join syllables), and everything outside the BMP (emoji with
 * modifiers, flags). Text with any of those goes through Intl.Segmenter.
 */
const SINGLE_UNIT_GRAPHEMES = /^[\n\t\x20-\x7E\u00A0-\u02FF\u0370-\u03FF\u0400-\u0482\u048A-\u052F\u2000-\u200B\u200E-\u206F\u20A0-\u20CF\u2100-\u214F\u3000-\u3029\u3030-\u303F\u4E00-\u9FFF\uAC00-\uD7A3]*$/u;

/**
 * The URL if it is an absolute http(s) URL Discord will accept, else null. `javascript:`,
 * `data:`, `file:` and friends are dropped here, before any link is built.
 */
export function safeHttpUrl(candidate: string | null | undefined, maxChars = MAX_URL_CHARS): string | null {
  if (!candidate) return null;
  let url: URL;
  try {
    url = new URL(candidate.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  // Parentheses would end a Markdown link early; percent-encoding keeps the same URL.
  const href = url.href.replace(/\(/gu, '%28').replace(/\)/gu, '%29');
  return href.length <= maxChars ? href : null;
}

/** A Markdown link whose text is already escaped; plain text when the URL is unusable. */
export function maskedLink(escapedText: string, url: string | null): string {
  return url ? `[${escapedText}](${url})` : escapedText;
}
