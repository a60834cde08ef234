/**
 * Events in the running process: every matched story is matched against the events of the
 * window (the core's index, caught up with what other processes stored) and stored as a report
 * of one; `event` subscriptions get one living alert per event, edited as more outlets report it,
 * and a 🚨 Developing notice when the event gains K sources within W minutes. Runs inside the
 * transaction that stores the story (docs/adr/0012-living-alerts-and-developing-events.md).
 *
 * The index cache and what a story queues for one subscription ({@link eventWrites}) are shared
 * with the PostgreSQL poller (./pg-events.ts); only the reads and writes differ by engine.
 */
import type { SourceInfo } from '../core/compose/alert.js';
import { composeAlert, FALLBACK_TOPIC_COLOR } from '../core/compose/alert.js';
import type { OutboundMessage } from '../core/compose/message.js';
import { composeDevelopingNotice, composeEventUpdate, composeThreadReport } from '../core/compose/event.js';
import { developingRule, isDeveloping } from '../core/events/developing.js';
import { EVENT_WINDOW_MS, EventIndex } from '../core/events/match.js';
import { signatureOf } from '../core/events/signature.js';
import { routeStoryPerServer } from '../core/feedback/route.js';
import { feedReaches, type RouteDecision } from '../core/route.js';
import type { Classification, FeedConfig, Story, TopicInfo } from '../core/types.js';
import type { EventReportRow, StoredEvent } from '../store/events.js';
import type { Store } from '../store/index.js';
import type { OutboxListing } from '../store/outbox.js';
import type { StoredSubscription } from '../store/subscriptions.js';

export interface EventRouterOptions {
  readonly store: Store;
  readonly topics: ReadonlyMap<string, TopicInfo>;
  readonly sources: ReadonlyMap<string, SourceInfo>;
  readonly feedsById: ReadonlyMap<string, Pick<FeedConfig, 'guildId'>>;
  /**
   * How a server sees a story after its ratings (docs/feedback.md), as instant routing applies it;
   * absent: every server sees the shared classification.
   */
  readonly classificationFor?: (guildId: string, story: Story, classification: Classification) => Classification;
}

/** Where a story landed: its event, and whether this call added it as a new report. */
export interface Assignment {
  readonly eventId: number;
  readonly created: boolean;
  readonly added: boolean;
}

/**
 * This process's index of the window's events. Before each assignment it drops events out of
 * the window and learns those stored since its last look (by this or another process: ids are
 * read in order, `catchUpFrom` says from where); a candidate is returned with the headline it
 * was indexed with, so that an id reused or lost after a rolled-back transaction is caught by
 * comparing it with the stored event's.
 */
export function createEventIndexCache() {
  const index = new EventIndex(EVENT_WINDOW_MS);
  const titles = new Map<number, string>();
  let seen = 0;
  return {
    /** Prunes to the window; the events table is read from here (ids above, started at or after). */
    catchUpFrom(now: number): { afterId: number; startedFrom: number } {
      index.prune(now);
      return { afterId: seen, startedFrom: now - EVENT_WINDOW_MS };
    },
    learn(events: readonly StoredEvent[]): void {
      for (const event of events) {
        seen = Math.max(seen, event.id);
        if (titles.get(event.id) === event.title && index.has(event.id)) continue;
        titles.set(event.id, event.title);
        index.add({ id: event.id, startedAt: event.startedAt, signature: signatureOf(event.title) });
      }
      if (titles.size > index.size * 2 + 1000) for (const id of titles.keys()) if (!index.has(id)) titles.delete(id);
    },
    /** The event a story's headline matches, with the headline that event was indexed with. */
    find(story: Pick<Story, 'title' | 'publishedAt'>): { id: number; title: string | undefined } | null {
      const found = index.find(signatureOf(story.title), story.publishedAt);
      return found === null ? null : { id: found, title: titles.get(found) };
    },
    /** An event this process just created. */
    created(id: number, story: Pick<Story, 'title' | 'publishedAt'>): void {
      titles.set(id, story.title);
      index.add({ id, startedAt: story.publishedAt, signature: signatureOf(story.title) });
      seen = Math.max(seen, id);
    },
    get size(): number {
      return index.size;
    },
  };
}

