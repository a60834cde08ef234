import type { TopicInfo } from '../types.js';
import { discordTime, FALLBACK_TOPIC_COLOR, topicLabel, type SourceInfo } from './alert.js';
import { clusterStories, type Cluster } from './cluster.js';
import {
  MAX_EMBED_DESCRIPTION_CHARS,
  MAX_EMBED_TITLE_CHARS,
  MAX_EMBED_TOTAL_CHARS,
  MAX_EMBEDS_PER_MESSAGE,
} from './limits.js';
import { allowOnlyRole, embedChars, type Embed, type OutboundMessage } from './message.js';
import { cleanInline, fitLines, fitSafeText, maskedLink, safeHttpUrl, truncateGraphemes } from './text.js';

/** A digest line shows this much of a title; the link leads to the rest. */
export const DIGEST_TITLE_MAX_CHARS = 200;
/** Longer URLs are left out of the line rather than eating a tenth of an embed. */
export const DIGEST_URL_MAX_CHARS = 500;
/** "also reported by" lists at most this many sources, then "+N". */
export const MAX_ALSO_REPORTED = 4;
/** Room kept in every message for the footer added once the number of parts is known. */
const FOOTER_RESERVE_CHARS = 48;

/** One matched story as a digest sees it. */
export interface DigestStory {
  /** Stable key (the story id). */
  readonly key: string;
  readonly title: string;
  readonly url: string | null;
  readonly feedId: string;
  /** Every feed that carried this exact URL, first one first (from the store). */
  readonly sources: readonly string[];
  readonly publishedAt: number;
  /** Scores of the subscribed topics this story matched at or above the minimum score. */
  readonly scores: Readonly<Record<string, number>>;
}

export interface DigestInput {
  readonly stories: readonly DigestStory[];
  /** Subscribed topic ids in display order; `*` means every topic in `topics`. */
  readonly subscribedTopics: readonly string[];
  readonly topics: ReadonlyMap<string, TopicInfo>;
  readonly sources: ReadonlyMap<string, SourceInfo>;
  /** The covered window [from, until). */
  readonly from: number;
  readonly until: number;
  /** Post a message even when nothing matched. */
  readonly postEmpty: boolean;
}

interface Entry {
  readonly cluster: Cluster<DigestStory & { score: number }>;
  readonly topic: string;
}

function topicOrder(input: DigestInput): string[] {
  const order = input.subscribedTopics.includes('*') ? [...input.topics.keys()] : [...input.subscribedTopics];
  // Topics that matched but are unknown to the order (renamed rules) go last, not nowhere.
  for (const story of input.stories) for (const t of Object.keys(story.scores)) if (!order.includes(t)) order.push(t);
  return order;
}

/** The topic a story is listed under: its best-scoring one (ties: subscription order). */
function primaryTopic(story: DigestStory, order: readonly string[]): { topic: string; score: number } {
  let best = { topic: order[0] ?? '', score: Number.NEGATIVE_INFINITY };
  for (const topic of order) {
    const score = story.scores[topic];
    if (score !== undefined && score > best.score) best = { topic, score };
  }
  return best;
}

function sourceName(feedId: string, sources: ReadonlyMap<string, SourceInfo>): string {
  return cleanInline(sources.get(feedId)?.name ?? feedId);
}

