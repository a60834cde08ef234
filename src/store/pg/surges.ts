import type { OutboundMessage } from '../../core/compose/message.js';
import type { SurgeScore } from '../../core/trends/surge.js';
import { nonceFor } from '../outbox.js';
import { storyFromRow, type StoredStory } from '../stories.js';
import { subscriptionsFromRows, type StoredSubscription } from '../subscriptions.js';
import { storedSurgeFromRow, trendSettingsFromRow, type StoredSurge, type TrendSettings } from '../trends.js';
import { inPgTransaction, type PgPool } from './db.js';

/**
 * Serialises recording surges between deliverers (a transaction-level advisory lock): the
 * cooldown is read and the surge recorded with its notices by one process at a time, as under
 * SQLite's write lock. ADR 16.
 */
export const SURGE_LOCK = 0x57460004;

/** A story counts in the hour of min(published, first seen), as on SQLite (store/trends.ts). */
const EVENT_TIME = 'least(s.published_at, s.first_seen_at)';

/** What a surge's transaction gives the caller to decide and compose with. */
export interface SurgeRecording {
  /** Whether the surging hour is to be recorded after the topic's last surge (cooldown). */
  readonly due: (last: StoredSurge | null) => boolean;
  /** The notices to queue, from the surge's stories and every subscription with its settings. */
  readonly compose: (input: {
    readonly surge: StoredSurge;
    readonly stories: readonly StoredStory[];
    readonly subscriptions: readonly { readonly subscription: StoredSubscription; readonly setting: TrendSettings }[];
  }) => readonly { readonly subscriptionId: number; readonly payload: OutboundMessage }[];
}

