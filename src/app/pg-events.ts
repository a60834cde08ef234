/**
 * Events on PostgreSQL (ADR 16): the poller's side of living alerts, inside the transaction
 * that stores the story, as on SQLite (./events.ts): the same index cache, the same rule for
 * which subscriptions want a story and the same rows queued ({@link eventWrites}); only the
 * reads and writes go to PostgreSQL. Every assignment runs under the event lock
 * (store/pg/events.ts), so two pollers agree on which event a story belongs to.
 */
import type { Classification, FeedConfig, Story, TopicInfo } from '../core/types.js';
import type { PgEventTx } from '../store/pg/events.js';
import { createEventIndexCache, eventDecisions, eventWrites, type Assignment, type EventRouterOptions } from './events.js';

export interface PgEventRouterOptions {
  readonly topics: ReadonlyMap<string, TopicInfo>;
  /** Source names and servers of the feeds (feeds.json and those added from Discord), as of the current cycle. */
  readonly feeds: () => ReadonlyMap<string, FeedConfig>;
  /** How a server sees a story after its ratings; absent: every server sees the shared classification. */
  readonly classificationFor?: EventRouterOptions['classificationFor'];
}

export function createPgEventRouter(options: PgEventRouterOptions) {
  const cache = createEventIndexCache();

  /** Stores a routed story as a report of its event (a new one when none matches), under the event lock. */
  async function assign(tx: PgEventTx, rowid: number, story: Story, now: number): Promise<Assignment> {
    await tx.lock();
    const known = await tx.eventOf(rowid);
    if (known !== undefined) return { eventId: known, created: false, added: await tx.addReport(known, rowid, story.feedId, now) };
    const { afterId, startedFrom } = cache.catchUpFrom(now);
    cache.learn(await tx.createdAfter(afterId, startedFrom));
    const found = cache.find(story);
    if (found !== null && (await tx.get(found.id))?.title === found.title) {
      return { eventId: found.id, created: false, added: await tx.addReport(found.id, rowid, story.feedId, now) };
    }
    const id = await tx.create({ title: story.title, startedAt: story.publishedAt, storyRowid: rowid, feedId: story.feedId, at: now, now });
    cache.created(id, story);
    return { eventId: id, created: true, added: true };
  }

  /** Clusters a stored story and queues what `event` subscriptions need; rows written. */
  async function route(tx: PgEventTx, rowid: number, story: Story, classification: Classification, now: number): Promise<number> {
    const subscriptions = await tx.eventSubscriptions();
    const feeds = options.feeds();
    const decisions = eventDecisions(subscriptions, story, classification, now, feeds.get(story.feedId), options.classificationFor);
    if (classification.matched.length === 0 && decisions.length === 0) return 0;
    const assignment = await assign(tx, rowid, story, now);
    const { eventId } = assignment;
    let written = 0;
    const byId = new Map(subscriptions.map((s) => [s.id, s]));
    const event = decisions.length > 0 ? await tx.get(eventId) : undefined;
    for (const decision of decisions) {
      const subscription = byId.get(decision.subscriptionId);
      if (!subscription) continue;
      const writes = eventWrites({
        subscription, decision, story, assignment,
        alert: await tx.eventAlert(subscription.id, eventId),
        reports: await tx.reports(eventId),
        eventTitle: () => event?.title ?? '',
        topics: options.topics, sources: feeds, feedsById: feeds, now,
      });
      const subscriptionId = subscription.id;
      for (const write of writes) {
        if (write.kind === 'alert') written += (await tx.addEventAlert({ subscriptionId, storyRowid: rowid, eventId, payload: write.payload, now })) !== null ? 1 : 0;
        else if (write.kind === 'edit') written += (await tx.queueEventEdit({ subscriptionId, eventId, alertRowId: write.alertRowId, payload: write.payload, now }), 1);
        else if (write.kind === 'report') written += (await tx.addEventReport({ subscriptionId, storyRowid: rowid, eventId, alertRowId: write.alertRowId, payload: write.payload, now })) ? 1 : 0;
        else written += (await tx.addDeveloping({ subscriptionId, eventId, payload: write.payload, now })) ? 1 : 0;
      }
    }
    return written;
  }

  return { route, indexedEvents: () => cache.size };
}

export type PgEventRouter = ReturnType<typeof createPgEventRouter>;
