import { randomBytes } from 'node:crypto';

/** How long Previous/Next keep working after a search. */
export const SEARCH_SESSION_TTL_MS = 15 * 60_000;
/** Searches remembered at most; the oldest is forgotten first. */
export const MAX_SEARCH_SESSIONS = 1_000;

/** A search as it was run, so that every page shows the same result set. */
export interface SearchSession {
  readonly userId: string;
  readonly guildId: string | null;
  /** FTS5 MATCH expression (already made safe). */
  readonly match: string;
  /** The terms as understood, shown in the title. */
  readonly terms: readonly string[];
  readonly ignored: readonly string[];
  readonly topic: string | undefined;
  readonly days: number;
  /** Fixed at the first page: later pages do not shift as new stories arrive. */
  readonly sinceMs: number;
  readonly createdAt: number;
}

/**
 * Searches kept in memory under short keys, because a button's custom_id holds at most 100
 * characters and a query may be longer. Lost on restart: an old button then says the search
 * expired, which is the same answer as after the TTL.
 */
export function createSearchSessions(options: { ttlMs?: number; max?: number } = {}) {
  const ttlMs = options.ttlMs ?? SEARCH_SESSION_TTL_MS;
  const max = options.max ?? MAX_SEARCH_SESSIONS;
  const sessions = new Map<string, SearchSession>();

  const sweep = (now: number): void => {
    for (const [key, s] of sessions) {
      // Insertion order is creation order: stop at the first one still alive.
      if (now - s.createdAt <= ttlMs) break;
      sessions.delete(key);
    }
  };

  return {
    /** Remembers a search; returns its key (10 characters, safe in a custom_id). */
    save(session: SearchSession): string {
      sweep(session.createdAt);
      while (sessions.size >= max) {
        const oldest = sessions.keys().next();
        if (oldest.done === true) break;
        sessions.delete(oldest.value);
      }
      const key = randomBytes(8).toString('base64url').slice(0, 10);
      sessions.set(key, session);
      return key;
    },
    /** The search, or undefined when unknown or expired. */
    get(key: string, now: number): SearchSession | undefined {
      const session = sessions.get(key);
      if (!session) return undefined;
      if (now - session.createdAt > ttlMs) {
        sessions.delete(key);
        return undefined;
      }
      return session;
    },
    size(): number {
      return sessions.size;
    },
  };
}

export type SearchSessions = ReturnType<typeof createSearchSessions>;
