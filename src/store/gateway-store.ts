import type { DigestStory } from '../core/compose/digest.js';
import type { DigestRequest } from '../core/news.js';
import type { HeartbeatRow } from '../core/roles.js';
import type { TopicInfo, TopicVerdict } from '../core/types.js';
import type { AddedFeed, AddedFeedChange, FeedEdit } from './added-feeds.js';
import type { FeedState } from './feed-state.js';
import type { Store } from './index.js';
import { createNewsReader } from './news-queries.js';
import type { OutboxStatus } from './outbox.js';
import type { NewSubscription, StoredSubscription } from './subscriptions.js';
import type { SearchHit, StoredStory } from './stories.js';
import type { StoredSurge, TrendSettings } from './trends.js';
import type { UnreadableRow } from './unreadable-rows.js';

/** The last finished poll cycle, as `/status` shows it. */
export interface CycleSummary {
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly polled: number;
  readonly ok: number;
  readonly notModified: number;
  readonly failed: number;
  readonly newStories: number;
}

/** Everything `/status` counts, read at once. */
export interface StatusFigures {
  /** The last finished cycle that polled at least one feed. */
  readonly lastCycle: CycleSummary | undefined;
  /** Stories first seen since `todayFrom`, and the matched ones per topic. */
  readonly today: { readonly stories: number; readonly perTopic: Readonly<Record<string, number>> };
  /** Stories stored in all. */
  readonly storiesTotal: number;
  readonly outbox: Readonly<Record<OutboxStatus, number>>;
  /** The latest surge per topic and how many each had. */
  readonly surges: readonly { readonly topic: string; readonly total: number; readonly latest: StoredSurge }[];
  /** Events started since `eventsFrom`, with a living alert, flagged developing. */
  readonly events: { readonly inWindow: number; readonly living: number; readonly developing: number };
  readonly heartbeats: readonly HeartbeatRow[];
}

/**
 * The reads behind `/news latest|search|digest` (see store/news-queries.ts), asynchronous:
 * scoped once to the stories a server may read.
 */
export interface StoryReader {
  latest(options: { readonly topic: string | undefined; readonly sinceMs: number; readonly limit: number }): Promise<StoredStory[]>;
  /**
   * One page of a full-text search; `match` is core/search-query.ts's expression. Bounded as in
   * ADR 8 on both engines: counted up to SEARCH_COUNT_MAX, ranked up to RANK_CANDIDATES_MAX
   * matches, newest first beyond (`ranked` false).
   */
  search(options: { readonly match: string; readonly topic: string | undefined; readonly sinceMs: number; readonly limit: number; readonly offset?: number }): Promise<{ hits: SearchHit[]; total: number; ranked: boolean }>;
  digestStories(request: DigestRequest, topics: readonly TopicInfo[]): Promise<DigestStory[]>;
}

/**
 * What the slash commands read and write of subscriptions, feeds added from Discord, feed health
 * and the status counts, as one asynchronous port with an implementation per engine: SQLite here
 * (the synchronous store's statements, settled at once) and PostgreSQL (./pg/gateway-store.ts).
 * The command handlers are written once, against this port (ADR 16).
 */
export interface GatewayStore {
  readonly engine: 'sqlite' | 'postgres';

  /** Every readable subscription, by id; unreadable rows are left out (see {@link unreadableSubscriptions}). */
  subscriptions(): Promise<StoredSubscription[]>;
  /** The subscription; undefined when there is none or its row cannot be read. */
  subscription(id: number): Promise<StoredSubscription | undefined>;
  /** Rows that cannot be read, with the reason and the fix. */
  unreadableSubscriptions(): Promise<UnreadableRow[]>;
  /** Stores a subscription and, when given, its surge settings: both or neither. */
  addSubscription(input: NewSubscription, trend: Partial<TrendSettings> | null): Promise<StoredSubscription>;
  /** Deletes a subscription and its undelivered messages; false when there was none. */
  removeSubscription(id: number): Promise<boolean>;
  /** A subscription's surge settings (no row: both default). */
  trendSettings(subscriptionId: number): Promise<TrendSettings>;
  /** Outbox rows per status for each subscription with at least one row. */
  outboxCountsBySubscription(): Promise<Map<number, Record<OutboxStatus, number>>>;

  /** Every readable feed added from Discord, oldest first. */
  addedFeeds(): Promise<AddedFeed[]>;
  addedFeed(id: string): Promise<AddedFeed | undefined>;
  unreadableAddedFeeds(): Promise<UnreadableRow[]>;
  /**
   * Stores a feed; `taken` when its id or URL was stored meanwhile (two people adding the same
   * feed at once: the second insert meets the unique key).
   */
  addFeed(feed: AddedFeed): Promise<'added' | 'taken'>;
  /**
   * Changes a feed added from `guildId`: the feed as it was and as it now is, read and written in
   * one transaction; undefined when that server has no such readable feed (removed meanwhile, or
   * another server's).
   */
  editFeed(id: string, guildId: string, change: AddedFeedChange): Promise<FeedEdit | undefined>;
  /** Removes a feed and its poll state (its stories stay); false when there was none. */
  removeFeed(id: string): Promise<boolean>;

