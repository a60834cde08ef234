import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ConfigError } from '../config/errors.js';
import { roleProblem, type Role } from '../core/roles.js';
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
  stop(): void;
}

/**
 * Records this process in `process_heartbeats` now and every `intervalMs`. A beat that fails (the
 * database busy past its timeout, the disk full) is logged and tried again at the next one: a
 * missed heartbeat never stops the work.
 */
export function startHeartbeat(options: { store: Store; role: Role; log: Logger; intervalMs?: number; clock?: () => number }): Heartbeat {
  const { store, role, log } = options;
  const clock = options.clock ?? Date.now;
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const startedAt = clock();
  try {
    store.heartbeats.prune(startedAt - FORGET_AFTER_MS);
  } catch {
    // the beat below logs what is wrong with the database
  }
  const beat = (): void => {
    try {
      store.heartbeats.beat({ owner: store.owner, role, pid: process.pid, host: hostname(), startedAt, lastSeenAt: clock(), intervalMs });
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'heartbeat not recorded; trying again at the next one');
    }
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      try {
        if (store.db.open) store.heartbeats.remove(store.owner);
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'heartbeat row not removed; status shows this process as not seen until it is pruned');
      }
    },
  };
}
