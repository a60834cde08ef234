import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { HOUR_MS, DAY_MS } from '../core/news.js';
import { ALL_TOPICS, storyReaches } from '../core/route.js';
import { wantsSurges } from '../core/trends/settings.js';
import { composeSurgeNotice, type SurgeStory } from '../core/trends/notice.js';
import { baselineFor, DEFAULT_SURGE_SETTINGS, hourStart, inCooldown, inQuietHours, scoreHour, type SurgeScore, type SurgeSettings } from '../core/trends/surge.js';
import type { OutboundMessage } from '../core/compose/message.js';
import type { FeedConfig, TopicInfo } from '../core/types.js';
import type { Store } from '../store/index.js';
import type { StoredStory } from '../store/stories.js';
import type { StoredSubscription } from '../store/subscriptions.js';
import type { StoredSurge, TrendSettings } from '../store/trends.js';

/** Stories listed in one surge notice at most (the embed's description holds about this many). */
export const SURGE_NOTICE_STORIES = 15;

export interface SurgeCheckDeps {
  readonly store: Store;
  readonly topics: readonly TopicInfo[];
  /** Source names, and the server of a feed added from Discord (its stories reach only that server). */
  readonly feedsById: ReadonlyMap<string, Pick<FeedConfig, 'name' | 'guildId'>>;
  readonly log: Logger;
  readonly settings: SurgeSettings;
  readonly cooldownMs: number;
}

export interface SurgeCheckReport {
  /** Surges this process recorded in this check (another process's are not counted). */
  readonly surges: readonly StoredSurge[];
  /** Surge notices queued in the outbox. */
  readonly notices: number;
}

/** Surge settings and cooldown from the environment. */
export function surgeOptionsFrom(env: Pick<Env, 'SURGE_THRESHOLD' | 'SURGE_MIN_STORIES' | 'SURGE_COOLDOWN_HOURS'>): Pick<SurgeCheckDeps, 'settings' | 'cooldownMs'> {
  return { settings: { ...DEFAULT_SURGE_SETTINGS, threshold: env.SURGE_THRESHOLD, minStories: env.SURGE_MIN_STORIES }, cooldownMs: env.SURGE_COOLDOWN_HOURS * HOUR_MS };
}

/**
 * The surge check, run after each poll cycle (`run` and `once`): for every topic, the current
 * UTC hour and the one before are scored against the same hour on the previous days
 * (core/trends/surge.ts). A surge is recorded, and its notices queued, in one transaction under
 * the write lock: the surge row is unique per topic and hour, so of two processes checking at
 * once only the one that records it composes the notices; the cooldown is read inside the same
 * transaction.
 */
export function checkSurges(deps: SurgeCheckDeps, now: number): SurgeCheckReport {
  const { store, settings } = deps;
  const dataSince = store.trends.dataSince();
  if (dataSince === null) return { surges: [], notices: 0 };
  const topicIds = deps.topics.map((t) => t.id);
  const { from, until } = surgeCountWindow(now, settings);
  const counts = store.trends.hourlyCounts(topicIds, from, until);
  const recorded: StoredSurge[] = [];
  let notices = 0;
  for (const { topic, hour, score } of surgingHours(counts, dataSince, topicIds, now, settings)) {
    const outcome = store.transaction(() => {
      if (!surgeDue(store.trends.lastSurge(topic), hour, deps.cooldownMs)) return null;
      const rowids = store.trends.storiesIn(topic, hour, hour + HOUR_MS, SURGE_NOTICE_STORIES * 4);
      const surge = store.trends.recordSurge({ topic, hour, score, storyRowids: rowids, now });
      if (!surge) return null;
      const notices = surgeNotices({
        surge, now, log: deps.log, topics: deps.topics, feedsById: deps.feedsById,
        stories: surge.storyRowids.map((rowid) => store.stories.get(rowid)).filter((s): s is StoredStory => s !== undefined),
        subscriptions: store.subscriptions.list().map((subscription) => ({ subscription, setting: store.trends.settings(subscription.id) })),
      });
      let queued = 0;
      for (const { subscriptionId, payload } of notices) if (store.outbox.addSurge({ subscriptionId, surgeId: surge.id, payload, now })) queued++;
      return { surge, notices: queued };
    });
    if (!outcome) continue;
    recorded.push(outcome.surge);
    notices += outcome.notices;
    logSurge(deps.log, outcome.surge, score, outcome.notices);
  }
  return { surges: recorded, notices };
}

/** The hours the counts are read for: the baseline days before the previous hour, to the end of the current one. */
export function surgeCountWindow(now: number, settings: SurgeSettings): { from: number; until: number } {
  const current = hourStart(now);
  return { from: current - HOUR_MS - settings.baselineDays * DAY_MS, until: current + HOUR_MS };
}

