import type { Classification, Story, TopicVerdict } from '../core/types.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/** A story as read back from the database. */
export interface StoredStory extends Story {
  readonly rowid: number;
  readonly matchedTopics: readonly string[];
  readonly maxScore: number;
  /** Feeds that carried the same canonical URL, first one first. */
  readonly sources: readonly string[];
}

export type InsertOutcome =
  | { readonly inserted: true; readonly rowid: number }
  | { readonly inserted: false; readonly rowid: number; readonly reason: 'same-id' | 'same-url' };

export interface SearchOptions {
  /** An FTS5 MATCH expression (build it with core/search-query.ts from user text). */
  readonly match: string;
  /** Leave out stories that only these feeds carried (another server's added feeds). */
  readonly hiddenFeeds?: readonly string[] | undefined;
  readonly topic?: string | undefined;
  /** Only stories first seen at or after this time. */
  readonly sinceMs?: number | undefined;
  readonly limit: number;
  readonly offset?: number | undefined;
}

export interface SearchHit {
  readonly story: StoredStory;
  /** Title with matches wrapped in `**` (Discord bold); text already plain. */
  readonly titleSnippet: string;
  readonly summarySnippet: string;
}

interface StoryRow {
  rowid: number;
  id: string;
  feed_id: string;
  guid: string | null;
  url: string | null;
  title: string;
  summary: string;
  author: string | null;
  published_at: number;
  published_estimated: number;
  first_seen_at: number;
  language: string;
  categories: string;
  matched_topics: string;
  max_score: number;
  sources: string | null;
}

const STORY_COLUMNS = `s.rowid, s.id, s.feed_id, s.guid, s.url, s.title, s.summary, s.author, s.published_at,
  s.published_estimated, s.first_seen_at, s.language, s.categories, s.matched_topics, s.max_score,
  (SELECT group_concat(feed_id, ' ') FROM (SELECT feed_id FROM story_sources WHERE story_rowid = s.rowid ORDER BY seen_at)) AS sources`;

/**
 * A story is visible unless every feed that carried it is hidden: its first feed is not hidden,
 * or another source is not. `rowid` and `feedId` are SQL expressions of the story. Null (no
 * condition) when nothing is hidden.
 */
export function visibleWhere(rowid: string, feedId: string, hidden: readonly string[] | undefined): { sql: string; params: string[] } | null {
  if (!hidden || hidden.length === 0) return null;
  const list = hidden.map(() => '?').join(',');
  return {
    sql: `(${feedId} NOT IN (${list}) OR EXISTS (SELECT 1 FROM story_sources vs WHERE vs.story_rowid = ${rowid} AND vs.feed_id NOT IN (${list})))`,
    params: [...hidden, ...hidden],
  };
}

/** Ids looked up per statement by `existingIds` (under SQLite's bound-parameter limit). */
const EXISTING_IDS_CHUNK = 500;

/**
 * Stories inserted by a process before it indexes the queue (besides before every search and at
 * the end of each poll cycle). Measured with `npm run bench` (the poll section's store stage):
 * indexing in batches of about this size costs a fifth of indexing each feed's stories in its own
 * transaction; much larger batches save little more and keep more stories unindexed at a time.
 */
export const FTS_BATCH = 2_000;

/** A search matching more stories than this is listed newest first instead of ranked. */
export const RANK_CANDIDATES_MAX = 5_000;
/** Matches are counted up to this many ("10,000+"). */
export const SEARCH_COUNT_MAX = 10_000;

