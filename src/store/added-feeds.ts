import { FEED_KINDS, TOPIC_ID, type FeedConfig, type FeedKind } from '../core/types.js';
import type { Db } from './db.js';
import { createUnreadableReporter, problemText, type UnreadableListener, type UnreadableRow } from './unreadable-rows.js';

/** A feed added from Discord (`/feeds add`), polled beside the operator's feeds.json. */
export interface AddedFeed {
  readonly id: string;
  readonly url: string;
  readonly name: string;
  readonly language: string;
  readonly kind: FeedKind;
  /** Discord user id of whoever added it. */
  readonly addedBy: string;
  /** Server it was added from; null when added outside a server. */
  readonly guildId: string | null;
  readonly addedAt: number;
  /**
   * The topic whose home news the feed carries (`/feeds add home:`), as feeds.json's `"home"`;
   * undefined for none. Checked against the rules when added; a topic the rules have since lost
   * lifts nothing (see {@link strayHomes}).
   */
  readonly home?: string | undefined;
}

/** As SQLite hands a row back: its column types are declared, not enforced. */
interface AddedFeedRow {
  id: unknown;
  url: unknown;
  name: unknown;
  language: unknown;
  kind: unknown;
  added_by: unknown;
  guild_id: unknown;
  added_at: unknown;
  /** Absent in a row read before migration 013 reached the engine; NULL for no home. */
  home?: unknown;
}

const FEED_ID = /^[a-z0-9_-]{1,64}$/u;
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/u;

function isFeedKind(value: string): value is FeedKind {
  return (FEED_KINDS as readonly string[]).includes(value);
}

