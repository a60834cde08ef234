import { discordTime, FALLBACK_TOPIC_COLOR, topicLabel } from '../../core/compose/alert.js';
import { MAX_EMBED_DESCRIPTION_CHARS, MAX_EMBED_TITLE_CHARS, MAX_EMBED_TOTAL_CHARS, MAX_EMBEDS_PER_MESSAGE } from '../../core/compose/limits.js';
import type { Embed } from '../../core/compose/message.js';
import { cleanInline, escapeText, fitSafeText, maskedLink, safeHttpUrl, truncateGraphemes } from '../../core/compose/text.js';
import type { FeedConfig, TopicInfo } from '../../core/types.js';

/**
 * Rendering stories and lists for command replies with the same escaping and limits as alerts
 * and digests (core/compose): every piece of feed text goes through fitSafeText or escapeText.
 */

/** Title length in a listed story; the link leads to the rest. */
export const LIST_TITLE_MAX_CHARS = 200;
/** Longer URLs are left out rather than eating the description. */
export const LIST_URL_MAX_CHARS = 500;

const HIGHLIGHT_START = '\u0001';
const HIGHLIGHT_END = '\u0002';
// Private-use stand-ins survive cleanInline (which strips C0 controls such as the markers).
const PUA_START = '\ue000';
const PUA_END = '\ue001';

/**
 * Text with FTS highlight markers (\u0001 … \u0002) as safe Markdown: feed text escaped
 * piece by piece, then matches made **bold**, within `maxChars` after escaping.
 */
export function highlightToMarkdown(raw: string, maxChars: number): string {
  const prepared = cleanInline(
    raw.replace(/[\ue000\ue001]/gu, '').replaceAll(HIGHLIGHT_START, PUA_START).replaceAll(HIGHLIGHT_END, PUA_END),
  );
  const segments: { text: string; bold: boolean }[] = [];
  let bold = false;
  let current = '';
  for (const ch of prepared) {
    if (ch === PUA_START || ch === PUA_END) {
      if (current !== '') segments.push({ text: current, bold });
      current = '';
      bold = ch === PUA_START;
      continue;
    }
    current += ch;
  }
  if (current !== '') segments.push({ text: current, bold });

  let out = '';
  for (const segment of segments) {
    // escapeText escapes backslashes too, so one ending plain text cannot escape the `**` after it.
    const escaped = escapeText(segment.text);
    const piece = segment.bold && segment.text.trim() !== '' ? `**${escaped}**` : escaped;
    if (out.length + piece.length <= maxChars) {
      out += piece;
      continue;
    }
    const room = maxChars - out.length - (segment.bold ? 4 : 0);
    const fitted = room > 1 ? fitSafeText(segment.text, room) : '';
    if (fitted !== '' && fitted !== '…') out += segment.bold ? `**${fitted}**` : fitted;
    else if (out.length < maxChars) out += '…';
    break;
  }
  return out;
}

/**
 * Text shown as inline code: Markdown escapes are not read inside a code span (a `\_` would show
 * its backslash), so the text goes in raw, minus backticks that could close the span early.
 */
export function inlineCode(text: string, maxChars: number): string {
  const raw = truncateGraphemes(cleanInline(text).replaceAll('`', "'"), maxChars);
  return raw === '' ? '` `' : `\`${raw}\``;
}

/** Source name of a feed id (the id itself when the feed is gone). */
export function sourceName(feedId: string, feeds: ReadonlyMap<string, Pick<FeedConfig, 'name'>>): string {
  return cleanInline(feeds.get(feedId)?.name ?? feedId);
}

/** `[Title](url) — Source · <t:…:R>`: one story in a list, escaped and fitted. */
export function storyLine(
  story: { readonly title: string; readonly url: string | null; readonly feedId: string; readonly publishedAt: number },
  feeds: ReadonlyMap<string, Pick<FeedConfig, 'name'>>,
  titleMarkdown?: string,
): string {
  const title = titleMarkdown ?? fitSafeText(story.title || '(untitled)', LIST_TITLE_MAX_CHARS);
  return `${maskedLink(title, safeHttpUrl(story.url, LIST_URL_MAX_CHARS))} — ${fitSafeText(sourceName(story.feedId, feeds), 60)} · ${discordTime(story.publishedAt, 'R')}`;
}

/** The dots and labels of some topics, e.g. `🟡 Ukraine · 🔴 North Korea`. */
export function topicLabels(topicIds: readonly string[], topics: ReadonlyMap<string, TopicInfo>): string {
  return topicIds.map((t) => topicLabel(t, topics)).join(' · ');
}

/** The colour of the first topic, for an embed's side bar. */
export function topicColor(topicId: string | undefined, topics: ReadonlyMap<string, TopicInfo>): number {
  return (topicId !== undefined ? topics.get(topicId)?.color : undefined) ?? FALLBACK_TOPIC_COLOR;
}

/**
 * Lines packed into embeds: each description within 4096 characters, all embeds together
 * within 6000 and at most 10. Lines that do not fit are counted in a last line instead of
 * being dropped silently. `title` and `lines` must already be safe Markdown (escaped).
 */
export function packLines(title: string, lines: readonly string[], color: number, moreHint: string): Embed[] {
  const fittedTitle = truncateGraphemes(title, MAX_EMBED_TITLE_CHARS);
  // Room for the "… and N more" note, which is added last.
  const reserve = 120 + moreHint.length;
  const embeds: Embed[] = [];
  let used = fittedTitle.length;
  let current: string[] = [];
  let shown = 0;
  const flush = (): void => {
    if (current.length === 0) return;
    embeds.push({ ...(embeds.length === 0 ? { title: fittedTitle } : {}), description: current.join('\n'), color });
    current = [];
  };
  for (const line of lines) {
    const fitted = truncateGraphemes(line, MAX_EMBED_DESCRIPTION_CHARS - reserve);
    const descriptionLength = current.join('\n').length + (current.length > 0 ? 1 : 0) + fitted.length;
    if (used + fitted.length + 1 + reserve > MAX_EMBED_TOTAL_CHARS) break;
    if (descriptionLength + reserve > MAX_EMBED_DESCRIPTION_CHARS) {
      if (embeds.length + 1 >= MAX_EMBEDS_PER_MESSAGE) break;
      flush();
    }
    current.push(fitted);
    used += fitted.length + 1;
    shown++;
  }
  const hidden = lines.length - shown;
  if (hidden > 0) current.push(`… and ${hidden} more not shown. ${moreHint}`.trim());
  flush();
  if (embeds.length === 0) embeds.push({ title: fittedTitle, description: moreHint || '—', color });
  return embeds;
}

/** A duration such as `3 d 4 h` or `12 min`, for uptime. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${mins} min`;
  return `${mins} min`;
}
