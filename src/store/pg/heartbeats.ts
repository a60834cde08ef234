import type { HeartbeatRow } from '../../core/roles.js';
import type { PgPool } from './db.js';

/** `process_heartbeats` on PostgreSQL: the same rows as on SQLite (store/heartbeats.ts). */
export function createPgHeartbeats(pool: PgPool, owner: string, isOpen: () => boolean) {
  return {
    owner,
    isOpen,
    async beat(row: HeartbeatRow): Promise<void> {
      await pool.query(`INSERT INTO process_heartbeats (owner, role, pid, host, started_at, last_seen_at, interval_ms)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (owner) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, interval_ms = EXCLUDED.interval_ms`,
      [row.owner, row.role, row.pid, row.host, row.startedAt, row.lastSeenAt, row.intervalMs]);
    },
    async remove(who: string): Promise<void> {
      await pool.query('DELETE FROM process_heartbeats WHERE owner = $1', [who]);
    },
    async prune(before: number): Promise<number> {
      return (await pool.query('DELETE FROM process_heartbeats WHERE last_seen_at < $1', [before])).rowCount ?? 0;
    },
    async list(): Promise<HeartbeatRow[]> {
      const r = await pool.query<{ owner: string; role: string; pid: number; host: string; started_at: number; last_seen_at: number; interval_ms: number }>(
        'SELECT owner, role, pid, host, started_at, last_seen_at, interval_ms FROM process_heartbeats ORDER BY started_at, owner');
      return r.rows.map((r) => ({ owner: r.owner, role: r.role, pid: r.pid, host: r.host, startedAt: r.started_at, lastSeenAt: r.last_seen_at, intervalMs: r.interval_ms }));
    },
  };
}
