import type { ExactlyOnceStore, Holder, MessageState } from './contract.js';
import type { Db } from './db.js';
import { createFeedStateStore } from './feed-state.js';
import { createOutboxStore, OUTBOX_STATUSES, type OutboxStatus } from './outbox.js';
import { createStoryStore } from './stories.js';

/**
 * The SQLite side of {@link ExactlyOnceStore}: a thin asynchronous face over the synchronous
 * stores the app uses today (feed-state.ts, stories.ts, outbox.ts), which stay as they are. Each
 * call is one synchronous call (or one IMMEDIATE transaction of them) wrapped in a resolved
 * promise; `bench/sections/store-contract.ts` measures what the wrapping costs.
 */
export function createSqliteExactlyOnceStore(db: Db, options: { close?: boolean } = {}): ExactlyOnceStore {
  const feeds = createFeedStateStore(db);
  const stories = createStoryStore(db);
  const outbox = createOutboxStore(db);
  const dueFeeds = db.prepare<{ now: number; owner: string; limit: number }, { feed_id: string }>(`SELECT feed_id FROM feed_state
    WHERE next_poll_at <= @now AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at <= @now)
    ORDER BY next_poll_at, feed_id LIMIT @limit`);
  const selectMessage = db.prepare<[number], { status: string; attempts: number; message_id: string | null; claimed_by: string | null }>(
    'SELECT status, attempts, message_id, claimed_by FROM outbox WHERE id = ?',
  );
  const pending = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
  const immediate = <T>(fn: () => T): T => db.transaction(fn).immediate();

  return {
    engine: 'sqlite',
    ensureFeed(feedId, url) {
      feeds.ensure(feedId, url);
      return Promise.resolve();
    },
    claimDueFeeds(holder: Holder, limit: number) {
      const now = Date.now();
      // Each lease is one atomic UPDATE that re-checks the feed is free and due (feed-state.ts).
      const ids = dueFeeds.all({ now, owner: holder.owner, limit }).map((r) => r.feed_id);
      return Promise.resolve(ids.filter((id) => feeds.lease(id, { owner: holder.owner, now, leaseMs: holder.leaseMs, force: false }) === null));
    },
    finishPoll(feedId, holder, p) {
      const now = Date.now();
      return Promise.resolve(immediate(() => {
        if (!feeds.renewLease(feedId, { owner: holder.owner, now, leaseMs: holder.leaseMs })) return false;
        feeds.recordSuccess(feedId, { at: now, status: p.status, validators: { etag: null, lastModified: null, bodyHash: null }, nextPollAt: now + p.nextPollInMs, newStories: p.newStories });
        return true;
      }));
    },
    insertStory(story) {
      return Promise.resolve(immediate(() => stories.insert(story, null)));
    },
    enqueueAlert(p) {
      return Promise.resolve(outbox.addAlert({ ...p, now: Date.now() }));
    },
    claimMessages(holder, limit) {
      const { rows } = outbox.claimDue(Date.now(), limit, holder);
      return Promise.resolve(rows.map((r) => ({ id: r.id, subscriptionId: r.subscriptionId, payload: r.payload, attempts: r.attempts, sendStartedAt: r.sendStartedAt })));
    },
    beginSend(id, holder) {
      return Promise.resolve(outbox.beginSend(id, holder, Date.now()));
    },
    markSent(id, holder, messageId) {
      return Promise.resolve(outbox.markSent(id, holder, messageId, Date.now()));
    },
    scheduleRetry(id, holder, error, delayMs) {
      return Promise.resolve(outbox.scheduleRetry(id, holder, error, Date.now() + delayMs));
    },
    markDead(id, holder, error) {
      return Promise.resolve(outbox.markDead(id, holder, error));
    },
    message(id) {
      const row = selectMessage.get(id);
      const state: MessageState | null = row
        ? { status: (OUTBOX_STATUSES as readonly string[]).includes(row.status) ? (row.status as OutboxStatus) : 'pending', attempts: row.attempts, messageId: row.message_id, claimedBy: row.claimed_by }
        : null;
      return Promise.resolve(state);
    },
    pendingCount() {
      return Promise.resolve(pending.get()?.n ?? 0);
    },
    close() {
      if (options.close && db.open) db.close();
      return Promise.resolve();
    },
  };
}
