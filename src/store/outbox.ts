import { OUTBOUND_MESSAGE_SCHEMA, type OutboundMessage } from '../core/compose/message.js';
import type { Db } from './db.js';

/**
 * `alert`: one story (instant, or the first report of an event in an `event` subscription);
 * `digest`: one part of a digest; `event-edit`: the full new state of an event's alert (an
 * idempotent PATCH of the message of the alert row it refers to); `developing`: the 🚨 notice
 * of a fast-growing event; `event-report`: one later report of an event, posted in a thread under
 * the event's alert (bot channels that allow threads); `surge`: a topic surge notice (the surge
 * it announces is `outbox.surge_id`). Checked when read: an unknown kind is a poison row, reported once.
 */
export type OutboxKind = 'alert' | 'digest' | 'event-edit' | 'developing' | 'event-report' | 'surge';
export const OUTBOX_KINDS: readonly OutboxKind[] = ['alert', 'digest', 'event-edit', 'developing', 'event-report', 'surge'];

/** A file sent with a message (a chart). */
export interface OutboundFile {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * `uncertain`: a webhook message whose send may have reached Discord (timeout or 5xx after the
 * request went out) and that could not be looked up. It is never resent on its own: `watchfloor
 * outbox retry` resends it when a person has checked the channel.
 */
export type OutboxStatus = 'pending' | 'sent' | 'dead' | 'uncertain';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sent', 'dead', 'uncertain'];

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
  /**
   * When a send of this row began without an outcome being recorded: set on a row claimed from
   * a holder that crashed or lost its claim mid-send. The message may already be in the channel.
   */
  readonly sendStartedAt: number | null;
  /** The event of an `event` subscription's alert, edit or developing notice; null otherwise. */
  readonly eventId: number | null;
  /** An `event-edit`: the alert row whose message it edits. */
  readonly refOutboxId: number | null;
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
  claimed_by: string | null;
  claim_expires_at: number | null;
  send_started_at: number | null;
  event_id: number | null;
  ref_outbox_id: number | null;
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

/** The kind of a stored row; throws CorruptOutboxRowError for one this version does not know. */
function kindOf(row: Row): OutboxKind {
  if ((OUTBOX_KINDS as readonly string[]).includes(row.kind)) return row.kind as OutboxKind;
  throw new CorruptOutboxRowError(row.id, `unknown kind ${JSON.stringify(row.kind)} (known: ${OUTBOX_KINDS.join(', ')}); written by a newer version, or by hand`);
}

/** The kind for listings: never throws (the row's problem is reported beside it). */
function listedKind(row: Row): OutboxKind {
  return (OUTBOX_KINDS as readonly string[]).includes(row.kind) ? (row.kind as OutboxKind) : 'alert';
}

function statusOf(value: string): OutboxStatus {
  return (OUTBOX_STATUSES as readonly string[]).includes(value) ? (value as OutboxStatus) : 'pending';
}

/** The payload of a stored row; throws CorruptOutboxRowError for text that is not the JSON of a message. */
function payloadOf(row: Row): OutboundMessage {
  let json: unknown;
  try {
    json = JSON.parse(row.payload);
  } catch (error) {
    throw new CorruptOutboxRowError(row.id, `payload is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = OUTBOUND_MESSAGE_SCHEMA.safeParse(json);
  if (!parsed.success) throw new CorruptOutboxRowError(row.id, `payload does not validate: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}

/** Everything of a row but its payload: readable whatever the payload holds. */
function fieldsOf(row: Row): Omit<OutboxRow, 'payload'> {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    kind: listedKind(row),
    storyRowid: row.story_rowid,
    digestUntil: row.digest_until,
    part: row.part,
    total: row.total,
    nonce: row.nonce ?? nonceFor(row.id, row.created_at),
    status: statusOf(row.status),
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    messageId: row.message_id,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    sendStartedAt: row.send_started_at,
    eventId: row.event_id ?? null,
    refOutboxId: row.ref_outbox_id ?? null,
  };
}

function toRow(row: Row): OutboxRow {
  kindOf(row);
  return { ...fieldsOf(row), payload: payloadOf(row) };
}

/** A row as listings show it: its payload may be unreadable, the rest is still worth showing. */
export type OutboxListing = Omit<OutboxRow, 'payload'> & { readonly payload: OutboundMessage | null; readonly problem: string | null };

function toListing(row: Row): OutboxListing {
  try {
    kindOf(row);
    return { ...fieldsOf(row), payload: payloadOf(row), problem: null };
  } catch (error) {
    return { ...fieldsOf(row), payload: null, problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A row read by another engine (PostgreSQL: the same columns): as a claimed row (throws
 * CorruptOutboxRowError when its payload cannot be read), or for people to look at.
 */
export function outboxRowFrom(row: Readonly<Record<string, unknown>>): OutboxRow {
  return toRow(row as unknown as Row);
}

export function outboxListingFrom(row: Readonly<Record<string, unknown>>): OutboxListing {
  return toListing(row as unknown as Row);
}

/** One claim: who holds a row, until when. */
export interface Claim {
  /** The claiming process (see processOwnerId). */
  readonly owner: string;
  /** How long the claim lasts without being renewed. */
  readonly leaseMs: number;
}

/** What a claim on due rows came to. */
export interface ClaimedRows {
  readonly rows: OutboxRow[];
  /** Rows whose payload cannot be read: made dead letters, one report each. */
  readonly corrupt: CorruptOutboxRowError[];
}

/**
 * The delivery outbox. All SQL about it lives here.
 *
 * Several processes may drain one database (`run` beside `once`, two `run`s). A row is sent only
 * by the process that claimed it: {@link claimDue} takes due rows in one statement (SQLite runs
 * one writer at a time, so two claims never overlap), and every outcome is recorded only while
 * the claim is still held. A claim expires after its lease; a crashed holder's rows are then
 * claimed again, with `sendStartedAt` telling the new holder that a send may have gone out.
 * See docs/adr/0011-claims-and-leases.md.
 */
export function createOutboxStore(db: Db) {
  const insertAlert = db.prepare(`INSERT OR IGNORE INTO outbox (subscription_id, kind, story_rowid, payload, next_attempt_at, created_at)
    VALUES (?, 'alert', ?, ?, ?, ?)`);
  const insertDigest = db.prepare(`INSERT OR IGNORE INTO outbox (subscription_id, kind, digest_until, part, total, payload, next_attempt_at, created_at)
    VALUES (?, 'digest', ?, ?, ?, ?, ?, ?)`);
  const insertSurge = db.prepare(`INSERT OR IGNORE INTO outbox (subscription_id, kind, surge_id, payload, next_attempt_at, created_at)
    VALUES (?, 'surge', ?, ?, ?, ?)`);
  const setNonce = db.prepare<[string, number]>('UPDATE outbox SET nonce = ? WHERE id = ?');
  const insertEventAlert = db.prepare(`INSERT OR IGNORE INTO outbox (subscription_id, kind, story_rowid, event_id, payload, next_attempt_at, created_at)
    VALUES (?, 'alert', ?, ?, ?, ?, ?)`);
  const selectEventAlert = db.prepare<[number, number], Row>("SELECT * FROM outbox WHERE subscription_id = ? AND event_id = ? AND kind = 'alert'");
  const insertEdit = db.prepare(`INSERT INTO outbox (subscription_id, kind, event_id, ref_outbox_id, payload, next_attempt_at, created_at)
    VALUES (?, 'event-edit', ?, ?, ?, ?, ?)`);
  const coalesceEdit = db.prepare<{ subscriptionId: number; eventId: number; ref: number; payload: string; now: number }, { id: number }>(`UPDATE outbox
    SET payload = @payload, next_attempt_at = min(next_attempt_at, @now)
    WHERE id = (SELECT id FROM outbox WHERE event_id = @eventId AND kind = 'event-edit' AND subscription_id = @subscriptionId
                AND ref_outbox_id = @ref AND status = 'pending' AND claimed_by IS NULL AND send_started_at IS NULL
                ORDER BY id DESC LIMIT 1)
    RETURNING id`);
  const insertDeveloping = db.prepare(`INSERT OR IGNORE INTO outbox (subscription_id, kind, event_id, payload, next_attempt_at, created_at)
    VALUES (?, 'developing', ?, ?, ?, ?)`);
  const insertReport = db.prepare(`INSERT OR IGNORE INTO outbox (subscription_id, kind, story_rowid, event_id, ref_outbox_id, payload, next_attempt_at, created_at)
    VALUES (?, 'event-report', ?, ?, ?, ?, ?, ?)`);
  const skipped = db.prepare<{ id: number; owner: string; note: string; now: number }>(`UPDATE outbox
    SET status = 'sent', sent_at = @now, last_error = @note, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
    WHERE id = @id AND claimed_by = @owner`);
  const selectNewerEdit = db.prepare<{ subscriptionId: number; eventId: number; id: number }, { id: number }>(`SELECT id FROM outbox
    WHERE event_id = @eventId AND kind = 'event-edit' AND subscription_id = @subscriptionId AND id > @id AND status = 'pending' ORDER BY id DESC LIMIT 1`);
  const superseded = db.prepare<{ id: number; owner: string; note: string; messageId: string; now: number }>(`UPDATE outbox
    SET status = 'sent', message_id = @messageId, sent_at = @now, last_error = @note, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
    WHERE id = @id AND claimed_by = @owner`);
  const selectOne = db.prepare<[number], Row>('SELECT * FROM outbox WHERE id = ?');
  // Oldest first, in per-subscription order: a row waits while an older pending row of the same
  // subscription is backing off, or is held by another process (it may be sending right now),
  // so digest parts and alerts reach a channel in the order they were composed.
  const claim = db.prepare<{ now: number; owner: string; expires: number; limit: number }, Row>(`UPDATE outbox
    SET claimed_by = @owner, claim_expires_at = @expires
    WHERE id IN (
      SELECT o.id FROM outbox o
      WHERE o.status = 'pending' AND o.next_attempt_at <= @now
        AND (o.claimed_by IS NULL OR o.claimed_by = @owner OR o.claim_expires_at <= @now)
        -- An edit waits until the message it edits is posted (has its message id).
        AND NOT EXISTS (SELECT 1 FROM outbox r WHERE r.id = o.ref_outbox_id AND r.status = 'pending')
        AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.subscription_id = o.subscription_id AND e.status = 'pending' AND e.id < o.id
                        AND (e.next_attempt_at > @now
                             OR (e.claimed_by IS NOT NULL AND e.claimed_by != @owner AND e.claim_expires_at > @now)))
      ORDER BY o.id LIMIT @limit)
    RETURNING *`);
  const renew = db.prepare<{ id: number; owner: string; expires: number }>(`UPDATE outbox SET claim_expires_at = @expires
    WHERE id = @id AND claimed_by = @owner AND status = 'pending'`);
  const begin = db.prepare<{ id: number; owner: string; now: number; expires: number }>(`UPDATE outbox
    SET attempts = attempts + 1, last_attempt_at = @now, send_started_at = @now, claim_expires_at = @expires
    WHERE id = @id AND claimed_by = @owner AND status = 'pending'`);
  const sent = db.prepare<{ id: number; owner: string; messageId: string; now: number }>(`UPDATE outbox
    SET status = 'sent', message_id = @messageId, sent_at = @now, last_error = NULL, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
    WHERE id = @id AND claimed_by = @owner`);
  const retry = db.prepare<{ id: number; owner: string; error: string; next: number; refund: number }>(`UPDATE outbox
    SET last_error = @error, next_attempt_at = @next, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL,
      attempts = max(0, attempts - @refund)
    WHERE id = @id AND claimed_by = @owner`);
  const settle = db.prepare<{ id: number; owner: string; status: string; error: string }>(`UPDATE outbox
    SET status = @status, last_error = @error, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
    WHERE id = @id AND claimed_by = @owner`);
  const release = db.prepare<{ id: number; owner: string }>(`UPDATE outbox SET claimed_by = NULL, claim_expires_at = NULL
    WHERE id = @id AND claimed_by = @owner AND status = 'pending'`);
  const requeue = db.prepare<{ id: number; now: number }>(`UPDATE outbox
    SET status = 'pending', next_attempt_at = @now, attempts = 0, claimed_by = NULL, claim_expires_at = NULL, send_started_at = NULL
    WHERE id = @id AND status IN ('dead', 'uncertain')`);

  /** The id of a row an INSERT just wrote, with its nonce set; null when the insert was ignored. */
  const withNonce = (result: { changes: number; lastInsertRowid: number | bigint }, now: number): number | null => {
    if (result.changes === 0) return null;
    const id = Number(result.lastInsertRowid);
    setNonce.run(nonceFor(id, now), id);
    return id;
  };

  return {
    /** Queues an alert; false when this story was already routed to this subscription. */
    addAlert(input: { subscriptionId: number; storyRowid: number; payload: OutboundMessage; now: number }): boolean {
      return withNonce(insertAlert.run(input.subscriptionId, input.storyRowid, JSON.stringify(input.payload), input.now, input.now), input.now) !== null;
    },

    /**
     * Queues the alert that starts an event's living alert in an `event` subscription; its id,
     * or null when this subscription already has an alert for this story or this event.
     */
    addEventAlert(input: { subscriptionId: number; storyRowid: number; eventId: number; payload: OutboundMessage; now: number }): number | null {
      return withNonce(insertEventAlert.run(input.subscriptionId, input.storyRowid, input.eventId, JSON.stringify(input.payload), input.now, input.now), input.now);
    },

    /** The alert row of an event in a subscription (any status), if there is one. */
    eventAlert(subscriptionId: number, eventId: number): OutboxListing | undefined {
      const row = selectEventAlert.get(subscriptionId, eventId);
      return row ? toListing(row) : undefined;
    },

    /**
     * Queues the new state of an event's alert. Edits coalesce: a pending edit of the same alert
     * that no deliverer holds and whose send never began takes the new state in place (one
     * PATCH of the newest state); otherwise a new row is queued. Returns the row's id.
     */
    queueEventEdit(input: { subscriptionId: number; eventId: number; alertRowId: number; payload: OutboundMessage; now: number }): { id: number; coalesced: boolean } {
      const json = JSON.stringify(input.payload);
      const merged = coalesceEdit.get({ subscriptionId: input.subscriptionId, eventId: input.eventId, ref: input.alertRowId, payload: json, now: input.now });
      if (merged) return { id: merged.id, coalesced: true };
      const id = withNonce(insertEdit.run(input.subscriptionId, input.eventId, input.alertRowId, json, input.now, input.now), input.now);
      if (id === null) throw new Error(`outbox: the edit of event ${input.eventId} for subscription ${input.subscriptionId} was not written`);
      return { id, coalesced: false };
    },

    /** Queues an event's 🚨 developing notice; false when this subscription already has one for it (once per event, ever). */
    addDeveloping(input: { subscriptionId: number; eventId: number; payload: OutboundMessage; now: number }): boolean {
      return withNonce(insertDeveloping.run(input.subscriptionId, input.eventId, JSON.stringify(input.payload), input.now, input.now), input.now) !== null;
    },

    /** Queues one later report of an event for the thread under its alert; false when this story is already queued there. */
    addEventReport(input: { subscriptionId: number; storyRowid: number; eventId: number; alertRowId: number; payload: OutboundMessage; now: number }): boolean {
      return withNonce(insertReport.run(input.subscriptionId, input.storyRowid, input.eventId, input.alertRowId, JSON.stringify(input.payload), input.now, input.now), input.now) !== null;
    },

    /** Settles a row that is not to be sent after all (a channel without threads), with the reason; by its holder only. */
    skip(id: number, holder: Claim, note: string, now: number): boolean {
      return skipped.run({ id, owner: holder.owner, note, now }).changes > 0;
    },

    /** A pending edit of the same alert queued after this one (its newer state makes this one moot), or null. */
    newerEdit(row: Pick<OutboxRow, 'id' | 'subscriptionId' | 'eventId'>): number | null {
      if (row.eventId === null) return null;
      return selectNewerEdit.get({ subscriptionId: row.subscriptionId, eventId: row.eventId, id: row.id })?.id ?? null;
    },

    /** Settles an edit whose newer state is queued behind it: recorded as done (nothing sent), by its holder only. */
    supersede(id: number, holder: Claim, byId: number, messageId: string, now: number): boolean {
      return superseded.run({ id, owner: holder.owner, note: `superseded by row ${byId}: only the newest state is sent`, messageId, now }).changes > 0;
    },

    /** Queues the notice of a topic surge (store/trends.ts); false when this subscription already has it. */
    addSurge(input: { subscriptionId: number; surgeId: number; payload: OutboundMessage; now: number }): boolean {
      return withNonce(insertSurge.run(input.subscriptionId, input.surgeId, JSON.stringify(input.payload), input.now, input.now), input.now) !== null;
    },

    /** Attaches a file (one per message) to a queued row: sent with it as `files[0]`. */
    attachFile(outboxId: number, file: OutboundFile): void {
      db.prepare('INSERT OR REPLACE INTO outbox_files (outbox_id, name, png) VALUES (?, ?, ?)').run(outboxId, file.name, file.data);
    },

    /** The files to send with a row (none for most). */
    filesOf(outboxId: number): OutboundFile[] {
      return db.prepare<[number], { name: string; png: Buffer }>('SELECT name, png FROM outbox_files WHERE outbox_id = ?').all(outboxId).map((r) => ({ name: r.name, data: r.png }));
    },

    /** The row of the first part of a queued digest, or null. */
    firstDigestPart(subscriptionId: number, until: number): number | null {
      return db.prepare<[number, number], { id: number }>("SELECT id FROM outbox WHERE subscription_id = ? AND kind = 'digest' AND digest_until = ? AND part = 1").get(subscriptionId, until)?.id ?? null;
    },

    /** Queues the parts of one digest; returns how many rows were written (0 if that window was already queued). */
    addDigest(input: { subscriptionId: number; until: number; payloads: readonly OutboundMessage[]; now: number }): number {
      let written = 0;
      input.payloads.forEach((payload, index) => {
        const result = insertDigest.run(input.subscriptionId, input.until, index + 1, input.payloads.length, JSON.stringify(payload), input.now, input.now);
        if (withNonce(result, input.now) !== null) written++;
      });
      return written;
    },

    /** One row; throws CorruptOutboxRowError when its payload cannot be read (see {@link listing}). */
    get(id: number): OutboxRow | undefined {
      const row = selectOne.get(id);
      return row ? toRow(row) : undefined;
    },

    /** One row for people to look at: readable even when its payload is not. */
    listing(id: number): OutboxListing | undefined {
      const row = selectOne.get(id);
      return row ? toListing(row) : undefined;
    },

    /**
     * Claims the pending rows whose time has come (oldest first, in per-subscription order) for
     * `claim.owner`, in one statement. A row whose payload cannot be read becomes a dead letter
     * (reported once in `corrupt`) instead of blocking the queue behind it.
     */
    claimDue(now: number, limit: number, holder: Claim): ClaimedRows {
      const claimed = claim.all({ now, owner: holder.owner, expires: now + holder.leaseMs, limit });
      const rows: OutboxRow[] = [];
      const corrupt: CorruptOutboxRowError[] = [];
      for (const row of claimed.sort((a, b) => a.id - b.id)) {
        try {
          rows.push(toRow(row));
        } catch (error) {
          if (!(error instanceof CorruptOutboxRowError)) throw error;
          settle.run({ id: row.id, owner: holder.owner, status: 'dead', error: error.message });
          corrupt.push(error);
        }
      }
      return { rows, corrupt };
    },

    /** Extends the claim on a row this holder still has; false when it lost it (expired and taken). */
    renew(id: number, holder: Claim, now: number): boolean {
      return renew.run({ id, owner: holder.owner, expires: now + holder.leaseMs }).changes > 0;
    },

    /**
     * Counts an attempt and marks the send as begun, before the request leaves (a crash
     * mid-send still counts it, and the next holder knows it may have gone out). False when the
     * claim was lost: then the caller must not send.
     */
    beginSend(id: number, holder: Claim, now: number): boolean {
      return begin.run({ id, owner: holder.owner, now, expires: now + holder.leaseMs }).changes > 0;
    },

    /** The outcomes: each is recorded only by the holder of the claim, and ends it. False when the claim was lost. */
    markSent(id: number, holder: Claim, messageId: string, now: number): boolean {
      return sent.run({ id, owner: holder.owner, messageId, now }).changes > 0;
    },

    /** `refundAttempt`: the failure was not the message's (a refused token): it does not count. */
    scheduleRetry(id: number, holder: Claim, error: string, nextAttemptAt: number, options: { refundAttempt?: boolean } = {}): boolean {
      return retry.run({ id, owner: holder.owner, error, next: nextAttemptAt, refund: options.refundAttempt ? 1 : 0 }).changes > 0;
    },

    markDead(id: number, holder: Claim, error: string): boolean {
      return settle.run({ id, owner: holder.owner, status: 'dead', error }).changes > 0;
    },

    /** A send that may have reached Discord and cannot be checked: never resent without a person. */
    markUncertain(id: number, holder: Claim, error: string): boolean {
      return settle.run({ id, owner: holder.owner, status: 'uncertain', error }).changes > 0;
    },

    /**
     * Ends the claims of holders that are known to be gone (see isDeadLocalOwner) at once, so
     * their rows need not wait for the lease. The rows keep `send_started_at`: the next holder
     * still learns that a send may have gone out. Returns how many claims ended.
     */
    expireClaimsOf(isGone: (owner: string) => boolean, now: number): number {
      const owners = db.prepare<[number], { owner: string }>("SELECT DISTINCT claimed_by AS owner FROM outbox WHERE status = 'pending' AND claimed_by IS NOT NULL AND claim_expires_at > ?").all(now);
      const expire = db.prepare<[number, string]>("UPDATE outbox SET claim_expires_at = ? WHERE claimed_by = ? AND status = 'pending'");
      let ended = 0;
      for (const { owner } of owners) if (isGone(owner)) ended += expire.run(now, owner).changes;
      return ended;
    },

    /** Gives a claimed row back untouched (shutdown before its send began). */
    release(id: number, holder: Claim): void {
      release.run({ id, owner: holder.owner });
    },

    /**
     * Puts dead or uncertain rows back in the queue (`watchfloor outbox retry`): due now, with
     * a fresh count of attempts. Returns the ids that were requeued.
     */
    requeue(ids: readonly number[], now: number): number[] {
      return db.transaction(() => ids.filter((id) => requeue.run({ id, now }).changes > 0))();
    },

    /** Deletes dead or uncertain rows (`watchfloor outbox drop`); returns the ids deleted. */
    drop(ids: readonly number[]): number[] {
      const remove = db.prepare<[number]>("DELETE FROM outbox WHERE id = ? AND status IN ('dead', 'uncertain')");
      return db.transaction(() => ids.filter((id) => remove.run(id).changes > 0))();
    },

    /** Rows of one status, oldest first (`watchfloor outbox list`). */
    listByStatus(status: OutboxStatus, limit: number): OutboxListing[] {
      return db.prepare<[string, number], Row>('SELECT * FROM outbox WHERE status = ? ORDER BY id LIMIT ?').all(status, limit).map(toListing);
    },

    /** The next time after `now` at which a pending row comes due, or null when none will. */
    nextDueAfter(now: number): number | null {
      return db.prepare<[number], { at: number | null }>("SELECT min(next_attempt_at) AS at FROM outbox WHERE status = 'pending' AND next_attempt_at > ?").get(now)?.at ?? null;
    },

    /** Rows per status, for `status` and metrics. */
    counts(): Record<OutboxStatus, number> {
      const rows = db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status').all();
      const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, dead: 0, uncertain: 0 };
      for (const r of rows) out[statusOf(r.status)] += r.n;
      return out;
    },

    /** Rows per status for each subscription with at least one row. */
    countsBySubscription(): Map<number, Record<OutboxStatus, number>> {
      const rows = db.prepare<[], { subscription_id: number; status: string; n: number }>('SELECT subscription_id, status, count(*) AS n FROM outbox GROUP BY subscription_id, status').all();
      const out = new Map<number, Record<OutboxStatus, number>>();
      for (const r of rows) {
        const entry = out.get(r.subscription_id) ?? { pending: 0, sent: 0, dead: 0, uncertain: 0 };
        entry[statusOf(r.status)] += r.n;
        out.set(r.subscription_id, entry);
      }
      return out;
    },

    /** All rows of a subscription, oldest first (tests, `subscriptions --verbose`); unreadable payloads are null. */
    listForSubscription(subscriptionId: number): OutboxListing[] {
      return db.prepare<[number], Row>('SELECT * FROM outbox WHERE subscription_id = ? ORDER BY id').all(subscriptionId).map(toListing);
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;

/** The outbox calls a deliverer makes (src/discord/deliver*.ts). */
const DELIVERY_CALLS = ['claimDue', 'release', 'beginSend', 'markSent', 'scheduleRetry', 'markDead', 'markUncertain', 'skip', 'supersede', 'newerEdit', 'eventAlert', 'listing', 'firstDigestPart', 'filesOf', 'expireClaimsOf', 'nextDueAfter', 'counts'] as const;
type DeliveryCall = (typeof DELIVERY_CALLS)[number];

/**
 * The deliverer's outbox as an asynchronous port (ADR 16): the SQLite outbox through
 * {@link asyncOutbox} (the same statements), or PostgreSQL's (./pg/delivery-outbox.ts). Each
 * call means exactly what the synchronous one of the same name means.
 */
export type DeliveryOutbox = { readonly engine: 'sqlite' | 'postgres' } & {
  readonly [K in DeliveryCall]: (...args: Parameters<OutboxStore[K]>) => Promise<ReturnType<OutboxStore[K]>>;
};

/** The SQLite outbox as the deliverer's port: each call runs synchronously and settles at once. */
export function asyncOutbox(outbox: OutboxStore): DeliveryOutbox {
  const port: Record<string, unknown> = { engine: 'sqlite' };
  for (const name of DELIVERY_CALLS) {
    port[name] = (...args: unknown[]): Promise<unknown> => {
      try {
        return Promise.resolve((outbox[name] as (...a: unknown[]) => unknown).apply(outbox, args));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
  }
  return port as DeliveryOutbox;
}
