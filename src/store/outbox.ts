import { OUTBOUND_MESSAGE_SCHEMA, type OutboundMessage } from '../core/compose/message.js';
import type { Db } from './db.js';

export type OutboxKind = 'alert' | 'digest';
export type OutboxStatus = 'pending' | 'sent' | 'dead';

/** One message waiting to be (or already) sent. */
export interface OutboxRow {
  readonly id: number;
  readonly subscriptionId: number;
  readonly kind: OutboxKind;
  readonly storyRowid: number | null;
  readonly digestUntil: number | null;
  readonly part: number;
  readonly total: number;
  readonly payload: OutboundMessage;
  readonly nonce: string;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastAttemptAt: number | null;
  readonly lastError: string | null;
  readonly messageId: string | null;
  readonly createdAt: number;
  readonly sentAt: number | null;
}

interface Row {
  id: number;
  subscription_id: number;
  kind: string;
  story_rowid: number | null;
  digest_until: number | null;
  part: number;
  total: number;
  payload: string;
  nonce: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  message_id: string | null;
  created_at: number;
  sent_at: number | null;
}

/** Thrown when a stored payload no longer validates (hand-edited database, or a bug). */
export class CorruptOutboxRowError extends Error {
  override readonly name = 'CorruptOutboxRowError';
  constructor(readonly rowId: number, problem: string) {
    super(`outbox row ${rowId}: ${problem}`);
  }
}

/**
 * The message nonce for an outbox row: at most 25 characters, unique per row (the id) and per
 * database (the creation time), so a database rebuilt from scratch does not reuse a nonce that
 * Discord still remembers and get an old message back instead of posting.
 */
export function nonceFor(id: number, createdAt: number): string {
  return `wf${createdAt.toString(36)}-${id.toString(36)}`;
}

