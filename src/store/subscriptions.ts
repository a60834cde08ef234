import { DELIVERY_MODES, type DeliveryMode, type Subscription, type Target } from '../core/types.js';
import type { Db } from './db.js';
import { createUnreadableReporter, problemText, type UnreadableListener, type UnreadableRow } from './unreadable-rows.js';

/** A subscription as stored, with who created it. */
export interface StoredSubscription extends Subscription {
  /** `cli`, `default`, or a Discord user id (slash commands). */
  readonly createdBy: string;
}

/** What a caller supplies to create a subscription (validated before it gets here). */
export type NewSubscription = Omit<StoredSubscription, 'id' | 'lastDigestAt'>;

interface SubscriptionRow {
  id: number;
  guild_id: string | null;
  target_kind: string;
  channel_id: string | null;
  webhook_url: string | null;
  topics: string;
  mode: string;
  schedule: string | null;
  timezone: string;
  min_score: number;
  mention_role_id: string | null;
  max_age_ms: number;
  post_empty: number;
  created_at: number;
  created_by: string;
  last_digest_at: number | null;
  developing_sources: number | null;
  developing_window_ms: number | null;
}

/** Thrown when a row breaks the invariants the migration's CHECKs should have kept. */
export class CorruptSubscriptionError extends Error {
  override readonly name = 'CorruptSubscriptionError';
}

function toTarget(row: SubscriptionRow): Target {
  if (row.target_kind === 'channel' && row.channel_id !== null) return { kind: 'channel', channelId: row.channel_id, guildId: row.guild_id };
  if (row.target_kind === 'webhook' && row.webhook_url !== null) return { kind: 'webhook', url: row.webhook_url };
  if (row.target_kind === 'console') return { kind: 'console' };
  throw new CorruptSubscriptionError(`subscription ${row.id} has an unusable target (${row.target_kind})`);
}

/** What in a row cannot be read, or null. SQLite keeps whatever was written: types are declared, not enforced. */
function rowProblem(row: SubscriptionRow): string | null {
  const raw: Readonly<Record<string, unknown>> = row as unknown as Record<string, unknown>;
  if (typeof raw.topics !== 'string') return 'topics is not text';
  let topics: unknown;
  try {
    topics = JSON.parse(raw.topics);
  } catch (error) {
    return `topics is not JSON (${problemText(error)})`;
  }
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === 'string' && t !== '')) return 'topics is not a non-empty JSON list of topic ids';
  if (!(DELIVERY_MODES as readonly unknown[]).includes(raw.mode)) return `mode ${JSON.stringify(raw.mode)} is not one of ${DELIVERY_MODES.join(', ')}`;
  for (const column of ['developing_sources', 'developing_window_ms'] as const) {
    const value = raw[column];
    if (value !== null && value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) return `${column} is not a positive whole number`;
  }
  if (raw.mode === 'digest' && (typeof raw.schedule !== 'string' || raw.schedule.trim() === '')) return 'a digest without a schedule';
  if (typeof raw.timezone !== 'string') return 'timezone is not text';
  if (typeof raw.min_score !== 'number' || !Number.isFinite(raw.min_score) || raw.min_score < 0) return 'min_score is not a number ≥ 0';
  if (typeof raw.max_age_ms !== 'number' || !Number.isFinite(raw.max_age_ms) || raw.max_age_ms <= 0) return 'max_age_ms is not a positive number';
  if (typeof raw.created_at !== 'number' || !Number.isFinite(raw.created_at)) return 'created_at is not a time';
  if (raw.last_digest_at !== null && (typeof raw.last_digest_at !== 'number' || !Number.isFinite(raw.last_digest_at))) return 'last_digest_at is not a time';
  for (const column of ['guild_id', 'channel_id', 'webhook_url', 'mention_role_id', 'schedule'] as const) {
    if (raw[column] !== null && typeof raw[column] !== 'string') return `${column} is not text`;
  }
  try {
    toTarget(row);
  } catch (error) {
    return problemText(error);
  }
  return null;
}