/** Topic trends on PostgreSQL: the hourly counts the surge check reads, and one surge recorded with its notices once. */
export function createPgSurges(pool: PgPool, options: { onUnreadable?: ((id: number, problem: string) => void) | undefined } = {}) {
  return {
    /** The newest story's rowid (0 for none): counts change only when it does. */
    async lastStory(): Promise<number> {
      const r = await pool.query<{ rowid: number | null }>('SELECT max(rowid) AS rowid FROM stories');
      return r.rows[0]?.rowid ?? 0;
    },

    /** When the first story was stored: days before it have no data (not zero stories). */
    async dataSince(): Promise<number | null> {
      const r = await pool.query<{ at: number | null }>('SELECT min(first_seen_at) AS at FROM stories');
      return r.rows[0]?.at ?? null;
    },

    /**
     * Matched stories per topic and UTC hour in [fromMs, toMs), as store/trends.ts counts them;
     * stories only `hiddenFeeds` carried are left out.
     */
    async hourlyCounts(topics: readonly string[], fromMs: number, toMs: number, hiddenFeeds: readonly string[] = []): Promise<Map<string, Map<number, number>>> {
      const out = new Map<string, Map<number, number>>(topics.map((t) => [t, new Map()]));
      if (topics.length === 0) return out;
      const visible = hiddenFeeds.length === 0 ? '' : 'AND (s.feed_id <> ALL($4::text[]) OR EXISTS (SELECT 1 FROM story_sources vs WHERE vs.story_rowid = s.rowid AND vs.feed_id <> ALL($4::text[])))';
      const r = await pool.query<{ topic: string; hour: number; n: number }>(`SELECT v.topic, (${EVENT_TIME} / 3600000) * 3600000 AS hour, count(*)::int AS n
        FROM stories s JOIN story_verdicts v ON v.story_rowid = s.rowid AND v.matched = 1
        WHERE s.first_seen_at >= $1 AND ${EVENT_TIME} >= $1 AND ${EVENT_TIME} < $2 AND v.topic = ANY($3::text[]) ${visible}
        GROUP BY v.topic, hour`, hiddenFeeds.length === 0 ? [fromMs, toMs, topics] : [fromMs, toMs, topics, hiddenFeeds]);
      for (const row of r.rows) out.get(row.topic)?.set(row.hour, row.n);
      return out;
    },

    /** Surges of the given topics whose hour is in [fromMs, toMs), oldest first (charts). */
    async surgesBetween(fromMs: number, toMs: number, topics: readonly string[]): Promise<StoredSurge[]> {
      const r = await pool.query<Record<string, unknown>>('SELECT * FROM surges WHERE hour_start >= $1 AND hour_start < $2 AND topic = ANY($3::text[]) ORDER BY hour_start', [fromMs, toMs, topics]);
      return r.rows.map(storedSurgeFromRow);
    },

    /**
     * Records a surging topic hour and queues its notices in one transaction under
     * {@link SURGE_LOCK}: null when it is not due (cooldown, or recorded by another deliverer),
     * else the surge and how many notices were queued (one per subscription, ever).
     */
    async record(input: { topic: string; hour: number; hourMs: number; score: SurgeScore; storyLimit: number; now: number }, recording: SurgeRecording): Promise<{ surge: StoredSurge; notices: number } | null> {
      // Nothing is written before the early returns: committing them only releases the lock.
      return inPgTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [SURGE_LOCK]);
        const last = await client.query<Record<string, unknown>>('SELECT * FROM surges WHERE topic = $1 ORDER BY hour_start DESC LIMIT 1', [input.topic]);
        if (!recording.due(last.rows[0] ? storedSurgeFromRow(last.rows[0]) : null)) return null;
        const rowids = await client.query<{ rowid: number }>(`SELECT s.rowid FROM stories s JOIN story_verdicts v ON v.story_rowid = s.rowid AND v.matched = 1
          WHERE s.first_seen_at >= $1 AND ${EVENT_TIME} >= $1 AND ${EVENT_TIME} < $2 AND v.topic = $3
          ORDER BY ${EVENT_TIME} DESC, s.rowid DESC LIMIT $4`, [input.hour, input.hour + input.hourMs, input.topic, input.storyLimit]);
        const { score } = input;
        const inserted = await client.query<Record<string, unknown>>(`INSERT INTO surges (topic, hour_start, count, baseline_median, baseline_mad, z, baseline_days, story_rowids, detected_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING *`,
        [input.topic, input.hour, score.count, score.median, score.mad, score.z, score.baselineDays, JSON.stringify(rowids.rows.map((r) => r.rowid)), input.now]);
        const row = inserted.rows[0];
        if (!row) return null;
        const surge = storedSurgeFromRow(row);
        const stories = await client.query<Record<string, unknown>>(`SELECT s.*, (SELECT string_agg(feed_id, ' ' ORDER BY seen_at) FROM story_sources WHERE story_rowid = s.rowid) AS sources
          FROM stories s WHERE s.rowid = ANY($1::bigint[])`, [surge.storyRowids]);
        const byRowid = new Map(stories.rows.map((r) => { const story = storyFromRow(r); return [story.rowid, story]; }));
        const subscriptions = await client.query<Record<string, unknown> & { t_surges: number | null; t_quiet_hours: string | null }>(`SELECT s.*, t.surges AS t_surges, t.quiet_hours AS t_quiet_hours
          FROM subscriptions s LEFT JOIN subscription_trends t ON t.subscription_id = s.id ORDER BY s.id`);
        const settings = new Map(subscriptions.rows.map((r) => [Number(r.id), trendSettingsFromRow({ surges: r.t_surges, quiet_hours: r.t_quiet_hours })]));
        const readable = subscriptionsFromRows(subscriptions.rows, options.onUnreadable).map((subscription) => ({ subscription, setting: settings.get(subscription.id) ?? trendSettingsFromRow(undefined) }));
        const notices = recording.compose({ surge, stories: surge.storyRowids.map((id) => byRowid.get(id)).filter((s): s is StoredStory => s !== undefined), subscriptions: readable });
        let queued = 0;
        for (const { subscriptionId, payload } of notices) {
          const r = await client.query<{ id: number; created_at: number }>(`INSERT INTO outbox (subscription_id, kind, surge_id, payload, next_attempt_at, created_at)
            VALUES ($1, 'surge', $2, $3, $4, $4) ON CONFLICT DO NOTHING RETURNING id, created_at`, [subscriptionId, surge.id, JSON.stringify(payload), input.now]);
          const queuedRow = r.rows[0];
          if (!queuedRow) continue;
          await client.query('UPDATE outbox SET nonce = $2 WHERE id = $1', [queuedRow.id, nonceFor(queuedRow.id, queuedRow.created_at)]);
          queued++;
        }
        return { surge, notices: queued };
      });
    },
  };
}

export type PgSurges = ReturnType<typeof createPgSurges>;
