import type { RatingSource } from '../../core/feedback/adjuster.js';
import { ratedStoryFromRow, type RatedStory } from '../feedback.js';
import type { PgPool } from './db.js';

/**
 * Ratings on PostgreSQL, as the feedback adjuster reads them (core/feedback/adjuster.ts): a
 * snapshot taken by `refresh()` (each server's fingerprint, and the rated stories of a server
 * whose ratings changed since the last refresh), read synchronously inside a storing
 * transaction. The poller refreshes it once per cycle, the deliverer before composing digests:
 * a rating reaches routing from the next cycle on (on SQLite, from the next story).
 */
export function createPgRatings(pool: PgPool): { refresh(): Promise<void>; readonly source: RatingSource } {
  const rated = new Map<string, { fingerprint: string; stories: RatedStory[] }>();
  return {
    async refresh() {
      const r = await pool.query<{ guild_id: string; n: number; ids: string }>('SELECT guild_id, count(*)::int AS n, sum(id)::text AS ids FROM feedback GROUP BY guild_id');
      const next = new Map(r.rows.map((row) => [row.guild_id, `${row.n}:${row.ids}`]));
      for (const [guild, fingerprint] of next) {
        if (rated.get(guild)?.fingerprint === fingerprint) continue;
        const stories = await pool.query<Record<string, unknown>>(`SELECT f.*, s.title, s.summary, s.url, v.reasons FROM feedback f
          JOIN stories s ON s.rowid = f.story_rowid
          LEFT JOIN story_verdicts v ON v.story_rowid = f.story_rowid AND v.topic = f.topic
          WHERE f.guild_id = $1 ORDER BY f.id`, [guild]);
        rated.set(guild, { fingerprint, stories: stories.rows.map(ratedStoryFromRow) });
      }
      for (const guild of [...rated.keys()]) if (!next.has(guild)) rated.delete(guild);
    },
    source: {
      ratedStories: (guildId) => rated.get(guildId)?.stories ?? [],
      // The fingerprint the stories were read with, so the adjuster relearns exactly when they change.
      fingerprints: () => new Map([...rated].map(([guild, r]) => [guild, r.fingerprint])),
    },
  };
}
