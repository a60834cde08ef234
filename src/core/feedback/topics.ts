import { ALL_TOPICS } from '../route.js';
import type { Subscription, TopicVerdict } from '../types.js';

/**
 * The topics a rating of an alert applies to: the subscribed topics the story matched when it
 * was stored, or, when none did (the server's own adjustment let it through), the subscribed
 * topics with a rule hit. Empty when the story has nothing to do with the subscription.
 */
export function ratedTopics(subscription: Pick<Subscription, 'topics'>, verdicts: readonly TopicVerdict[]): TopicVerdict[] {
  const all = subscription.topics.includes(ALL_TOPICS);
  const subscribed = verdicts.filter((v) => all || subscription.topics.includes(v.topic));
  const matched = subscribed.filter((v) => v.matched);
  if (matched.length > 0) return matched;
  return subscribed.filter((v) => v.reasons.some((r) => r.kind === 'pattern'));
}

/** The reactions the bot adds under each alert (the sink adds them; discord.js not needed). */
export const RATING_EMOJIS = ['👍', '👎'] as const;

/** 👍 and 👎 as reactions: skin tones count as the same vote. */
export function ratingOfEmoji(name: string | null | undefined): 1 | -1 | null {
  if (!name) return null;
  const base = name.replace(/\uFE0F/gu, '').replace(/[\u{1F3FB}-\u{1F3FF}]/gu, '');
  if (base === '👍') return 1;
  if (base === '👎') return -1;
  return null;
}