function toSubscription(row: SubscriptionRow): StoredSubscription {
  const topics = JSON.parse(row.topics) as string[];
  return {
    id: row.id,
    target: toTarget(row),
    topics,
    mode: (DELIVERY_MODES as readonly string[]).includes(row.mode) ? (row.mode as DeliveryMode) : 'instant',
    schedule: row.schedule,
    timezone: row.timezone,
    minScore: row.min_score,
    mentionRoleId: row.mention_role_id,
    maxAgeMs: row.max_age_ms,
    postEmptyDigest: row.post_empty === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastDigestAt: row.last_digest_at,
    developingSources: row.developing_sources ?? null,
    developingWindowMs: row.developing_window_ms ?? null,
  };
}

/**
 * A subscription row read by another engine (PostgreSQL, the same columns): the subscription, or
 * what in the row cannot be read.
 */
export function subscriptionFromRow(row: Readonly<Record<string, unknown>>): StoredSubscription | { readonly problem: string } {
  const typed = row as unknown as SubscriptionRow;
  const problem = rowProblem(typed);
  return problem === null ? toSubscription(typed) : { problem };
}

/**
 * Subscription rows read by another engine: the readable ones, in order; each one that cannot
 * be read is passed to `onUnreadable` with what is wrong in it (and skipped).
 */
export function subscriptionsFromRows(rows: readonly Readonly<Record<string, unknown>>[], onUnreadable?: (id: number, problem: string) => void): StoredSubscription[] {
  const out: StoredSubscription[] = [];
  for (const row of rows) {
    const read = subscriptionFromRow(row);
    if ('problem' in read) onUnreadable?.(Number(row.id), read.problem);
    else out.push(read);
  }
  return out;
}

