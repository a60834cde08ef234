import { OUTBOUND_MESSAGE_SCHEMA, type OutboundMessage } from '../../core/compose/message.js';
import type { ClaimedMessage, ExactlyOnceStore, Holder, MessageState } from '../contract.js';
import { nonceFor, OUTBOX_STATUSES, type OutboxStatus } from '../outbox.js';
import type { InsertOutcome } from '../stories.js';
import { DB_NOW_MS, inPgTransaction, openPgDatabase, type PgPool } from './db.js';

/**
 * The PostgreSQL side of {@link ExactlyOnceStore} (ADR 16). The lease columns and the holder rule
 * are ADR 11's, timed by the server's clock (`DB_NOW_MS`), so processes with skewed clocks agree.
 *
 * - Feeds: one UPDATE over a `FOR UPDATE SKIP LOCKED` pick: pollers never wait for each other
 *   and never get the same feed; feeds have no order to keep.
 * - Messages: the ADR 11 claim statement, run under a transaction-level advisory lock, so claims
 *   are one at a time as on SQLite and the per-subscription order rule sees every committed
 *   claim (two concurrent claims could otherwise each take a different row of one subscription,
 *   and a channel would get its digest parts out of order). The inner pick also skips locked rows,
 *   so a claim never waits behind an outcome being recorded.
 */
const CLAIM_LOCK = 0x57460002;

interface MessageRow {
  id: number;
  subscription_id: number;
  payload: string;
  attempts: number;
  send_started_at: number | null;
}

function parsePayload(text: string): OutboundMessage | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `payload is not JSON (${(error as Error).message})`;
  }
  const parsed = OUTBOUND_MESSAGE_SCHEMA.safeParse(json);
  return parsed.success ? parsed.data : `payload does not validate: ${parsed.error.issues[0]?.message ?? 'unknown'}`;
}

