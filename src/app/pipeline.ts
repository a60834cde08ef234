import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { nextPollAt } from '../core/backoff.js';
import type { Classification, FeedConfig, Story } from '../core/types.js';
import type { FetchFailure, FetchFailureKind, FetchResult, Validators } from '../feeds/types.js';
import type { Store } from '../store/index.js';
import type { Analyse } from './analyse.js';

/** The poll interval of a feed that does not set its own. */
export const DEFAULT_FEED_INTERVAL_MS = 10 * 60 * 1000;

const DEFAULT_FEEDS_IN_PROGRESS = 32;

/** What one poll of one feed came to; printed by `once`, kept for `status` and metrics. */
export interface FeedPollResult {
  readonly feedId: string;
  readonly outcome: 'new' | 'unchanged' | 'not-modified' | 'error';
  /** Stories stored for the first time. */
  readonly newStories: number;
  /** Items in the document that were already stored (same id or same URL). */
  readonly seenStories: number;
  /** Items dropped because they had neither title nor link. */
  readonly droppedItems: number;
  /** New stories that matched at least one topic. */
  readonly matchedStories: number;
  /** Outbox rows written for the new stories. */
  readonly routed: number;
  /** Matched stories per topic among the new ones. */
  readonly perTopic: Readonly<Record<string, number>>;
  readonly error: { readonly kind: FetchFailureKind; readonly message: string; readonly status: number | null } | null;
  readonly consecutiveFailures: number;
  readonly nextPollAt: number;
  readonly durationMs: number;
  readonly bytes: number;
}

export interface CycleReport {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly results: readonly FeedPollResult[];
  readonly totals: {
    readonly polled: number;
    readonly ok: number;
    readonly notModified: number;
    readonly failed: number;
    readonly newStories: number;
    readonly matchedStories: number;
    readonly routed: number;
  };
}

/** Everything a poll cycle needs, injected so tests and the benchmark can swap the edges. */
export interface PollerDeps {
  readonly store: Store;
  readonly fetch: (feed: FeedConfig, validators: Validators) => Promise<FetchResult>;
  /** Parse and normalise a fetched document (in a worker thread, it also classifies every story). */
  readonly analyse: Analyse;
  /** Called as a cycle with due feeds begins (the analyse pool starts its threads). */
  readonly warm?: (() => void) | undefined;
  /** Classifies the new stories the analyser left unclassified. */
  readonly classify: (input: { readonly title: string; readonly summary: string }) => Classification;
  /** Writes outbox rows for a newly stored story; runs inside the insert transaction. */
  readonly route?: ((rowid: number, story: Story, classification: Classification, now: number) => number) | undefined;
  readonly clock: () => number;
  readonly random?: (() => number) | undefined;
  readonly log: Logger;
  readonly defaultIntervalMs?: number | undefined;
  /**
   * Feeds in progress at once (fetch to store). Default 32. The fetcher limits requests, but a
   * fetched body waits for the main thread to parse it: without this cap a CPU-bound first cycle
   * holds every feed's body in memory at once.
   */
  readonly maxFeedsInProgress?: number | undefined;
  /** Aborted at shutdown: fetches cut short by it are not counted as the feed's failures. */
  readonly signal?: AbortSignal | undefined;
}

export interface CycleOptions {
  /** Poll every enabled feed, due or not (`watchfloor once --all`). */
  readonly force?: boolean;
  /** Only these feed ids. */
  readonly only?: readonly string[];
  /** Called as each feed finishes (progress display). */
  readonly onFeedDone?: (result: FeedPollResult, done: number, total: number) => void;
  /** Called once the due feeds are known. */
  readonly onStart?: (total: number) => void;
}

/**
 * The poll cycle: for every due feed, fetch → parse → normalise → skip what is stored →
 * classify → store + route in one transaction. One feed's failure never stops the others; it
 * is recorded with its reason and the feed backs off.
 */
