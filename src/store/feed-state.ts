import type { Validators, FetchFailureKind } from '../feeds/types.js';
import type { Db } from './db.js';

/** What `status`, `/feeds list` and the scheduler know about one feed. */
export interface FeedState {
  readonly feedId: string;
  readonly url: string;
  readonly validators: Validators;
  readonly lastAttemptAt: number | null;
  readonly lastSuccessAt: number | null;
  readonly lastStatus: number | null;
  readonly consecutiveFailures: number;
  readonly lastErrorKind: FetchFailureKind | null;
  readonly lastError: string | null;
  readonly nextPollAt: number;
  readonly storiesTotal: number;
  /** The process polling this feed right now, and until when its lease runs (ADR 11). */
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
}

/** Why a feed could not be leased for a poll. */
export type LeaseRefusal =
  | { readonly reason: 'leased'; readonly owner: string; readonly until: number }
  | { readonly reason: 'not-due'; readonly nextPollAt: number };

interface FeedStateRow {
  feed_id: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  body_hash: string | null;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_status: number | null;
  consecutive_failures: number;
  last_error_kind: string | null;
  last_error: string | null;
  next_poll_at: number;
  stories_total: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

function toState(row: FeedStateRow): FeedState {
  return {
    feedId: row.feed_id,
    url: row.url,
    validators: { etag: row.etag, lastModified: row.last_modified, bodyHash: row.body_hash },
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    lastStatus: row.last_status,
    consecutiveFailures: row.consecutive_failures,
    lastErrorKind: row.last_error_kind as FetchFailureKind | null,
    lastError: row.last_error,
    nextPollAt: row.next_poll_at,
    storiesTotal: row.stories_total,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
  };
}

/** A feed_state row read by another engine (PostgreSQL: the same columns). */
export function feedStateFromRow(row: Readonly<Record<string, unknown>>): FeedState {
  return toState(row as unknown as FeedStateRow);
}

/** Poll state per feed: validators, failures, backoff. */
export function createFeedStateStore(db: Db) {
  const select = db.prepare<[string], FeedStateRow>('SELECT * FROM feed_state WHERE feed_id = ?');
  const selectAll = db.prepare<[], FeedStateRow>('SELECT * FROM feed_state ORDER BY feed_id');
  const ensure = db.prepare('INSERT INTO feed_state (feed_id, url) VALUES (?, ?) ON CONFLICT(feed_id) DO NOTHING');
  const resetOnUrlChange = db.prepare(`UPDATE feed_state SET url = ?, etag = NULL, last_modified = NULL, body_hash = NULL,
    consecutive_failures = 0, next_poll_at = 0 WHERE feed_id = ? AND url != ?`);
  const success = db.prepare(`UPDATE feed_state SET etag = @etag, last_modified = @lastModified, body_hash = @bodyHash,
    last_attempt_at = @at, last_success_at = @at, last_status = @status, consecutive_failures = 0,
    last_error_kind = NULL, last_error = NULL, next_poll_at = @nextPollAt, stories_total = stories_total + @newStories,
    lease_owner = NULL, lease_expires_at = NULL
    WHERE feed_id = @feedId`);
  const failure = db.prepare(`UPDATE feed_state SET last_attempt_at = @at, last_status = @status,
    consecutive_failures = consecutive_failures + 1, last_error_kind = @kind, last_error = @message, next_poll_at = @nextPollAt,
    lease_owner = NULL, lease_expires_at = NULL
    WHERE feed_id = @feedId`);
  // One statement: the lease is taken only if nobody else holds it (or their lease ran out) and,
  // unless forced, the feed is still due (another process may have polled it since the cycle began).
  const lease = db.prepare<{ feedId: string; owner: string; now: number; until: number; force: number }>(`UPDATE feed_state
    SET lease_owner = @owner, lease_expires_at = @until
    WHERE feed_id = @feedId AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at <= @now)
      AND (@force = 1 OR next_poll_at <= @now)`);
  const renewLease = db.prepare<{ feedId: string; owner: string; until: number }>(`UPDATE feed_state SET lease_expires_at = @until
    WHERE feed_id = @feedId AND lease_owner = @owner`);
  const releaseLease = db.prepare<{ feedId: string; owner: string }>(`UPDATE feed_state SET lease_owner = NULL, lease_expires_at = NULL
    WHERE feed_id = @feedId AND lease_owner = @owner`);

  return {
    /** Creates the row if missing; a changed URL forgets validators and failures (it is a new source). */
    ensure(feedId: string, url: string): FeedState {
      ensure.run(feedId, url);
      resetOnUrlChange.run(url, feedId, url);
      const row = select.get(feedId);
      if (!row) throw new Error(`feed_state row for ${feedId} vanished`);
      return toState(row);
    },
    get(feedId: string): FeedState | undefined {
      const row = select.get(feedId);
      return row ? toState(row) : undefined;
    },
    all(): FeedState[] {
      return selectAll.all().map(toState);
    },
    /**
     * Leases a feed for one poll by `owner` until `now + leaseMs`. Returns null when leased, or
     * why not: another process holds it, or (without `force`) it is no longer due.
     */
    lease(feedId: string, p: { owner: string; now: number; leaseMs: number; force: boolean }): LeaseRefusal | null {
      if (lease.run({ feedId, owner: p.owner, now: p.now, until: p.now + p.leaseMs, force: p.force ? 1 : 0 }).changes > 0) return null;
      const row = select.get(feedId);
      if (row?.lease_owner && row.lease_owner !== p.owner && (row.lease_expires_at ?? 0) > p.now) return { reason: 'leased', owner: row.lease_owner, until: row.lease_expires_at ?? p.now };
      return { reason: 'not-due', nextPollAt: row?.next_poll_at ?? p.now };
    },
    /** Extends a lease this owner holds; false when it was lost (expired and taken by another process). */
    renewLease(feedId: string, p: { owner: string; now: number; leaseMs: number }): boolean {
      return renewLease.run({ feedId, owner: p.owner, until: p.now + p.leaseMs }).changes > 0;
    },
    /** Ends the leases of holders known to be gone (see isDeadLocalOwner); returns how many. */
    expireLeasesOf(isGone: (owner: string) => boolean, now: number): number {
      const owners = db.prepare<[number], { owner: string }>('SELECT DISTINCT lease_owner AS owner FROM feed_state WHERE lease_owner IS NOT NULL AND lease_expires_at > ?').all(now);
      const expire = db.prepare<[number, string]>('UPDATE feed_state SET lease_expires_at = ? WHERE lease_owner = ?');
      let ended = 0;
      for (const { owner } of owners) if (isGone(owner)) ended += expire.run(now, owner).changes;
      return ended;
    },
    /** Gives a lease back without recording a poll (shutdown). Recording a poll releases it too. */
    releaseLease(feedId: string, owner: string): void {
      releaseLease.run({ feedId, owner });
    },
    recordSuccess(feedId: string, p: { at: number; status: number; validators: Validators; nextPollAt: number; newStories: number }): void {
      success.run({ feedId, at: p.at, status: p.status, nextPollAt: p.nextPollAt, newStories: p.newStories, ...p.validators });
    },
    recordFailure(feedId: string, p: { at: number; status: number | null; kind: FetchFailureKind; message: string; nextPollAt: number }): void {
      failure.run({ feedId, ...p });
    },
    remove(feedId: string): void {
      db.prepare('DELETE FROM feed_state WHERE feed_id = ?').run(feedId);
    },
  };
}

export type FeedStateStore = ReturnType<typeof createFeedStateStore>;

/** Poll cycles, for `status`, `/status` and readiness. */
export function createCycleStore(db: Db) {
  return {
    start(at: number): number {
      return Number(db.prepare('INSERT INTO poll_cycles (started_at) VALUES (?)').run(at).lastInsertRowid);
    },
    finish(id: number, p: { at: number; polled: number; ok: number; notModified: number; failed: number; newStories: number }): void {
      db.prepare(`UPDATE poll_cycles SET finished_at = ?, feeds_polled = ?, feeds_ok = ?, feeds_not_modified = ?, feeds_failed = ?, new_stories = ?
        WHERE id = ?`).run(p.at, p.polled, p.ok, p.notModified, p.failed, p.newStories, id);
    },
    /** The newest finished cycle; with `polledOnly`, the newest that polled at least one feed. */
    last(options: { polledOnly?: boolean } = {}): { startedAt: number; finishedAt: number | null; polled: number; ok: number; notModified: number; failed: number; newStories: number } | undefined {
      const row = db
        .prepare<[], { started_at: number; finished_at: number | null; feeds_polled: number; feeds_ok: number; feeds_not_modified: number; feeds_failed: number; new_stories: number }>(
          `SELECT * FROM poll_cycles WHERE finished_at IS NOT NULL ${options.polledOnly ? 'AND feeds_polled > 0' : ''} ORDER BY id DESC LIMIT 1`,
        )
        .get();
      return row
        ? { startedAt: row.started_at, finishedAt: row.finished_at, polled: row.feeds_polled, ok: row.feeds_ok, notModified: row.feeds_not_modified, failed: row.feeds_failed, newStories: row.new_stories }
        : undefined;
    },
  };
}

export type CycleStore = ReturnType<typeof createCycleStore>;