export type EventIndexCache = ReturnType<typeof createEventIndexCache>;

/** The `event` subscriptions that want a story, each with its verdicts (per server, after its ratings). */
export function eventDecisions(
  subscriptions: readonly StoredSubscription[],
  story: Story,
  classification: Classification,
  now: number,
  feed: Pick<FeedConfig, 'guildId'> | undefined,
  classificationFor: EventRouterOptions['classificationFor'],
): RouteDecision[] {
  // Each server sees the story as its own ratings taught it to, exactly as instant alerts do: a
  // story its ratings raise is an event there even when the shared classification matched nothing.
  return subscriptions.length === 0 ? [] : routeStoryPerServer(subscriptions, story, classification, now, feed, (guild) => (guild === null || !classificationFor ? classification : classificationFor(guild, story, classification)));
}

/** One row a story queues for an `event` subscription. */
export type EventWrite =
  | { readonly kind: 'alert'; readonly payload: OutboundMessage }
  | { readonly kind: 'edit'; readonly alertRowId: number; readonly payload: OutboundMessage }
  | { readonly kind: 'report'; readonly alertRowId: number; readonly payload: OutboundMessage }
  | { readonly kind: 'developing'; readonly payload: OutboundMessage };

/**
 * What a story assigned to an event queues for one `event` subscription, in order: the alert of
 * an event it has none for yet; else, for a new report, the alert's new state and (bot
 * channels) the report for the thread under it; then, for a new report, the 🚨 Developing
 * notice once the event qualifies (queued once per event: the outbox ignores a second). Pure:
 * `alert` and `reports` (the event's reports, read before any of these writes) come from the
 * store of either engine.
 */
export function eventWrites(input: {
  readonly subscription: StoredSubscription;
  readonly decision: RouteDecision;
  readonly story: Story;
  readonly assignment: Assignment;
  readonly alert: OutboxListing | undefined;
  readonly reports: readonly EventReportRow[];
  readonly eventTitle: () => string;
  readonly topics: ReadonlyMap<string, TopicInfo>;
  readonly sources: ReadonlyMap<string, SourceInfo>;
  readonly feedsById: ReadonlyMap<string, Pick<FeedConfig, 'guildId'>>;
  readonly now: number;
}): EventWrite[] {
  const { subscription, story, assignment, alert, topics, sources, now } = input;
  const { verdicts } = input.decision;
  const reports = input.reports.filter((r) => feedReaches(input.feedsById.get(r.feedId), subscription));
  const writes: EventWrite[] = [];
  if (!alert) {
    writes.push({ kind: 'alert', payload: composeAlert({ story, verdicts, topics, source: sources.get(story.feedId), mentionRoleId: subscription.mentionRoleId }) });
  } else if (assignment.added && alert.payload && (alert.status === 'pending' || alert.status === 'sent')) {
    const own = reports.find((r) => r.storyRowid === alert.storyRowid);
    const others = reports.filter((r) => !(r.storyRowid === alert.storyRowid && r.feedId === own?.feedId));
    writes.push({ kind: 'edit', alertRowId: alert.id, payload: composeEventUpdate({ alert: alert.payload, alertFeedId: own?.feedId ?? '', reports: others, sources }) });
    // In a bot channel the report also goes into the thread under the alert (where the channel allows).
    if (subscription.target.kind === 'channel') {
      const color = (verdicts[0] ? topics.get(verdicts[0].topic)?.color : undefined) ?? FALLBACK_TOPIC_COLOR;
      const report = { feedId: story.feedId, title: story.title, url: story.url, at: now };
      writes.push({ kind: 'report', alertRowId: alert.id, payload: composeThreadReport({ report, sources, color }) });
    }
  }
  if (!assignment.added) return writes;
  const rule = developingRule(subscription);
  if (!isDeveloping(reports, rule.sources, rule.windowMs)) return writes;
  const first = reports[0];
  const topic = verdicts[0]?.topic;
  writes.push({
    kind: 'developing',
    payload: composeDevelopingNotice({
      title: first?.title ?? input.eventTitle(),
      url: first?.url ?? null,
      reports,
      windowMinutes: Math.round(rule.windowMs / 60_000),
      sources,
      color: (topic !== undefined ? topics.get(topic)?.color : undefined) ?? FALLBACK_TOPIC_COLOR,
      mentionRoleId: subscription.mentionRoleId,
    }),
  });
  return writes;
}

