import { CorruptOutboxRowError, outboxListingFrom, outboxRowFrom, OUTBOX_STATUSES, type DeliveryOutbox, type OutboxRow, type OutboxStatus } from '../outbox.js';
import { DB_NOW_MS, inPgTransaction, type PgPool } from './db.js';

/** The same advisory lock as the contract store's claims (./exactly-once.ts): one claim at a time per database. */
const CLAIM_LOCK = 0x57460002;

const statusOf = (value: string): OutboxStatus => ((OUTBOX_STATUSES as readonly string[]).includes(value) ? (value as OutboxStatus) : 'pending');

/**
 * The deliverer's outbox on PostgreSQL (ADR 16): every call of the SQLite outbox
 * (store/outbox.ts) with the same meaning. Claims are ADR 11's: taken under a transaction-level
 * advisory lock so the per-subscription order rule sees every committed claim, with rows another
 * claim is recording skipped, and timed by the server's clock; due times are the ones the writer
 * chose. An outcome is recorded only by the claim's holder.
 */
export function createPgDeliveryOutbox(pool: PgPool): DeliveryOutbox {
  const changed = async (sql: string, params: unknown[]): Promise<boolean> => ((await pool.query(sql, params)).rowCount ?? 0) > 0;
  const one = async (sql: string, params: unknown[]): Promise<Record<string, unknown> | undefined> => (await pool.query<Record<string, unknown>>(sql, params)).rows[0];
  const settle = (id: number, owner: string, status: OutboxStatus, error: string) =>
    changed(`UPDATE outbox SET status = $3, last_error = $4, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
      WHERE id = $1 AND claimed_by = $2`, [id, owner, status, error]);

  return {
    engine: 'postgres',

    async claimDue(now, limit, holder) {
      const claimed = await inPgTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK]);
        const r = await client.query<Record<string, unknown>>(`WITH t AS (SELECT ${DB_NOW_MS} AS clock)
          UPDATE outbox SET claimed_by = $2, claim_expires_at = (SELECT clock FROM t) + $3
          WHERE id IN (
            SELECT o.id FROM outbox o, t
            WHERE o.status = 'pending' AND o.next_attempt_at <= $1
              AND (o.claimed_by IS NULL OR o.claimed_by = $2 OR o.claim_expires_at <= t.clock)
              AND NOT EXISTS (SELECT 1 FROM outbox r WHERE r.id = o.ref_outbox_id AND r.status = 'pending')
              AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.subscription_id = o.subscription_id AND e.status = 'pending' AND e.id < o.id
                              AND (e.next_attempt_at > $1 OR (e.claimed_by IS NOT NULL AND e.claimed_by != $2 AND e.claim_expires_at > t.clock)))
            ORDER BY o.id LIMIT $4
            FOR UPDATE OF o SKIP LOCKED)
          RETURNING *`, [now, holder.owner, holder.leaseMs, limit]);
        return r.rows;
      });
      const rows: OutboxRow[] = [];
      const corrupt: CorruptOutboxRowError[] = [];
      for (const row of claimed.sort((a, b) => Number(a.id) - Number(b.id))) {
        try {
          rows.push(outboxRowFrom(row));
        } catch (error) {
          if (!(error instanceof CorruptOutboxRowError)) throw error;
          await settle(Number(row.id), holder.owner, 'dead', error.message);
          corrupt.push(error);
        }
      }
      return { rows, corrupt };
    },

    async release(id, holder) {
      await pool.query("UPDATE outbox SET claimed_by = NULL, claim_expires_at = NULL WHERE id = $1 AND claimed_by = $2 AND status = 'pending'", [id, holder.owner]);
    },

    beginSend: (id, holder, now) =>
      changed(`UPDATE outbox SET attempts = attempts + 1, last_attempt_at = $3, send_started_at = $3, claim_expires_at = ${DB_NOW_MS} + $4
        WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`, [id, holder.owner, now, holder.leaseMs]),

    markSent: (id, holder, messageId, now) =>
      changed(`UPDATE outbox SET status = 'sent', message_id = $3, sent_at = $4, last_error = NULL, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
        WHERE id = $1 AND claimed_by = $2`, [id, holder.owner, messageId, now]),

    scheduleRetry: (id, holder, error, nextAttemptAt, options = {}) =>
      changed(`UPDATE outbox SET last_error = $3, next_attempt_at = $4, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL,
          attempts = greatest(0, attempts - $5)
        WHERE id = $1 AND claimed_by = $2`, [id, holder.owner, error, nextAttemptAt, options.refundAttempt ? 1 : 0]),

    markDead: (id, holder, error) => settle(id, holder.owner, 'dead', error),
    markUncertain: (id, holder, error) => settle(id, holder.owner, 'uncertain', error),

    skip: (id, holder, note, now) =>
      changed(`UPDATE outbox SET status = 'sent', sent_at = $4, last_error = $3, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
        WHERE id = $1 AND claimed_by = $2`, [id, holder.owner, note, now]),

    supersede: (id, holder, byId, messageId, now) =>
      changed(`UPDATE outbox SET status = 'sent', message_id = $4, sent_at = $5, last_error = $3, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
        WHERE id = $1 AND claimed_by = $2`, [id, holder.owner, `superseded by row ${byId}: only the newest state is sent`, messageId, now]),

    async newerEdit(row) {
      if (row.eventId === null) return null;
      const r = await one(`SELECT id FROM outbox WHERE event_id = $1 AND kind = 'event-edit' AND subscription_id = $2 AND id > $3 AND status = 'pending'
        ORDER BY id DESC LIMIT 1`, [row.eventId, row.subscriptionId, row.id]);
      return r ? Number(r.id) : null;
    },

    async eventAlert(subscriptionId, eventId) {
      const r = await one("SELECT * FROM outbox WHERE subscription_id = $1 AND event_id = $2 AND kind = 'alert'", [subscriptionId, eventId]);
      return r ? outboxListingFrom(r) : undefined;
    },

    async listing(id) {
      const r = await one('SELECT * FROM outbox WHERE id = $1', [id]);
      return r ? outboxListingFrom(r) : undefined;
    },

    async firstDigestPart(subscriptionId, until) {
      const r = await one("SELECT id FROM outbox WHERE subscription_id = $1 AND kind = 'digest' AND digest_until = $2 AND part = 1", [subscriptionId, until]);
      return r ? Number(r.id) : null;
    },

    async filesOf(outboxId) {
      const r = await pool.query<{ name: string; png: Buffer }>('SELECT name, png FROM outbox_files WHERE outbox_id = $1', [outboxId]);
      return r.rows.map((row) => ({ name: row.name, data: row.png }));
    },

    async expireClaimsOf(isGone) {
      const r = await pool.query<{ owner: string }>(`SELECT DISTINCT claimed_by AS owner FROM outbox WHERE status = 'pending' AND claimed_by IS NOT NULL AND claim_expires_at > ${DB_NOW_MS}`);
      let ended = 0;
      for (const { owner } of r.rows) {
        if (!isGone(owner)) continue;
        ended += (await pool.query(`UPDATE outbox SET claim_expires_at = ${DB_NOW_MS} WHERE claimed_by = $1 AND status = 'pending'`, [owner])).rowCount ?? 0;
      }
      return ended;
    },

    async nextDueAfter(now) {
      const r = await one("SELECT min(next_attempt_at) AS at FROM outbox WHERE status = 'pending' AND next_attempt_at > $1", [now]);
      return r?.at === null || r?.at === undefined ? null : Number(r.at);
    },

    async counts() {
      const r = await pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM outbox GROUP BY status');
      const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, dead: 0, uncertain: 0 };
      for (const row of r.rows) out[statusOf(row.status)] += row.n;
      return out;
    },
  };
}
