import type { Classification, Story, Subscription, TopicVerdict } from './types.js';

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
 * Which instant subscriptions want this story: topics ∩ matched with score ≥ min_score, and
 * published within the subscription's maximum age, so adding a feed or restarting after
 * downtime stores the backlog without flooding a channel. Digest subscriptions select their
 * stories later, from the store, when their schedule fires.
 */
export function routeStory(
  subscriptions: readonly Subscription[],
  story: Pick<Story, 'publishedAt'>,
  classification: Classification,
  now: number,
): RouteDecision[] {
  const decisions: RouteDecision[] = [];
  for (const subscription of subscriptions) {
    if (subscription.mode !== 'instant') continue;
    if (isTooOld(subscription, story.publishedAt, now)) continue;
    const verdicts = wantedVerdicts(subscription, classification.verdicts);
    if (verdicts.length > 0) decisions.push({ subscriptionId: subscription.id, verdicts });
  }
  return decisions;
}