export function createEventRouter(options: EventRouterOptions) {
  const { store } = options;
  const cache = createEventIndexCache();

  /** Stores a matched story as a report of its event (a new one when none matches). Inside the story's transaction. */
  function assign(rowid: number, story: Story, now: number): Assignment {
    const known = store.events.eventOf(rowid);
    if (known !== undefined) return { eventId: known, created: false, added: store.events.addReport(known, rowid, story.feedId, now) };
    const { afterId, startedFrom } = cache.catchUpFrom(now);
    cache.learn(store.events.createdAfter(afterId, startedFrom));
    const found = cache.find(story);
    if (found !== null && store.events.get(found.id)?.title === found.title) {
      return { eventId: found.id, created: false, added: store.events.addReport(found.id, rowid, story.feedId, now) };
    }
    const id = store.events.create({ title: story.title, startedAt: story.publishedAt, storyRowid: rowid, feedId: story.feedId, at: now, now });
    cache.created(id, story);
    return { eventId: id, created: true, added: true };
  }

  /**
   * Clusters a stored story and queues what `event` subscriptions need: the alert of a new
   * event, the new state of a living alert, a developing notice. Returns rows written.
   */
  function route(rowid: number, story: Story, classification: Classification, now: number): number {
    const subscriptions = store.subscriptions.listByMode('event');
    const decisions = eventDecisions(subscriptions, story, classification, now, options.feedsById.get(story.feedId), options.classificationFor);
    if (classification.matched.length === 0 && decisions.length === 0) return 0;
    const assignment = assign(rowid, story, now);
    const { eventId } = assignment;
    let written = 0;
    const byId = new Map(subscriptions.map((s) => [s.id, s]));
    for (const decision of decisions) {
      const subscription = byId.get(decision.subscriptionId);
      if (!subscription) continue;
      const writes = eventWrites({
        subscription, decision, story, assignment,
        alert: store.outbox.eventAlert(subscription.id, eventId),
        reports: store.events.reports(eventId),
        eventTitle: () => store.events.get(eventId)?.title ?? '',
        topics: options.topics, sources: options.sources, feedsById: options.feedsById, now,
      });
      const subscriptionId = subscription.id;
      for (const write of writes) {
        if (write.kind === 'alert') written += store.outbox.addEventAlert({ subscriptionId, storyRowid: rowid, eventId, payload: write.payload, now }) !== null ? 1 : 0;
        else if (write.kind === 'edit') written += (store.outbox.queueEventEdit({ subscriptionId, eventId, alertRowId: write.alertRowId, payload: write.payload, now }), 1);
        else if (write.kind === 'report') written += store.outbox.addEventReport({ subscriptionId, storyRowid: rowid, eventId, alertRowId: write.alertRowId, payload: write.payload, now }) ? 1 : 0;
        else written += store.outbox.addDeveloping({ subscriptionId, eventId, payload: write.payload, now }) ? 1 : 0;
      }
    }
    return written;
  }

  return { assign, route, indexedEvents: () => cache.size };
}

export type EventRouter = ReturnType<typeof createEventRouter>;
