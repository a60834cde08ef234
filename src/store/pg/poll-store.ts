import type pg from 'pg';
import type { OutboundMessage } from '../../core/compose/message.js';
import { redactText } from '../../core/redact.js';
import type { NotAlertedReason } from '../../core/route.js';
import type { Classification, Story } from '../../core/types.js';
import { StorageFaultError } from '../faults.js';
import { feedStateFromRow, type FeedState } from '../feed-state.js';
import { nonceFor } from '../outbox.js';
import { batchCounter, type NewStory, type PollStore, type StoredBatch } from '../poll-store.js';
import { hasEvidence } from '../stories.js';
import { subscriptionsFromRows, type StoredSubscription } from '../subscriptions.js';
import { DB_NOW_MS, inPgTransaction, type PgPool } from './db.js';
import { pgEventTx, type PgEventTx } from './events.js';

/**
 * The PostgreSQL side of {@link PollStore} (ADR 16). Leases are ADR 11's, timed by the server's
 * clock: a lease ends at the server's now + leaseMs, and a poll's next time is stored as the
 * server's now + the delay the poller chose, so pollers on machines with skewed clocks agree.
 *
 * One feed's stories and their alerts are one transaction. Two pollers storing the same link at
 * once (two feeds carrying one article) meet on the unique indexes: the second waits for the
 * first and then sees its row; a deadlock between them is retried here.
 */

/** What a poller routes: the alerts to queue for a stored story, or why it alerts nowhere. */
export interface PgRouting {
  route(subscriptions: readonly StoredSubscription[], rowid: number, story: Story, classification: Classification, now: number): {
    readonly alerts: readonly { readonly subscriptionId: number; readonly payload: OutboundMessage }[];
    readonly why: NotAlertedReason | null;
  };
  /**
   * Event subscriptions (living alerts): clusters a stored story into its event and queues what
   * they need, inside the storing transaction (`events` is bound to it); rows written.
   */
  routeEvents?(events: PgEventTx, rowid: number, story: Story, classification: Classification, now: number): Promise<number>;
  /** A subscription row that cannot be read (reported once per cycle by the caller). */
  onUnreadable?(id: number, problem: string): void;
}

/** PostgreSQL's codes for a transaction aborted by a deadlock or a serialization conflict: run it again. */
const RETRYABLE = new Set(['40P01', '40001']);
const TRIES = 5;

function pgCode(error: unknown): string | null {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : null;
}

/**
 * A failure of the server or the connection to it, as a storage fault naming the database
 * (without its password) and the fix; null for anything else (a bug in a query).
 */
export function pgStorageFault(error: unknown, location: string): StorageFaultError | null {
  if (error instanceof StorageFaultError) return error;
  const code = pgCode(error);
  const message = error instanceof Error ? error.message : String(error);
  // Connection classes: 08 (connection exception), 57P (operator intervention: shutdown), 53 (insufficient resources); or a socket error.
  const connection = code !== null && (/^(08|53|57P)/.test(code) || /^E[A-Z]+$/.test(code));
  const lost = code === null && /Connection terminated|timeout exceeded when trying to connect/i.test(message);
  if (!connection && !lost) return null;
  const kind = code === '53100' ? 'full' : 'ioerr'; // 53100: disk full on the server
  const text = redactText(
    `PostgreSQL database ${location} failed (${code ?? 'connection lost'}): ${message}. Check that the server is up and reachable from this machine (\`watchfloor check\`), then run again; nothing committed was lost.`,
  );
  return new StorageFaultError({ kind, code: code ?? 'PG_CONNECTION', message: text }, { cause: error });
}

