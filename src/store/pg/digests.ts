import type pg from 'pg';
import type { OutboundMessage } from '../../core/compose/message.js';
import type { TopicVerdict } from '../../core/types.js';
import { nonceFor, type OutboundFile } from '../outbox.js';
import { storyFromRow, verdictFromRow, type StoredStory } from '../stories.js';
import { subscriptionsFromRows, type StoredSubscription } from '../subscriptions.js';
import { inPgTransaction, type PgPool } from './db.js';

/** A story of a digest window with its stored verdicts. */
export interface WindowStory {
  readonly story: StoredStory;
  readonly verdicts: readonly TopicVerdict[];
}

/**
 * Scheduled digests on PostgreSQL (ADR 16): the digest subscriptions, and one window composed
 * and queued in one transaction that holds the subscription's row, so that with any number of
 * deliverers each window is composed once (the SQLite deliverer does the same under its write
 * lock).
 */
export function createPgDigests(pool: PgPool, options: { onUnreadable?: (id: number, problem: string) => void } = {}) {
  async function matchedBetween(client: pg.PoolClient, from: number, until: number, topics: readonly string[]): Promise<WindowStory[]> {
    if (topics.length === 0) return [];
    const stories = await client.query<Record<string, unknown>>(`SELECT s.*, (SELECT string_agg(feed_id, ' ' ORDER BY seen_at) FROM story_sources WHERE story_rowid = s.rowid) AS sources
      FROM stories s
      WHERE s.first_seen_at >= $1 AND s.first_seen_at < $2
        AND s.rowid IN (SELECT story_rowid FROM story_verdicts WHERE matched = 1 AND topic = ANY($3::text[]))
      ORDER BY s.published_at DESC`, [from, until, topics]);
    const rowids = stories.rows.map((r) => Number(r.rowid));
    const verdicts = await client.query<{ story_rowid: number; topic: string; matched: number; score: number; keyword_score: number; model_probability: number | null; reasons: string }>(
      'SELECT story_rowid, topic, matched, score, keyword_score, model_probability, reasons FROM story_verdicts WHERE story_rowid = ANY($1::bigint[]) ORDER BY topic', [rowids]);
    const byStory = new Map<number, TopicVerdict[]>();
    for (const v of verdicts.rows) {
      const list = byStory.get(v.story_rowid) ?? [];
      list.push(verdictFromRow(v));
      byStory.set(v.story_rowid, list);
    }
    return stories.rows.map((row) => {
      const story = storyFromRow(row);
      return { story, verdicts: byStory.get(story.rowid) ?? [] };
    });
  }

  return {
    async subscriptions(): Promise<StoredSubscription[]> {
      const r = await pool.query<Record<string, unknown>>("SELECT * FROM subscriptions WHERE mode = 'digest' ORDER BY id");
      return subscriptionsFromRows(r.rows, options.onUnreadable);
    },

    /**
     * Composes and queues the window (from, until] of a digest subscription whose last window
     * ended at `lastDigestAt`: the messages from `compose`, and the window's end recorded. Null
     * when another process composed a window since `lastDigestAt` was read (nothing written);
     * else the rows written (0 for an empty digest not posted).
     */
    async composeWindow(input: {
      readonly subscriptionId: number;
      readonly lastDigestAt: number | null;
      readonly from: number;
      readonly until: number;
      readonly topics: readonly string[];
      readonly now: number;
      readonly compose: (stories: readonly WindowStory[]) => readonly OutboundMessage[];
      /** A file (the chart) sent with the first part. */
      readonly file?: OutboundFile | null;
    }): Promise<number | null> {
      // Nothing is written before the early return: committing it only releases the row lock.
      return inPgTransaction(pool, async (client) => {
        const current = await client.query<{ last_digest_at: number | null }>('SELECT last_digest_at FROM subscriptions WHERE id = $1 FOR UPDATE', [input.subscriptionId]);
        const row = current.rows[0];
        if (!row || row.last_digest_at !== input.lastDigestAt) return null;
        const payloads = input.compose(await matchedBetween(client, input.from, input.until, input.topics));
        let written = 0;
        for (const [index, payload] of payloads.entries()) {
          const r = await client.query<{ id: number; created_at: number }>(`INSERT INTO outbox (subscription_id, kind, digest_until, part, total, payload, next_attempt_at, created_at)
            VALUES ($1, 'digest', $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING id, created_at`,
          [input.subscriptionId, input.until, index + 1, payloads.length, JSON.stringify(payload), input.now]);
          const inserted = r.rows[0];
          if (!inserted) continue;
          await client.query('UPDATE outbox SET nonce = $2 WHERE id = $1', [inserted.id, nonceFor(inserted.id, inserted.created_at)]);
          if (index === 0 && input.file) {
            await client.query('INSERT INTO outbox_files (outbox_id, name, png) VALUES ($1, $2, $3) ON CONFLICT (outbox_id) DO UPDATE SET name = excluded.name, png = excluded.png', [inserted.id, input.file.name, input.file.data]);
          }
          written++;
        }
        await client.query('UPDATE subscriptions SET last_digest_at = $2 WHERE id = $1', [input.subscriptionId, input.until]);
        return written;
      });
    },
  };
}
