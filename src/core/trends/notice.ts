import { discordTime, FALLBACK_TOPIC_COLOR, topicLabel } from '../compose/alert.js';
import { MAX_EMBED_DESCRIPTION_CHARS, MAX_EMBED_TITLE_CHARS } from '../compose/limits.js';
import { allowOnlyRole, type OutboundMessage } from '../compose/message.js';
import { fitLines, fitSafeText, maskedLink, safeHttpUrl } from '../compose/text.js';
import type { TopicInfo } from '../types.js';
import type { SurgeScore } from './surge.js';

/** A story behind a surge, as the notice lists it. */
export interface SurgeStory {
  readonly title: string;
  readonly url: string | null;
  readonly source: string;
  readonly publishedAt: number;
}

export interface SurgeNoticeInput {
  readonly topic: string;
  readonly topics: ReadonlyMap<string, TopicInfo>;
  /** Start of the UTC hour that surged. */
  readonly hour: number;
  readonly score: SurgeScore;
  /** Newest first; feed text, neutralised here. */
  readonly stories: readonly SurgeStory[];
}

const STORY_TITLE_MAX_CHARS = 180;

/**
 * The one notice of a surge: what surged, how far above the usual for that hour, and the stories
 * behind it (linked titles, feed text escaped). Pings nobody: a surge is context, not an alarm.
 */
export function composeSurgeNotice(input: SurgeNoticeInput): OutboundMessage {
  const label = topicLabel(input.topic, input.topics);
  const { score } = input;
  const title = fitSafeText(`📈 Surge: ${label} — ${score.count} stories in one hour`, MAX_EMBED_TITLE_CHARS);
  const usual = Math.round(score.median * 10) / 10;
  const head = [
    `**${score.count}** matched stories in the hour from ${discordTime(input.hour, 't')} (${discordTime(input.hour, 'R')}); usually **${usual}** at this hour (median of the last ${score.baselineDays} days), robust z = ${score.z.toFixed(1)}.`,
    '',
  ];
  const lines = input.stories.map((s) => `• ${maskedLink(fitSafeText(s.title || '(untitled)', STORY_TITLE_MAX_CHARS), safeHttpUrl(s.url))} — ${fitSafeText(s.source, 60)}`);
  const budget = MAX_EMBED_DESCRIPTION_CHARS - head.join('\n').length - 1;
  return {
    embeds: [
      {
        title,
        description: `${head.join('\n')}\n${fitLines(lines, budget)}`,
        color: input.topics.get(input.topic)?.color ?? FALLBACK_TOPIC_COLOR,
        footer: { text: `Watchfloor surge · ${input.topic} · ${new Date(input.hour).toISOString().slice(0, 13)}:00 UTC` },
        timestamp: new Date(input.hour).toISOString(),
      },
    ],
    allowedMentions: allowOnlyRole(null),
  };
}