function alsoReportedBy(entry: Entry, sources: ReadonlyMap<string, SourceInfo>): string[] {
  const rep = entry.cluster.representative;
  const names: string[] = [];
  const feeds = [...rep.sources, ...entry.cluster.others.flatMap((o) => [o.feedId, ...o.sources])];
  for (const feedId of feeds) {
    if (feedId === rep.feedId) continue;
    const name = sourceName(feedId, sources);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

function renderLine(entry: Entry, sources: ReadonlyMap<string, SourceInfo>): string {
  const rep = entry.cluster.representative;
  // A title of only controls or spaces cleans to nothing: an empty masked link would vanish.
  const title = fitSafeText(rep.title, DIGEST_TITLE_MAX_CHARS) || '(untitled)';
  const link = maskedLink(title, safeHttpUrl(rep.url, DIGEST_URL_MAX_CHARS));
  let line = `• ${link} — ${fitSafeText(sourceName(rep.feedId, sources), 60)} ${discordTime(rep.publishedAt, 't')}`;
  const also = alsoReportedBy(entry, sources);
  if (also.length > 0) {
    const shown = also.slice(0, MAX_ALSO_REPORTED).map((n) => fitSafeText(n, 40));
    const rest = also.length - shown.length;
    line += `\n  ↳ also reported by ${shown.join(', ')}${rest > 0 ? ` +${rest}` : ''}`;
  }
  return line;
}

/**
 * Groups, clusters and orders the stories of one digest. Clustering runs across topics first so
 * one event listed under Ukraine is not listed again under North Korea.
 */
export function planDigest(input: DigestInput): { topic: string; entries: Entry[] }[] {
  const order = topicOrder(input);
  const scored = input.stories.map((s) => {
    const primary = primaryTopic(s, order);
    return { ...s, score: primary.score, primary: primary.topic };
  });
  const groups = new Map<string, Entry[]>(order.map((t) => [t, []]));
  for (const cluster of clusterStories(scored)) {
    const topic = cluster.representative.primary;
    groups.get(topic)?.push({ cluster, topic });
  }
  return order
    .map((topic) => ({
      topic,
      entries: (groups.get(topic) ?? []).sort(
        (a, b) => b.cluster.representative.score - a.cluster.representative.score || b.cluster.representative.publishedAt - a.cluster.representative.publishedAt,
      ),
    }))
    .filter((g) => g.entries.length > 0);
}

/** Packs embeds into messages: at most 10 embeds and 6000 characters each, by construction. */
class MessagePacker {
  readonly messages: Embed[][] = [];
  private current: Embed[] = [];
  private used = 0;

  /** Characters the current message can still take. */
  room(): number {
    return MAX_EMBED_TOTAL_CHARS - FOOTER_RESERVE_CHARS - this.used;
  }

  /** True when another embed with `minChars` fits into the current message. */
  fits(minChars: number): boolean {
    return this.current.length < MAX_EMBEDS_PER_MESSAGE && this.room() >= minChars;
  }

  add(embed: Embed): void {
    this.current.push(embed);
    this.used += embedChars(embed);
  }

  newMessage(): void {
    if (this.current.length > 0) this.messages.push(this.current);
    this.current = [];
    this.used = 0;
  }

  finish(): Embed[][] {
    this.newMessage();
    return this.messages;
  }
}

/**
 * A scheduled digest as Discord messages: a header with counts, then one embed per topic
 * (continued across embeds and messages when long), each entry a linked title with its
 * source, time and the other outlets that reported it. Returns [] for an empty digest unless
 * `postEmpty`.
 */
export function composeDigest(input: DigestInput): OutboundMessage[] {
  const groups = planDigest(input);
  const storyCount = input.stories.length;
  if (storyCount === 0 && !input.postEmpty) return [];

  const entryCount = groups.reduce((n, g) => n + g.entries.length, 0);
  const window = `${discordTime(input.from, 'f')} – ${discordTime(input.until, 'f')}`;
  const header: Embed = {
    title: storyCount === 0 ? 'Watchfloor digest: nothing new' : `Watchfloor digest: ${storyCount} ${storyCount === 1 ? 'story' : 'stories'} in ${entryCount} ${entryCount === 1 ? 'entry' : 'entries'}`,
    description:
      storyCount === 0
        ? `No matching stories between ${window}.`
        : // Topic labels come from the rules, any number of them: whole lines, within the limit.
          fitLines([window, ...groups.map((g) => `${topicLabel(g.topic, input.topics)}: ${g.entries.reduce((n, e) => n + 1 + e.cluster.others.length, 0)}`)], MAX_EMBED_DESCRIPTION_CHARS),
    color: input.topics.get(groups[0]?.topic ?? '')?.color ?? FALLBACK_TOPIC_COLOR,
  };

  const packer = new MessagePacker();
  packer.add(header);
  for (const group of groups) {
    const color = input.topics.get(group.topic)?.color ?? FALLBACK_TOPIC_COLOR;
    const label = topicLabel(group.topic, input.topics);
    const total = group.entries.reduce((n, e) => n + 1 + e.cluster.others.length, 0);
    let continued = false;
    let lines: string[] = [];
    let title = '';
    const flush = (): void => {
      if (lines.length > 0) packer.add({ title, description: lines.join('\n'), color });
      lines = [];
    };
    for (const entry of group.entries) {
      const line = renderLine(entry, input.sources);
      const startEmbed = (): void => {
        title = truncateGraphemes(continued ? `${label} (continued)` : `${label} — ${total} ${total === 1 ? 'story' : 'stories'}`, MAX_EMBED_TITLE_CHARS);
        continued = true;
        if (!packer.fits(title.length + line.length)) packer.newMessage();
      };
      if (lines.length === 0) {
        startEmbed();
        lines.push(line);
        continue;
      }
      const next = lines.join('\n').length + 1 + line.length;
      if (next <= MAX_EMBED_DESCRIPTION_CHARS && title.length + next <= packer.room()) {
        lines.push(line);
      } else {
        flush();
        startEmbed();
        lines.push(line);
      }
    }
    flush();
  }

  const parts = packer.finish();
  return parts.map((embeds, index) => {
    const last = embeds[embeds.length - 1];
    if (last) last.footer = { text: parts.length > 1 ? `Watchfloor digest · part ${index + 1}/${parts.length}` : 'Watchfloor digest' };
    return { embeds, allowedMentions: allowOnlyRole(null) };
  });
}