/** The topics whose current UTC hour or the one before surges against the same hour of the previous days. Pure. */
export function surgingHours(counts: ReadonlyMap<string, ReadonlyMap<number, number>>, dataSince: number, topicIds: readonly string[], now: number, settings: SurgeSettings): { topic: string; hour: number; score: SurgeScore }[] {
  const current = hourStart(now);
  const out: { topic: string; hour: number; score: SurgeScore }[] = [];
  for (const topic of topicIds) {
    const perHour = counts.get(topic) ?? new Map<number, number>();
    for (const hour of [current - HOUR_MS, current]) {
      const score = scoreHour(perHour.get(hour) ?? 0, baselineFor(hour, perHour, dataSince, settings), settings);
      if (score.surging) out.push({ topic, hour, score });
    }
  }
  return out;
}

/** Whether a surging hour is to be recorded after the topic's last surge: a later hour, out of its cooldown. */
export function surgeDue(last: StoredSurge | null, hour: number, cooldownMs: number): boolean {
  return !last || (last.hourStart < hour && !inCooldown(hour, last.hourStart, cooldownMs));
}

export function logSurge(log: Logger, surge: StoredSurge, score: SurgeScore, notices: number): void {
  log.info({ topic: surge.topic, hour: new Date(surge.hourStart).toISOString(), count: score.count, median: score.median, z: Math.round(score.z * 10) / 10, notices }, 'topic surge');
}

/**
 * The notice of one surge for every subscription that wants it (its topic, surges on, not in
 * its quiet hours, and some of the surge's stories reach it). Reads nothing: the stories (with
 * their sources), the subscriptions and their settings come from either engine.
 */
export function surgeNotices(input: {
  readonly surge: StoredSurge;
  readonly stories: readonly StoredStory[];
  readonly subscriptions: readonly { readonly subscription: StoredSubscription; readonly setting: TrendSettings }[];
  readonly topics: readonly TopicInfo[];
  readonly feedsById: SurgeCheckDeps['feedsById'];
  readonly now: number;
  readonly log: Logger;
}): { subscriptionId: number; payload: OutboundMessage }[] {
  const { surge, stories, now } = input;
  const topics = new Map(input.topics.map((t) => [t.id, t]));
  const feedOf = (id: string) => input.feedsById.get(id);
  const out: { subscriptionId: number; payload: OutboundMessage }[] = [];
  for (const { subscription, setting } of input.subscriptions) {
    if (!subscription.topics.includes(surge.topic) && !subscription.topics.includes(ALL_TOPICS)) continue;
    if (!wantsSurges(subscription, setting.surges)) continue;
    // Quiet hours drop the notice for this subscription: by the end of the window a surge is old
    // news, and the chart and digest still show it.
    if (setting.quietHours && inQuietHours(now, setting.quietHours, subscription.timezone)) {
      input.log.debug({ subscription_id: subscription.id, topic: surge.topic }, 'surge notice dropped: quiet hours');
      continue;
    }
    // Stories only another server's feeds carried stay out; a surge none of whose stories reach it is not announced.
    const visible = stories.filter((s) => storyReaches(s.sources, feedOf, subscription)).slice(0, SURGE_NOTICE_STORIES);
    if (visible.length === 0) continue;
    const listed: SurgeStory[] = visible.map((s) => ({ title: s.title, url: s.url, source: feedOf(s.feedId)?.name ?? s.feedId, publishedAt: s.publishedAt }));
    const payload = composeSurgeNotice({ topic: surge.topic, topics, hour: surge.hourStart, score: { count: surge.count, median: surge.median, mad: surge.mad, z: surge.z, baselineDays: surge.baselineDays, surging: true }, stories: listed });
    out.push({ subscriptionId: subscription.id, payload });
  }
  return out;
}

/**
 * The check after a poll cycle, with the runtime's store, topics and feeds. Never throws: a
 * failed check is logged and the cycle's other work goes on (the next cycle checks again).
 */
export function checkSurgesAfterCycle(runtime: { readonly store: Store; readonly env: Env; readonly log: Logger; readonly classifier: { readonly topics: readonly TopicInfo[] }; allFeeds(): readonly FeedConfig[] }, now: number): SurgeCheckReport {
  try {
    const feedsById = new Map(runtime.allFeeds().map((f) => [f.id, f]));
    return checkSurges({ store: runtime.store, topics: runtime.classifier.topics, feedsById, log: runtime.log, ...surgeOptionsFrom(runtime.env) }, now);
  } catch (error) {
    runtime.log.error({ err: error }, 'surge check failed; the next cycle checks again');
    return { surges: [], notices: 0 };
  }
}
