import type { GatewayStore } from '../gateway-store.js';
import type { RatingsPort } from '../ratings-port.js';
import { inPgTransaction, type PgPool } from './db.js';
import { ratingFromRow, type NewRating, type RatingLimits, type RecordOutcome } from '../feedback.js';
import { createPgRatings } from './feedback.js';

/** Advisory lock namespace of one member's ratings in one server (two-key form: this, then the member's hash). */
const RATING_LOCK = 0x57460005;

/**
 * Ratings recorded on PostgreSQL (ADR 16), as store/feedback.ts records them on SQLite: the limits
 * are checked and the row written in one transaction that holds a lock on the member's ratings
 * in that server, so two gateways (or a gateway and the CLI) never slip a member past a limit;
 * the unique key keeps one rating per member, story and topic. Stories and subscriptions are read
 * through the gateway port.
 */
export function createPgRatingsPort(pool: PgPool, gateway: Pick<GatewayStore, 'verdicts' | 'subscription'>): RatingsPort {
  return {
    record: (input: NewRating, limits: RatingLimits) =>
      inPgTransaction(pool, async (client): Promise<RecordOutcome> => {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [RATING_LOCK, `${input.guildId}:${input.memberId}`]);
        const existing = await client.query<{ id: string; rating: number }>(
          'SELECT id::text, rating::int FROM feedback WHERE guild_id = $1 AND member_id = $2 AND story_rowid = $3 AND topic = $4',
          [input.guildId, input.memberId, input.storyRowid, input.topic],
        );
        const found = existing.rows[0];
        if (found?.rating === input.rating) return 'unchanged';
        const recent = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback WHERE guild_id = $1 AND member_id = $2 AND created_at > $3', [input.guildId, input.memberId, input.now - limits.rateWindowMs]);
        if ((recent.rows[0]?.n ?? 0) >= limits.maxPerWindow) return 'rate-limited';
        if (!found) {
          const held = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback WHERE guild_id = $1 AND member_id = $2', [input.guildId, input.memberId]);
          if ((held.rows[0]?.n ?? 0) >= limits.maxPerMember) return 'over-cap';
        }
        // A change of mind is a new row (new id), as on SQLite: the adjusters' fingerprint sees it.
        if (found) await client.query('DELETE FROM feedback WHERE id = $1', [found.id]);
        await client.query(
          'INSERT INTO feedback (guild_id, member_id, story_rowid, topic, rating, matched_then, score_then, source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          [input.guildId, input.memberId, input.storyRowid, input.topic, input.rating, input.matchedThen ? 1 : 0, input.scoreThen, input.source, input.now],
        );
        return found ? 'replaced' : 'stored';
      }),

    async remove(input) {
      const where = ['guild_id = $1', 'member_id = $2', 'story_rowid = $3'];
      const params: (string | number)[] = [input.guildId, input.memberId, input.storyRowid];
      if (input.topic !== undefined) {
        params.push(input.topic);
        where.push(`topic = $${params.length}`);
      }
      if (input.rating !== undefined) {
        params.push(input.rating);
        where.push(`rating = $${params.length}`);
      }
      return (await pool.query(`DELETE FROM feedback WHERE ${where.join(' AND ')}`, params)).rowCount ?? 0;
    },

    async sentMessage(messageId) {
      const r = await pool.query<{ subscription_id: number; kind: string; story_rowid: number | null }>(
        "SELECT subscription_id, kind, story_rowid FROM outbox WHERE message_id = $1 AND status = 'sent' ORDER BY id LIMIT 1",
        [messageId],
      );
      const row = r.rows[0];
      return row ? { subscriptionId: row.subscription_id, kind: row.kind, storyRowid: row.story_rowid } : undefined;
    },

    verdicts: (storyRowid) => gateway.verdicts(storyRowid),
    subscription: (id) => gateway.subscription(id),
    async reset(guildId, topic) {
      const r = topic === undefined
        ? await pool.query('DELETE FROM feedback WHERE guild_id = $1', [guildId])
        : await pool.query('DELETE FROM feedback WHERE guild_id = $1 AND topic = $2', [guildId, topic]);
      return r.rowCount ?? 0;
    },
    async list(guildId, options) {
      const r = options.topic === undefined
        ? await pool.query<Record<string, unknown>>('SELECT * FROM feedback WHERE guild_id = $1 ORDER BY id DESC LIMIT $2', [guildId, options.limit])
        : await pool.query<Record<string, unknown>>('SELECT * FROM feedback WHERE guild_id = $1 AND topic = $2 ORDER BY id DESC LIMIT $3', [guildId, options.topic, options.limit]);
      return r.rows.map(ratingFromRow);
    },
    async removeById(guildId, id) {
      return ((await pool.query('DELETE FROM feedback WHERE id = $1 AND guild_id = $2', [id, guildId])).rowCount ?? 0) > 0;
    },
    async storyRowid(idOrUrl) {
      const asNumber = /^\d{1,15}$/u.test(idOrUrl) ? Number(idOrUrl) : -1;
      const r = await pool.query<{ rowid: number }>('SELECT rowid FROM stories WHERE rowid = $1 OR id = $2 OR url = $2 LIMIT 1', [asNumber, idOrUrl]);
      return r.rows[0]?.rowid;
    },
    async storyTitle(storyRowid) {
      return (await pool.query<{ title: string }>('SELECT title FROM stories WHERE rowid = $1', [storyRowid])).rows[0]?.title;
    },
    async snapshot() {
      const ratings = createPgRatings(pool);
      await ratings.refresh();
      return ratings.source;
    },
  };
}
