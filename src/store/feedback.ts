import type { Reason } from '../core/types.js';
import type { Db } from './db.js';

/** Where a rating came from: a reaction on an alert, a digest's select menu, or the CLI. */
export type FeedbackSource = 'reaction' | 'digest' | 'cli';

/** One member's rating of one story for one topic, in one server. */
export interface Rating {
  readonly id: number;
  readonly guildId: string;
  readonly memberId: string;
  readonly storyRowid: number;
  readonly topic: string;
  /** +1 relevant (👍), −1 not relevant (👎). */
  readonly rating: 1 | -1;
  /** The verdict the classifier gave when the rating was made. */
  readonly matchedThen: boolean;
  readonly scoreThen: number;
  readonly source: FeedbackSource;
  readonly createdAt: number;
}

/** A rating with what the learner needs of its story: the text and the stored verdict's reasons. */
export interface RatedStory extends Rating {
  readonly title: string;
  readonly summary: string;
  readonly url: string | null;
  readonly reasons: readonly Reason[];
  /** The topic's threshold when the story was classified; null when it had no evidence for the topic. */
  readonly threshold: number | null;
}

/** A rating to record: a Rating without its id, made at `now`. */
export type NewRating = Omit<Rating, 'id' | 'createdAt'> & { readonly now: number };

/** Limits on one member's ratings in one server (see docs/feedback.md). */
export interface RatingLimits {
  /** Ratings a member may hold at once in a server; more are refused until some are removed. */
  readonly maxPerMember: number;
  /** Ratings a member may make (new or changed) per `rateWindowMs`. */
  readonly maxPerWindow: number;
  readonly rateWindowMs: number;
}

/**
 * What became of a rating: stored (new), replaced (the member changed their mind), unchanged
 * (the same rating again), or refused by a limit.
 */
export type RecordOutcome = 'stored' | 'replaced' | 'unchanged' | 'over-cap' | 'rate-limited';

interface Row {
  id: number;
  guild_id: string;
  member_id: string;
  story_rowid: number;
  topic: string;
  rating: number;
  matched_then: number;
  score_then: number;
  source: string;
  created_at: number;
}

function toRating(row: Row): Rating {
  return {
    id: row.id,
    guildId: row.guild_id,
    memberId: row.member_id,
    storyRowid: row.story_rowid,
    topic: row.topic,
    rating: row.rating > 0 ? 1 : -1,
    matchedThen: row.matched_then === 1,
    scoreThen: row.score_then,
    source: row.source === 'digest' || row.source === 'cli' ? row.source : 'reaction',
    createdAt: row.created_at,
  };
}

/** A stored verdict's reasons and threshold (stored as `{ threshold, reasons }`). */
function verdictOf(json: string | null): { reasons: Reason[]; threshold: number | null } {
  if (json === null) return { reasons: [], threshold: null };
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null) return { reasons: [], threshold: null };
    const { reasons, threshold } = parsed as { reasons?: unknown; threshold?: unknown };
    return { reasons: Array.isArray(reasons) ? (reasons as Reason[]) : [], threshold: typeof threshold === 'number' ? threshold : null };
  } catch {
    return { reasons: [], threshold: null };
  }
}

type RatedRow = Row & { title: string; summary: string; url: string | null; reasons: string | null };

const toRatedStory = (r: RatedRow): RatedStory => ({ ...toRating(r), title: r.title, summary: r.summary, url: r.url, ...verdictOf(r.reasons) });

/** A rating from a row of `feedback` (read by another engine). */
export function ratingFromRow(row: Readonly<Record<string, unknown>>): Rating {
  return toRating(row as unknown as Row);
}

/** A rated story as the learner reads it, from a row of `feedback` with its story's title, summary, url and verdict's reasons (read by another engine). */
export function ratedStoryFromRow(row: Readonly<Record<string, unknown>>): RatedStory {
  return toRatedStory(row as unknown as RatedRow);
}

/**
 * Ratings per server. Every write runs in an IMMEDIATE transaction: the limits are checked and the
 * row written under the write lock, so two processes (`run` and `watchfloor feedback add`) can
 * never both slip a member past a limit or store two ratings for the same story and topic.
 */