  /** Poll state of every known feed. */
  feedStates(): Promise<ReadonlyMap<string, FeedState>>;

  /** Stories a server may read: all but those only `hiddenFeeds` carried. */
  stories(hiddenFeeds: readonly string[]): StoryReader;
  /** The story stored under this canonical URL. */
  storyByUrl(url: string): Promise<StoredStory | undefined>;
  /** A story's stored verdicts (topics without evidence have none). */
  verdicts(rowid: number): Promise<TopicVerdict[]>;
  /** Stories first seen in [fromMs, toMs) that matched one of `topics`, newest first (`/watch tune`'s recent changes). */
  matchedBetween(fromMs: number, toMs: number, topics: readonly string[]): Promise<StoredStory[]>;
  status(window: { readonly todayFrom: number; readonly eventsFrom: number }): Promise<StatusFigures>;
  /** What `/news trend` draws: matched stories per topic and hour, and the surges recorded. */
  readonly trends: {
    hourlyCounts(topics: readonly string[], fromMs: number, toMs: number, hiddenFeeds?: readonly string[]): Promise<Map<string, Map<number, number>>>;
    surgesBetween(fromMs: number, toMs: number, topics: readonly string[]): Promise<StoredSurge[]>;
  };
}

/** Runs a synchronous call as a settled promise (a throw becomes its rejection). */
export function settle<T>(read: () => T): Promise<T> {
  try {
    return Promise.resolve(read());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** A unique-key violation of SQLite (the row was written by someone else meanwhile). */
function isSqliteConstraint(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('SQLITE_CONSTRAINT');
}

/** The SQLite port: the synchronous store's calls as they were. */
export function createSqliteGatewayStore(store: Store): GatewayStore {
  return {
    engine: 'sqlite',
    subscriptions: () => settle(() => store.subscriptions.list()),
    subscription: (id) => settle(() => store.subscriptions.get(id)),
    unreadableSubscriptions: () => settle(() => store.subscriptions.unreadableRows()),
    addSubscription: (input, trend) =>
      settle(() =>
        store.transaction(() => {
          const row = store.subscriptions.add(input);
          if (trend && (trend.surges !== undefined || trend.quietHours !== undefined)) store.trends.setSettings(row.id, trend);
          return row;
        }),
      ),
    removeSubscription: (id) => settle(() => store.subscriptions.remove(id)),
    trendSettings: (id) => settle(() => store.trends.settings(id)),
    outboxCountsBySubscription: () => settle(() => store.outbox.countsBySubscription()),
    addedFeeds: () => settle(() => store.addedFeeds.list()),
    addedFeed: (id) => settle(() => store.addedFeeds.get(id)),
    unreadableAddedFeeds: () => settle(() => store.addedFeeds.unreadable()),
    addFeed: (feed) =>
      settle(() => {
        try {
          store.addedFeeds.add(feed);
          return 'added' as const;
        } catch (error) {
          if (isSqliteConstraint(error)) return 'taken' as const;
          throw error;
        }
      }),
    editFeed: (id, guildId, change) => settle(() => store.addedFeeds.edit(id, guildId, change)),
    removeFeed: (id) => settle(() => store.addedFeeds.remove(id)),
    feedStates: () => settle(() => new Map(store.feeds.all().map((s) => [s.feedId, s]))),
    stories(hiddenFeeds) {
      const reader = createNewsReader(store.stories, hiddenFeeds);
      return {
        latest: (options) => settle(() => reader.latest(options)),
        search: (options) => settle(() => reader.search(options)),
        digestStories: (request, topics) => settle(() => reader.digestStories(request, topics)),
      };
    },
    storyByUrl: (url) => settle(() => store.stories.getByUrl(url)),
    verdicts: (rowid) => settle(() => store.stories.verdicts(rowid)),
    matchedBetween: (fromMs, toMs, topics) => settle(() => store.stories.matchedBetween(fromMs, toMs, topics)),
    status: ({ todayFrom, eventsFrom }) =>
      settle(() => ({
        lastCycle: store.cycles.last({ polledOnly: true }),
        today: store.stories.counts(todayFrom),
        storiesTotal: store.stories.total(),
        outbox: store.outbox.counts(),
        surges: store.trends.summary(),
        events: store.events.counts(eventsFrom),
        heartbeats: store.heartbeats.list(),
      })),
    trends: {
      hourlyCounts: (topics, fromMs, toMs, hiddenFeeds) => settle(() => store.trends.hourlyCounts(topics, fromMs, toMs, hiddenFeeds)),
      surgesBetween: (fromMs, toMs, topics) => settle(() => store.trends.surgesBetween(fromMs, toMs, topics)),
    },
  };
}