function unreadableSubscription(row: SubscriptionRow, reason: string): UnreadableRow {
  const guildId = typeof row.guild_id === 'string' ? row.guild_id : null;
  return {
    table: 'subscriptions',
    id: String(row.id),
    guildId,
    reason,
    fix: `\`watchfloor unsubscribe ${row.id}\`${guildId !== null ? ` (or \`/watch remove id:${row.id}\` in its server)` : ''}, then subscribe again`,
  };
}

/** A subscription row read by another engine that cannot be read: what and the fix; null when it reads. */
export function unreadableSubscriptionFromRow(row: Readonly<Record<string, unknown>>): UnreadableRow | null {
  const typed = row as unknown as SubscriptionRow;
  const problem = rowProblem(typed);
  return problem === null ? null : unreadableSubscription(typed, problem);
}

/** Subscriptions: which channel or webhook wants which topics, how. All SQL about them lives here. */
export function createSubscriptionStore(db: Db) {
  const insert = db.prepare(`INSERT INTO subscriptions
    (guild_id, target_kind, channel_id, webhook_url, topics, mode, schedule, timezone, min_score, mention_role_id, max_age_ms, post_empty, created_at, created_by,
     developing_sources, developing_window_ms)
    VALUES (@guildId, @targetKind, @channelId, @webhookUrl, @topics, @mode, @schedule, @timezone, @minScore, @mentionRoleId, @maxAgeMs, @postEmpty, @createdAt, @createdBy,
     @developingSources, @developingWindowMs)`);
  const selectAll = db.prepare<[], SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id');
  const selectOne = db.prepare<[number], SubscriptionRow>('SELECT * FROM subscriptions WHERE id = ?');
  const selectMode = db.prepare<[string], SubscriptionRow>('SELECT * FROM subscriptions WHERE mode = ? ORDER BY id');
  const remove = db.prepare<[number]>('DELETE FROM subscriptions WHERE id = ?');
  const setLastDigest = db.prepare<[number, number]>('UPDATE subscriptions SET last_digest_at = ? WHERE id = ?');
  // Routing asks for the instant subscriptions once per new story, thousands of times a cycle:
  // the lists are cached until this connection writes a subscription, or another connection
  // (the `subscriptions` CLI, another process) commits anything (`PRAGMA data_version`).
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const cache = new Map<DeliveryMode, { version: number; list: readonly StoredSubscription[] }>();
  const changed = <T>(result: T): T => {
    cache.clear();
    return result;
  };
  const unreadable = createUnreadableReporter();
  /**
   * A readable row as a subscription. One that cannot be read is treated as disabled: left out
   * of every list (no alerts, no digests), reported once, listed by {@link unreadableRows}.
   */
  const read = (row: SubscriptionRow): StoredSubscription | undefined => {
    const problem = rowProblem(row);
    if (problem === null) return toSubscription(row);
    unreadable.report(unreadableSubscription(row, problem));
    return undefined;
  };

  return {
    /** Forgets cached lists (a transaction that wrote subscriptions was rolled back). */
    invalidate(): void {
      cache.clear();
    },

    /** Stores a subscription and returns it with its id. */
    add(input: NewSubscription): StoredSubscription {
      const t = input.target;
      const result = insert.run({
        guildId: t.kind === 'channel' ? t.guildId : null,
        targetKind: t.kind,
        channelId: t.kind === 'channel' ? t.channelId : null,
        webhookUrl: t.kind === 'webhook' ? t.url : null,
        topics: JSON.stringify(input.topics),
        mode: input.mode,
        schedule: input.schedule,
        timezone: input.timezone,
        minScore: input.minScore,
        mentionRoleId: input.mentionRoleId,
        maxAgeMs: input.maxAgeMs,
        postEmpty: input.postEmptyDigest ? 1 : 0,
        createdAt: input.createdAt,
        createdBy: input.createdBy,
        developingSources: input.developingSources ?? null,
        developingWindowMs: input.developingWindowMs ?? null,
      });
      cache.clear();
      const row = selectOne.get(Number(result.lastInsertRowid));
      if (!row) throw new CorruptSubscriptionError('subscription vanished right after insert');
      const problem = rowProblem(row);
      if (problem !== null) throw new CorruptSubscriptionError(`subscription ${row.id} cannot be read back: ${problem}`);
      return toSubscription(row);
    },

    /** The subscription; undefined when there is none or its row cannot be read (see {@link unreadableRows}). */
    get(id: number): StoredSubscription | undefined {
      const row = selectOne.get(id);
      return row ? read(row) : undefined;
    },

    /** Every readable subscription; unreadable rows are skipped (disabled) and reported once. */
    list(): StoredSubscription[] {
      return selectAll.all().flatMap((row) => read(row) ?? []);
    },

    /** Rows that cannot be read, with the reason and the fix (`watchfloor subscriptions` shows them); each is reported too. */
    unreadableRows(): UnreadableRow[] {
      return selectAll.all().flatMap((row) => {
        const problem = rowProblem(row);
        if (problem === null) return [];
        const found = unreadableSubscription(row, problem);
        unreadable.report(found);
        return [found];
      });
    },

    /** The unreadable row with this id, if that is what it is. */
    unreadableRow(id: number): UnreadableRow | undefined {
      const row = selectOne.get(id);
      const problem = row ? rowProblem(row) : null;
      return row && problem !== null ? unreadableSubscription(row, problem) : undefined;
    },

    /** Calls `listener` once for every unreadable row met (also those met before). */
    onUnreadable(listener: UnreadableListener): void {
      unreadable.listen(listener);
    },

    /** Subscriptions of one mode (routing reads `instant`, the digest scheduler `digest`). */
    listByMode(mode: DeliveryMode): readonly StoredSubscription[] {
      const version = dataVersion.get() ?? 0;
      const cached = cache.get(mode);
      if (cached?.version === version) return cached.list;
      const list = Object.freeze(selectMode.all(mode).flatMap((row) => read(row) ?? []));
      cache.set(mode, { version, list });
      return list;
    },

    /** Deletes a subscription and its undelivered messages; false when there was none. */
    remove(id: number): boolean {
      return changed(remove.run(id).changes > 0);
    },

    /** Records the end of the window the latest digest covered. */
    setLastDigestAt(id: number, untilMs: number): void {
      changed(setLastDigest.run(untilMs, id));
    },

    count(): number {
      return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM subscriptions').get()?.n ?? 0;
    },
  };
}

export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;
