import type { NotAlertedReason } from '../core/route.js';
import type { Classification, Story } from '../core/types.js';
import type { FetchFailureKind, Validators } from '../feeds/types.js';
import type { FeedState, LeaseRefusal } from './feed-state.js';
import type { Store } from './index.js';

/**
 * What the poll cycle (app/pipeline.ts) needs of a database, as one asynchronous port with an
 * implementation per engine: SQLite here (over the synchronous store, unchanged: each call is
 * the same statement it always was) and PostgreSQL (./pg/poll-store.ts). The cycle itself is
 * written once, against this port (ADR 16).
 */
export interface PollStore {
  readonly engine: 'sqlite' | 'postgres';
  /** This process's name on feed leases (ADR 11). */
  readonly owner: string;
  /** The database as storage-fault messages name it (a path, or a URL without its password). */
  readonly location: string;

  /** Poll state of every known feed, for choosing the due ones. */
  feedStates(): Promise<ReadonlyMap<string, FeedState>>;
  feedState(feedId: string): Promise<FeedState | undefined>;
  /** Creates the row if missing; a changed URL forgets validators and failures. */
  ensureFeed(feedId: string, url: string): Promise<FeedState>;
  /** Leases a feed for one poll; null when leased, else why not (see FeedStateStore.lease). */
  leaseFeed(feedId: string, p: { owner: string; now: number; leaseMs: number; force: boolean }): Promise<LeaseRefusal | null>;
  renewFeedLease(feedId: string, p: { owner: string; now: number; leaseMs: number }): Promise<boolean>;
  releaseFeedLease(feedId: string, owner: string): Promise<void>;
  /** Ends the leases of holders known to be gone; returns how many. */
  expireLeasesOf(isGone: (owner: string) => boolean, now: number): Promise<number>;
  recordSuccess(feedId: string, p: { at: number; status: number; validators: Validators; nextPollAt: number; newStories: number }): Promise<void>;
  recordFailure(feedId: string, p: { at: number; status: number | null; kind: FetchFailureKind; message: string; nextPollAt: number }): Promise<void>;

  /** Ids (of those given) already stored. */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Stores new stories and routes them (outbox rows for the subscriptions that want them) in one
   * transaction: all of it, or nothing. A story already stored under its URL by another feed is
   * routed for this feed too (a feed added from Discord reaches only its server).
   */
  storeStories(items: readonly NewStory[], now: number): Promise<StoredBatch>;

  startCycle(at: number): Promise<number>;
  finishCycle(id: number, p: { at: number; polled: number; ok: number; notModified: number; failed: number; newStories: number }): Promise<void>;
  /**
   * Brings the search index up to date with the stories stored so far; how many it indexed.
   * SQLite indexes the stories it queued (ADR 8, "Deferred indexing"); PostgreSQL indexes each
   * story as it is stored, so it has nothing to do.
   */
  indexForSearch(): Promise<number>;
  /** Between cycles: hand back what the engine caches in this process. */
  releaseMemory(): void;
}

export interface NewStory {
  readonly story: Story;
  readonly classification: Classification;
}

/** What storing one feed's new stories came to. */
export interface StoredBatch {
  readonly inserted: number;
  /** Already stored under the same URL by another feed (recorded as a source). */
  readonly sameUrl: number;
  /** Inserted stories that matched a topic. */
  readonly matched: number;
  readonly routed: number;
  readonly perTopic: Readonly<Record<string, number>>;
  readonly notAlerted: Readonly<Partial<Record<NotAlertedReason, number>>>;
}

/** Routes one stored story; the number of outbox rows written. */
export type RouteStory<R> = (rowid: number, story: Story, classification: Classification, now: number) => R;

