import type { OutboundMessage } from './message.js';
import { cleanInline, neutraliseMentions, truncateGraphemes } from './text.js';

/** Discord's limit on a thread's (a forum post's) name. */
export const MAX_THREAD_NAME_CHARS = 100;
/** Discord's limit on the tags one forum post carries. */
export const MAX_APPLIED_TAGS = 5;

/** What a message becomes in a forum or media channel: a post with this title and these tag candidates. */
export interface ForumPost {
  /** The post's name: plain text (no Markdown escapes), mentions broken, at most 100 characters. */
  readonly title: string;
  /** Topic names (labels and ids) a forum tag may match, case-insensitively. */
  readonly topics: readonly string[];
}

/** Undoes the backslash escapes of escapeText: a post's name is shown as plain text, so `\*` would show its backslash. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_~`|[\]<>#\-+.()!@:])/gu, '$1');
}

/** A thread name from untrusted text: one line, mentions broken, cut to Discord's 100 characters on a grapheme boundary. */
export function postTitle(raw: string, fallback = 'Watchfloor'): string {
  const clean = neutraliseMentions(cleanInline(unescapeMarkdown(raw)));
  return truncateGraphemes(clean, MAX_THREAD_NAME_CHARS) || fallback;
}

/** Leading symbols of a topic label (its colour dot) are not part of its name. */
const LEADING_SYMBOLS = /^[^\p{L}\p{N}]+/u;

/**
 * The forum post a stored message becomes: titled by its first embed's title (an alert: the
 * headline; a digest: its heading, with `suffix` such as its time), tagged by the topics its
 * `Topics` fields name. Pure: the sink matches the topics against the forum's tags.
 */
export function forumPostOf(message: OutboundMessage, suffix = ''): ForumPost {
  const heading = message.embeds[0]?.title ?? message.content ?? '';
  const title = postTitle(suffix ? `${unescapeMarkdown(heading)} · ${suffix}` : heading);
  const topics = new Set<string>();
  for (const embed of message.embeds) {
    for (const field of embed.fields ?? []) {
      if (field.name !== 'Topics') continue;
      for (const part of field.value.split(' · ')) {
        const name = cleanInline(unescapeMarkdown(part)).replace(LEADING_SYMBOLS, '');
        if (name) topics.add(name);
      }
    }
  }
  return { title, topics: [...topics] };
}

/**
 * The ids of a forum's tags whose name matches one of `topics` (case-insensitively; a topic id's
 * dashes read as spaces, so `north-korea` matches a tag `North Korea`), at most 5, in the forum's order.
 */
export function matchForumTags(available: readonly { readonly id: string; readonly name: string }[], topics: readonly string[]): string[] {
  const norm = (s: string) => s.toLocaleLowerCase('en').replace(/[-_]+/gu, ' ').replace(/\s+/gu, ' ').trim();
  const wanted = new Set(topics.map(norm));
  return available.filter((t) => wanted.has(norm(t.name))).map((t) => t.id).slice(0, MAX_APPLIED_TAGS);
}
