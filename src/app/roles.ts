import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ConfigError } from '../config/errors.js';
import { roleProblem, type HeartbeatRow, type Role } from '../core/roles.js';
import type { Store } from '../store/index.js';

/** How often a `run` process records that it is alive; `status` flags it after three missed beats. */
export const HEARTBEAT_INTERVAL_MS = 30_000;

/** A process not seen for this long is forgotten by the next one that starts (no longer listed). */
const FORGET_AFTER_MS = 7 * 24 * 3_600_000;

/**
 * The role of this `run` process: `--role` when given, else WATCHFLOOR_ROLE, else `all`. A bad
 * name is a configuration error (exit 2) naming where it came from.
 */
export function resolveRole(flag: string | undefined, fromEnv: string | undefined): Role {
  const value = flag ?? fromEnv ?? 'all';
  const problem = roleProblem(value);
  if (problem !== null) throw new ConfigError(flag !== undefined ? 'command line' : 'environment', flag !== undefined ? '--role' : 'WATCHFLOOR_ROLE', problem);
  return value as Role;
}

export interface Heartbeat {
  /** Stops beating and deletes this process's row (a clean shutdown). */
  stop(): Promise<void>;
}

/** Where heartbeats are written: the SQLite store, or a PostgreSQL one (store/pg/heartbeats.ts). */
export interface HeartbeatTarget {
  readonly owner: string;
  beat(row: HeartbeatRow): void | Promise<void>;
  remove(owner: string): void | Promise<void>;
  prune(before: number): unknown;
  /** False once the database is closed (nothing to remove then). */
  isOpen(): boolean;
}

/** The SQLite store as a heartbeat target. */
export function sqliteHeartbeats(store: Store): HeartbeatTarget {
  return {
    owner: store.owner,
    beat: (row) => { store.heartbeats.beat(row); },
    remove: (owner) => { store.heartbeats.remove(owner); },
    prune: (before) => store.heartbeats.prune(before),
    isOpen: () => store.db.open,
  };
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Records this process in `process_heartbeats` now and every `intervalMs`. A beat that fails (the
 * database busy past its timeout, the disk full, the server unreachable) is logged and tried
 * again at the next one: a missed heartbeat never stops the work.
 */
export function startHeartbeat(options: { store: Store | HeartbeatTarget; role: Role; log: Logger; intervalMs?: number; clock?: () => number }): Heartbeat {
  const { role, log } = options;
  const target = 'heartbeats' in options.store ? sqliteHeartbeats(options.store) : options.store;
  const clock = options.clock ?? Date.now;
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const startedAt = clock();
  const report = (error: unknown): void => { log.warn({ err: errorText(error) }, 'heartbeat not recorded; trying again at the next one'); };
  try {
    // Failures here are reported by the beat below, which meets the same database.
    void Promise.resolve(target.prune(startedAt - FORGET_AFTER_MS)).catch(() => undefined);
  } catch {
    // as above
  }
  let last: Promise<void> = Promise.resolve();
  // Synchronous on SQLite (recorded before this returns), a promise on PostgreSQL.
  const beat = (): void => {
    try {
      last = Promise.resolve(target.beat({ owner: target.owner, role, pid: process.pid, host: hostname(), startedAt, lastSeenAt: clock(), intervalMs })).catch(report);
    } catch (error) {
      report(error);
    }
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await last;
      try {
        if (target.isOpen()) await target.remove(target.owner);
      } catch (error) {
        log.warn({ err: errorText(error) }, 'heartbeat row not removed; status shows this process as not seen until it is pruned');
      }
    },
  };
}
