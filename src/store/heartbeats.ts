import type { HeartbeatRow } from '../core/roles.js';
import type { Db } from './db.js';

/**
 * One row per running `watchfloor run` process (its role, pid, host, start, last beat), so
 * `status` and `/status` can tell which roles are alive. A process beats on an interval and
 * deletes its row when it stops cleanly; a row that stops beating is a process that died.
 */
export function createHeartbeatStore(db: Db) {
  const upsert = db.prepare<[string, string, number, string, number, number, number]>(`
    INSERT INTO process_heartbeats (owner, role, pid, host, started_at, last_seen_at, interval_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (owner) DO UPDATE SET last_seen_at = excluded.last_seen_at, interval_ms = excluded.interval_ms`);
  const remove = db.prepare<[string]>('DELETE FROM process_heartbeats WHERE owner = ?');
  const list = db.prepare<[], { owner: string; role: string; pid: number; host: string; started_at: number; last_seen_at: number; interval_ms: number }>(
    'SELECT owner, role, pid, host, started_at, last_seen_at, interval_ms FROM process_heartbeats ORDER BY started_at, owner',
  );
  const prune = db.prepare<[number]>('DELETE FROM process_heartbeats WHERE last_seen_at < ?');
  return {
    /** Records (or refreshes) this process's heartbeat. */
    beat(row: HeartbeatRow): void {
      upsert.run(row.owner, row.role, row.pid, row.host, row.startedAt, row.lastSeenAt, row.intervalMs);
    },
    /** Removes a process's row (clean shutdown). */
    remove(owner: string): void {
      remove.run(owner);
    },
    /** Forgets processes not seen since `before` (long dead: a week by default at the caller). */
    prune(before: number): number {
      return prune.run(before).changes;
    },
    list(): HeartbeatRow[] {
      return list.all().map((r) => ({ owner: r.owner, role: r.role, pid: r.pid, host: r.host, startedAt: r.started_at, lastSeenAt: r.last_seen_at, intervalMs: r.interval_ms }));
    },
  };
}

export type HeartbeatStore = ReturnType<typeof createHeartbeatStore>;
