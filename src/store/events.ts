import type { Db } from './db.js';

/** One event as stored: the first report's headline and time. */
export interface StoredEvent {
  readonly id: number;
  readonly title: string;
  readonly startedAt: number;
  readonly lastReportAt: number;
}

/** One report of an event, with what a living alert shows of it. */
export interface EventReportRow {
  readonly storyRowid: number;
  readonly feedId: string;
  readonly at: number;
  readonly title: string;
  readonly url: string | null;
}

interface EventRow {
  id: number;
  title: string;
  started_at: number;
  last_report_at: number;
}

const toEvent = (row: EventRow): StoredEvent => ({ id: row.id, title: row.title, startedAt: row.started_at, lastReportAt: row.last_report_at });

/** An event row read by another engine (PostgreSQL: the same columns). */
export function eventFromRow(row: Readonly<Record<string, unknown>>): StoredEvent {
  return toEvent(row as unknown as EventRow);
}

/**
 * Events (clusters of reports of one happening) and their reports. All SQL about them lives
 * here; the matching is the core's (src/core/events). Written inside the transaction that
 * stores the story and queues its outbox rows.
 */
export function createEventStore(db: Db) {
  const insertEvent = db.prepare<[string, number, number, number]>('INSERT INTO events (title, started_at, last_report_at, created_at) VALUES (?, ?, ?, ?)');
  const insertReport = db.prepare<[number, number, string, number]>('INSERT OR IGNORE INTO event_reports (event_id, story_rowid, feed_id, at) VALUES (?, ?, ?, ?)');
  const touch = db.prepare<[number, number]>('UPDATE events SET last_report_at = max(last_report_at, ?) WHERE id = ?');
  const eventOfStory = db.prepare<[number], { event_id: number }>('SELECT event_id FROM event_reports WHERE story_rowid = ? LIMIT 1');
  // By the primary key: what is new since the last look, however old the window is.
  const since = db.prepare<[number, number], EventRow>('SELECT id, title, started_at, last_report_at FROM events WHERE id > ? AND +started_at >= ? ORDER BY id');
  const maxId = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM events');
  const selectOne = db.prepare<[number], EventRow>('SELECT id, title, started_at, last_report_at FROM events WHERE id = ?');
  const reports = db.prepare<[number], { story_rowid: number; feed_id: string; at: number; title: string; url: string | null }>(`SELECT r.story_rowid, r.feed_id, r.at, s.title, s.url
    FROM event_reports r JOIN stories s ON s.rowid = r.story_rowid WHERE r.event_id = ? ORDER BY r.at, r.story_rowid`);

  return {
    /** A new event with its first report; returns its id. */
    create(input: { title: string; startedAt: number; storyRowid: number; feedId: string; at: number; now: number }): number {
      const id = Number(insertEvent.run(input.title, input.startedAt, input.at, input.now).lastInsertRowid);
      insertReport.run(id, input.storyRowid, input.feedId, input.at);
      return id;
    },

    /** Adds a report (a story, or the same story from another feed); false when it was there already. */
    addReport(eventId: number, storyRowid: number, feedId: string, at: number): boolean {
      const added = insertReport.run(eventId, storyRowid, feedId, at).changes > 0;
      if (added) touch.run(at, eventId);
      return added;
    },

    /** The event a stored story belongs to, if any. */
    eventOf(storyRowid: number): number | undefined {
      return eventOfStory.get(storyRowid)?.event_id;
    },

    get(id: number): StoredEvent | undefined {
      const row = selectOne.get(id);
      return row ? toEvent(row) : undefined;
    },

    /** Events with an id above `afterId` that started at or after `startedFrom`, in start order (the index catches up with them). */
    createdAfter(afterId: number, startedFrom: number): StoredEvent[] {
      return since.all(afterId, startedFrom).map(toEvent);
    },

    /** The highest event id, 0 when there is none. */
    lastId(): number {
      return maxId.get()?.id ?? 0;
    },

    /** An event's reports, oldest first, with their story's headline and link. */
    reports(eventId: number): EventReportRow[] {
      return reports.all(eventId).map((r) => ({ storyRowid: r.story_rowid, feedId: r.feed_id, at: r.at, title: r.title, url: r.url }));
    },

    /**
     * Counts for `status` and `/metrics`: events that started since `from` (in the window),
     * those of them with a living alert (an `event` subscription's alert), and those flagged
     * developing.
     */
    counts(from: number): { inWindow: number; living: number; developing: number } {
      const row = db.prepare<[number], { in_window: number; living: number; developing: number }>(`SELECT
          count(*) AS in_window,
          sum(EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id AND o.kind = 'alert')) AS living,
          sum(EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id AND o.kind = 'developing')) AS developing
        FROM events e WHERE e.started_at >= ?`).get(from);
      return { inWindow: row?.in_window ?? 0, living: row?.living ?? 0, developing: row?.developing ?? 0 };
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