export function createPgExactlyOnceStore(pool: PgPool, options: { close?: boolean } = {}): ExactlyOnceStore {
  const changed = async (sql: string, params: unknown[]): Promise<boolean> => ((await pool.query(sql, params)).rowCount ?? 0) > 0;

  return {
    engine: 'postgres',

    async ensureFeed(feedId, url) {
      await pool.query('INSERT INTO feed_state (feed_id, url) VALUES ($1, $2) ON CONFLICT (feed_id) DO NOTHING', [feedId, url]);
      await pool.query(`UPDATE feed_state SET url = $2, etag = NULL, last_modified = NULL, body_hash = NULL, consecutive_failures = 0, next_poll_at = 0
        WHERE feed_id = $1 AND url != $2`, [feedId, url]);
    },

    async claimDueFeeds(holder: Holder, limit: number) {
      const r = await pool.query<{ feed_id: string }>(`UPDATE feed_state SET lease_owner = $1, lease_expires_at = ${DB_NOW_MS} + $2
        WHERE feed_id IN (
          SELECT feed_id FROM feed_state
          WHERE next_poll_at <= ${DB_NOW_MS} AND (lease_owner IS NULL OR lease_owner = $1 OR lease_expires_at <= ${DB_NOW_MS})
          ORDER BY next_poll_at, feed_id LIMIT $3
          FOR UPDATE SKIP LOCKED)
        RETURNING feed_id`, [holder.owner, holder.leaseMs, limit]);
      return r.rows.map((row) => row.feed_id).sort();
    },

    async finishPoll(feedId, holder, p) {
      return changed(`UPDATE feed_state SET etag = NULL, last_modified = NULL, body_hash = NULL,
          last_attempt_at = ${DB_NOW_MS}, last_success_at = ${DB_NOW_MS}, last_status = $3, consecutive_failures = 0,
          last_error_kind = NULL, last_error = NULL, next_poll_at = ${DB_NOW_MS} + $4, stories_total = stories_total + $5,
          lease_owner = NULL, lease_expires_at = NULL
        WHERE feed_id = $1 AND lease_owner = $2`, [feedId, holder.owner, p.status, p.nextPollInMs, p.newStories]);
    },

    async insertStory(story): Promise<InsertOutcome> {
      // One statement: the story and its first source, or nothing when the id or the URL is
      // already stored (by this process or another at the same instant).
      const inserted = await pool.query<{ rowid: number }>(`WITH s AS (
          INSERT INTO stories (id, feed_id, guid, url, title, summary, author, published_at, published_estimated, first_seen_at, language, categories)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING rowid)
        INSERT INTO story_sources (story_rowid, feed_id, seen_at) SELECT rowid, $2, $10 FROM s RETURNING story_rowid AS rowid`,
      [story.id, story.feedId, story.guid, story.url, story.title, story.summary, story.author, story.publishedAt, story.publishedEstimated ? 1 : 0,
        story.firstSeenAt, story.language, JSON.stringify(story.categories)]);
      const rowid = inserted.rows[0]?.rowid;
      if (rowid !== undefined) return { inserted: true, rowid };
      const sameId = await pool.query<{ rowid: number }>('SELECT rowid FROM stories WHERE id = $1', [story.id]);
      if (sameId.rows[0]) return { inserted: false, rowid: sameId.rows[0].rowid, reason: 'same-id' };
      const sameUrl = await pool.query<{ rowid: number }>('SELECT rowid FROM stories WHERE url = $1', [story.url]);
      const urlRow = sameUrl.rows[0];
      if (!urlRow) throw new Error(`story ${story.id} was neither stored nor found by id or URL`);
      await pool.query('INSERT INTO story_sources (story_rowid, feed_id, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [urlRow.rowid, story.feedId, story.firstSeenAt]);
      return { inserted: false, rowid: urlRow.rowid, reason: 'same-url' };
    },

    async enqueueAlert(p) {
      const r = await pool.query<{ id: number; created_at: number }>(`INSERT INTO outbox (subscription_id, kind, story_rowid, payload, next_attempt_at, created_at)
        VALUES ($1, 'alert', $2, $3, ${DB_NOW_MS}, ${DB_NOW_MS}) ON CONFLICT DO NOTHING RETURNING id, created_at`, [p.subscriptionId, p.storyRowid, JSON.stringify(p.payload)]);
      const row = r.rows[0];
      if (!row) return false;
      // Readers derive the same nonce from id and created_at should this never run (see outbox.ts).
      await pool.query('UPDATE outbox SET nonce = $2 WHERE id = $1', [row.id, nonceFor(row.id, row.created_at)]);
      return true;
    },

    async claimMessages(holder, limit) {
      const rows = await inPgTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK]);
        const r = await client.query<MessageRow>(`WITH t AS (SELECT ${DB_NOW_MS} AS now)
          UPDATE outbox SET claimed_by = $1, claim_expires_at = (SELECT now FROM t) + $2
          WHERE id IN (
            SELECT o.id FROM outbox o, t
            WHERE o.status = 'pending' AND o.next_attempt_at <= t.now
              AND (o.claimed_by IS NULL OR o.claimed_by = $1 OR o.claim_expires_at <= t.now)
              AND NOT EXISTS (SELECT 1 FROM outbox r WHERE r.id = o.ref_outbox_id AND r.status = 'pending')
              AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.subscription_id = o.subscription_id AND e.status = 'pending' AND e.id < o.id
                              AND (e.next_attempt_at > t.now OR (e.claimed_by IS NOT NULL AND e.claimed_by != $1 AND e.claim_expires_at > t.now)))
            ORDER BY o.id LIMIT $3
            FOR UPDATE OF o SKIP LOCKED)
          RETURNING id, subscription_id, payload, attempts, send_started_at`, [holder.owner, holder.leaseMs, limit]);
        return r.rows;
      });
      const claimed: ClaimedMessage[] = [];
      for (const row of rows.sort((a, b) => a.id - b.id)) {
        const payload = parsePayload(row.payload);
        if (typeof payload === 'string') {
          await this.markDead(row.id, holder, `outbox row ${row.id}: ${payload}`);
          continue;
        }
        claimed.push({ id: row.id, subscriptionId: row.subscription_id, payload, attempts: row.attempts, sendStartedAt: row.send_started_at });
      }
      return claimed;
    },

    async beginSend(id, holder) {
      return changed(`UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ${DB_NOW_MS}, send_started_at = ${DB_NOW_MS},
          claim_expires_at = ${DB_NOW_MS} + $3
        WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`, [id, holder.owner, holder.leaseMs]);
    },

    async markSent(id, holder, messageId) {
      return changed(`UPDATE outbox SET status = 'sent', message_id = $3, sent_at = ${DB_NOW_MS}, last_error = NULL,
          claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
        WHERE id = $1 AND claimed_by = $2`, [id, holder.owner, messageId]);
    },

    async scheduleRetry(id, holder, error, delayMs) {
      return changed(`UPDATE outbox SET last_error = $3, next_attempt_at = ${DB_NOW_MS} + $4, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
        WHERE id = $1 AND claimed_by = $2`, [id, holder.owner, error, delayMs]);
    },

    async markDead(id, holder, error) {
      return changed(`UPDATE outbox SET status = 'dead', last_error = $3, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
        WHERE id = $1 AND claimed_by = $2`, [id, holder.owner, error]);
    },

    async message(id): Promise<MessageState | null> {
      const r = await pool.query<{ status: string; attempts: number; message_id: string | null; claimed_by: string | null }>(
        'SELECT status, attempts, message_id, claimed_by FROM outbox WHERE id = $1', [id]);
      const row = r.rows[0];
      if (!row) return null;
      const status = (OUTBOX_STATUSES as readonly string[]).includes(row.status) ? (row.status as OutboxStatus) : 'pending';
      return { status, attempts: row.attempts, messageId: row.message_id, claimedBy: row.claimed_by };
    },

    async pendingCount() {
      const r = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'");
      return r.rows[0]?.n ?? 0;
    },

    async close() {
      if (options.close) await pool.end();
    },
  };
}

/** Connects to `url`, migrates, and returns the store over its own pool (closed by `close()`). */
export async function openPgExactlyOnceStore(url: string, options: { max?: number } = {}): Promise<ExactlyOnceStore> {
  return createPgExactlyOnceStore(await openPgDatabase(url, options), { close: true });
}
