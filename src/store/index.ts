import { createAddedFeedStore } from './added-feeds.js';
import { newOwnerId } from './claims.js';
import { openDatabase, type Db } from './db.js';
import { createEventStore } from './events.js';
import { createCycleStore, createFeedStateStore } from './feed-state.js';
import { createFeedbackStore } from './feedback.js';
import { createHeartbeatStore } from './heartbeats.js';
import { createStoryStore } from './stories.js';
import { createOutboxStore } from './outbox.js';
import { createSubscriptionStore } from './subscriptions.js';
import { createTrendStore } from './trends.js';

/** SQLite's page cache during a poll cycle, in KiB (see `limitCacheForCycle`). */
export const CYCLE_PAGE_CACHE_KIB = 4_000;

/**
 * The narrow store interface the rest of the app uses. Keep it narrow: a PostgreSQL store
 * behind the same shape must stay a swap, not a rewrite.
 */
export function createStore(path: string) {
  const db: Db = openDatabase(path);
  const subscriptions = createSubscriptionStore(db);
  // The page cache size the connection opened with (better-sqlite3's build: 16 MB), for
  // searches and everything outside a poll cycle.
  const defaultCacheSize = db.pragma('cache_size', { simple: true }) as number;
  return {
    db,
    path,
    /** The name of this process's claims on outbox rows and leases on feeds (ADR 11). */
    owner: newOwnerId(),
    stories: createStoryStore(db),
    feeds: createFeedStateStore(db),
    cycles: createCycleStore(db),
    subscriptions,
    outbox: createOutboxStore(db),
    addedFeeds: createAddedFeedStore(db),
    /** Topic surges and charts (hourly counts), and per-subscription surge settings. */
    trends: createTrendStore(db),
    events: createEventStore(db),
    /** Ratings of alerts and digest entries by the members of each server. */
    feedback: createFeedbackStore(db),
    /** Which `run` processes are alive, in which role (`run --role`). */
    heartbeats: createHeartbeatStore(db),
    /**
     * Runs `fn` in one transaction (nested calls become savepoints). IMMEDIATE: the write lock is
     * taken at BEGIN, waiting up to the busy timeout for another process's transaction. A
     * deferred transaction that reads first and writes later would instead fail at once with
     * SQLITE_BUSY when another process committed in between (WAL cannot upgrade a stale
     * snapshot), whatever the busy timeout.
     */
    transaction<T>(fn: () => T): T {
      try {
        return db.transaction(fn).immediate();
      } catch (error) {
        // Rolled back: cached reads made inside it may show writes that never happened.
        subscriptions.invalidate();
        throw error;
      }
    },
    /**
     * Hands SQLite's page cache back (PRAGMA shrink_memory). Called when a poll cycle ends: until
     * the next one the database is read rarely, and those reads come from the OS page cache.
     */
    releaseMemory(): void {
      if (!db.open) return;
      db.pragma('shrink_memory');
      db.pragma(`cache_size = ${defaultCacheSize}`);
    },
    /**
     * Called when a poll cycle starts: until {@link releaseMemory} the page cache holds at most
     * CYCLE_PAGE_CACHE_KIB. A cycle writes each page a few times and rereads little, so a large
     * cache buys it nothing, and the pages it filled, handed back at the end, stayed resident as
     * holes in the C heap that glibc does not return. Measured with `once --all` over the bench's
     * 1,000 feeds (three alternated pairs): peak 102–104 MB against 116–118 MB, the same time
     * (17.6–18.9 s against 18.0–18.3 s); `run` at rest after the cycle 90 MB against 103 MB.
     * Searches outside a cycle keep the full cache: at 1,000,000 stories a 4 MB cache tripled
     * their p99 (`npm run bench -- --only store`).
     */
    limitCacheForCycle(): void {
      if (db.open) db.pragma(`cache_size = -${CYCLE_PAGE_CACHE_KIB}`);
    },
    close(): void {
      if (db.open) db.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;
