/**
 * The small chart of a digest (DIGEST_CHART) on PostgreSQL (ADR 16): the week's hourly counts
 * and surges the chart shows are read from PostgreSQL first, then drawn by the same code as on
 * SQLite (charts/digest-chart.ts), before the digest's transaction.
 */
import type { Logger } from 'pino';
import { digestChart, digestChartRange } from '../charts/digest-chart.js';
import { ALL_TOPICS, feedsHiddenFrom, subscriptionGuild } from '../core/route.js';
import type { FeedConfig, TopicInfo } from '../core/types.js';
import type { OutboundFile } from '../store/outbox.js';
import type { PgSurges } from '../store/pg/surges.js';
import type { StoredSubscription } from '../store/subscriptions.js';

/** The chart of a subscription's digest, or null when it cannot be drawn now (logged; the digest goes out without it). */
export async function pgDigestChart(input: {
  readonly trends: PgSurges;
  readonly subscription: StoredSubscription;
  readonly topics: ReadonlyMap<string, TopicInfo>;
  readonly feeds: ReadonlyMap<string, FeedConfig>;
  readonly now: number;
  readonly log: Logger;
}): Promise<OutboundFile | null> {
  const { subscription, now } = input;
  const ids = subscription.topics.includes(ALL_TOPICS) ? [...input.topics.keys()] : [...subscription.topics];
  const topics = ids.map((id) => input.topics.get(id)).filter((t): t is TopicInfo => t !== undefined);
  const hidden = feedsHiddenFrom(subscriptionGuild(subscription), [...input.feeds].map(([id, f]) => ({ id, guildId: f.guildId })));
  try {
    const { from, to } = digestChartRange(now, subscription.timezone);
    const hourly = await input.trends.hourlyCounts(topics.map((t) => t.id), from, to, hidden);
    const surges = await input.trends.surgesBetween(from, to, topics.map((t) => t.id));
    return digestChart({ trends: { hourlyCounts: () => hourly, surgesBetween: () => surges }, topics, now, hiddenFeeds: hidden, timeZone: subscription.timezone });
  } catch (error) {
    input.log.warn({ subscription_id: subscription.id, err: error instanceof Error ? error.message : String(error) }, 'digest chart not drawn; the digest goes out without it');
    return null;
  }
}
