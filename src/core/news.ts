import type { FeedConfig, TopicInfo, TopicVerdict } from './types.js';
import type { DigestInput, DigestStory } from './compose/digest.js';
import { ALL_TOPICS, feedsHiddenFrom, wantedVerdicts } from './route.js';

/**
 * What `/news latest|search|digest` and `watchfloor latest|search|digest` share: the windows and
 * sizes they accept, who sees which feeds, and how an on-demand digest picks its stories. Pure;
 * the reads are in store/news-queries.ts, the wording of each edge stays with the edge.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** A whole-number setting: its range and the value when it is not given. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

/**
 * Windows and sizes, the same for a server and the operator. Only the number of stories listed
 * differs: a Discord reply holds ten at most, a terminal more.
 */
export const NEWS_LIMITS = {
  /** `latest`: stories published within this many hours. */
  latestHours: { min: 1, max: 168, fallback: 24 },
  latestCount: { min: 1, max: 10, fallback: 5 },
  /** `search`: stories first seen within this many days. */
  searchDays: { min: 1, max: 365, fallback: 30 },
  /** `digest`: stories first seen within this many hours. */
  digestHours: { min: 1, max: 168, fallback: 24 },
} as const satisfies Record<string, IntegerRange>;

/** Stories the command line lists at most per run (latest, search): a screenful or two. */
export const CLI_COUNT_MAX = 100;

/**
 * Who is reading. A server sees the operator's feeds (feeds.json) and the feeds it added itself;
 * the operator, at the command line, sees every feed.
 */
export type NewsViewer = { readonly kind: 'server'; readonly guildId: string | null } | { readonly kind: 'operator' };

export const OPERATOR: NewsViewer = { kind: 'operator' };

/** Feeds whose stories this viewer must not see (a story is hidden when only such feeds carried it). */
export function hiddenFeedsFor(viewer: NewsViewer, feeds: readonly { readonly id: string; readonly guildId?: string | null | undefined }[]): string[] {
  return viewer.kind === 'operator' ? [] : feedsHiddenFrom(viewer.guildId, feeds);
}

/** A topic named by its id or its label, in any case; undefined when the rules know no such topic. */
export function findTopic(value: string, topics: readonly TopicInfo[]): TopicInfo | undefined {
  const wanted = value.trim().toLowerCase();
  return topics.find((t) => t.id === wanted || t.label.toLowerCase() === wanted);
}

/** An on-demand digest: the topics it covers and its window [from, until). */
export interface DigestRequest {
  /** Subscribed topic ids in display order, or `[ALL_TOPICS]`. */
  readonly topics: readonly string[];
  readonly from: number;
  readonly until: number;
}

/** A digest of the last `hours` up to `now`, of some topics (empty: every topic). */
export function digestRequest(topics: readonly string[], hours: number, now: number): DigestRequest {
  return { topics: topics.length > 0 ? topics : [ALL_TOPICS], from: now - hours * HOUR_MS, until: now };
}

/** The topic ids a request covers, given the topics the rules know. */
export function requestedTopicIds(request: Pick<DigestRequest, 'topics'>, known: readonly TopicInfo[]): string[] {
  return request.topics.includes(ALL_TOPICS) ? known.map((t) => t.id) : [...request.topics];
}

/** The story fields a digest needs, as the store reads them back. */
export interface DigestCandidate {
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly feedId: string;
  readonly sources: readonly string[];
  readonly publishedAt: number;
}

/**
 * True when a story first seen inside the window belongs in an on-demand digest by its age: as
 * scheduled digests do, a new feed's backlog (first seen now, published long ago) stays out.
 */
export function publishedInWindow(story: Pick<DigestCandidate, 'publishedAt'>, request: Pick<DigestRequest, 'from'>): boolean {
  return story.publishedAt >= request.from;
}

/**
 * A stored story as a digest entry, with the scores of the topics wanted (matched, subscribed, at
 * or above the minimum score: an on-demand digest has none); null when it matched none of them.
 * Scheduled digests can select with it too (a subscription has both fields).
 */
export function toDigestStory(story: DigestCandidate, verdicts: readonly TopicVerdict[], wants: { readonly topics: readonly string[]; readonly minScore: number }): DigestStory | null {
  const wanted = wantedVerdicts(wants, verdicts);
  if (wanted.length === 0) return null;
  return {
    key: story.id,
    title: story.title,
    url: story.url,
    feedId: story.feedId,
    sources: story.sources,
    publishedAt: story.publishedAt,
    scores: Object.fromEntries(wanted.map((v) => [v.topic, v.score])),
  };
}

/**
 * What the digest composer gets for an on-demand digest: every story, posted even when there is
 * none (the reader asked), grouped and clustered as a scheduled digest is.
 */
export function newsDigestInput(
  request: DigestRequest,
  stories: readonly DigestStory[],
  topics: readonly TopicInfo[],
  feeds: readonly Pick<FeedConfig, 'id' | 'name' | 'kind'>[],
): DigestInput {
  return {
    stories,
    subscribedTopics: request.topics,
    topics: new Map(topics.map((t) => [t.id, t])),
    sources: new Map(feeds.map((f) => [f.id, { name: f.name, kind: f.kind }])),
    from: request.from,
    until: request.until,
    postEmpty: true,
  };
}
