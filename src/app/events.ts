/**
 * Events in the running process: every matched story is matched against the events of the
 * window (the core's index, caught up with what other processes stored) and stored as a report
 * of one; `event` subscriptions get one living alert per event, edited as more outlets report it,
 * and a 🚨 Developing notice when the event gains K sources within W minutes. Runs inside the
 * transaction that stores the story (docs/adr/0012-living-alerts-and-developing-events.md).
 */
import type { SourceInfo } from '../core/compose/alert.js';
import { composeAlert, FALLBACK_TOPIC_COLOR } from '../core/compose/alert.js';
import { composeDevelopingNotice, composeEventUpdate, composeThreadReport } from '../core/compose/event.js';
import { developingRule, isDeveloping } from '../core/events/developing.js';
import { EVENT_WINDOW_MS, EventIndex } from '../core/events/match.js';
import { signatureOf } from '../core/events/signature.js';
import { routeStoryPerServer } from '../core/feedback/route.js';
import { feedReaches } from '../core/route.js';
import type { Classification, FeedConfig, Story, TopicInfo } from '../core/types.js';
import type { Store } from '../store/index.js';
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

export function createEventRouter(options: EventRouterOptions) {
  const { store } = options;
  const index = new EventIndex(EVENT_WINDOW_MS);
  /** The headline each indexed event was indexed with: an id reused after a rolled-back transaction is caught by it. */
  const titles = new Map<number, string>();
  let seen = 0;

  /** Drops events out of the window and adds those stored since (by this or another process). */
  function catchUp(now: number): void {
    index.prune(now);
    for (const event of store.events.createdAfter(seen, now - EVENT_WINDOW_MS)) {
      seen = Math.max(seen, event.id);
      if (titles.get(event.id) === event.title && index.has(event.id)) continue;
      titles.set(event.id, event.title);
      index.add({ id: event.id, startedAt: event.startedAt, signature: signatureOf(event.title) });
    }
    if (titles.size > index.size * 2 + 1000) for (const id of titles.keys()) if (!index.has(id)) titles.delete(id);
  }

  /** Stores a matched story as a report of its event (a new one when none matches). Inside the story's transaction. */
  function assign(rowid: number, story: Story, now: number): Assignment {
    const known = store.events.eventOf(rowid);
    if (known !== undefined) return { eventId: known, created: false, added: store.events.addReport(known, rowid, story.feedId, now) };
    catchUp(now);
    const signature = signatureOf(story.title);
    const found = index.find(signature, story.publishedAt);
    if (found !== null && store.events.get(found)?.title === titles.get(found)) {
      return { eventId: found, created: false, added: store.events.addReport(found, rowid, story.feedId, now) };
    }
    const id = store.events.create({ title: story.title, startedAt: story.publishedAt, storyRowid: rowid, feedId: story.feedId, at: now, now });
    titles.set(id, story.title);
    index.add({ id, startedAt: story.publishedAt, signature });
    seen = Math.max(seen, id);
    return { eventId: id, created: true, added: true };
  }

  /**
   * Clusters a stored story and queues what `event` subscriptions need: the alert of a new
   * event, the new state of a living alert, a developing notice. Returns rows written.
   */
  function route(rowid: number, story: Story, classification: Classification, now: number): number {
    const subscriptions = store.subscriptions.listByMode('event');
    const feed = options.feedsById.get(story.feedId);
    // Each server sees the story as its own ratings taught it to, exactly as instant alerts do: a
    // story its ratings raise is an event there even when the shared classification matched nothing.
    const decisions = subscriptions.length === 0 ? [] : routeStoryPerServer(subscriptions, story, classification, now, feed, (guild) => (guild === null || !options.classificationFor ? classification : options.classificationFor(guild, story, classification)));
    if (classification.matched.length === 0 && decisions.length === 0) return 0;
    const assignment = assign(rowid, story, now);
    let written = 0;
    const byId = new Map(subscriptions.map((s) => [s.id, s]));
    for (const { subscriptionId, verdicts } of decisions) {
      const subscription = byId.get(subscriptionId);
      if (!subscription) continue;
      const { eventId } = assignment;
      const reports = store.events.reports(eventId).filter((r) => feedReaches(options.feedsById.get(r.feedId), subscription));
      const alert = store.outbox.eventAlert(subscription.id, eventId);
      if (!alert) {
        const payload = composeAlert({ story, verdicts: verdicts, topics: options.topics, source: options.sources.get(story.feedId), mentionRoleId: subscription.mentionRoleId });
        if (store.outbox.addEventAlert({ subscriptionId: subscription.id, storyRowid: rowid, eventId, payload, now }) !== null) written++;
      } else if (assignment.added && alert.payload && (alert.status === 'pending' || alert.status === 'sent')) {
        const own = reports.find((r) => r.storyRowid === alert.storyRowid);
        const others = reports.filter((r) => !(r.storyRowid === alert.storyRowid && r.feedId === own?.feedId));
        const payload = composeEventUpdate({ alert: alert.payload, alertFeedId: own?.feedId ?? '', reports: others, sources: options.sources });
        store.outbox.queueEventEdit({ subscriptionId: subscription.id, eventId, alertRowId: alert.id, payload, now });
        written++;
        // In a bot channel the report also goes into the thread under the alert (where the channel allows).
        if (subscription.target.kind === 'channel') {
          const color = (verdicts[0] ? options.topics.get(verdicts[0].topic)?.color : undefined) ?? FALLBACK_TOPIC_COLOR;
          const report = { feedId: story.feedId, title: story.title, url: story.url, at: now };
          if (store.outbox.addEventReport({ subscriptionId: subscription.id, storyRowid: rowid, eventId, alertRowId: alert.id, payload: composeThreadReport({ report, sources: options.sources, color }), now })) written++;
        }
      }
      if (assignment.added) written += developing(subscription, eventId, reports, verdicts[0]?.topic, now);
    }
    return written;
  }

  function developing(subscription: StoredSubscription, eventId: number, reports: ReturnType<Store['events']['reports']>, topic: string | undefined, now: number): number {
    const rule = developingRule(subscription);
    if (!isDeveloping(reports, rule.sources, rule.windowMs)) return 0;
    const first = reports[0];
    const payload = composeDevelopingNotice({
      title: first?.title ?? store.events.get(eventId)?.title ?? '',
      url: first?.url ?? null,
      reports,
      windowMinutes: Math.round(rule.windowMs / 60_000),
      sources: options.sources,
      color: (topic !== undefined ? options.topics.get(topic)?.color : undefined) ?? FALLBACK_TOPIC_COLOR,
      mentionRoleId: subscription.mentionRoleId,
    });
    return store.outbox.addDeveloping({ subscriptionId: subscription.id, eventId, payload, now }) ? 1 : 0;
  }

  return { assign, route, indexedEvents: () => index.size };
}

export type EventRouter = ReturnType<typeof createEventRouter>;
