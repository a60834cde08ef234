import { composeAlert, type SourceInfo } from './compose/alert.js';
import type { OutboundMessage } from './compose/message.js';
import { routeStoryPerServer } from './feedback/route.js';
import type { Classification, FeedConfig, Story, Subscription, TopicInfo } from './types.js';

/** One instant alert to queue: for which subscription, and the message. */
export interface RoutedAlert {
  readonly subscriptionId: number;
  readonly payload: OutboundMessage;
}

/**
 * The instant alerts a stored story calls for, composed: which subscriptions want it (each server
 * seeing the story as its own ratings taught it to, `classificationFor`) and each one's message.
 * The same on every engine; the caller writes them to its outbox.
 */
export function instantAlerts(input: {
  readonly subscriptions: readonly Subscription[];
  readonly story: Story;
  readonly classification: Classification;
  readonly now: number;
  /** The story's feed: a feed added from Discord carries its server (only that server's subscriptions get its stories). */
  readonly feed: Pick<FeedConfig, 'guildId'> | undefined;
  readonly classificationFor: (guildId: string) => Classification;
  readonly topics: ReadonlyMap<string, TopicInfo>;
  readonly source: SourceInfo | undefined;
}): RoutedAlert[] {
  const { subscriptions, story, classification, now, feed, topics, source } = input;
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  const out: RoutedAlert[] = [];
  for (const decision of routeStoryPerServer(subscriptions, story, classification, now, feed, (guild) => (guild === null ? classification : input.classificationFor(guild)))) {
    const subscription = byId.get(decision.subscriptionId);
    if (!subscription) continue;
    out.push({ subscriptionId: subscription.id, payload: composeAlert({ story, verdicts: decision.verdicts, topics, source, mentionRoleId: subscription.mentionRoleId }) });
  }
  return out;
}