export function createPgPollStore(pool: PgPool, options: { owner: string; location: string; routing?: PgRouting }): PollStore {
  const { owner, location, routing } = options;

  /** Runs `body` in one transaction on one connection; deadlocks and serialization failures are run again. */
  async function transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inPgTransaction(pool, body);
      } catch (error) {
        if (attempt >= TRIES || !RETRYABLE.has(pgCode(error) ?? '')) throw error;
      }
    }
  }

  /** Every call: a connection failure becomes a storage fault naming the server and the fix. */
  async function guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw pgStorageFault(error, location) ?? error;
    }
  }

  const select = async (feedId: string): Promise<FeedState | undefined> => {
    const r = await pool.query<Record<string, unknown>>('SELECT * FROM feed_state WHERE feed_id = $1', [feedId]);
    return r.rows[0] ? feedStateFromRow(r.rows[0]) : undefined;
  };

  type Outcome = { readonly inserted: true; readonly rowid: number } | { readonly inserted: false; readonly rowid: number; readonly reason: 'same-id' | 'same-url' };

  /**
   * Stores one feed's new stories in a few statements, whatever their number: every story at
   * once (a story whose id or URL is stored already, or appears earlier in the batch, is left
   * out), then the inserted stories' first sources and verdicts at once; a story left out is
   * looked up and, when another feed stored its URL, recorded as one more source. The outcomes
   * are those of inserting the stories one by one in order.
   */
  async function insertStories(client: pg.PoolClient, items: readonly NewStory[]): Promise<Outcome[]> {
    const column = <T>(pick: (item: NewStory) => T): T[] => items.map(pick);
    const r = await client.query<{ id: string; rowid: number }>(`INSERT INTO stories
        (id, feed_id, guid, url, title, summary, author, published_at, published_estimated, first_seen_at, language, categories, matched_topics, max_score)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[],
        $11::text[], $12::text[], $13::text[], $14::float8[])
      ON CONFLICT DO NOTHING RETURNING id, rowid`, [
      column((i) => i.story.id), column((i) => i.story.feedId), column((i) => i.story.guid), column((i) => i.story.url), column((i) => i.story.title),
      column((i) => i.story.summary), column((i) => i.story.author), column((i) => i.story.publishedAt), column((i) => (i.story.publishedEstimated ? 1 : 0)),
      column((i) => i.story.firstSeenAt), column((i) => i.story.language), column((i) => JSON.stringify(i.story.categories)),
      column((i) => JSON.stringify(i.classification.matched)), column((i) => i.classification.verdicts.reduce((max, v) => (v.matched ? Math.max(max, v.score) : max), 0)),
    ]);
    const inserted = new Map(r.rows.map((row) => [row.id, row.rowid]));
    const stored = items.filter((i) => inserted.has(i.story.id));
    if (stored.length > 0) {
      await client.query('INSERT INTO story_sources (story_rowid, feed_id, seen_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING',
        [stored.map((i) => inserted.get(i.story.id)), stored.map((i) => i.story.feedId), stored.map((i) => i.story.firstSeenAt)]);
      // As on SQLite: only verdicts with something to say are kept.
      const verdicts = stored.flatMap((i) => i.classification.verdicts.filter(hasEvidence).map((v) => ({ rowid: inserted.get(i.story.id), v })));
      if (verdicts.length > 0) {
        await client.query(`INSERT INTO story_verdicts (story_rowid, topic, matched, score, keyword_score, model_probability, reasons)
          SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::text[])`,
        [verdicts.map((x) => x.rowid), verdicts.map((x) => x.v.topic), verdicts.map((x) => (x.v.matched ? 1 : 0)), verdicts.map((x) => x.v.score),
          verdicts.map((x) => x.v.keywordScore), verdicts.map((x) => x.v.modelProbability), verdicts.map((x) => JSON.stringify({ threshold: x.v.threshold, reasons: x.v.reasons }))]);
      }
    }
    const outcomes: Outcome[] = [];
    for (const { story } of items) {
      const rowid = inserted.get(story.id);
      if (rowid !== undefined) {
        outcomes.push({ inserted: true, rowid });
        continue;
      }
      const sameId = await client.query<{ rowid: number }>('SELECT rowid FROM stories WHERE id = $1', [story.id]);
      if (sameId.rows[0]) {
        outcomes.push({ inserted: false, rowid: sameId.rows[0].rowid, reason: 'same-id' });
        continue;
      }
      const sameUrl = await client.query<{ rowid: number }>('SELECT rowid FROM stories WHERE url = $1', [story.url]);
      const urlRow = sameUrl.rows[0];
      if (!urlRow) throw new Error(`story ${story.id} (${story.url ?? 'no URL'}) was neither stored nor found by id or URL`);
      await client.query('INSERT INTO story_sources (story_rowid, feed_id, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [urlRow.rowid, story.feedId, story.firstSeenAt]);
      outcomes.push({ inserted: false, rowid: urlRow.rowid, reason: 'same-url' });
    }
    return outcomes;
  }

  async function instantSubscriptions(client: pg.PoolClient): Promise<StoredSubscription[]> {
    const r = await client.query<Record<string, unknown>>("SELECT * FROM subscriptions WHERE mode = 'instant' ORDER BY id");
    return subscriptionsFromRows(r.rows, routing?.onUnreadable?.bind(routing));
  }

  /**
   * Queues the alerts of a batch's routed stories in two statements (one alert per subscription
   * and story, ever: a row already there is left alone); how many were written per story rowid.
   */
  async function queueAlerts(client: pg.PoolClient, alerts: readonly { readonly rowid: number; readonly subscriptionId: number; readonly payload: OutboundMessage }[], now: number): Promise<Map<number, number>> {
    const written = new Map<number, number>();
    if (alerts.length === 0) return written;
    const r = await client.query<{ id: number; created_at: number; story_rowid: number }>(`INSERT INTO outbox (subscription_id, kind, story_rowid, payload, next_attempt_at, created_at)
      SELECT s, 'alert', r, p, $4, $4 FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS t(s, r, p)
      ON CONFLICT DO NOTHING RETURNING id, created_at, story_rowid`,
    [alerts.map((a) => a.subscriptionId), alerts.map((a) => a.rowid), alerts.map((a) => JSON.stringify(a.payload)), now]);
    if (r.rows.length === 0) return written;
    // Readers derive the same nonce from id and created_at should this never run (see outbox.ts).
    await client.query('UPDATE outbox SET nonce = t.n FROM unnest($1::bigint[], $2::text[]) AS t(i, n) WHERE outbox.id = t.i',
      [r.rows.map((row) => row.id), r.rows.map((row) => nonceFor(row.id, row.created_at))]);
    for (const row of r.rows) written.set(row.story_rowid, (written.get(row.story_rowid) ?? 0) + 1);
    return written;
  }

  return {
    engine: 'postgres',
    owner,
    location,

    feedStates: () => guarded(async () => {
      const r = await pool.query<Record<string, unknown>>('SELECT * FROM feed_state');
      return new Map(r.rows.map((row) => { const state = feedStateFromRow(row); return [state.feedId, state]; }));
    }),

    feedState: (feedId) => guarded(() => select(feedId)),

    ensureFeed: (feedId, url) => guarded(async () => {
      await pool.query('INSERT INTO feed_state (feed_id, url) VALUES ($1, $2) ON CONFLICT (feed_id) DO NOTHING', [feedId, url]);
      await pool.query(`UPDATE feed_state SET url = $2, etag = NULL, last_modified = NULL, body_hash = NULL, consecutive_failures = 0, next_poll_at = 0
        WHERE feed_id = $1 AND url != $2`, [feedId, url]);
      const state = await select(feedId);
      if (!state) throw new Error(`feed_state row for ${feedId} vanished`);
      return state;
    }),

    leaseFeed: (feedId, p) => guarded(async () => {
      const taken = await pool.query(`UPDATE feed_state SET lease_owner = $2, lease_expires_at = ${DB_NOW_MS} + $3
        WHERE feed_id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= ${DB_NOW_MS})
          AND ($4 OR next_poll_at <= ${DB_NOW_MS})`, [feedId, p.owner, p.leaseMs, p.force]);
      if ((taken.rowCount ?? 0) > 0) return null;
      const r = await pool.query<Record<string, unknown> & { now: number; lease_owner: string | null; lease_expires_at: number | null; next_poll_at: number }>(`SELECT *, ${DB_NOW_MS} AS now FROM feed_state WHERE feed_id = $1`, [feedId]);
      const row = r.rows[0];
      if (row?.lease_owner && row.lease_owner !== p.owner && (row.lease_expires_at ?? 0) > row.now) return { reason: 'leased' as const, owner: row.lease_owner, until: row.lease_expires_at ?? p.now };
      return { reason: 'not-due' as const, nextPollAt: row?.next_poll_at ?? p.now };
    }),

    renewFeedLease: (feedId, p) => guarded(async () => {
      const r = await pool.query(`UPDATE feed_state SET lease_expires_at = ${DB_NOW_MS} + $3 WHERE feed_id = $1 AND lease_owner = $2`, [feedId, p.owner, p.leaseMs]);
      return (r.rowCount ?? 0) > 0;
    }),

    releaseFeedLease: (feedId, leaseOwner) => guarded(async () => {
      await pool.query('UPDATE feed_state SET lease_owner = NULL, lease_expires_at = NULL WHERE feed_id = $1 AND lease_owner = $2', [feedId, leaseOwner]);
    }),

    expireLeasesOf: (isGone) => guarded(async () => {
      const r = await pool.query<{ owner: string }>(`SELECT DISTINCT lease_owner AS owner FROM feed_state WHERE lease_owner IS NOT NULL AND lease_expires_at > ${DB_NOW_MS}`);
      let ended = 0;
      for (const { owner: other } of r.rows) {
        if (!isGone(other)) continue;
        ended += (await pool.query(`UPDATE feed_state SET lease_expires_at = ${DB_NOW_MS} WHERE lease_owner = $1`, [other])).rowCount ?? 0;
      }
      return ended;
    }),

    recordSuccess: (feedId, p) => guarded(async () => {
      await pool.query(`UPDATE feed_state SET etag = $2, last_modified = $3, body_hash = $4, last_attempt_at = $5, last_success_at = $5, last_status = $6,
          consecutive_failures = 0, last_error_kind = NULL, last_error = NULL, next_poll_at = ${DB_NOW_MS} + $7,
          stories_total = stories_total + $8, lease_owner = NULL, lease_expires_at = NULL
        WHERE feed_id = $1`, [feedId, p.validators.etag, p.validators.lastModified, p.validators.bodyHash, p.at, p.status, Math.max(0, p.nextPollAt - p.at), p.newStories]);
    }),

    recordFailure: (feedId, p) => guarded(async () => {
      await pool.query(`UPDATE feed_state SET last_attempt_at = $2, last_status = $3, consecutive_failures = consecutive_failures + 1,
          last_error_kind = $4, last_error = $5, next_poll_at = ${DB_NOW_MS} + $6, lease_owner = NULL, lease_expires_at = NULL
        WHERE feed_id = $1`, [feedId, p.at, p.status, p.kind, p.message, Math.max(0, p.nextPollAt - p.at)]);
    }),

    existingIds: (ids) => guarded(async () => {
      if (ids.length === 0) return new Set<string>();
      const r = await pool.query<{ id: string }>('SELECT id FROM stories WHERE id = ANY($1::text[])', [ids]);
      return new Set(r.rows.map((row) => row.id));
    }),

    storeStories: (items, now) => guarded(() => transaction(async (client): Promise<StoredBatch> => {
      const count = batchCounter();
      if (items.length === 0) return count.result();
      const outcomes = await insertStories(client, items);
      const subscriptions = routing ? await instantSubscriptions(client) : [];
      // Every story is routed (a story another feed stored under its URL too: this feed may
      // reach subscriptions the first did not); then the alerts are queued at once.
      const decisions = items.map(({ story, classification }, i) => {
        const outcome = outcomes[i];
        if (!outcome || !routing || (!outcome.inserted && outcome.reason !== 'same-url')) return { outcome, alerts: [], why: null };
        const routed = routing.route(subscriptions, outcome.rowid, story, classification, now);
        return { outcome, alerts: routed.alerts.map((a) => ({ ...a, rowid: outcome.rowid })), why: routed.why };
      });
      const written = await queueAlerts(client, decisions.flatMap((d) => d.alerts), now);
      if (routing?.routeEvents) {
        // After the instant alerts: the event lock (taken by the first assignment) is held to the commit.
        const events = pgEventTx(client, { onUnreadable: routing.onUnreadable?.bind(routing) });
        for (const [i, { story, classification }] of items.entries()) {
          const outcome = decisions[i]?.outcome;
          if (!outcome || (!outcome.inserted && outcome.reason !== 'same-url')) continue;
          const n = await routing.routeEvents(events, outcome.rowid, story, classification, now);
          if (n > 0) written.set(outcome.rowid, (written.get(outcome.rowid) ?? 0) + n);
        }
      }
      // A story routed twice in one batch (two of its links) counts its alerts once.
      const counted = new Set<number>();
      items.forEach(({ classification }, i) => {
        const { outcome, why } = decisions[i] ?? { outcome: undefined, why: null };
        if (!outcome) return;
        const n = counted.has(outcome.rowid) ? 0 : (written.get(outcome.rowid) ?? 0);
        counted.add(outcome.rowid);
        if (outcome.inserted) count.inserted(classification, n, n === 0 ? why : null);
        else count.sameUrl(n);
      });
      return count.result();
    })),

    startCycle: (at) => guarded(async () => {
      const r = await pool.query<{ id: number }>('INSERT INTO poll_cycles (started_at) VALUES ($1) RETURNING id', [at]);
      const id = r.rows[0]?.id;
      if (id === undefined) throw new Error('poll_cycles: the new cycle was not returned');
      return id;
    }),

    finishCycle: (id, p) => guarded(async () => {
      await pool.query(`UPDATE poll_cycles SET finished_at = $2, feeds_polled = $3, feeds_ok = $4, feeds_not_modified = $5, feeds_failed = $6, new_stories = $7
        WHERE id = $1`, [id, p.at, p.polled, p.ok, p.notModified, p.failed, p.newStories]);
    }),

    // The tsvector column is written with each story: nothing is queued.
    indexForSearch: () => Promise.resolve(0),
    releaseMemory: () => undefined,
  };
}
