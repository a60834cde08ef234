import type { DigestStory } from '../../core/compose/digest.js';
import { publishedInWindow, requestedTopicIds, toDigestStory } from '../../core/news.js';
import { matchToTsquery } from '../../core/search-tsquery.js';
import type { TopicVerdict } from '../../core/types.js';
import { addedFeedFromRow, changeParameters, unreadableAddedFeedFromRow, type AddedFeed } from '../added-feeds.js';
import { feedStateFromRow } from '../feed-state.js';
import type { GatewayStore, StatusFigures, StoryReader } from '../gateway-store.js';
import { OUTBOX_STATUSES, type OutboxStatus } from '../outbox.js';
import { RANK_CANDIDATES_MAX, SEARCH_COUNT_MAX, storyFromRow, verdictFromRow } from '../stories.js';
import { subscriptionFromRow, unreadableSubscriptionFromRow, type StoredSubscription } from '../subscriptions.js';
import { storedSurgeFromRow, trendSettingsColumns, trendSettingsFromRow } from '../trends.js';
import type { UnreadableRow } from '../unreadable-rows.js';
import { inPgTransaction, type PgPool } from './db.js';
import { createPgSurges } from './surges.js';

/** A story's columns and its sources (feeds, space-separated, first first), as store/stories.ts reads them. */
const STORY_COLUMNS = `s.*, (SELECT string_agg(feed_id, ' ' ORDER BY seen_at) FROM story_sources WHERE story_rowid = s.rowid) AS sources`;

/**
 * Ranking weights of ts_rank, {D, C, B, A}: the title is weighted A, the summary D, so a title
 * match counts four times a summary match, as the ×4 title weight of FTS5's bm25 on SQLite.
 */
const RANK_WEIGHTS = '{0.25, 0.25, 0.25, 1.0}';

/** Highlight marks as FTS5's highlight() and snippet() use them (char 1 and 2; see render.ts highlightToMarkdown). */
const MARKS = `'StartSel=' || chr(1) || ', StopSel=' || chr(2)`;

type VerdictRow = { story_rowid: number; topic: string; matched: number; score: number; keyword_score: number; model_probability: number | null; reasons: string };

function zeroCounts(): Record<OutboxStatus, number> {
  return { pending: 0, sent: 0, dead: 0, uncertain: 0 };
}

function statusOf(value: string): OutboxStatus {
  return (OUTBOX_STATUSES as readonly string[]).includes(value) ? (value as OutboxStatus) : 'pending';
}

/** Positional parameters built as the SQL is: `p(value)` adds one and returns its `$n`. */
function parameters(): { values: unknown[]; p: (value: unknown) => string } {
  const values: unknown[] = [];
  return { values, p: (value) => `$${values.push(value)}` };
}

/** A story is visible unless every feed that carried it is hidden (store/stories.ts visibleWhere). */
function visible(hidden: readonly string[], p: (value: unknown) => string): string | null {
  if (hidden.length === 0) return null;
  const list = p(hidden);
  return `(s.feed_id <> ALL(${list}::text[]) OR EXISTS (SELECT 1 FROM story_sources vs WHERE vs.story_rowid = s.rowid AND vs.feed_id <> ALL(${list}::text[])))`;
}

async function verdictsOf(pool: PgPool, rowids: readonly number[]): Promise<Map<number, TopicVerdict[]>> {
  const byStory = new Map<number, TopicVerdict[]>();
  if (rowids.length === 0) return byStory;
  const r = await pool.query<VerdictRow>('SELECT story_rowid, topic, matched, score, keyword_score, model_probability, reasons FROM story_verdicts WHERE story_rowid = ANY($1::bigint[]) ORDER BY topic', [rowids]);
  for (const v of r.rows) {
    const list = byStory.get(v.story_rowid) ?? [];
    list.push(verdictFromRow(v));
    byStory.set(v.story_rowid, list);
  }
  return byStory;
}

