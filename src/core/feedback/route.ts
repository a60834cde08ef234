import { routeStory, subscriptionGuild, type RouteDecision } from '../route.js';
import type { Classification, FeedConfig, Story, Subscription } from '../types.js';

/**
 * routeStory, per server: each server's subscriptions see the story as that server decides it
 * (`classificationFor`, its learned adjustment on top of the shared verdicts); the operator's
 * command-line subscriptions (no server) see the shared classification. One server's ratings
 * never change another server's decisions. Decisions come back in subscription order.
 */
export function routeStoryPerServer(
  subscriptions: readonly Subscription[],
  story: Pick<Story, 'publishedAt'>,
  classification: Classification,
  now: number,
  feed: Pick<FeedConfig, 'guildId'> | undefined,
  classificationFor: (guildId: string | null) => Classification,
): RouteDecision[] {
  const byServer = new Map<string | null, Subscription[]>();
  for (const s of subscriptions) {
    const guild = subscriptionGuild(s);
    const list = byServer.get(guild);
    if (list) list.push(s);
    else byServer.set(guild, [s]);
  }
  const decisions: RouteDecision[] = [];
  for (const [guild, list] of byServer) {
    decisions.push(...routeStory(list, story, guild === null ? classification : classificationFor(guild), now, feed));
  }
  const order = new Map(subscriptions.map((s, i) => [s.id, i]));
  return decisions.sort((a, b) => (order.get(a.subscriptionId) ?? 0) - (order.get(b.subscriptionId) ?? 0));
}