/** Counts a batch's outcomes the same way on every engine. */
export function batchCounter(): {
  sameUrl(routed: number): void;
  inserted(classification: Classification, routed: number, why: NotAlertedReason | null | undefined): void;
  result(): StoredBatch;
} {
  let inserted = 0;
  let sameUrl = 0;
  let matched = 0;
  let routed = 0;
  const perTopic: Record<string, number> = {};
  const notAlerted: Partial<Record<NotAlertedReason, number>> = {};
  return {
    sameUrl(written) {
      sameUrl++;
      routed += written;
    },
    inserted(classification, written, why) {
      inserted++;
      if (classification.matched.length > 0) matched++;
      for (const topic of classification.matched) perTopic[topic] = (perTopic[topic] ?? 0) + 1;
      routed += written;
      if (why) notAlerted[why] = (notAlerted[why] ?? 0) + 1;
    },
    result: () => ({ inserted, sameUrl, matched, routed, perTopic, notAlerted }),
  };
}

/** Runs a synchronous write as a settled promise (a throw becomes its rejection). */
function settled(write: () => void): Promise<void> {
  try {
    write();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Runs a synchronous write, its value or its error. */
function settledValue<T>(write: () => T): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: write() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/**
 * The SQLite port: the synchronous store's calls as they were. `route` runs inside the insert
 * transaction; `whyNotAlerted` explains a matched story routed nowhere.
 */
export function createSqlitePollStore(
  store: Store,
  routing: {
    readonly route?: RouteStory<number> | undefined;
    readonly whyNotAlerted?: ((story: Story, classification: Classification, now: number) => NotAlertedReason | null) | undefined;
  } = {},
): PollStore {
  const { route, whyNotAlerted } = routing;
  return {
    engine: 'sqlite',
    owner: store.owner,
    location: store.path,
    feedStates: () => Promise.resolve(new Map(store.feeds.all().map((s) => [s.feedId, s]))),
    feedState: (feedId) => Promise.resolve(store.feeds.get(feedId)),
    ensureFeed: (feedId, url) => Promise.resolve(store.feeds.ensure(feedId, url)),
    leaseFeed: (feedId, p) => Promise.resolve(store.feeds.lease(feedId, p)),
    renewFeedLease: (feedId, p) => Promise.resolve(store.feeds.renewLease(feedId, p)),
    releaseFeedLease: (feedId, owner) => settled(() => { store.feeds.releaseLease(feedId, owner); }),
    expireLeasesOf: (isGone, now) => Promise.resolve(store.feeds.expireLeasesOf(isGone, now)),
    recordSuccess: (feedId, p) => settled(() => { store.feeds.recordSuccess(feedId, p); }),
    recordFailure: (feedId, p) => settled(() => { store.feeds.recordFailure(feedId, p); }),
    existingIds: (ids) => Promise.resolve(store.stories.existingIds(ids)),
    storeStories(items, now) {
      const stored = settledValue(() =>
        store.transaction(() => {
          const count = batchCounter();
          for (const { story, classification } of items) {
            const outcome = store.stories.insert(story, classification);
            if (!outcome.inserted) {
              // A subscription that already has the story gets nothing (one alert per story, ever).
              count.sameUrl(route && outcome.reason === 'same-url' ? route(outcome.rowid, story, classification, now) : 0);
              continue;
            }
            const written = route ? route(outcome.rowid, story, classification, now) : 0;
            count.inserted(classification, written, written === 0 ? whyNotAlerted?.(story, classification, now) : null);
          }
          return count.result();
        }),
      );
      if (!stored.ok) return Promise.reject(stored.error);
      // Committed: the full-text index catches up once enough stories wait. A failure here is
      // not the store's: the stories are kept and stay queued for the cycle's end (which reports it).
      settledValue(() => store.stories.indexIfDue());
      return Promise.resolve(stored.value);
    },
    startCycle: (at) => {
      store.limitCacheForCycle();
      return Promise.resolve(store.cycles.start(at));
    },
    finishCycle: (id, p) => settled(() => { store.cycles.finish(id, p); }),
    indexForSearch: () => {
      const indexed = settledValue(() => store.stories.indexPending());
      return indexed.ok ? Promise.resolve(indexed.value) : Promise.reject(indexed.error);
    },
    releaseMemory: () => { store.releaseMemory(); },
  };
}
