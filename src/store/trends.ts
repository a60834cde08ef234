import { formatQuietHours, parseQuietHours, type QuietHours, type SurgeScore } from '../core/trends/surge.js';
import type { Db } from './db.js';
import { visibleWhere } from './stories.js';

/**
 * Topic trends: hourly counts of matched stories, recorded surges, and each subscription's surge
 * settings. All SQL about them lives here.
 *
 * A story counts in the hour of min(published, first seen): a new feed's backlog (published
 * long ago, first seen now) lands in its own past hours instead of surging now, and a story
 * dated in the future counts when it was seen.
 */

/** A surge as recorded. */
export interface StoredSurge {
  readonly id: number;
  readonly topic: string;
  readonly hourStart: number;
  readonly count: number;
  readonly median: number;
  readonly mad: number;
  readonly z: number;
  readonly baselineDays: number;
  readonly storyRowids: readonly number[];
  readonly detectedAt: number;
}

interface SurgeRow {
  id: number;
  topic: string;
  hour_start: number;
  count: number;
  baseline_median: number;
  baseline_mad: number;
  z: number;
  baseline_days: number;
  story_rowids: string;
  detected_at: number;
}

function toSurge(row: SurgeRow): StoredSurge {
  let rowids: number[] = [];
  try {
    const parsed: unknown = JSON.parse(row.story_rowids);
    if (Array.isArray(parsed)) rowids = parsed.filter((n): n is number => typeof n === 'number');
  } catch {
    // An unreadable list shows as no stories; the surge itself stays.
  }
  return { id: row.id, topic: row.topic, hourStart: row.hour_start, count: row.count, median: row.baseline_median, mad: row.baseline_mad, z: row.z, baselineDays: row.baseline_days, storyRowids: rowids, detectedAt: row.detected_at };
}

/** A surges row read by another engine (PostgreSQL has the same columns). */
export function storedSurgeFromRow(row: Readonly<Record<string, unknown>>): StoredSurge {
  return toSurge(row as unknown as SurgeRow);
}

/** A subscription_trends row (or none) as settings, on either engine. */
export function trendSettingsFromRow(row: { readonly surges: number | null; readonly quiet_hours: string | null } | undefined): TrendSettings {
  return { surges: row?.surges === null || row?.surges === undefined ? null : row.surges === 1, quietHours: row?.quiet_hours ? parseQuietHours(row.quiet_hours) : null };
}

/** The stored form of settings: `surges` as 1/0/null, quiet hours as text. */
export function trendSettingsColumns(settings: TrendSettings): { surges: number | null; quietHours: string | null } {
  return { surges: settings.surges === null ? null : settings.surges ? 1 : 0, quietHours: settings.quietHours ? formatQuietHours(settings.quietHours) : null };
}

/** A subscription's surge settings; `surges` null means the default of its mode. */
export interface TrendSettings {
  readonly surges: boolean | null;
  readonly quietHours: QuietHours | null;
}

const EVENT_TIME = 'min(s.published_at, s.first_seen_at)';

