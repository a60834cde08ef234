import type pg from 'pg';
import type { OutboundMessage } from '../../core/compose/message.js';
import { redactText } from '../../core/redact.js';
import type { NotAlertedReason } from '../../core/route.js';
import type { Classification, Story } from '../../core/types.js';
import { StorageFaultError } from '../faults.js';
import { feedStateFromRow, type FeedState } from '../feed-state.js';
import { nonceFor } from '../outbox.js';
import { batchCounter, type PollStore, type StoredBatch } from '../poll-store.js';
import { hasEvidence } from '../stories.js';
import { subscriptionFromRow, type StoredSubscription } from '../subscriptions.js';
import { DB_NOW_MS, type PgPool } from './db.js';

/**
 * The PostgreSQL side of {@link PollStore} (ADR 16). Leases are ADR 11's, timed by the server's
 * clock: a lease ends at the server's now + leaseMs, and a poll's next time is stored as the
 * server's now + the delay the poller chose, so pollers on machines with skewed clocks agree.
 *
 * One feed's stories and their alerts are one transaction. Two pollers storing the same link at
 * once (two feeds carrying one article) meet on the unique indexes: the second waits for the
 * first and then sees its row; a deadlock between them is retried here.
 */

/** What a poller routes: the alerts to queue for a stored story, or why it alerts nowhere. */
export interface PgRouting {
  route(subscriptions: readonly StoredSubscription[], rowid: number, story: Story, classification: Classification, now: number): {
    readonly alerts: readonly { readonly subscriptionId: number; readonly payload: OutboundMessage }[];
    readonly why: NotAlertedReason | null;
  };
  /** A subscription row that cannot be read (reported once per cycle by the caller). */
  onUnreadable?(id: number, problem: string): void;
}

/** PostgreSQL's codes for a transaction aborted by a deadlock or a serialization conflict: run it again. */
const RETRYABLE = new Set(['40P01', '40001']);
const TRIES = 5;

function pgCode(error: unknown): string | null {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : null;
}

/**
 * A failure of the server or the connection to it, as a storage fault naming the database
 * (without its password) and the fix; null for anything else (a bug in a query).
 */
export function pgStorageFault(error: unknown, location: string): StorageFaultError | null {
  if (error instanceof StorageFaultError) return error;
  const code = pgCode(error);
  const message = error instanceof Error ? error.message : String(error);
  // Connection classes: 08 (connection exception), 57P (operator intervention: shutdown), 53 (insufficient resources); or a socket error.
  const connection = code !== null && (/^(08|53|57P)/.test(code) || /^E[A-Z]+$/.test(code));
  const lost = code === null && /Connection terminated|timeout exceeded when trying to connect/i.test(message);
  if (!connection && !lost) return null;
  const kind = code === '53100' ? 'full' : 'ioerr'; // 53100: disk full on the server
  const text = redactText(
    `PostgreSQL database ${location} failed (${code ?? 'connection lost'}): ${message}. Check that the server is up and reachable from this machine (\`watchfloor check\`), then run again; nothing committed was lost.`,
  );
  return new StorageFaultError({ kind, code: code ?? 'PG_CONNECTION', message: text }, { cause: error });
}

