import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { nextPollAt } from '../core/backoff.js';
import { redactText, redactUrl } from '../core/redact.js';
import type { NotAlertedReason } from '../core/route.js';
import type { Classification, FeedConfig, Story } from '../core/types.js';
import { classifyInputOf } from '../core/classify/home-feed.js';
import type { ClassifyInput } from '../core/classify/topic-classifier.js';
import type { FetchFailure, FetchFailureKind, FetchResult, Validators } from '../feeds/types.js';
import { FEED_LEASE_MS, isDeadLocalOwner } from '../store/claims.js';
import { storageFault } from '../store/faults.js';
import type { FeedState } from '../store/feed-state.js';
import type { Store } from '../store/index.js';
import { createSqlitePollStore, type PollStore, type StoredBatch } from '../store/poll-store.js';
import type { Analyse } from './analyse.js';
import { releaseHeapAfterBigCycle } from './young-generation.js';

/** The poll interval of a feed that does not set its own. */
export const DEFAULT_FEED_INTERVAL_MS = 10 * 60 * 1000;

const DEFAULT_FEEDS_IN_PROGRESS = 32;

/** What one poll of one feed came to; printed by `once`, kept for `status` and metrics. */
export interface FeedPollResult {
  readonly feedId: string;
  /** `skipped`: not polled, because another process holds its lease or polled it meanwhile (`skipReason`). */
  readonly outcome: 'new' | 'unchanged' | 'not-modified' | 'error' | 'skipped';
  readonly skipReason?: string;
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
  /** New matched stories alerted nowhere, by why (too old, below a minimum score, …). */
  readonly notAlerted: Readonly<Partial<Record<NotAlertedReason, number>>>;
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
    /** Feeds polled by this cycle (skipped ones are not counted). */
    readonly polled: number;
    /** Due feeds left to another process (leased, or polled by it meanwhile). */
    readonly skipped: number;
    readonly ok: number;
    readonly notModified: number;
    readonly failed: number;
    readonly newStories: number;
    readonly matchedStories: number;
    readonly routed: number;
    /** New matched stories alerted nowhere, by why. */
    readonly notAlerted: Readonly<Partial<Record<NotAlertedReason, number>>>;
  };
}

/**
 * Everything a poll cycle needs, injected so tests and the benchmark can swap the edges. The
 * database is a SQLite `store` (routed through `route`), or any engine's {@link PollStore},
 * which then routes by itself.
 */
export interface PollerDeps {
  readonly store?: Store | undefined;
  readonly pollStore?: PollStore | undefined;
  readonly fetch: (feed: FeedConfig, validators: Validators) => Promise<FetchResult>;
  /** Parse and normalise a fetched document (in a worker thread, it also classifies every story). */
  readonly analyse: Analyse;
  /** Classifies the new stories the analyser left unclassified. */
  readonly classify: (input: ClassifyInput) => Classification;
  /** Why a matched story that routing alerted nowhere was not alerted (counted in the report). */
  readonly whyNotAlerted?: ((story: Story, classification: Classification, now: number) => NotAlertedReason | null) | undefined;
  /** Writes outbox rows for a newly stored story; runs inside the insert transaction (SQLite `store` only). */
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
  /** How long a feed lease lasts (ADR 11); default FEED_LEASE_MS. */
  readonly leaseMs?: number | undefined;
}

