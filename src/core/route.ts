import type { Classification, FeedConfig, Story, Subscription, TopicVerdict } from './types.js';

/** The wildcard topic: a subscription to every topic, including ones added later. */
export const ALL_TOPICS = '*';

/** One subscription that wants one story, and the verdicts that made it want it. */
export interface RouteDecision {
  readonly subscriptionId: number;
  /** Matched, subscribed, at or above the minimum score; best first. */
  readonly verdicts: readonly TopicVerdict[];
}

/** Verdicts of a story that a subscription cares about (matched, subscribed, score ≥ min). */
export function wantedVerdicts(subscription: Pick<Subscription, 'topics' | 'minScore'>, verdicts: readonly TopicVerdict[]): TopicVerdict[] {
  const all = subscription.topics.includes(ALL_TOPICS);
  return verdicts
    .filter((v) => v.matched && v.score >= subscription.minScore && (all || subscription.topics.includes(v.topic)))
    .sort((a, b) => b.score - a.score);
}

/** True when a story is too old (by published time) for this subscription to alert it. */
export function isTooOld(subscription: Pick<Subscription, 'maxAgeMs'>, publishedAt: number, now: number): boolean {
  return now - publishedAt > subscription.maxAgeMs;
}

/**
 * The server a subscription belongs to: its channel's server. null for the operator's
 * subscriptions made on the command line (console, webhook, a channel named by id alone).
 */
export function subscriptionGuild(subscription: Pick<Subscription, 'target'>): string | null {
  return subscription.target.kind === 'channel' ? subscription.target.guildId : null;
}

/**
 * Whether stories of a feed may reach a subscription. The operator's feeds (feeds.json, no
 * `guildId`) reach every subscription; a feed added from Discord reaches only the subscriptions
 * of the server that added it — not other servers', and not the operator's command-line ones
 * (a feed added outside any server, `guildId: null`, reaches only those). A feed the caller
 * does not know (removed since the story was stored) counts as the operator's.
 */
export function feedReaches(feed: Pick<FeedConfig, 'guildId'> | undefined, subscription: Pick<Subscription, 'target'>): boolean {
  if (feed?.guildId === undefined) return true;
  return feed.guildId === subscriptionGuild(subscription);
}

/**
 * Whether a stored story may reach a subscription: one of the feeds that carried it must
 * (a story carried by a feeds.json feed and by another server's feed is everyone's).
 */
export function storyReaches(sources: readonly string[], feedOf: (id: string) => Pick<FeedConfig, 'guildId'> | undefined, subscription: Pick<Subscription, 'target'>): boolean {
  return sources.some((id) => feedReaches(feedOf(id), subscription));
}

/**
 * Feeds whose stories a server must not see: those added from Discord by another server (or
 * outside any server). A story is hidden from the server when every feed that carried it is one.
 */
export function feedsHiddenFrom(guildId: string | null, feeds: readonly Pick<FeedConfig, 'id' | 'guildId'>[]): string[] {
  return feeds.filter((f) => f.guildId !== undefined && f.guildId !== guildId).map((f) => f.id);
}

/**
 * Which instant subscriptions want this story: topics ∩ matched with score ≥ min_score, and
 * published within the subscription's maximum age, so adding a feed or restarting after
 * downtime stores the backlog without flooding a channel. A story from a feed added from
 * Discord goes only to the adding server's subscriptions ({@link feedReaches}). Digest
 * subscriptions select their stories later, from the store, when their schedule fires.
 */
export function routeStory(
  subscriptions: readonly Subscription[],
  story: Pick<Story, 'publishedAt'>,
  classification: Classification,
  now: number,
  /** The feed the story came from; only its server's subscriptions get a feed added from Discord. */
  feed?: Pick<FeedConfig, 'guildId'>,
): RouteDecision[] {
  const decisions: RouteDecision[] = [];
  for (const subscription of subscriptions) {
    // Instant and event subscriptions alert stories as they come; digests pick them up later.
    if (subscription.mode === 'digest') continue;
    const gate = gateOf(subscription, story, classification, now, feed);
    if (Array.isArray(gate)) decisions.push({ subscriptionId: subscription.id, verdicts: gate });
  }
  return decisions;
}

/** {@link routeStory}'s decisions with the subscription each is for. */
export function routeToSubscriptions<S extends Subscription>(
  subscriptions: readonly S[],
  story: Pick<Story, 'publishedAt'>,
  classification: Classification,
  now: number,
  feed?: Pick<FeedConfig, 'guildId'>,
): { readonly subscription: S; readonly verdicts: readonly TopicVerdict[] }[] {
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  return routeStory(subscriptions, story, classification, now, feed).flatMap((d) => {
    const subscription = byId.get(d.subscriptionId);
    return subscription ? [{ subscription, verdicts: d.verdicts }] : [];
  });
}

/**
 * One instant subscription's decision on one story: the verdicts it alerts, or the first gate that
 * stopped it (routeStory and whyNotRouted share it, so the reason given is the real one).
 */
function gateOf(
  subscription: Subscription,
  story: Pick<Story, 'publishedAt'>,
  classification: Classification,
  now: number,
  feed: Pick<FeedConfig, 'guildId'> | undefined,
): TopicVerdict[] | Exclude<NotAlertedReason, 'no-instant-subscription'> {
  if (!feedReaches(feed, subscription)) return 'other-server';
  const all = subscription.topics.includes(ALL_TOPICS);
  if (!classification.verdicts.some((v) => v.matched && (all || subscription.topics.includes(v.topic)))) return 'other-topics';
  const verdicts = wantedVerdicts(subscription, classification.verdicts);
  if (verdicts.length === 0) return 'below-min-score';
  if (isTooOld(subscription, story.publishedAt, now)) return 'too-old';
  return verdicts;
}

/** Why a matched story was alerted nowhere: the cycle summary counts these. */
export type NotAlertedReason = 'too-old' | 'below-min-score' | 'other-topics' | 'other-server' | 'no-instant-subscription';

/** What each reason means, for people (`once`, the log). */
export const NOT_ALERTED_LABELS: Readonly<Record<NotAlertedReason, string>> = {
  'too-old': 'published longer ago than the maximum age (--max-age-hours, default 24)',
  'below-min-score': "below the subscriptions' minimum score",
  'other-topics': 'no subscription wants its topics',
  'other-server': "from a feed another server added",
  'no-instant-subscription': 'no instant subscription (digests pick it up later)',
};

/** Reasons, nearest miss first: the one that tells the operator most. */
const NEAREST_FIRST: readonly NotAlertedReason[] = ['too-old', 'below-min-score', 'other-server', 'other-topics'];

/**
 * Why routeStory alerted a matched story nowhere, or null when it was alerted (or matched
 * nothing). Per subscription the first gate that stopped it; overall the nearest miss, so "too
 * old" wins over "other topics".
 */
export function whyNotRouted(
  subscriptions: readonly Subscription[],
  story: Pick<Story, 'publishedAt'>,
  classification: Classification,
  now: number,
  feed?: Pick<FeedConfig, 'guildId'>,
): NotAlertedReason | null {
  if (classification.matched.length === 0) return null;
  const instant = subscriptions.filter((s) => s.mode !== 'digest');
  if (instant.length === 0) return 'no-instant-subscription';
  const seen = new Set<NotAlertedReason>();
  for (const subscription of instant) {
    const gate = gateOf(subscription, story, classification, now, feed);
    if (Array.isArray(gate)) return null;
    seen.add(gate);
  }
  return NEAREST_FIRST.find((r) => seen.has(r)) ?? null;
}