export function createPgPollStore(pool: PgPool, options: { owner: string; location: string; routing?: PgRouting }): PollStore {
  const { owner, location, routing } = options;

  /** Runs `body` in one transaction on one connection; deadlocks and serialization failures are run again. */
  async function transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (attempt >= TRIES || !RETRYABLE.has(pgCode(error) ?? '')) throw error;
      } finally {
        client.release();
      }
    }
  }

  /** Every call: a connection failure becomes a storage fault naming the server and the fix. */
  async function guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw pgStorageFault(error, location) ?? error;
    }
  }

  const select = async (feedId: string): Promise<FeedState | undefined> => {
    const r = await pool.query<Record<string, unknown>>('SELECT * FROM feed_state WHERE feed_id = $1', [feedId]);
    return r.rows[0] ? feedStateFromRow(r.rows[0]) : undefined;
  };

  async function insertStory(client: pg.PoolClient, story: Story, classification: Classification): Promise<{ inserted: boolean; rowid: number; reason?: 'same-id' | 'same-url' }> {
    const verdicts = classification.verdicts;
    // One statement: the story and its first source, or nothing when its id or URL is stored.
    const r = await client.query<{ rowid: number }>(`WITH s AS (
        INSERT INTO stories
          (id, feed_id, guid, url, title, summary, author, published_at, published_estimated, first_seen_at, language, categories, matched_topics, max_score)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING RETURNING rowid)
      INSERT INTO story_sources (story_rowid, feed_id, seen_at) SELECT rowid, $2, $10 FROM s RETURNING story_rowid AS rowid`, [
      story.id, story.feedId, story.guid, story.url, story.title, story.summary, story.author, story.publishedAt, story.publishedEstimated ? 1 : 0,
      story.firstSeenAt, story.language, JSON.stringify(story.categories), JSON.stringify(classification.matched),
      verdicts.reduce((max, v) => (v.matched ? Math.max(max, v.score) : max), 0),
    ]);
    const rowid = r.rows[0]?.rowid;
    if (rowid === undefined) {
      const sameId = await client.query<{ rowid: number }>('SELECT rowid FROM stories WHERE id = $1', [story.id]);
      if (sameId.rows[0]) return { inserted: false, rowid: sameId.rows[0].rowid, reason: 'same-id' };
      const sameUrl = await client.query<{ rowid: number }>('SELECT rowid FROM stories WHERE url = $1', [story.url]);
      const urlRow = sameUrl.rows[0];
      if (!urlRow) throw new Error(`story ${story.id} (${story.url ?? 'no URL'}) was neither stored nor found by id or URL`);
      await client.query('INSERT INTO story_sources (story_rowid, feed_id, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [urlRow.rowid, story.feedId, story.firstSeenAt]);
      return { inserted: false, rowid: urlRow.rowid, reason: 'same-url' };
    }
    // As on SQLite: only verdicts with something to say are kept; all of them in one statement.
    const kept = verdicts.filter(hasEvidence);
    if (kept.length > 0) {
      await client.query(`INSERT INTO story_verdicts (story_rowid, topic, matched, score, keyword_score, model_probability, reasons)
        SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::text[])`,
      [rowid, kept.map((v) => v.topic), kept.map((v) => (v.matched ? 1 : 0)), kept.map((v) => v.score), kept.map((v) => v.keywordScore),
        kept.map((v) => v.modelProbability), kept.map((v) => JSON.stringify({ threshold: v.threshold, reasons: v.reasons }))]);
    }
    return { inserted: true, rowid };
  }

  async function instantSubscriptions(client: pg.PoolClient): Promise<StoredSubscription[]> {
    const r = await client.query<Record<string, unknown>>("SELECT * FROM subscriptions WHERE mode = 'instant' ORDER BY id");
    const out: StoredSubscription[] = [];
    for (const row of r.rows) {
      const read = subscriptionFromRow(row);
      if ('problem' in read) routing?.onUnreadable?.(Number(row.id), read.problem);
      else out.push(read);
    }
    return out;
  }

  /** Queues the routed alerts of one story; how many rows were written (one per subscription and story, ever). */
  async function route(client: pg.PoolClient, subscriptions: readonly StoredSubscription[], rowid: number, story: Story, classification: Classification, now: number): Promise<{ written: number; why: NotAlertedReason | null }> {
    if (!routing) return { written: 0, why: null };
    const { alerts, why } = routing.route(subscriptions, rowid, story, classification, now);
    let written = 0;
    for (const alert of alerts) {
      const r = await client.query<{ id: number; created_at: number }>(`INSERT INTO outbox (subscription_id, kind, story_rowid, payload, next_attempt_at, created_at)
        VALUES ($1, 'alert', $2, $3, $4, $4) ON CONFLICT DO NOTHING RETURNING id, created_at`, [alert.subscriptionId, rowid, JSON.stringify(alert.payload), now]);
      const row = r.rows[0];
      if (!row) continue;
      await client.query('UPDATE outbox SET nonce = $2 WHERE id = $1', [row.id, nonceFor(row.id, row.created_at)]);
      written++;
    }
    return { written, why: written === 0 ? why : null };
  }

  return {
    engine: 'postgres',
    owner,
    location,

    feedStates: () => guarded(async () => {
      const r = await pool.query<Record<string, unknown>>('SELECT * FROM feed_state');
      return new Map(r.rows.map((row) => { const state = feedStateFromRow(row); return [state.feedId, state]; }));
    }),

    feedState: (feedId) => guarded(() => select(feedId)),

    ensureFeed: (feedId, url) => guarded(async () => {
      await pool.query('INSERT INTO feed_state (feed_id, url) VALUES ($1, $2) ON CONFLICT (feed_id) DO NOTHING', [feedId, url]);
      await pool.query(`UPDATE feed_state SET url = $2, etag = NULL, last_modified = NULL, body_hash = NULL, consecutive_failures = 0, next_poll_at = 0
        WHERE feed_id = $1 AND url != $2`, [feedId, url]);
      const state = await select(feedId);
      if (!state) throw new Error(`feed_state row for ${feedId} vanished`);
      return state;
    }),

    leaseFeed: (feedId, p) => guarded(async () => {
      const taken = await pool.query(`UPDATE feed_state SET lease_owner = $2, lease_expires_at = ${DB_NOW_MS} + $3
        WHERE feed_id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= ${DB_NOW_MS})
          AND ($4 OR next_poll_at <= ${DB_NOW_MS})`, [feedId, p.owner, p.leaseMs, p.force]);
      if ((taken.rowCount ?? 0) > 0) return null;
      const r = await pool.query<Record<string, unknown> & { now: number; lease_owner: string | null; lease_expires_at: number | null; next_poll_at: number }>(`SELECT *, ${DB_NOW_MS} AS now FROM feed_state WHERE feed_id = $1`, [feedId]);
      const row = r.rows[0];
      if (row?.lease_owner && row.lease_owner !== p.owner && (row.lease_expires_at ?? 0) > row.now) return { reason: 'leased' as const, owner: row.lease_owner, until: row.lease_expires_at ?? p.now };
      return { reason: 'not-due' as const, nextPollAt: row?.next_poll_at ?? p.now };
    }),

    renewFeedLease: (feedId, p) => guarded(async () => {
      const r = await pool.query(`UPDATE feed_state SET lease_expires_at = ${DB_NOW_MS} + $3 WHERE feed_id = $1 AND lease_owner = $2`, [feedId, p.owner, p.leaseMs]);
      return (r.rowCount ?? 0) > 0;
    }),

    releaseFeedLease: (feedId, leaseOwner) => guarded(async () => {
      await pool.query('UPDATE feed_state SET lease_owner = NULL, lease_expires_at = NULL WHERE feed_id = $1 AND lease_owner = $2', [feedId, leaseOwner]);
    }),

    expireLeasesOf: (isGone) => guarded(async () => {
      const r = await pool.query<{ owner: string }>(`SELECT DISTINCT lease_owner AS owner FROM feed_state WHERE lease_owner IS NOT NULL AND lease_expires_at > ${DB_NOW_MS}`);
      let ended = 0;
      for (const { owner: other } of r.rows) {
        if (!isGone(other)) continue;
        ended += (await pool.query(`UPDATE feed_state SET lease_expires_at = ${DB_NOW_MS} WHERE lease_owner = $1`, [other])).rowCount ?? 0;
      }
      return ended;
    }),

    recordSuccess: (feedId, p) => guarded(async () => {
      await pool.query(`UPDATE feed_state SET etag = $2, last_modified = $3, body_hash = $4, last_attempt_at = $5, last_success_at = $5, last_status = $6,
          consecutive_failures = 0, last_error_kind = NULL, last_error = NULL, next_poll_at = ${DB_NOW_MS} + $7,
          stories_total = stories_total + $8, lease_owner = NULL, lease_expires_at = NULL
        WHERE feed_id = $1`, [feedId, p.validators.etag, p.validators.lastModified, p.validators.bodyHash, p.at, p.status, Math.max(0, p.nextPollAt - p.at), p.newStories]);
    }),

    recordFailure: (feedId, p) => guarded(async () => {
      await pool.query(`UPDATE feed_state SET last_attempt_at = $2, last_status = $3, consecutive_failures = consecutive_failures + 1,
          last_error_kind = $4, last_error = $5, next_poll_at = ${DB_NOW_MS} + $6, lease_owner = NULL, lease_expires_at = NULL
        WHERE feed_id = $1`, [feedId, p.at, p.status, p.kind, p.message, Math.max(0, p.nextPollAt - p.at)]);
    }),

    existingIds: (ids) => guarded(async () => {
      if (ids.length === 0) return new Set<string>();
      const r = await pool.query<{ id: string }>('SELECT id FROM stories WHERE id = ANY($1::text[])', [ids]);
      return new Set(r.rows.map((row) => row.id));
    }),

    storeStories: (items, now) => guarded(() => transaction(async (client): Promise<StoredBatch> => {
      const count = batchCounter();
      const subscriptions = items.length > 0 && routing ? await instantSubscriptions(client) : [];
      for (const { story, classification } of items) {
        const outcome = await insertStory(client, story, classification);
        if (!outcome.inserted) {
          count.sameUrl(outcome.reason === 'same-url' ? (await route(client, subscriptions, outcome.rowid, story, classification, now)).written : 0);
          continue;
        }
        const { written, why } = await route(client, subscriptions, outcome.rowid, story, classification, now);
        count.inserted(classification, written, why);
      }
      return count.result();
    })),

    startCycle: (at) => guarded(async () => {
      const r = await pool.query<{ id: number }>('INSERT INTO poll_cycles (started_at) VALUES ($1) RETURNING id', [at]);
      const id = r.rows[0]?.id;
      if (id === undefined) throw new Error('poll_cycles: the new cycle was not returned');
      return id;
    }),

    finishCycle: (id, p) => guarded(async () => {
      await pool.query(`UPDATE poll_cycles SET finished_at = $2, feeds_polled = $3, feeds_ok = $4, feeds_not_modified = $5, feeds_failed = $6, new_stories = $7
        WHERE id = $1`, [id, p.at, p.polled, p.ok, p.notModified, p.failed, p.newStories]);
    }),

    releaseMemory: () => undefined,
  };
}
