import type { DeliveryMode, Subscription, Target } from '../core/types.js';
import type { Db } from './db.js';

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

function toSubscription(row: SubscriptionRow): StoredSubscription {
  const topics: unknown = JSON.parse(row.topics);
  return {
    id: row.id,
    target: toTarget(row),
    topics: Array.isArray(topics) ? topics.filter((t): t is string => typeof t === 'string') : [],
    mode: row.mode === 'digest' ? 'digest' : 'instant',
    schedule: row.schedule,
    timezone: row.timezone,
    minScore: row.min_score,
    mentionRoleId: row.mention_role_id,
    maxAgeMs: row.max_age_ms,
    postEmptyDigest: row.post_empty === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastDigestAt: row.last_digest_at,
  };
}

/** Subscriptions: which channel or webhook wants which topics, how. All SQL about them lives here. */
export function createSubscriptionStore(db: Db) {
  const insert = db.prepare(`INSERT INTO subscriptions
    (guild_id, target_kind, channel_id, webhook_url, topics, mode, schedule, timezone, min_score, mention_role_id, max_age_ms, post_empty, created_at, created_by)
    VALUES (@guildId, @targetKind, @channelId, @webhookUrl, @topics, @mode, @schedule, @timezone, @minScore, @mentionRoleId, @maxAgeMs, @postEmpty, @createdAt, @createdBy)`);
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
      });
      cache.clear();
      const row = selectOne.get(Number(result.lastInsertRowid));
      if (!row) throw new CorruptSubscriptionError('subscription vanished right after insert');
      return toSubscription(row);
    },

    get(id: number): StoredSubscription | undefined {
      const row = selectOne.get(id);
      return row ? toSubscription(row) : undefined;
    },

    list(): StoredSubscription[] {
      return selectAll.all().map(toSubscription);
    },

    /** Subscriptions of one mode (routing reads `instant`, the digest scheduler `digest`). */
    listByMode(mode: DeliveryMode): readonly StoredSubscription[] {
      const version = dataVersion.get() ?? 0;
      const cached = cache.get(mode);
      if (cached?.version === version) return cached.list;
      const list = Object.freeze(selectMode.all(mode).map(toSubscription));
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
