import type { OperatorOutbox } from '../operator-outbox.js';
import { outboxListingFrom } from '../outbox.js';
import type { PgPool } from './db.js';

/** `watchfloor outbox` on PostgreSQL: the SQLite statements of store/outbox.ts in PostgreSQL's SQL. */
export function createPgOperatorOutbox(pool: PgPool): OperatorOutbox {
  return {
    async listByStatus(status, limit) {
      const r = await pool.query<Record<string, unknown>>('SELECT * FROM outbox WHERE status = $1 ORDER BY id LIMIT $2', [status, limit]);
      return r.rows.map(outboxListingFrom);
    },
    async requeue(ids, now) {
      if (ids.length === 0) return [];
      const r = await pool.query<{ id: number }>(`UPDATE outbox
        SET status = 'pending', next_attempt_at = $2, attempts = 0, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
        WHERE id = ANY($1::bigint[]) AND status IN ('dead', 'uncertain') RETURNING id`, [ids, now]);
      const done = new Set(r.rows.map((row) => row.id));
      return ids.filter((id) => done.has(id));
    },
    async drop(ids) {
      if (ids.length === 0) return [];
      const r = await pool.query<{ id: number }>("DELETE FROM outbox WHERE id = ANY($1::bigint[]) AND status IN ('dead', 'uncertain') RETURNING id", [ids]);
      const done = new Set(r.rows.map((row) => row.id));
      return ids.filter((id) => done.has(id));
    },
  };
}