/** The feed, or what in the row cannot be read. */
function readAddedFeed(row: AddedFeedRow): AddedFeed | string {
  if (typeof row.id !== 'string' || !FEED_ID.test(row.id)) return `id ${JSON.stringify(row.id)} is not a feed id (1-64 of a-z 0-9 - _)`;
  if (typeof row.url !== 'string') return 'url is not text';
  let url: URL;
  try {
    url = new URL(row.url);
  } catch (error) {
    return `url is not a URL (${problemText(error)})`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `url is not http(s) (${url.protocol})`;
  if (typeof row.name !== 'string' || row.name.trim() === '') return 'name is empty or not text';
  if (typeof row.language !== 'string' || !LANGUAGE_TAG.test(row.language)) return `language ${JSON.stringify(row.language)} is not a language tag such as en or ko`;
  if (typeof row.kind !== 'string') return 'kind is not text';
  if (typeof row.added_by !== 'string') return 'added_by is not text';
  if (row.guild_id !== null && typeof row.guild_id !== 'string') return 'guild_id is not text';
  if (typeof row.added_at !== 'number' || !Number.isFinite(row.added_at)) return 'added_at is not a time';
  const home = row.home ?? null;
  if (home !== null && (typeof home !== 'string' || !TOPIC_ID.test(home))) return `home ${JSON.stringify(home)} is not a topic id`;
  return {
    id: row.id,
    url: row.url,
    name: row.name,
    language: row.language,
    // A kind written by an older build that no longer exists still polls; it shows as an outlet.
    kind: isFeedKind(row.kind) ? row.kind : 'outlet',
    addedBy: row.added_by,
    guildId: row.guild_id,
    addedAt: row.added_at,
    ...(home === null ? {} : { home }),
  };
}

function unreadableFeed(row: AddedFeedRow, reason: string): UnreadableRow {
  const id = typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : '?';
  return {
    table: 'added_feeds',
    id,
    guildId: typeof row.guild_id === 'string' ? row.guild_id : null,
    reason,
    fix: `remove it with \`/feeds remove id:${id}\` in the server that added it (or delete the row: DELETE FROM added_feeds WHERE id = '${id.replaceAll("'", "''")}'), then add the feed again`,
  };
}

/**
 * What `/feeds edit` changes on an added feed: each field given is set, each left out is kept.
 * `home: null` clears the home.
 */
export interface AddedFeedChange {
  readonly name?: string;
  readonly language?: string;
  readonly kind?: FeedKind;
  readonly home?: string | null;
}

/** An edit's outcome: the feed as it was and as it now is. */
export interface FeedEdit {
  readonly before: AddedFeed;
  readonly after: AddedFeed;
}

/**
 * The statement parameters of a change, the same on both engines: a value per column, and for
 * the home (which may be cleared) a flag saying whether to set it.
 */
export function changeParameters(change: AddedFeedChange): { name: string | null; language: string | null; kind: string | null; setHome: 0 | 1; home: string | null } {
  return {
    name: change.name ?? null,
    language: change.language ?? null,
    kind: change.kind ?? null,
    setHome: change.home === undefined ? 0 : 1,
    home: change.home ?? null,
  };
}

/** An added-feed row read by another engine (PostgreSQL: the same columns): the feed, or what cannot be read. */
export function addedFeedFromRow(row: Readonly<Record<string, unknown>>): AddedFeed | string {
  return readAddedFeed(row as unknown as AddedFeedRow);
}

/** The feed as the poller sees it: enabled, on the global interval, no topic hint, its home if it has one. */
export function addedFeedConfig(feed: AddedFeed): FeedConfig {
  return Object.freeze({
    id: feed.id,
    url: feed.url,
    name: feed.name,
    language: feed.language,
    kind: feed.kind,
    intervalMinutes: undefined,
    enabled: true,
    topics: [],
    guildId: feed.guildId,
    ...(feed.home === undefined ? {} : { home: feed.home }),
  });
}

/**
 * Added feeds whose home is no topic of the rules (the topic was removed from rules/ after the
 * feed was added): their stories are classified as every other feed's are, without the home
 * lift. The operator is told once at start; `/feeds list` shows it to the server.
 */
export function strayHomes(added: readonly Pick<AddedFeed, 'id' | 'home' | 'guildId'>[], topicIds: readonly string[]): StrayHome[] {
  return added.flatMap((f) => {
    if (f.home === undefined || topicIds.includes(f.home)) return [];
    const message = `added feed ${f.id} has home "${f.home}", which is no topic of the rules (${topicIds.join(', ') || 'none'}): its stories are read without the home lift; fix: /feeds edit id:${f.id} home: one of those topics (or none) in its server, or restore the topic in rules/`;
    return [{ id: f.id, home: f.home, guildId: f.guildId, message }];
  });
}

/** An added feed whose home the rules lack: which, and the message that says so with the fix. */
export interface StrayHome {
  readonly id: string;
  readonly home: string;
  readonly guildId: string | null;
  readonly message: string;
}

/**
 * Every feed that is polled: the operator's feeds.json first, then those added from Discord.
 * An added feed whose id feeds.json has since taken is left out: the operator's entry wins.
 */
export function polledFeeds(configured: readonly FeedConfig[], added: readonly AddedFeed[]): FeedConfig[] {
  const configuredIds = new Set(configured.map((f) => f.id));
  return [...configured, ...added.filter((f) => !configuredIds.has(f.id)).map(addedFeedConfig)];
}

/** An added-feed row read by another engine that cannot be read: what and the fix; null when it reads. */
export function unreadableAddedFeedFromRow(row: Readonly<Record<string, unknown>>): UnreadableRow | null {
  const typed = row as unknown as AddedFeedRow;
  const feed = readAddedFeed(typed);
  return typeof feed === 'string' ? unreadableFeed(typed, feed) : null;
}

/** Feeds added from Discord. All SQL about them lives here. */
export function createAddedFeedStore(db: Db) {
  const insert = db.prepare(`INSERT INTO added_feeds (id, url, name, language, kind, added_by, guild_id, added_at, home)
    VALUES (@id, @url, @name, @language, @kind, @addedBy, @guildId, @addedAt, @home)`);
  const selectAll = db.prepare<[], AddedFeedRow>('SELECT * FROM added_feeds ORDER BY added_at, id');
  const selectOne = db.prepare<[string], AddedFeedRow>('SELECT * FROM added_feeds WHERE id = ?');
  const selectByUrl = db.prepare<[string], AddedFeedRow>('SELECT * FROM added_feeds WHERE url = ?');
  // Only the server that added the feed may change it; a feed removed meanwhile is not found.
  const update = db.prepare<[ReturnType<typeof changeParameters> & { id: string; guildId: string }], AddedFeedRow>(`UPDATE added_feeds SET
      name = coalesce(@name, name), language = coalesce(@language, language), kind = coalesce(@kind, kind),
      home = CASE WHEN @setHome = 1 THEN @home ELSE home END
    WHERE id = @id AND guild_id = @guildId RETURNING *`);
  const remove = db.prepare<[string]>('DELETE FROM added_feeds WHERE id = ?');
  const removeState = db.prepare<[string]>('DELETE FROM feed_state WHERE feed_id = ?');
  const unreadable = createUnreadableReporter();
  /** Readable rows as feeds; an unreadable one is reported (once) and left out. */
  const read = (row: AddedFeedRow): AddedFeed | undefined => {
    const feed = readAddedFeed(row);
    if (typeof feed !== 'string') return feed;
    unreadable.report(unreadableFeed(row, feed));
    return undefined;
  };

  return {
    /** Stores a feed; the caller has checked that its id and URL are free (feeds.json included). */
    add(feed: AddedFeed): AddedFeed {
      insert.run({ ...feed, home: feed.home ?? null });
      return feed;
    },
    /** The feed; undefined when there is none or its row cannot be read (see {@link unreadable}). */
    get(id: string): AddedFeed | undefined {
      const row = selectOne.get(id);
      return row ? read(row) : undefined;
    },
    getByUrl(url: string): AddedFeed | undefined {
      const row = selectByUrl.get(url);
      return row ? read(row) : undefined;
    },
    /** Every readable feed; rows that cannot be read are skipped (not polled) and reported once. */
    list(): AddedFeed[] {
      return selectAll.all().flatMap((row) => read(row) ?? []);
    },
    /** Rows that cannot be read, with the reason and the fix; each is reported too. */
    unreadable(): UnreadableRow[] {
      return selectAll.all().flatMap((row) => {
        const feed = readAddedFeed(row);
        if (typeof feed !== 'string') return [];
        const found = unreadableFeed(row, feed);
        unreadable.report(found);
        return [found];
      });
    },
    /** Calls `listener` once for every unreadable row met (also those met before). */
    onUnreadable(listener: UnreadableListener): void {
      unreadable.listen(listener);
    },
    /**
     * Changes a feed added from `guildId` (see {@link AddedFeedChange}): the feed as it was and as
     * it now is, both read in the one write transaction (another process's edit lands wholly
     * before or after), or undefined when that server has no such readable feed.
     */
    edit(id: string, guildId: string, change: AddedFeedChange): FeedEdit | undefined {
      return db.transaction((): FeedEdit | undefined => {
        const row = selectOne.get(id);
        const before = row && row.guild_id === guildId ? read(row) : undefined;
        if (!before) return undefined;
        const updated = update.get({ ...changeParameters(change), id, guildId });
        const after = updated ? read(updated) : undefined;
        return after ? { before, after } : undefined;
      }).immediate();
    },
    /**
     * Removes a feed and its poll state (stored stories stay: they were news when seen).
     * False when there was no such feed.
     */
    remove(id: string): boolean {
      return db.transaction(() => {
        const removed = remove.run(id).changes > 0;
        if (removed) removeState.run(id);
        return removed;
      })();
    },
  };
}

export type AddedFeedStore = ReturnType<typeof createAddedFeedStore>;
