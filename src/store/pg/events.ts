import type pg from 'pg';
import type { OutboundMessage } from '../../core/compose/message.js';
import { eventFromRow, type EventReportRow, type StoredEvent } from '../events.js';
import { nonceFor, outboxListingFrom, type OutboxListing } from '../outbox.js';
import { subscriptionsFromRows, type StoredSubscription } from '../subscriptions.js';

/**
 * Serialises event assignment between pollers (a transaction-level advisory lock, held until the
 * storing transaction commits): the holder reads every event committed before it and is the only
 * one creating events, so two pollers never create two events for one story set, and event ids
 * become visible in increasing order (the index's catch-up by id misses none). ADR 16.
 */
export const EVENT_LOCK = 0x57460003;

/**
 * Events, their reports and the outbox rows of living alerts on PostgreSQL, inside the
 * transaction of `client` that stores the stories: the same statements and meanings as
 * src/store/events.ts and the event calls of src/store/outbox.ts.
 */
export function pgEventTx(client: pg.PoolClient, options: { onUnreadable?: ((id: number, problem: string) => void) | undefined } = {}) {
  let locked = false;
  let subscriptions: StoredSubscription[] | null = null;

  /** The id of an outbox row an insert just wrote, with its nonce set; null when a unique index ignored it. */
  const insertOutbox = async (sql: string, params: unknown[]): Promise<number | null> => {
    const r = await client.query<{ id: number; created_at: number }>(`${sql} ON CONFLICT DO NOTHING RETURNING id, created_at`, params);
    const row = r.rows[0];
    if (!row) return null;
    await client.query('UPDATE outbox SET nonce = $2 WHERE id = $1', [row.id, nonceFor(row.id, row.created_at)]);
    return row.id;
  };

  return {
    /** Takes {@link EVENT_LOCK} (once per transaction); every assignment happens under it. */
    async lock(): Promise<void> {
      if (locked) return;
      await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOCK]);
      locked = true;
    },

    /** The `event` subscriptions, read once per transaction; a row that cannot be read is reported and skipped. */
    async eventSubscriptions(): Promise<StoredSubscription[]> {
      if (subscriptions) return subscriptions;
      const r = await client.query<Record<string, unknown>>("SELECT * FROM subscriptions WHERE mode = 'event' ORDER BY id");
      subscriptions = subscriptionsFromRows(r.rows, options.onUnreadable);
      return subscriptions;
    },

    async create(input: { title: string; startedAt: number; storyRowid: number; feedId: string; at: number; now: number }): Promise<number> {
      const r = await client.query<{ id: number }>('INSERT INTO events (title, started_at, last_report_at, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
        [input.title, input.startedAt, input.at, input.now]);
      const id = r.rows[0]?.id;
      if (id === undefined) throw new Error('events: the new event was not returned');
      await client.query('INSERT INTO event_reports (event_id, story_rowid, feed_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [id, input.storyRowid, input.feedId, input.at]);
      return id;
    },

    async addReport(eventId: number, storyRowid: number, feedId: string, at: number): Promise<boolean> {
      const r = await client.query('INSERT INTO event_reports (event_id, story_rowid, feed_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [eventId, storyRowid, feedId, at]);
      const added = (r.rowCount ?? 0) > 0;
      if (added) await client.query('UPDATE events SET last_report_at = greatest(last_report_at, $1) WHERE id = $2', [at, eventId]);
      return added;
    },

    async eventOf(storyRowid: number): Promise<number | undefined> {
      const r = await client.query<{ event_id: number }>('SELECT event_id FROM event_reports WHERE story_rowid = $1 LIMIT 1', [storyRowid]);
      return r.rows[0]?.event_id;
    },

    async get(id: number): Promise<StoredEvent | undefined> {
      const r = await client.query<Record<string, unknown>>('SELECT id, title, started_at, last_report_at FROM events WHERE id = $1', [id]);
      return r.rows[0] ? eventFromRow(r.rows[0]) : undefined;
    },

    async createdAfter(afterId: number, startedFrom: number): Promise<StoredEvent[]> {
      const r = await client.query<Record<string, unknown>>('SELECT id, title, started_at, last_report_at FROM events WHERE id > $1 AND started_at >= $2 ORDER BY id', [afterId, startedFrom]);
      return r.rows.map(eventFromRow);
    },

    async reports(eventId: number): Promise<EventReportRow[]> {
      const r = await client.query<{ story_rowid: number; feed_id: string; at: number; title: string; url: string | null }>(`SELECT r.story_rowid, r.feed_id, r.at, s.title, s.url
        FROM event_reports r JOIN stories s ON s.rowid = r.story_rowid WHERE r.event_id = $1 ORDER BY r.at, r.story_rowid`, [eventId]);
      return r.rows.map((row) => ({ storyRowid: row.story_rowid, feedId: row.feed_id, at: row.at, title: row.title, url: row.url }));
    },

    async eventAlert(subscriptionId: number, eventId: number): Promise<OutboxListing | undefined> {
      const r = await client.query<Record<string, unknown>>("SELECT * FROM outbox WHERE subscription_id = $1 AND event_id = $2 AND kind = 'alert'", [subscriptionId, eventId]);
      return r.rows[0] ? outboxListingFrom(r.rows[0]) : undefined;
    },

    addEventAlert: (input: { subscriptionId: number; storyRowid: number; eventId: number; payload: OutboundMessage; now: number }): Promise<number | null> =>
      insertOutbox("INSERT INTO outbox (subscription_id, kind, story_rowid, event_id, payload, next_attempt_at, created_at) VALUES ($1, 'alert', $2, $3, $4, $5, $5)",
        [input.subscriptionId, input.storyRowid, input.eventId, JSON.stringify(input.payload), input.now]),

    /**
     * The new state of an event's alert. As on SQLite, edits coalesce into a pending edit no
     * deliverer holds and whose send never began; the conditions are on the updated row itself,
     * so a deliverer claiming it at the same moment makes this a new row instead.
     */
    async queueEventEdit(input: { subscriptionId: number; eventId: number; alertRowId: number; payload: OutboundMessage; now: number }): Promise<{ id: number; coalesced: boolean }> {
      const json = JSON.stringify(input.payload);
      const merged = await client.query<{ id: number }>(`UPDATE outbox SET payload = $4, next_attempt_at = least(next_attempt_at, $5)
        WHERE id = (SELECT id FROM outbox WHERE event_id = $2 AND kind = 'event-edit' AND subscription_id = $1 AND ref_outbox_id = $3
                    AND status = 'pending' AND claimed_by IS NULL AND send_started_at IS NULL ORDER BY id DESC LIMIT 1)
          AND status = 'pending' AND claimed_by IS NULL AND send_started_at IS NULL
        RETURNING id`, [input.subscriptionId, input.eventId, input.alertRowId, json, input.now]);
      if (merged.rows[0]) return { id: merged.rows[0].id, coalesced: true };
      const id = await insertOutbox("INSERT INTO outbox (subscription_id, kind, event_id, ref_outbox_id, payload, next_attempt_at, created_at) VALUES ($1, 'event-edit', $2, $3, $4, $5, $5)",
        [input.subscriptionId, input.eventId, input.alertRowId, json, input.now]);
      if (id === null) throw new Error(`outbox: the edit of event ${input.eventId} for subscription ${input.subscriptionId} was not written`);
      return { id, coalesced: false };
    },

    addDeveloping: async (input: { subscriptionId: number; eventId: number; payload: OutboundMessage; now: number }): Promise<boolean> =>
      (await insertOutbox("INSERT INTO outbox (subscription_id, kind, event_id, payload, next_attempt_at, created_at) VALUES ($1, 'developing', $2, $3, $4, $4)",
        [input.subscriptionId, input.eventId, JSON.stringify(input.payload), input.now])) !== null,

    addEventReport: async (input: { subscriptionId: number; storyRowid: number; eventId: number; alertRowId: number; payload: OutboundMessage; now: number }): Promise<boolean> =>
      (await insertOutbox("INSERT INTO outbox (subscription_id, kind, story_rowid, event_id, ref_outbox_id, payload, next_attempt_at, created_at) VALUES ($1, 'event-report', $2, $3, $4, $5, $6, $6)",
        [input.subscriptionId, input.storyRowid, input.eventId, input.alertRowId, JSON.stringify(input.payload), input.now])) !== null,
  };
}

export type PgEventTx = ReturnType<typeof pgEventTx>;