export function createFeedbackStore(db: Db) {
  const selectOne = db.prepare<[string, string, number, string], Row>('SELECT * FROM feedback WHERE guild_id = ? AND member_id = ? AND story_rowid = ? AND topic = ?');
  const countMember = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM feedback WHERE guild_id = ? AND member_id = ?');
  const countRecent = db.prepare<[string, string, number], { n: number }>('SELECT count(*) AS n FROM feedback WHERE guild_id = ? AND member_id = ? AND created_at > ?');
  const insert = db.prepare<[string, string, number, string, number, number, number, string, number]>(
    'INSERT INTO feedback (guild_id, member_id, story_rowid, topic, rating, matched_then, score_then, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // A change of mind is a new row (new id): the fingerprint sees it.
  const deleteId = db.prepare<[number]>('DELETE FROM feedback WHERE id = ?');

  return {
    /** Stores or replaces one rating, within `limits`. */
    record(input: NewRating, limits: RatingLimits): RecordOutcome {
      return db
        .transaction((): RecordOutcome => {
          const existing = selectOne.get(input.guildId, input.memberId, input.storyRowid, input.topic);
          if (existing?.rating === input.rating) return 'unchanged';
          const recent = countRecent.get(input.guildId, input.memberId, input.now - limits.rateWindowMs)?.n ?? 0;
          if (recent >= limits.maxPerWindow) return 'rate-limited';
          if (!existing && (countMember.get(input.guildId, input.memberId)?.n ?? 0) >= limits.maxPerMember) return 'over-cap';
          if (existing) deleteId.run(existing.id);
          insert.run(input.guildId, input.memberId, input.storyRowid, input.topic, input.rating, input.matchedThen ? 1 : 0, input.scoreThen, input.source, input.now);
          return existing ? 'replaced' : 'stored';
        })
        .immediate();
    },

    /**
     * Takes a member's rating back (un-reacting). With `rating`, only a rating of that sign (removing
     * 👎 does not undo a 👍 given since). Returns how many were removed.
     */
    remove(input: { guildId: string; memberId: string; storyRowid: number; topic?: string; rating?: 1 | -1 }): number {
      const where = ['guild_id = ?', 'member_id = ?', 'story_rowid = ?'];
      const params: (string | number)[] = [input.guildId, input.memberId, input.storyRowid];
      if (input.topic !== undefined) {
        where.push('topic = ?');
        params.push(input.topic);
      }
      if (input.rating !== undefined) {
        where.push('rating = ?');
        params.push(input.rating);
      }
      return db.prepare(`DELETE FROM feedback WHERE ${where.join(' AND ')}`).run(...params).changes;
    },

    /** Deletes one rating of a server by id (`watchfloor feedback remove`); false when it has none. */
    removeById(guildId: string, id: number): boolean {
      return db.prepare<[number, string]>('DELETE FROM feedback WHERE id = ? AND guild_id = ?').run(id, guildId).changes > 0;
    },

    /** Forgets what a server taught, for one topic or all (`/watch tune reset`, `feedback reset`). */
    reset(guildId: string, topic?: string): number {
      if (topic === undefined) return db.prepare<[string]>('DELETE FROM feedback WHERE guild_id = ?').run(guildId).changes;
      return db.prepare<[string, string]>('DELETE FROM feedback WHERE guild_id = ? AND topic = ?').run(guildId, topic).changes;
    },

    /** A server's ratings, newest first. */
    list(guildId: string, options: { topic?: string; limit?: number } = {}): Rating[] {
      const rows = options.topic === undefined
        ? db.prepare<[string, number], Row>('SELECT * FROM feedback WHERE guild_id = ? ORDER BY id DESC LIMIT ?').all(guildId, options.limit ?? 1_000_000)
        : db.prepare<[string, string, number], Row>('SELECT * FROM feedback WHERE guild_id = ? AND topic = ? ORDER BY id DESC LIMIT ?').all(guildId, options.topic, options.limit ?? 1_000_000);
      return rows.map(toRating);
    },

    /** A server's ratings with their stories' text and stored reasons: what the learner reads. */
    ratedStories(guildId: string): RatedStory[] {
      const rows = db
        .prepare<[string], Row & { title: string; summary: string; url: string | null; reasons: string | null }>(
          `SELECT f.*, s.title, s.summary, s.url, v.reasons FROM feedback f
           JOIN stories s ON s.rowid = f.story_rowid
           LEFT JOIN story_verdicts v ON v.story_rowid = f.story_rowid AND v.topic = f.topic
           WHERE f.guild_id = ? ORDER BY f.id`,
        )
        .all(guildId);
      return rows.map(toRatedStory);
    },

    /** Every server's ratings with their stories' text (`watchfloor train --with-feedback`). */
    allRatedStories(): RatedStory[] {
      const guilds = db.prepare<[], { guild_id: string }>('SELECT DISTINCT guild_id FROM feedback ORDER BY guild_id').all();
      return guilds.flatMap((g) => this.ratedStories(g.guild_id));
    },

    /** A stored story's rowid from its rowid, id or canonical URL (`watchfloor feedback add --story`). */
    storyRowid(idOrUrl: string): number | undefined {
      const asNumber = /^\d{1,15}$/u.test(idOrUrl) ? Number(idOrUrl) : -1;
      return db.prepare<[number, string, string], { rowid: number }>('SELECT rowid FROM stories WHERE rowid = ? OR id = ? OR url = ? LIMIT 1').get(asNumber, idOrUrl, idOrUrl)?.rowid;
    },

    /**
     * The sent message a reaction or a menu names: its subscription, kind and story (null for a
     * digest). Read-only; the outbox itself is src/store/outbox.ts's.
     */
    sentMessage(messageId: string): { subscriptionId: number; kind: string; storyRowid: number | null } | undefined {
      const row = db
        .prepare<[string], { subscription_id: number; kind: string; story_rowid: number | null }>("SELECT subscription_id, kind, story_rowid FROM outbox WHERE message_id = ? AND status = 'sent' ORDER BY id LIMIT 1")
        .get(messageId);
      return row ? { subscriptionId: row.subscription_id, kind: row.kind, storyRowid: row.story_rowid } : undefined;
    },

    /**
     * A cheap summary of each server's ratings that changes with every write (count and the sum of
     * ids: a replaced or removed rating changes it): learned adjustments are rebuilt when it does,
     * whichever process wrote.
     */
    fingerprints(): Map<string, string> {
      const rows = db.prepare<[], { guild_id: string; n: number; ids: number }>('SELECT guild_id, count(*) AS n, sum(id) AS ids FROM feedback GROUP BY guild_id').all();
      return new Map(rows.map((r) => [r.guild_id, `${r.n}:${r.ids}`]));
    },
  };
}

export type FeedbackStore = ReturnType<typeof createFeedbackStore>;
