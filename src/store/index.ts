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

/**
 * The narrow store interface the rest of the app uses. Keep it narrow: a PostgreSQL store
 * behind the same shape must stay a swap, not a rewrite.
 */
export function createStore(path: string) {
  const db: Db = openDatabase(path);
  const subscriptions = createSubscriptionStore(db);
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
      if (db.open) db.pragma('shrink_memory');
    },
    close(): void {
      if (db.open) db.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;