function storyReader(pool: PgPool, hidden: readonly string[]): StoryReader {
  return {
    async latest(options) {
      const { values, p } = parameters();
      const where: string[] = [];
      const scope = visible(hidden, p);
      if (scope) where.push(scope);
      if (options.topic) where.push(`s.rowid IN (SELECT story_rowid FROM story_verdicts WHERE topic = ${p(options.topic)} AND matched = 1)`);
      else where.push(`s.matched_topics <> '[]'`);
      where.push(`s.published_at >= ${p(options.sinceMs)}`);
      const r = await pool.query<Record<string, unknown>>(`SELECT ${STORY_COLUMNS} FROM stories s WHERE ${where.join(' AND ')}
        ORDER BY s.published_at DESC, s.rowid DESC LIMIT ${p(options.limit)}`, values);
      return r.rows.map(storyFromRow);
    },

    async search(options) {
      const tsquery = matchToTsquery(options.match);
      if (tsquery === null) return { hits: [], total: 0, ranked: true };
      const { values, p } = parameters();
      const q = `to_tsquery('simple', ${p(tsquery)})`;
      const where = [`s.search_vector @@ ${q}`, `s.first_seen_at >= ${p(options.sinceMs)}`];
      if (options.topic) where.push(`s.rowid IN (SELECT story_rowid FROM story_verdicts WHERE topic = ${p(options.topic)} AND matched = 1)`);
      const scope = visible(hidden, p);
      if (scope) where.push(scope);
      const filter = `FROM stories s WHERE ${where.join(' AND ')}`;
      // Counted up to a cap, ranked only when few enough (ADR 8): a very common word lists the newest.
      const counted = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 ${filter} LIMIT ${SEARCH_COUNT_MAX}) c`, values);
      const total = counted.rows[0]?.n ?? 0;
      if (total === 0) return { hits: [], total, ranked: true };
      const ranked = total <= RANK_CANDIDATES_MAX;
      const order = ranked
        ? `ts_rank('${RANK_WEIGHTS}', setweight(to_tsvector('simple', s.title), 'A') || to_tsvector('simple', s.summary), ${q}) DESC, s.rowid DESC`
        : 's.rowid DESC';
      const limit = p(options.limit);
      const offset = p(options.offset ?? 0);
      // Snippets are drawn for the page's stories only (ts_headline reads the whole text).
      const r = await pool.query<Record<string, unknown> & { title_snippet: string; summary_snippet: string }>(
        `WITH top AS (SELECT s.rowid, row_number() OVER (ORDER BY ${order}) AS n ${filter} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset})
         SELECT ${STORY_COLUMNS},
           ts_headline('simple', s.title, ${q}, ${MARKS} || ', HighlightAll=true') AS title_snippet,
           ts_headline('simple', s.summary, ${q}, ${MARKS} || ', MaxWords=24, MinWords=12') AS summary_snippet
         FROM top JOIN stories s ON s.rowid = top.rowid ORDER BY top.n`,
        values,
      );
      return { total, ranked, hits: r.rows.map((row) => ({ story: storyFromRow(row), titleSnippet: row.title_snippet, summarySnippet: row.summary_snippet })) };
    },

    async digestStories(request, topics) {
      const ids = requestedTopicIds(request, topics);
      if (ids.length === 0) return [];
      const { values, p } = parameters();
      const scope = visible(hidden, p);
      const r = await pool.query<Record<string, unknown>>(`SELECT ${STORY_COLUMNS} FROM stories s
        WHERE s.first_seen_at >= ${p(request.from)} AND s.first_seen_at < ${p(request.until)}
          AND s.rowid IN (SELECT story_rowid FROM story_verdicts WHERE matched = 1 AND topic = ANY(${p(ids)}::text[]))
          ${scope ? `AND ${scope}` : ''}
        ORDER BY s.published_at DESC`, values);
      const stories = r.rows.map(storyFromRow);
      const verdicts = await verdictsOf(pool, stories.map((s) => s.rowid));
      const out: DigestStory[] = [];
      for (const story of stories) {
        if (!publishedInWindow(story, request)) continue;
        const entry = toDigestStory(story, verdicts.get(story.rowid) ?? [], { topics: request.topics, minScore: 0 });
        if (entry) out.push(entry);
      }
      return out;
    },
  };
}

/** PostgreSQL's unique-key violation (SQLSTATE 23505). */
function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === '23505';
}

/** Per topic, the surges recorded and the latest one (`/status`, `/metrics`). */
export async function pgSurgeSummary(pool: PgPool): Promise<StatusFigures['surges']> {
  const r = await pool.query<Record<string, unknown> & { total: number }>(`SELECT s.*, t.total::int AS total FROM surges s
    JOIN (SELECT topic, max(hour_start) AS hour, count(*) AS total FROM surges GROUP BY topic) t ON t.topic = s.topic AND t.hour = s.hour_start
    ORDER BY s.topic`);
  return r.rows.map((row) => ({ topic: String(row.topic), total: row.total, latest: storedSurgeFromRow(row) }));
}

/** Events that started since `from`: all, with a living alert, flagged developing (`/status`, `/metrics`). */
export async function pgEventCounts(pool: PgPool, from: number): Promise<StatusFigures['events']> {
  const r = await pool.query<{ in_window: number; living: number; developing: number }>(`SELECT
      count(*)::int AS in_window,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id AND o.kind = 'alert'))::int AS living,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id AND o.kind = 'developing'))::int AS developing
    FROM events e WHERE e.started_at >= $1`, [from]);
  const e = r.rows[0];
  return { inWindow: e?.in_window ?? 0, living: e?.living ?? 0, developing: e?.developing ?? 0 };
}

/**
 * The gateway's port on PostgreSQL (ADR 16): the same reads and writes as the SQLite side
 * (store/gateway-store.ts) in PostgreSQL's SQL; full-text search on the stories' tsvector column
 * (GIN index) with the bounds of ADR 8.
 */
export function createPgGatewayStore(pool: PgPool): GatewayStore {
  const subscriptionRows = async (): Promise<Record<string, unknown>[]> => (await pool.query<Record<string, unknown>>('SELECT * FROM subscriptions ORDER BY id')).rows;
  const addedFeedRows = async (): Promise<Record<string, unknown>[]> => (await pool.query<Record<string, unknown>>('SELECT * FROM added_feeds ORDER BY added_at, id')).rows;
  const readable = (row: Record<string, unknown>): StoredSubscription | undefined => {
    const read = subscriptionFromRow(row);
    return 'problem' in read ? undefined : read;
  };
  const surges = createPgSurges(pool);
  return {
    engine: 'postgres',
    trends: {
      hourlyCounts: (topics, fromMs, toMs, hiddenFeeds) => surges.hourlyCounts(topics, fromMs, toMs, hiddenFeeds),
      surgesBetween: (fromMs, toMs, topics) => surges.surgesBetween(fromMs, toMs, topics),
    },
    subscriptions: async () => (await subscriptionRows()).flatMap((row) => readable(row) ?? []),
    async subscription(id) {
      const r = await pool.query<Record<string, unknown>>('SELECT * FROM subscriptions WHERE id = $1', [id]);
      return r.rows[0] ? readable(r.rows[0]) : undefined;
    },
    unreadableSubscriptions: async () => (await subscriptionRows()).flatMap((row): UnreadableRow[] => { const found = unreadableSubscriptionFromRow(row); return found ? [found] : []; }),
    addSubscription: (input, trend) =>
      inPgTransaction(pool, async (client) => {
        const t = input.target;
        const r = await client.query<Record<string, unknown>>(`INSERT INTO subscriptions
          (guild_id, target_kind, channel_id, webhook_url, topics, mode, schedule, timezone, min_score, mention_role_id, max_age_ms, post_empty, created_at, created_by,
           developing_sources, developing_window_ms)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *`, [
          t.kind === 'channel' ? t.guildId : null, t.kind, t.kind === 'channel' ? t.channelId : null, t.kind === 'webhook' ? t.url : null,
          JSON.stringify(input.topics), input.mode, input.schedule, input.timezone, input.minScore, input.mentionRoleId, input.maxAgeMs,
          input.postEmptyDigest ? 1 : 0, input.createdAt, input.createdBy, input.developingSources ?? null, input.developingWindowMs ?? null,
        ]);
        const read = subscriptionFromRow(r.rows[0] ?? {});
        if ('problem' in read) throw new Error(`subscription cannot be read back right after insert: ${read.problem}`);
        if (trend && (trend.surges !== undefined || trend.quietHours !== undefined)) {
          const stored = trendSettingsColumns({ surges: trend.surges ?? null, quietHours: trend.quietHours ?? null });
          await client.query('INSERT INTO subscription_trends (subscription_id, surges, quiet_hours) VALUES ($1, $2, $3)', [read.id, stored.surges, stored.quietHours]);
        }
        return read;
      }),
    removeSubscription: async (id) => ((await pool.query('DELETE FROM subscriptions WHERE id = $1', [id])).rowCount ?? 0) > 0,
    async trendSettings(id) {
      const r = await pool.query<{ surges: number | null; quiet_hours: string | null }>('SELECT surges, quiet_hours FROM subscription_trends WHERE subscription_id = $1', [id]);
      return trendSettingsFromRow(r.rows[0]);
    },
    async outboxCountsBySubscription() {
      const r = await pool.query<{ subscription_id: number; status: string; n: number }>('SELECT subscription_id, status, count(*)::int AS n FROM outbox GROUP BY subscription_id, status');
      const out = new Map<number, Record<OutboxStatus, number>>();
      for (const row of r.rows) {
        const entry = out.get(row.subscription_id) ?? zeroCounts();
        entry[statusOf(row.status)] += row.n;
        out.set(row.subscription_id, entry);
      }
      return out;
    },

    addedFeeds: async () => (await addedFeedRows()).flatMap((row): AddedFeed[] => { const feed = addedFeedFromRow(row); return typeof feed === 'string' ? [] : [feed]; }),
    async addedFeed(id) {
      const r = await pool.query<Record<string, unknown>>('SELECT * FROM added_feeds WHERE id = $1', [id]);
      const feed = r.rows[0] ? addedFeedFromRow(r.rows[0]) : undefined;
      return typeof feed === 'string' ? undefined : feed;
    },
    unreadableAddedFeeds: async () => (await addedFeedRows()).flatMap((row): UnreadableRow[] => { const found = unreadableAddedFeedFromRow(row); return found ? [found] : []; }),
    async addFeed(feed) {
      try {
        await pool.query('INSERT INTO added_feeds (id, url, name, language, kind, added_by, guild_id, added_at, home) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          [feed.id, feed.url, feed.name, feed.language, feed.kind, feed.addedBy, feed.guildId, feed.addedAt, feed.home ?? null]);
        return 'added';
      } catch (error) {
        if (isUniqueViolation(error)) return 'taken';
        throw error;
      }
    },
    editFeed: (id, guildId, change) =>
      // The row is locked while read and changed: another process's edit lands wholly before or after.
      inPgTransaction(pool, async (client) => {
        const locked = await client.query<Record<string, unknown>>('SELECT * FROM added_feeds WHERE id = $1 AND guild_id = $2 FOR UPDATE', [id, guildId]);
        const before = locked.rows[0] ? addedFeedFromRow(locked.rows[0]) : undefined;
        if (before === undefined || typeof before === 'string') return undefined;
        const p = changeParameters(change);
        const r = await client.query<Record<string, unknown>>(
          `UPDATE added_feeds SET name = coalesce($3, name), language = coalesce($4, language), kind = coalesce($5, kind),
             home = CASE WHEN $6::int = 1 THEN $7 ELSE home END
           WHERE id = $1 AND guild_id = $2 RETURNING *`,
          [id, guildId, p.name, p.language, p.kind, p.setHome, p.home],
        );
        const after = r.rows[0] ? addedFeedFromRow(r.rows[0]) : undefined;
        return after === undefined || typeof after === 'string' ? undefined : { before, after };
      }),
    removeFeed: (id) =>
      inPgTransaction(pool, async (client) => {
        const removed = ((await client.query('DELETE FROM added_feeds WHERE id = $1', [id])).rowCount ?? 0) > 0;
        if (removed) await client.query('DELETE FROM feed_state WHERE feed_id = $1', [id]);
        return removed;
      }),

    async feedStates() {
      const r = await pool.query<Record<string, unknown>>('SELECT * FROM feed_state');
      return new Map(r.rows.map((row) => { const state = feedStateFromRow(row); return [state.feedId, state]; }));
    },

    stories: (hiddenFeeds) => storyReader(pool, hiddenFeeds),
    async storyByUrl(url) {
      const r = await pool.query<Record<string, unknown>>(`SELECT ${STORY_COLUMNS} FROM stories s WHERE s.url = $1`, [url]);
      return r.rows[0] ? storyFromRow(r.rows[0]) : undefined;
    },
    async verdicts(rowid) {
      return (await verdictsOf(pool, [rowid])).get(rowid) ?? [];
    },
    async matchedBetween(fromMs, toMs, topics) {
      if (topics.length === 0) return [];
      const r = await pool.query<Record<string, unknown>>(`SELECT ${STORY_COLUMNS} FROM stories s
        WHERE s.first_seen_at >= $1 AND s.first_seen_at < $2
          AND s.rowid IN (SELECT story_rowid FROM story_verdicts WHERE matched = 1 AND topic = ANY($3::text[]))
        ORDER BY s.published_at DESC`, [fromMs, toMs, topics]);
      return r.rows.map(storyFromRow);
    },

    async status({ todayFrom, eventsFrom }): Promise<StatusFigures> {
      const [cycle, stories, total, perTopic, outbox, surges, events, heartbeats] = await Promise.all([
        pool.query<{ started_at: number; finished_at: number | null; feeds_polled: number; feeds_ok: number; feeds_not_modified: number; feeds_failed: number; new_stories: number }>(
          'SELECT * FROM poll_cycles WHERE finished_at IS NOT NULL AND feeds_polled > 0 ORDER BY id DESC LIMIT 1'),
        pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stories WHERE first_seen_at >= $1', [todayFrom]),
        pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stories'),
        pool.query<{ topic: string; n: number }>(`SELECT v.topic, count(*)::int AS n FROM story_verdicts v JOIN stories s ON s.rowid = v.story_rowid
          WHERE v.matched = 1 AND s.first_seen_at >= $1 GROUP BY v.topic ORDER BY v.topic`, [todayFrom]),
        pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM outbox GROUP BY status'),
        pgSurgeSummary(pool),
        pgEventCounts(pool, eventsFrom),
        pool.query<{ owner: string; role: string; pid: number; host: string; started_at: number; last_seen_at: number; interval_ms: number }>(
          'SELECT owner, role, pid, host, started_at, last_seen_at, interval_ms FROM process_heartbeats ORDER BY started_at, owner'),
      ]);
      const c = cycle.rows[0];
      const counts = zeroCounts();
      for (const row of outbox.rows) counts[statusOf(row.status)] += row.n;
      return {
        lastCycle: c ? { startedAt: c.started_at, finishedAt: c.finished_at, polled: c.feeds_polled, ok: c.feeds_ok, notModified: c.feeds_not_modified, failed: c.feeds_failed, newStories: c.new_stories } : undefined,
        today: { stories: stories.rows[0]?.n ?? 0, perTopic: Object.fromEntries(perTopic.rows.map((r) => [r.topic, r.n])) },
        storiesTotal: total.rows[0]?.n ?? 0,
        outbox: counts,
        surges,
        events,
        heartbeats: heartbeats.rows.map((r) => ({ owner: r.owner, role: r.role, pid: r.pid, host: r.host, startedAt: r.started_at, lastSeenAt: r.last_seen_at, intervalMs: r.interval_ms })),
      };
    },
  };
}