function parseStringArray(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A verdict worth storing: it matched, or a keyword or the model said anything at all. */
export function hasEvidence(v: TopicVerdict): boolean {
  return v.matched || v.score !== 0 || v.keywordScore !== 0 || v.modelProbability !== null || v.reasons.length > 0;
}

/** A stories row (with `sources`: the feeds, space-separated, first first) read by another engine: PostgreSQL has the same columns. */
export function storyFromRow(row: Readonly<Record<string, unknown>>): StoredStory {
  return toStory(row as unknown as StoryRow);
}

/** A story_verdicts row as a verdict (its reasons and threshold are kept as JSON). */
export function verdictFromRow(r: { topic: string; matched: number; score: number; keyword_score: number; model_probability: number | null; reasons: string }): TopicVerdict {
  const stored = JSON.parse(r.reasons) as { threshold: number; reasons: TopicVerdict['reasons'] };
  return { topic: r.topic, matched: r.matched === 1, score: r.score, threshold: stored.threshold, keywordScore: r.keyword_score, modelProbability: r.model_probability, reasons: stored.reasons };
}

function toStory(row: StoryRow): StoredStory {
  return {
    rowid: row.rowid,
    id: row.id,
    feedId: row.feed_id,
    guid: row.guid,
    url: row.url,
    title: row.title,
    summary: row.summary,
    author: row.author,
    publishedAt: row.published_at,
    publishedEstimated: row.published_estimated === 1,
    firstSeenAt: row.first_seen_at,
    language: row.language,
    categories: parseStringArray(row.categories),
    matchedTopics: parseStringArray(row.matched_topics),
    maxScore: row.max_score,
    sources: row.sources ? row.sources.split(' ') : [row.feed_id],
  };
}

/** Stories, their verdicts and full-text search. All SQL about stories lives here. */
export function createStoryStore(db: Db) {
  const byId = db.prepare<[string], { rowid: number }>('SELECT rowid FROM stories WHERE id = ?');
  const byUrl = db.prepare<[string], { rowid: number }>('SELECT rowid FROM stories WHERE url = ?');
  const insertStory = db.prepare(`INSERT INTO stories
    (id, feed_id, guid, url, title, summary, author, published_at, published_estimated, first_seen_at, language, categories, matched_topics, max_score)
    VALUES (@id, @feedId, @guid, @url, @title, @summary, @author, @publishedAt, @publishedEstimated, @firstSeenAt, @language, @categories, @matchedTopics, @maxScore)`);
  const insertSource = db.prepare('INSERT OR IGNORE INTO story_sources (story_rowid, feed_id, seen_at) VALUES (?, ?, ?)');
  const insertVerdict = db.prepare(`INSERT OR REPLACE INTO story_verdicts
    (story_rowid, topic, matched, score, keyword_score, model_probability, reasons) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  // INDEXED BY: left alone, SQLite answers min(rowid) by walking the table from its first row
  // until one is recent enough, i.e. through nearly all of it.
  const minRowidSince = db.prepare<[number], { rowid: number | null }>('SELECT min(rowid) AS rowid FROM stories INDEXED BY stories_first_seen WHERE first_seen_at >= ?');
  const selectByRowid = db.prepare<[number], StoryRow>(`SELECT ${STORY_COLUMNS} FROM stories s WHERE s.rowid = ?`);
  const selectVerdicts = db.prepare<[number], {
    topic: string; matched: number; score: number; keyword_score: number; model_probability: number | null; reasons: string;
  }>('SELECT topic, matched, score, keyword_score, model_probability, reasons FROM story_verdicts WHERE story_rowid = ? ORDER BY topic');

  const anyPending = db.prepare<[], { one: number }>('SELECT 1 AS one FROM stories_fts_pending LIMIT 1');
  const indexQueued = db.prepare(`INSERT INTO stories_fts (rowid, title, summary)
    SELECT s.rowid, s.title, s.summary FROM stories_fts_pending p JOIN stories s ON s.rowid = p.story_rowid`);
  const clearQueue = db.prepare('DELETE FROM stories_fts_pending');
  // Stories this process inserted since it last indexed: a count, so no query per insert.
  let insertedSinceIndex = 0;

  /**
   * Indexes the stories queued for the full-text index, in one transaction (IMMEDIATE, so a
   * second process waits rather than indexing the same rows; inside a caller's transaction, a
   * savepoint of it). Returns how many were indexed. Cheap when the queue is empty (one lookup).
   */
  const indexPending = (): number => {
    insertedSinceIndex = 0;
    if (!anyPending.get()) return 0;
    const run = (): number => {
      const indexed = indexQueued.run().changes;
      clearQueue.run();
      return indexed;
    };
    return db.inTransaction ? db.transaction(run)() : db.transaction(run).immediate();
  };

  // One statement per list length, kept: preparing it anew for every feed of a cycle cost more
  // than running it (~0.1 s of a first cycle over 1,000 feeds).
  const idsIn = new Map<number, Statement<string[], { id: string }>>();
  const idsInStatement = (length: number): Statement<string[], { id: string }> => {
    let statement = idsIn.get(length);
    if (!statement) {
      statement = db.prepare<string[], { id: string }>(`SELECT id FROM stories WHERE id IN (${Array.from({ length }, () => '?').join(',')})`);
      idsIn.set(length, statement);
    }
    return statement;
  };
  const existingIds = (ids: readonly string[]): Set<string> => {
    const found = new Set<string>();
    // Chunks stay under SQLite's bound-parameter limit.
    for (let i = 0; i < ids.length; i += EXISTING_IDS_CHUNK) {
      const chunk = ids.slice(i, i + EXISTING_IDS_CHUNK);
      for (const row of idsInStatement(chunk.length).all(...chunk)) found.add(row.id);
    }
    return found;
  };

  return {
    /** Ids (of those given) already stored: lets the poller skip classifying what it has seen. */
    existingIds,

    indexPending,

    /**
     * Indexes the queue once this process has inserted {@link FTS_BATCH} stories since it last
     * did. Call outside the insert transaction, after it commits. Returns how many were indexed.
     */
    indexIfDue(): number {
      return insertedSinceIndex >= FTS_BATCH ? indexPending() : 0;
    },

    /**
     * Stores a story once. A second story with the same id, or the same canonical URL from
     * another feed, is not stored again; the other feed is recorded as a source.
     * Call inside a transaction together with routing (see app/pipeline.ts).
     */
    insert(story: Story, classification: Classification | null): InsertOutcome {
      const sameId = byId.get(story.id);
      if (sameId) return { inserted: false, rowid: sameId.rowid, reason: 'same-id' };
      if (story.url) {
        const sameUrl = byUrl.get(story.url);
        if (sameUrl) {
          insertSource.run(sameUrl.rowid, story.feedId, story.firstSeenAt);
          return { inserted: false, rowid: sameUrl.rowid, reason: 'same-url' };
        }
      }
      const verdicts = classification?.verdicts ?? [];
      const result = insertStory.run({
        id: story.id,
        feedId: story.feedId,
        guid: story.guid,
        url: story.url,
        title: story.title,
        summary: story.summary,
        author: story.author,
        publishedAt: story.publishedAt,
        publishedEstimated: story.publishedEstimated ? 1 : 0,
        firstSeenAt: story.firstSeenAt,
        language: story.language,
        categories: JSON.stringify(story.categories),
        matchedTopics: JSON.stringify(classification?.matched ?? []),
        maxScore: verdicts.reduce((max, v) => (v.matched ? Math.max(max, v.score) : max), 0),
      });
      const rowid = Number(result.lastInsertRowid);
      insertedSinceIndex++;
      insertSource.run(rowid, story.feedId, story.firstSeenAt);
      // Only verdicts with something to say are kept: most stories are about none of the topics,
      // and three empty rows each (a third of the insert's cost) would record nothing that
      // "no evidence" does not already say. A topic without a row had no evidence at all.
      for (const v of verdicts) {
        if (!hasEvidence(v)) continue;
        insertVerdict.run(rowid, v.topic, v.matched ? 1 : 0, v.score, v.keywordScore, v.modelProbability, JSON.stringify({ threshold: v.threshold, reasons: v.reasons }));
      }
      return { inserted: true, rowid };
    },

    get(rowid: number): StoredStory | undefined {
      const row = selectByRowid.get(rowid);
      return row ? toStory(row) : undefined;
    },

    getByUrl(url: string): StoredStory | undefined {
      const hit = byUrl.get(url);
      return hit ? this.get(hit.rowid) : undefined;
    },

    /**
     * The stored verdicts of a story, with their reasons. Topics with no evidence at all (no
     * keyword, no model score) have none: see {@link hasEvidence}.
     */
    verdicts(rowid: number): TopicVerdict[] {
      return selectVerdicts.all(rowid).map(verdictFromRow);
    },

    /** Newest matched stories (by published time), optionally for one topic and time window. */
    latest(options: { topic?: string | undefined; sinceMs?: number | undefined; limit: number; matchedOnly?: boolean; hiddenFeeds?: readonly string[] | undefined }): StoredStory[] {
      const where: string[] = [];
      const params: (string | number)[] = [];
      const visible = visibleWhere('s.rowid', 's.feed_id', options.hiddenFeeds);
      if (visible) {
        where.push(visible.sql);
        params.push(...visible.params);
      }
      if (options.topic) {
        where.push('s.rowid IN (SELECT story_rowid FROM story_verdicts WHERE topic = ? AND matched = 1)');
        params.push(options.topic);
      } else if (options.matchedOnly !== false) {
        where.push("s.matched_topics != '[]'");
      }
      if (options.sinceMs !== undefined) {
        where.push('s.published_at >= ?');
        params.push(options.sinceMs);
      }
      const sql = `SELECT ${STORY_COLUMNS} FROM stories s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY s.published_at DESC, s.rowid DESC LIMIT ?`;
      return db.prepare<(string | number)[], StoryRow>(sql).all(...params, options.limit).map(toStory);
    },

    /** Matched stories first seen in [fromMs, toMs), for digests; without those only `hiddenFeeds` carried. */
    matchedBetween(fromMs: number, toMs: number, topics: readonly string[], hiddenFeeds?: readonly string[]): StoredStory[] {
      if (topics.length === 0) return [];
      const visible = visibleWhere('s.rowid', 's.feed_id', hiddenFeeds);
      const sql = `SELECT ${STORY_COLUMNS} FROM stories s
        WHERE s.first_seen_at >= ? AND s.first_seen_at < ?
          AND s.rowid IN (SELECT story_rowid FROM story_verdicts WHERE matched = 1 AND topic IN (${topics.map(() => '?').join(',')}))
          ${visible ? `AND ${visible.sql}` : ''}
        ORDER BY s.published_at DESC`;
      return db.prepare<(string | number)[], StoryRow>(sql).all(fromMs, toMs, ...topics, ...(visible?.params ?? [])).map(toStory);
    },

    /**
     * Full-text search, top `limit` hits. Ranked by relevance (bm25, title weighted ×4) when the
     * query matches at most {@link RANK_CANDIDATES_MAX} stories; a query that matches more (a very
     * common word) is listed newest first instead, since ranking costs ~2 µs per match (over a
     * second for "the" at a million stories). Newest first walks the index backwards and stops
     * at the limit.
     */
    search(options: SearchOptions): { hits: SearchHit[]; total: number; ranked: boolean } {
      // Stories still queued for the index (this or another process stored them since it last
      // indexed) are indexed first: a search never misses a stored story. If that cannot be
      // done now (another process held the write lock past the busy timeout), the search still
      // answers from the index as it is; the queue waits for the next search or cycle's end,
      // which reports a lasting failure.
      try {
        indexPending();
      } catch {
        // answered from the index as it is
      }
      // The count reads the full-text index alone (a join per match would cost ~5 µs each); the
      // hits are filtered exactly on the joined story.
      const countWhere: string[] = ['stories_fts MATCH ?'];
      const countParams: (string | number)[] = [options.match];
      const where: string[] = ['stories_fts MATCH ?'];
      const params: (string | number)[] = [options.match];
      if (options.sinceMs !== undefined) {
        // Every story first seen since then has a rowid at least this: a bound FTS5 uses while
        // it reads the index. The count takes it as is (stories are stored in first-seen order,
        // so it is exact but for clock changes); the hits also test the time itself.
        const bound = minRowidSince.get(options.sinceMs)?.rowid ?? Number.MAX_SAFE_INTEGER;
        countWhere.push('rowid >= ?');
        countParams.push(bound);
        where.push('stories_fts.rowid >= ?', 'w.first_seen_at >= ?');
        params.push(bound, options.sinceMs);
      }
      if (options.topic) {
        const inTopic = 'IN (SELECT story_rowid FROM story_verdicts WHERE topic = ? AND matched = 1)';
        countWhere.push(`rowid ${inTopic}`);
        countParams.push(options.topic);
        where.push(`w.rowid ${inTopic}`);
        params.push(options.topic);
      }
      // Another server's added feeds: neither their stories nor their count show.
      const visibleCount = visibleWhere('stories_fts.rowid', '(SELECT c.feed_id FROM stories c WHERE c.rowid = stories_fts.rowid)', options.hiddenFeeds);
      const visibleHit = visibleWhere('w.rowid', 'w.feed_id', options.hiddenFeeds);
      if (visibleCount && visibleHit) {
        countWhere.push(visibleCount.sql);
        countParams.push(...visibleCount.params);
        where.push(visibleHit.sql);
        params.push(...visibleHit.params);
      }
      // Without filters the FTS table is queried alone, so FTS5 itself sees the ORDER BY and LIMIT.
      // With them, CROSS JOIN keeps the full-text index as the outer loop: SQLite would otherwise
      // walk every story of the window and run the MATCH once per story (~100x slower at 1M).
      const filtered = where.length > 1;
      const filter = filtered
        ? `FROM stories_fts CROSS JOIN stories w ON w.rowid = stories_fts.rowid WHERE ${where.join(' AND ')}`
        : `FROM stories_fts WHERE ${where.join(' AND ')}`;
      const total =
        db.prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM stories_fts WHERE ${countWhere.join(' AND ')} LIMIT ${SEARCH_COUNT_MAX})`).get(...countParams)?.n ?? 0;
      const ranked = total <= RANK_CANDIDATES_MAX;
      const rows = db
        .prepare<(string | number)[], StoryRow & { title_snippet: string; summary_snippet: string }>(
          `WITH top AS (
             SELECT stories_fts.rowid AS rowid, ${ranked ? 'bm25(stories_fts, 4.0, 1.0)' : '-stories_fts.rowid'} AS score,
               highlight(stories_fts, 0, char(1), char(2)) AS title_snippet,
               snippet(stories_fts, 1, char(1), char(2), '…', 24) AS summary_snippet
             ${filter} ORDER BY ${ranked ? 'score, stories_fts.rowid DESC' : 'stories_fts.rowid DESC'} LIMIT ? OFFSET ?)
           SELECT ${STORY_COLUMNS}, top.title_snippet, top.summary_snippet
           FROM top JOIN stories s ON s.rowid = top.rowid
           ORDER BY top.score, s.rowid DESC`,
        )
        .all(...params, options.limit, options.offset ?? 0);
      return {
        total,
        ranked,
        hits: rows.map((row) => ({ story: toStory(row), titleSnippet: row.title_snippet, summarySnippet: row.summary_snippet })),
      };
    },

    /** Counts of stored and matched stories, per topic, since a time. */
    counts(sinceMs: number): { stories: number; perTopic: Record<string, number> } {
      const stories = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM stories WHERE first_seen_at >= ?').get(sinceMs)?.n ?? 0;
      const rows = db
        .prepare<[number], { topic: string; n: number }>(
          `SELECT v.topic, count(*) AS n FROM story_verdicts v JOIN stories s ON s.rowid = v.story_rowid
           WHERE v.matched = 1 AND s.first_seen_at >= ? GROUP BY v.topic ORDER BY v.topic`,
        )
        .all(sinceMs);
      return { stories, perTopic: Object.fromEntries(rows.map((r) => [r.topic, r.n])) };
    },

    total(): number {
      return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM stories').get()?.n ?? 0;
    },
  };
}

export type StoryStore = ReturnType<typeof createStoryStore>;