export function createPoller(deps: PollerDeps) {
  const random = deps.random ?? Math.random;
  const defaultIntervalMs = deps.defaultIntervalMs ?? DEFAULT_FEED_INTERVAL_MS;

  const intervalOf = (feed: FeedConfig): number =>
    feed.intervalMinutes !== undefined ? feed.intervalMinutes * 60_000 : defaultIntervalMs;

  async function pollFeed(feed: FeedConfig): Promise<FeedPollResult> {
    const started = deps.clock();
    const log = deps.log.child({ feed_id: feed.id });
    const state = deps.store.feeds.ensure(feed.id, feed.url);
    const base = { feedId: feed.id, newStories: 0, seenStories: 0, droppedItems: 0, matchedStories: 0, routed: 0, perTopic: {}, bytes: 0 };

    const fail = (failure: FetchFailure): FeedPollResult => {
      const now = deps.clock();
      if (deps.signal?.aborted) {
        // Shutting down: the feed did nothing wrong, keep its state as it was.
        return { ...base, outcome: 'error', error: { kind: failure.kind, message: 'interrupted by shutdown', status: null }, consecutiveFailures: state.consecutiveFailures, nextPollAt: state.nextPollAt, durationMs: now - started };
      }
      const failures = state.consecutiveFailures + 1;
      const next = nextPollAt({ now, intervalMs: intervalOf(feed), consecutiveFailures: failures, retryAfterMs: failure.retryAfterMs, jitter: random() });
      deps.store.feeds.recordFailure(feed.id, { at: now, status: failure.status, kind: failure.kind, message: failure.message, nextPollAt: next });
      log.warn({ kind: failure.kind, status: failure.status, failures, next_poll_at: new Date(next).toISOString() }, failure.message);
      return {
        ...base,
        outcome: 'error',
        error: { kind: failure.kind, message: failure.message, status: failure.status },
        consecutiveFailures: failures,
        nextPollAt: next,
        durationMs: now - started,
      };
    };

    let fetched: FetchResult;
    try {
      fetched = await deps.fetch(feed, state.validators);
    } catch (cause) {
      // fetchFeed maps every failure it knows; anything else is a bug, but must not stop the cycle.
      fetched = { ok: false, kind: 'network', message: `unexpected error fetching ${feed.url}: ${(cause as Error).message}`, status: null, retryAfterMs: null, url: feed.url, cause };
    }
    if (!fetched.ok) return fail(fetched);

    const succeed = (validators: Validators, status: number, counts: Partial<FeedPollResult>, outcome: FeedPollResult['outcome']): FeedPollResult => {
      const now = deps.clock();
      const next = nextPollAt({ now, intervalMs: intervalOf(feed), consecutiveFailures: 0, retryAfterMs: null, jitter: random() });
      deps.store.feeds.recordSuccess(feed.id, { at: now, status, validators, nextPollAt: next, newStories: counts.newStories ?? 0 });
      return { ...base, ...counts, outcome, error: null, consecutiveFailures: 0, nextPollAt: next, durationMs: now - started };
    };

    if (fetched.notModified) {
      log.debug({ reason: fetched.reason }, 'not modified');
      return succeed(fetched.validators, fetched.status, { bytes: fetched.bytes }, 'not-modified');
    }

    const now = deps.clock();
    let analysed;
    try {
      analysed = await deps.analyse({ text: fetched.text, finalUrl: fetched.finalUrl, feed, now });
    } catch (cause) {
      // The analyser maps every parse problem it knows; anything else is a bug, but must not stop the cycle.
      analysed = { ok: false as const, kind: 'parse' as const, message: `unexpected error reading ${fetched.finalUrl}: ${(cause as Error).message}`, status: null, retryAfterMs: null, url: fetched.finalUrl, cause };
    }
    if ('ok' in analysed) return fail(analysed);
    const { batch, classifications } = analysed;
    const stories = batch.stories;
    const dropped = batch.skipped.filter((s) => s.reason !== 'duplicate-id').length;
    if (batch.unreliableGuids.length > 0) {
      log.debug({ guids: batch.unreliableGuids.slice(0, 5) }, 'feed reuses guids for different articles; those items are identified by URL');
    }

    // Classify only what is new (unless a worker did it already, off this thread): a steady-state
    // cycle re-reads mostly stored stories.
    const known = deps.store.stories.existingIds(stories.map((s) => s.id));
    const classified: { story: Story; classification: Classification }[] = [];
    stories.forEach((story, i) => {
      if (known.has(story.id)) return;
      const classification = classifications?.[i] ?? deps.classify({ title: story.title, summary: story.summary });
      classified.push({ story, classification });
    });

    let inserted = 0;
    let sameUrl = 0;
    let matched = 0;
    let routed = 0;
    const perTopic: Record<string, number> = {};
    deps.store.transaction(() => {
      for (const { story, classification } of classified) {
        const outcome = deps.store.stories.insert(story, classification);
        if (!outcome.inserted) {
          sameUrl++;
          continue;
        }
        inserted++;
        if (classification.matched.length > 0) matched++;
        for (const topic of classification.matched) perTopic[topic] = (perTopic[topic] ?? 0) + 1;
        if (deps.route) routed += deps.route(outcome.rowid, story, classification, now);
      }
    });
    if (inserted > 0) log.info({ new_stories: inserted, matched, routed }, 'stored new stories');
    return succeed(
      fetched.validators,
      fetched.status,
      { newStories: inserted, seenStories: known.size + sameUrl, droppedItems: dropped, matchedStories: matched, routed, perTopic, bytes: fetched.bytes },
      inserted > 0 ? 'new' : 'unchanged',
    );
  }

  return {
    /** Feeds due now (enabled, next poll time reached), or all enabled ones with `force`. */
    dueFeeds(feeds: readonly FeedConfig[], options: CycleOptions = {}): FeedConfig[] {
      const now = deps.clock();
      return feeds.filter((feed) => {
        if (!feed.enabled) return false;
        if (options.only && !options.only.includes(feed.id)) return false;
        if (options.force) return true;
        const state = deps.store.feeds.get(feed.id);
        return !state || state.url !== feed.url || state.nextPollAt <= now;
      });
    },

    /** Runs one cycle over the due feeds, concurrently (the fetcher limits per host). */
    async runCycle(feeds: readonly FeedConfig[], options: CycleOptions = {}): Promise<CycleReport> {
      const startedAt = deps.clock();
      const due = this.dueFeeds(feeds, options);
      options.onStart?.(due.length);
      if (due.length > 0) deps.warm?.();
      const cycleId = deps.store.cycles.start(startedAt);
      let done = 0;
      const inProgress = pLimit(deps.maxFeedsInProgress ?? DEFAULT_FEEDS_IN_PROGRESS);
      const results = await Promise.all(
        due.map(async (feed) => {
          const result = await inProgress(() => pollFeed(feed));
          done++;
          options.onFeedDone?.(result, done, due.length);
          return result;
        }),
      );
      const finishedAt = deps.clock();
      const totals = {
        polled: results.length,
        ok: results.filter((r) => r.outcome === 'new' || r.outcome === 'unchanged').length,
        notModified: results.filter((r) => r.outcome === 'not-modified').length,
        failed: results.filter((r) => r.outcome === 'error').length,
        newStories: sum(results, (r) => r.newStories),
        matchedStories: sum(results, (r) => r.matchedStories),
        routed: sum(results, (r) => r.routed),
      };
      deps.store.cycles.finish(cycleId, { at: finishedAt, polled: totals.polled, ok: totals.ok, notModified: totals.notModified, failed: totals.failed, newStories: totals.newStories });
      // Idle until the next cycle: SQLite's page cache (up to 16 MB) need not stay resident.
      deps.store.releaseMemory();
      deps.log.info({ duration_ms: finishedAt - startedAt, ...totals }, 'poll cycle finished');
      return { startedAt, finishedAt, results, totals };
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
