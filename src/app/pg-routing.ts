/**
 * What the PostgreSQL poller routes a stored story to (ADR 16), as the SQLite poller does:
 * instant alerts (the shared `instantAlerts`) and living alerts (./pg-events.ts), each server
 * seeing the story as its ratings taught it to (docs/feedback.md; the ratings are a snapshot
 * refreshed by the caller, store/pg/feedback.ts).
 */
import { createFeedbackAdjuster, type RatingSource } from '../core/feedback/adjuster.js';
import { whyNotRouted } from '../core/route.js';
import { instantAlerts } from '../core/route-alerts.js';
import type { FeedConfig, TopicInfo } from '../core/types.js';
import type { PgRouting } from '../store/pg/poll-store.js';
import { createPgEventRouter } from './pg-events.js';

export function createPgRouting(input: {
  readonly topics: ReadonlyMap<string, TopicInfo>;
  /** Source names and servers of the feeds, as of the current cycle. */
  readonly feeds: () => ReadonlyMap<string, FeedConfig>;
  readonly ratings: RatingSource;
  readonly onUnreadable?: ((id: number, problem: string) => void) | undefined;
}): PgRouting {
  const { topics, feeds } = input;
  const adjuster = createFeedbackAdjuster(input.ratings);
  const events = createPgEventRouter({ topics, feeds, classificationFor: (guild, story, classification) => adjuster.classificationFor(guild, story, classification) });
  return {
    route(subscriptions, _rowid, story, classification, now) {
      const feed = feeds().get(story.feedId);
      const alerts = instantAlerts({ subscriptions, story, classification, now, feed, topics, source: feed, classificationFor: (guild) => adjuster.classificationFor(guild, story, classification) });
      return { alerts, why: alerts.length === 0 ? whyNotRouted(subscriptions, story, classification, now, feed) : null };
    },
    routeEvents: (tx, rowid, story, classification, now) => events.route(tx, rowid, story, classification, now),
    ...(input.onUnreadable ? { onUnreadable: input.onUnreadable } : {}),
  };
}