/** Tries of a feed's store transaction that found the database locked past the busy timeout. */
const BUSY_TRIES = 3;

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

  const leaseMs = deps.leaseMs ?? FEED_LEASE_MS;
  const db: PollStore = deps.pollStore ?? sqlitePort(deps);
  const owner = db.owner;
  const base = (feedId: string) => ({ feedId, newStories: 0, seenStories: 0, droppedItems: 0, matchedStories: 0, routed: 0, perTopic: {}, notAlerted: {}, bytes: 0 });

  /**
   * One feed, with the database's faults kept to it: a feed whose storage fails (disk full, I/O
   * error, locked past the busy timeout) is recorded as failed with a message naming the
   * database and the fix, and the rest of the cycle goes on.
   */
  async function pollFeed(feed: FeedConfig, force: boolean): Promise<FeedPollResult> {
    const started = deps.clock();
    try {
      return await pollLeased(feed, force);
    } catch (error) {
      const fault = storageFault(error, db.location);
      if (!fault) throw error;
      const now = deps.clock();
      const state = await db.feedState(feed.id).catch(() => undefined);
      const failures = (state?.consecutiveFailures ?? 0) + 1;
      const next = nextPollAt({ now, intervalMs: intervalOf(feed), consecutiveFailures: failures, retryAfterMs: null, jitter: random() });
      try {
        await db.recordFailure(feed.id, { at: now, status: null, kind: 'storage', message: fault.message, nextPollAt: next });
      } catch (recordError) {
        // Disk full may refuse this write too; the report still says what happened, and the
        // lease runs out by itself.
        deps.log.debug({ feed_id: feed.id, err: recordError }, 'could not record the storage failure');
      }
      deps.log.error({ feed_id: feed.id, kind: fault.kind, code: fault.code }, fault.message);
      return { ...base(feed.id), outcome: 'error', error: { kind: 'storage', message: fault.message, status: null }, consecutiveFailures: failures, nextPollAt: next, durationMs: now - started };
    }
  }

  /** Leases the feed for this process, polls it, and gives the lease back with the outcome. */
  async function pollLeased(feed: FeedConfig, force: boolean): Promise<FeedPollResult> {
    const started = deps.clock();
    const state = await db.ensureFeed(feed.id, feed.url);
    const refusal = await db.leaseFeed(feed.id, { owner, now: started, leaseMs, force });
    if (refusal) {
      const skipReason =
        refusal.reason === 'leased'
          ? `being polled by another process (${refusal.owner}) until ${new Date(refusal.until).toISOString()}`
          : 'polled by another process since this cycle began';
      deps.log.debug({ feed_id: feed.id, reason: skipReason }, 'feed skipped');
      return { ...base(feed.id), outcome: 'skipped', skipReason, error: null, consecutiveFailures: state.consecutiveFailures, nextPollAt: refusal.reason === 'not-due' ? refusal.nextPollAt : state.nextPollAt, durationMs: 0 };
    }
    try {
      return await pollOne(feed, state, started);
    } finally {
      // Recording the outcome released it already; this covers a poll that threw.
      await db.releaseFeedLease(feed.id, owner);
    }
  }

  async function pollOne(feed: FeedConfig, state: FeedState, started: number): Promise<FeedPollResult> {
    const log = deps.log.child({ feed_id: feed.id });
    const empty = base(feed.id);

    const fail = async (failure: FetchFailure): Promise<FeedPollResult> => {
      const now = deps.clock();
      if (deps.signal?.aborted) {
        // Shutting down: the feed did nothing wrong, keep its state as it was.
        return { ...empty, outcome: 'error', error: { kind: failure.kind, message: 'interrupted by shutdown', status: null }, consecutiveFailures: state.consecutiveFailures, nextPollAt: state.nextPollAt, durationMs: now - started };
      }
      const failures = state.consecutiveFailures + 1;
      const next = nextPollAt({ now, intervalMs: intervalOf(feed), consecutiveFailures: failures, retryAfterMs: failure.retryAfterMs, jitter: random() });
      await db.recordFailure(feed.id, { at: now, status: failure.status, kind: failure.kind, message: failure.message, nextPollAt: next });
      log.warn({ kind: failure.kind, status: failure.status, failures, next_poll_at: new Date(next).toISOString() }, failure.message);
      return {
        ...empty,
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
      fetched = { ok: false, kind: 'network', message: redactText(`unexpected error fetching ${feed.url}: ${(cause as Error).message}`), status: null, retryAfterMs: null, url: redactUrl(feed.url), cause };
    }
    if (!fetched.ok) return fail(fetched);

    const succeed = async (validators: Validators, status: number, counts: Partial<FeedPollResult>, outcome: FeedPollResult['outcome']): Promise<FeedPollResult> => {
      const now = deps.clock();
      const next = nextPollAt({ now, intervalMs: intervalOf(feed), consecutiveFailures: 0, retryAfterMs: null, jitter: random() });
      await db.recordSuccess(feed.id, { at: now, status, validators, nextPollAt: next, newStories: counts.newStories ?? 0 });
      return { ...empty, ...counts, outcome, error: null, consecutiveFailures: 0, nextPollAt: next, durationMs: now - started };
    };

    if (fetched.notModified) {
      log.debug({ reason: fetched.reason }, 'not modified');
      return succeed(fetched.validators, fetched.status, { bytes: fetched.bytes }, 'not-modified');
    }

    const now = deps.clock();
    let analysed;
    try {
      analysed = await deps.analyse({ text: fetched.text, finalUrl: fetched.finalUrl, documentUrl: fetched.contentLocation, feed, now });
    } catch (cause) {
      // The analyser maps every parse problem it knows; anything else is a bug, but must not stop the cycle.
      analysed = { ok: false as const, kind: 'parse' as const, message: redactText(`unexpected error reading ${fetched.finalUrl}: ${(cause as Error).message}`), status: null, retryAfterMs: null, url: fetched.finalUrl, cause };
    }
    if ('ok' in analysed) return fail(analysed);
    const { batch: parsed, classifications } = analysed;
    if (analysed.repairs !== undefined) log.info({ repairs: analysed.repairs }, `feed read after repairs: ${analysed.repairs.join('; ')}`);
    const stories = parsed.stories;
    const dropped = parsed.skipped.filter((s) => s.reason !== 'duplicate-id').length;
    if (parsed.unreliableGuids.length > 0) {
      log.debug({ guids: parsed.unreliableGuids.slice(0, 5) }, 'feed reuses guids for different articles; those items are identified by URL');
    }

    // Classify only what is new (unless a worker did it already, off this thread): a steady-state
    // cycle re-reads mostly stored stories.
    const known = await db.existingIds(stories.map((s) => s.id));
    const classified: { story: Story; classification: Classification }[] = [];
    stories.forEach((story, i) => {
      if (known.has(story.id)) return;
      const classification = classifications?.[i] ?? deps.classify(classifyInputOf(story, feed));
      classified.push({ story, classification });
    });

    // Still ours? A lease that ran out while this feed waited may have been taken; storing is
    // safe either way (stories and alerts are unique), this only keeps the lease for the write.
    await db.renewFeedLease(feed.id, { owner, now: deps.clock(), leaseMs });
    let batch: StoredBatch;
    // Another process writing (a long first cycle) may hold the database past the busy timeout;
    // the transaction rolled back whole, so it is simply tried again.
    for (let attempt = 1; ; attempt++) {
      try {
        batch = await db.storeStories(classified, now);
        break;
      } catch (error) {
        if (attempt >= BUSY_TRIES || storageFault(error, db.location)?.kind !== 'busy') throw error;
        log.warn({ attempt }, 'database busy: storing this feed again');
      }
    }
    const { inserted, sameUrl, matched, routed, perTopic, notAlerted } = batch;
    if (inserted > 0) log.info({ new_stories: inserted, matched, routed }, 'stored new stories');
    return succeed(
      fetched.validators,
      fetched.status,
      { newStories: inserted, seenStories: known.size + sameUrl, droppedItems: dropped, matchedStories: matched, routed, perTopic, notAlerted, bytes: fetched.bytes },
      inserted > 0 ? 'new' : 'unchanged',
    );
  }

  /** A bookkeeping write the cycle can do without: a storage fault is logged, not thrown. */
  async function guardStorage<T>(what: string, write: () => Promise<T>): Promise<T | null> {
    try {
      return await write();
    } catch (error) {
      const fault = storageFault(error, db.location);
      if (!fault) throw error;
      deps.log.error({ kind: fault.kind, code: fault.code }, `could not ${what}: ${fault.message}`);
      return null;
    }
  }

  return {
    /** Feeds due now (enabled, next poll time reached), or all enabled ones with `force`. */
    async dueFeeds(feeds: readonly FeedConfig[], options: CycleOptions = {}): Promise<FeedConfig[]> {
      const now = deps.clock();
      const states = options.force ? new Map<string, FeedState>() : await db.feedStates();
      return feeds.filter((feed) => {
        if (!feed.enabled) return false;
        if (options.only && !options.only.includes(feed.id)) return false;
        if (options.force) return true;
        const state = states.get(feed.id);
        return !state || state.url !== feed.url || state.nextPollAt <= now;
      });
    },

    /** Runs one cycle over the due feeds, concurrently (the fetcher limits per host). */
    async runCycle(feeds: readonly FeedConfig[], options: CycleOptions = {}): Promise<CycleReport> {
      const startedAt = deps.clock();
      const due = await this.dueFeeds(feeds, options);
      options.onStart?.(due.length);
      const cycleId = await guardStorage('record the cycle start', () => db.startCycle(startedAt));
      // Leases of a process of this host that is gone (killed mid-cycle) end now, not in ten minutes.
      await guardStorage('end the leases of a stopped process', () => db.expireLeasesOf((other) => isDeadLocalOwner(other, owner), startedAt));
      let done = 0;
      const inProgress = pLimit(deps.maxFeedsInProgress ?? DEFAULT_FEEDS_IN_PROGRESS);
      const force = options.force === true;
      const results = await Promise.all(
        due.map(async (feed) => {
          const result = await inProgress(() => pollFeed(feed, force));
          done++;
          options.onFeedDone?.(result, done, due.length);
          return result;
        }),
      );
      const finishedAt = deps.clock();
      const skipped = results.filter((r) => r.outcome === 'skipped').length;
      const totals = {
        polled: results.length - skipped,
        skipped,
        ok: results.filter((r) => r.outcome === 'new' || r.outcome === 'unchanged').length,
        notModified: results.filter((r) => r.outcome === 'not-modified').length,
        failed: results.filter((r) => r.outcome === 'error').length,
        newStories: sum(results, (r) => r.newStories),
        matchedStories: sum(results, (r) => r.matchedStories),
        routed: sum(results, (r) => r.routed),
        notAlerted: sumCounts(results.map((r) => r.notAlerted)),
      };
      if (cycleId !== null) {
        await guardStorage('record the cycle', () => db.finishCycle(cycleId, { at: finishedAt, polled: totals.polled, ok: totals.ok, notModified: totals.notModified, failed: totals.failed, newStories: totals.newStories }));
      }
      // The cycle's last stories go into the search index now, not at the next search. Should
      // that fail, they are stored and stay queued for the next search or cycle.
      await guardStorage("index the cycle's new stories for search (they are stored, and stay queued for the next search or cycle)", () => db.indexForSearch());
      // Idle until the next cycle: SQLite's page cache (up to 16 MB) need not stay resident, nor
      // the heap a big cycle grew.
      db.releaseMemory();
      void releaseHeapAfterBigCycle();
      deps.log.info({ duration_ms: finishedAt - startedAt, ...totals }, 'poll cycle finished');
      return { startedAt, finishedAt, results, totals };
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;

function sqlitePort(deps: PollerDeps): PollStore {
  if (!deps.store) throw new TypeError('createPoller needs a store or a pollStore');
  return createSqlitePollStore(deps.store, { route: deps.route, whyNotAlerted: deps.whyNotAlerted });
}

function sumCounts<K extends string>(counts: readonly Readonly<Partial<Record<K, number>>>[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c) as [K, number][]) out[k] = (out[k] ?? 0) + n;
  return out;
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
