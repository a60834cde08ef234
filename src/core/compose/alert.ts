import type { Story, TopicInfo, TopicVerdict } from '../types.js';
import { colorDot } from './colors.js';
import { allowOnlyRole, type Embed, type OutboundMessage } from './message.js';
import { MAX_AUTHOR_NAME_CHARS, MAX_EMBED_TITLE_CHARS, MAX_FIELD_VALUE_CHARS } from './limits.js';
import { describeVerdict } from './reasons.js';
import { cleanInline, fitLines, fitSafeText, safeHttpUrl, truncateGraphemes } from './text.js';

/** An alert's description is a teaser, not the article. */
export const ALERT_SUMMARY_MAX_CHARS = 350;
/** Used when a topic id has no TopicInfo (rules changed since the story was stored). */
export const FALLBACK_TOPIC_COLOR = 0x99aab5;

/** Where a story came from, as shown in alerts and digests. */
export interface SourceInfo {
  readonly name: string;
  /** A FeedKind such as `wire` or `state-media`. */
  readonly kind: string;
}

export interface AlertInput {
  readonly story: Pick<Story, 'title' | 'summary' | 'url' | 'publishedAt' | 'publishedEstimated' | 'feedId'>;
  /** The verdicts that route this alert (matched, subscribed, at or above the minimum score). */
  readonly verdicts: readonly TopicVerdict[];
  readonly topics: ReadonlyMap<string, TopicInfo>;
  readonly source: SourceInfo | undefined;
  /** Role to ping, or null for no ping at all. */
  readonly mentionRoleId: string | null;
}

/** `<t:…:f>`: Discord shows it in each reader's own time zone. */
export function discordTime(ms: number, style: 'f' | 't' | 'R' | 'd' = 'f'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** The label of a topic with its colour dot, e.g. `🟡 Ukraine`. */
export function topicLabel(topicId: string, topics: ReadonlyMap<string, TopicInfo>): string {
  const info = topics.get(topicId);
  return info ? `${colorDot(info.color)} ${cleanInline(info.label)}` : `${colorDot(FALLBACK_TOPIC_COLOR)} ${topicId}`;
}

/**
 * One story as one embed: linked title, source name and kind, published time, the topics it
 * matched with their colours, and why. Every feed-derived string is escaped and fitted to
 * Discord's limits; only the configured role (if any) can be pinged.
 */
export function composeAlert(input: AlertInput): OutboundMessage {
  const { story, topics } = input;
  const verdicts = [...input.verdicts].sort((a, b) => b.score - a.score);
  const top = verdicts[0];
  const url = safeHttpUrl(story.url);
  const sourceName = input.source ? `${cleanInline(input.source.name)} · ${input.source.kind}` : story.feedId;
  const published = `${discordTime(story.publishedAt, 'f')} (${discordTime(story.publishedAt, 'R')})${story.publishedEstimated ? ' · time estimated: the feed gave none' : ''}`;
  const why = fitLines(verdicts.map((v) => `**${topicLabel(v.topic, topics)}**: ${describeVerdict(v)}`), MAX_FIELD_VALUE_CHARS);

  const embed: Embed = {
    // A title of only controls or spaces cleans to nothing: say so rather than send an empty title.
    title: fitSafeText(story.title, MAX_EMBED_TITLE_CHARS) || '(untitled)',
    ...(url ? { url } : {}),
    author: { name: truncateGraphemes(sourceName, MAX_AUTHOR_NAME_CHARS) },
    color: (top && topics.get(top.topic)?.color) ?? FALLBACK_TOPIC_COLOR,
    timestamp: new Date(story.publishedAt).toISOString(),
    fields: [
      { name: 'Topics', value: truncateGraphemes(verdicts.map((v) => topicLabel(v.topic, topics)).join(' · ') || '—', MAX_FIELD_VALUE_CHARS), inline: true },
      { name: 'Published', value: published, inline: true },
      { name: 'Why', value: why || '—' },
    ],
    footer: { text: `Watchfloor · score ${top ? Math.round(top.score * 10) / 10 : 0}` },
  };
  const summary = fitSafeText(story.summary, ALERT_SUMMARY_MAX_CHARS);
  if (summary) embed.description = summary;

  return {
    ...(input.mentionRoleId ? { content: `<@&${input.mentionRoleId}>` } : {}),
    embeds: [embed],
    allowedMentions: allowOnlyRole(input.mentionRoleId),
  };
}