function toRow(row: Row): OutboxRow {
  const parsed = OUTBOUND_MESSAGE_SCHEMA.safeParse(JSON.parse(row.payload));
  if (!parsed.success) throw new CorruptOutboxRowError(row.id, `payload does not validate: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    kind: row.kind === 'digest' ? 'digest' : 'alert',
    storyRowid: row.story_rowid,
    digestUntil: row.digest_until,
    part: row.part,
    total: row.total,
    payload: parsed.data,
    nonce: row.nonce ?? nonceFor(row.id, row.created_at),
    status: row.status === 'sent' ? 'sent' : row.status === 'dead' ? 'dead' : 'pending',
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    messageId: row.message_id,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** The delivery outbox. All SQL about it lives here. */
export function createOutboxStore(db: Db) {
  const insertAlert = db.prepare(`INSERT OR IGNORE INTO outbox (subscription_id, kind, story_rowid, payload, next_attempt_at, created_at)
    VALUES (?, 'alert', ?, ?, ?, ?)`);
  const insertDigest = db.prepare(`INSERT OR IGNORE INTO outbox (subscription_id, kind, digest_until, part, total, payload, next_attempt_at, created_at)
    VALUES (?, 'digest', ?, ?, ?, ?, ?, ?)`);
  const setNonce = db.prepare<[string, number]>('UPDATE outbox SET nonce = ? WHERE id = ?');
  const selectOne = db.prepare<[number], Row>('SELECT * FROM outbox WHERE id = ?');
  // Oldest first; a row waits while an older pending row of the same subscription is backing
  // off, so digest parts and alerts reach a channel in the order they were composed.
  const selectDue = db.prepare<[number, number, number], Row>(`SELECT * FROM outbox o
    WHERE o.status = 'pending' AND o.next_attempt_at <= ?
      AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.subscription_id = o.subscription_id AND e.status = 'pending'
                      AND e.id < o.id AND e.next_attempt_at > ?)
    ORDER BY o.id LIMIT ?`);
  const attempt = db.prepare<[number, number]>('UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?');
  const sent = db.prepare<[string, number, number]>("UPDATE outbox SET status = 'sent', message_id = ?, sent_at = ?, last_error = NULL WHERE id = ?");
  const retry = db.prepare<[string, number, number]>('UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?');
  const dead = db.prepare<[string, number]>("UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ?");

  return {
    /** Queues an alert; false when this story was already routed to this subscription. */
    addAlert(input: { subscriptionId: number; storyRowid: number; payload: OutboundMessage; now: number }): boolean {
      const result = insertAlert.run(input.subscriptionId, input.storyRowid, JSON.stringify(input.payload), input.now, input.now);
      if (result.changes === 0) return false;
      const id = Number(result.lastInsertRowid);
      setNonce.run(nonceFor(id, input.now), id);
      return true;
    },

    /** Queues the parts of one digest; returns how many rows were written (0 if that window was already queued). */
    addDigest(input: { subscriptionId: number; until: number; payloads: readonly OutboundMessage[]; now: number }): number {
      let written = 0;
      input.payloads.forEach((payload, index) => {
        const result = insertDigest.run(input.subscriptionId, input.until, index + 1, input.payloads.length, JSON.stringify(payload), input.now, input.now);
        if (result.changes === 0) return;
        const id = Number(result.lastInsertRowid);
        setNonce.run(nonceFor(id, input.now), id);
        written++;
      });
      return written;
    },

    get(id: number): OutboxRow | undefined {
      const row = selectOne.get(id);
      return row ? toRow(row) : undefined;
    },

    /**
     * Pending rows whose time has come, oldest first, in per-subscription order. A row whose
     * payload no longer validates becomes a dead letter (reported to `onCorrupt`) instead of
     * blocking the queue behind it.
     */
    due(now: number, limit: number, onCorrupt?: (error: CorruptOutboxRowError) => void): OutboxRow[] {
      const out: OutboxRow[] = [];
      for (const row of selectDue.all(now, now, limit)) {
        try {
          out.push(toRow(row));
        } catch (error) {
          if (!(error instanceof CorruptOutboxRowError)) throw error;
          dead.run(error.message, row.id);
          onCorrupt?.(error);
        }
      }
      return out;
    },

    /** The next time after `now` at which a pending row comes due, or null when none will. */
    nextDueAfter(now: number): number | null {
      return db.prepare<[number], { at: number | null }>("SELECT min(next_attempt_at) AS at FROM outbox WHERE status = 'pending' AND next_attempt_at > ?").get(now)?.at ?? null;
    },

    /** Counts an attempt before the request leaves, so a crash mid-send still counts it. */
    recordAttempt(id: number, now: number): void {
      attempt.run(now, id);
    },

    markSent(id: number, messageId: string, now: number): void {
      sent.run(messageId, now, id);
    },

    scheduleRetry(id: number, error: string, nextAttemptAt: number): void {
      retry.run(error, nextAttemptAt, id);
    },

    markDead(id: number, error: string): void {
      dead.run(error, id);
    },

    /** Rows per status, for `status` and metrics. */
    counts(): Record<OutboxStatus, number> {
      const rows = db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status').all();
      const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, dead: 0 };
      for (const r of rows) if (r.status === 'pending' || r.status === 'sent' || r.status === 'dead') out[r.status] = r.n;
      return out;
    },

    /** Rows per status for each subscription with at least one row. */
    countsBySubscription(): Map<number, Record<OutboxStatus, number>> {
      const rows = db.prepare<[], { subscription_id: number; status: string; n: number }>('SELECT subscription_id, status, count(*) AS n FROM outbox GROUP BY subscription_id, status').all();
      const out = new Map<number, Record<OutboxStatus, number>>();
      for (const r of rows) {
        const entry = out.get(r.subscription_id) ?? { pending: 0, sent: 0, dead: 0 };
        if (r.status === 'pending' || r.status === 'sent' || r.status === 'dead') entry[r.status] = r.n;
        out.set(r.subscription_id, entry);
      }
      return out;
    },

    /** All rows of a subscription, oldest first (tests, `subscriptions --verbose`). */
    listForSubscription(subscriptionId: number): OutboxRow[] {
      return db.prepare<[number], Row>('SELECT * FROM outbox WHERE subscription_id = ? ORDER BY id').all(subscriptionId).map(toRow);
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
