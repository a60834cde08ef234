/**
 * Rows that cannot be read (a `topics` value that is not JSON, an added feed whose URL is not
 * http(s), …). They are never repaired here and never stop the rest: the row is skipped (a
 * subscription is treated as disabled, an added feed is not polled), reported once per store
 * (one per process) to whoever listens, and listed with the reason by the commands that show
 * the table. No migration rewrites them: the operator decides, with the fix the report names.
 */

export interface UnreadableRow {
  readonly table: 'subscriptions' | 'added_feeds';
  /** The row's id as its table keys it (a subscription number, a feed id). */
  readonly id: string;
  /** The server the row belongs to, when that column could be read; null otherwise. */
  readonly guildId: string | null;
  /** What cannot be read, e.g. `topics is not JSON (Unexpected token …)`. */
  readonly reason: string;
  /** How to get rid of it, e.g. `watchfloor unsubscribe 7`. */
  readonly fix: string;
}

export type UnreadableListener = (row: UnreadableRow) => void;

/** Reports each unreadable row once, to every listener (rows seen before a listener came are handed to it then). */
export function createUnreadableReporter() {
  const seen = new Map<string, UnreadableRow>();
  const listeners: UnreadableListener[] = [];
  return {
    report(row: UnreadableRow): void {
      const key = `${row.table}\u0000${row.id}`;
      if (seen.has(key)) return;
      seen.set(key, row);
      for (const listener of listeners) listener(row);
    },
    listen(listener: UnreadableListener): void {
      listeners.push(listener);
      for (const row of seen.values()) listener(row);
    },
  };
}

/** A short, single-line description of what went wrong reading a value. */
export function problemText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/gu, ' ').slice(0, 200);
}