export function createTrendStore(db: Db) {
  const insertSurge = db.prepare(`INSERT OR IGNORE INTO surges (topic, hour_start, count, baseline_median, baseline_mad, z, baseline_days, story_rowids, detected_at)
    VALUES (@topic, @hour, @count, @median, @mad, @z, @days, @rowids, @now)`);
  const lastSurge = db.prepare<[string], SurgeRow>('SELECT * FROM surges WHERE topic = ? ORDER BY hour_start DESC LIMIT 1');
  const firstStory = db.prepare<[], { at: number | null }>(`SELECT min(first_seen_at) AS at FROM stories`);

  return {
    /**
     * Matched stories per topic and UTC hour (keys: hour start in ms) whose time is in
     * [fromMs, toMs), for the given topics; stories only `hiddenFeeds` carried are left out.
     */
    hourlyCounts(topics: readonly string[], fromMs: number, toMs: number, hiddenFeeds?: readonly string[]): Map<string, Map<number, number>> {
      const out = new Map<string, Map<number, number>>(topics.map((t) => [t, new Map()]));
      if (topics.length === 0) return out;
      const visible = visibleWhere('s.rowid', 's.feed_id', hiddenFeeds);
      // first_seen_at >= from uses its index; the event time is never later than first seen.
      const sql = `SELECT v.topic AS topic, (${EVENT_TIME} / 3600000) * 3600000 AS hour, count(*) AS n
        FROM stories s JOIN story_verdicts v ON v.story_rowid = s.rowid AND v.matched = 1
        WHERE s.first_seen_at >= ? AND ${EVENT_TIME} >= ? AND ${EVENT_TIME} < ? AND v.topic IN (${topics.map(() => '?').join(',')})
          ${visible ? `AND ${visible.sql}` : ''}
        GROUP BY v.topic, hour`;
      const rows = db.prepare<(string | number)[], { topic: string; hour: number; n: number }>(sql).all(fromMs, fromMs, toMs, ...topics, ...(visible?.params ?? []));
      for (const row of rows) out.get(row.topic)?.set(row.hour, row.n);
      return out;
    },

    /** Rowids of the matched stories of a topic in [fromMs, toMs), newest first. */
    storiesIn(topic: string, fromMs: number, toMs: number, limit: number): number[] {
      return db.prepare<[number, number, number, string, number], { rowid: number }>(`SELECT s.rowid AS rowid FROM stories s JOIN story_verdicts v ON v.story_rowid = s.rowid AND v.matched = 1
        WHERE s.first_seen_at >= ? AND ${EVENT_TIME} >= ? AND ${EVENT_TIME} < ? AND v.topic = ?
        ORDER BY ${EVENT_TIME} DESC, s.rowid DESC LIMIT ?`).all(fromMs, fromMs, toMs, topic, limit).map((r) => r.rowid);
    },

    /** When the first story was stored: days before it have no data (not zero stories). */
    dataSince(): number | null {
      return firstStory.get()?.at ?? null;
    },

    /** Records a surge; null when that topic and hour was already recorded (by this or another process). */
    recordSurge(input: { topic: string; hour: number; score: SurgeScore; storyRowids: readonly number[]; now: number }): StoredSurge | null {
      const result = insertSurge.run({ topic: input.topic, hour: input.hour, count: input.score.count, median: input.score.median, mad: input.score.mad, z: input.score.z, days: input.score.baselineDays, rowids: JSON.stringify(input.storyRowids), now: input.now });
      if (result.changes === 0) return null;
      const row = db.prepare<[number], SurgeRow>('SELECT * FROM surges WHERE id = ?').get(Number(result.lastInsertRowid));
      return row ? toSurge(row) : null;
    },

    /** The latest surge of a topic, or null. */
    lastSurge(topic: string): StoredSurge | null {
      const row = lastSurge.get(topic);
      return row ? toSurge(row) : null;
    },

    /** Surges whose hour is in [fromMs, toMs), oldest first (charts). */
    surgesBetween(fromMs: number, toMs: number, topics?: readonly string[]): StoredSurge[] {
      const rows = db.prepare<[number, number], SurgeRow>('SELECT * FROM surges WHERE hour_start >= ? AND hour_start < ? ORDER BY hour_start').all(fromMs, toMs).map(toSurge);
      return topics ? rows.filter((s) => topics.includes(s.topic)) : rows;
    },

    /** The latest surge per topic and how many each had, for `status` and metrics. */
    summary(): { topic: string; total: number; latest: StoredSurge }[] {
      const rows = db.prepare<[], SurgeRow & { total: number }>(`SELECT s.*, t.total AS total FROM surges s
        JOIN (SELECT topic, max(hour_start) AS hour, count(*) AS total FROM surges GROUP BY topic) t ON t.topic = s.topic AND t.hour = s.hour_start
        ORDER BY s.topic`).all();
      return rows.map((r) => ({ topic: r.topic, total: r.total, latest: toSurge(r) }));
    },

    /** A subscription's surge settings (no row: both default). */
    settings(subscriptionId: number): TrendSettings {
      const row = db.prepare<[number], { surges: number | null; quiet_hours: string | null }>('SELECT surges, quiet_hours FROM subscription_trends WHERE subscription_id = ?').get(subscriptionId);
      return trendSettingsFromRow(row);
    },

    /** Sets what is given, keeps the rest. */
    setSettings(subscriptionId: number, settings: Partial<TrendSettings>): void {
      const current = this.settings(subscriptionId);
      const stored = trendSettingsColumns({ surges: settings.surges === undefined ? current.surges : settings.surges, quietHours: settings.quietHours === undefined ? current.quietHours : settings.quietHours });
      db.prepare(`INSERT INTO subscription_trends (subscription_id, surges, quiet_hours) VALUES (?, ?, ?)
        ON CONFLICT (subscription_id) DO UPDATE SET surges = excluded.surges, quiet_hours = excluded.quiet_hours`)
        .run(subscriptionId, stored.surges, stored.quietHours);
    },
  };
}

export type TrendStore = ReturnType<typeof createTrendStore>;
