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

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

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
 * Cuts `text` to at most `maxChars` UTF-16 units on a grapheme boundary (never inside an emoji,
 * a flag or a Hangul syllable block), adding an ellipsis when something was cut.
 */
export function truncateGraphemes(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  if (maxChars < ELLIPSIS.length) return '';
  const budget = maxChars - ELLIPSIS.length;
  let out = '';
  for (const { segment } of segmenter.segment(text)) {
    if (out.length + segment.length > budget) break;
    out += segment;
  }
  return out.trimEnd() + ELLIPSIS;
}

/**
 * Untrusted text made safe and fitted to `maxChars` *after* escaping (escapes add characters,
 * and cutting after escaping could split `\*` in two). Binary search over the number of
 * graphemes kept: log2(n) escapes.
 */
export function fitSafeText(raw: string, maxChars: number): string {
  const clean = cleanInline(raw);
  // Escaping never shortens text: a text longer than the limit cannot fit whole.
  if (clean.length <= maxChars) {
    const whole = escapeText(clean);
    if (whole.length <= maxChars) return whole;
  }
  // For the same reason no more than maxChars graphemes can fit: segment only that far, once.
  const graphemes = graphemesUpTo(clean, maxChars);
  const fitting = (count: number): string | null => {
    const candidate = escapeText(graphemes.slice(0, count).join('').trimEnd()) + ELLIPSIS;
    return candidate.length <= maxChars ? candidate : null;
  };
  // Shrink by the overflow (each grapheme dropped shortens the escaped text by at least one
  // unit), then grow one grapheme at a time back to the longest prefix that fits. Escaping is
  // slow (escapeMarkdown makes many passes); feed text rarely needs escapes, so this takes one
  // to three escapes where a binary search takes log2(n).
  let count = graphemes.length;
  let best: string | null = null;
  while (count > 0) {
    const candidate = escapeText(graphemes.slice(0, count).join('').trimEnd()) + ELLIPSIS;
    if (candidate.length <= maxChars) {
      best = candidate;
      break;
    }
    count = Math.max(0, count - (candidate.length - maxChars));
  }
  if (best === null) return fitting(0) ?? '';
  for (let next = count + 1; next <= graphemes.length; next++) {
    const longer = fitting(next);
    if (longer === null) break;
    best = longer;
  }
  return best;
}

/** The first `count` grapheme clusters of `text`. */
export function graphemesUpTo(text: string, count: number): string[] {
  // Intl.Segmenter costs ~1 µs a grapheme. Text made only of characters that never join their
  // neighbours into one grapheme is cut per UTF-16 unit (the character after the range is checked
  // too: a combining mark there would join the last one).
  if (SINGLE_UNIT_GRAPHEMES.test(text.slice(0, count + 1))) return text.slice(0, count).split('');
  const graphemes: string[] = [];
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
