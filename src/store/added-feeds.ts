import { FEED_KINDS, type FeedConfig, type FeedKind } from '../core/types.js';
import type { Db } from './db.js';

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
}

interface AddedFeedRow {
  id: string;
  url: string;
  name: string;
  language: string;
  kind: string;
  added_by: string;
  guild_id: string | null;
  added_at: number;
}

function isFeedKind(value: string): value is FeedKind {
  return (FEED_KINDS as readonly string[]).includes(value);
}

function toAddedFeed(row: AddedFeedRow): AddedFeed {
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
  };
}

/** The feed as the poller sees it: enabled, on the global interval, no topic hint. */
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
  });
}

/**
 * Every feed that is polled: the operator's feeds.json first, then those added from Discord.
 * An added feed whose id feeds.json has since taken is left out: the operator's entry wins.
 */
export function polledFeeds(configured: readonly FeedConfig[], added: readonly AddedFeed[]): FeedConfig[] {
  const configuredIds = new Set(configured.map((f) => f.id));
  return [...configured, ...added.filter((f) => !configuredIds.has(f.id)).map(addedFeedConfig)];
}

/** Feeds added from Discord. All SQL about them lives here. */
export function createAddedFeedStore(db: Db) {
  const insert = db.prepare(`INSERT INTO added_feeds (id, url, name, language, kind, added_by, guild_id, added_at)
    VALUES (@id, @url, @name, @language, @kind, @addedBy, @guildId, @addedAt)`);
  const selectAll = db.prepare<[], AddedFeedRow>('SELECT * FROM added_feeds ORDER BY added_at, id');
  const selectOne = db.prepare<[string], AddedFeedRow>('SELECT * FROM added_feeds WHERE id = ?');
  const selectByUrl = db.prepare<[string], AddedFeedRow>('SELECT * FROM added_feeds WHERE url = ?');
  const remove = db.prepare<[string]>('DELETE FROM added_feeds WHERE id = ?');
  const removeState = db.prepare<[string]>('DELETE FROM feed_state WHERE feed_id = ?');

  return {
    /** Stores a feed; the caller has checked that its id and URL are free (feeds.json included). */
    add(feed: AddedFeed): AddedFeed {
      insert.run({ ...feed });
      return feed;
    },
    get(id: string): AddedFeed | undefined {
      const row = selectOne.get(id);
      return row ? toAddedFeed(row) : undefined;
    },
    getByUrl(url: string): AddedFeed | undefined {
      const row = selectByUrl.get(url);
      return row ? toAddedFeed(row) : undefined;
    },
    list(): AddedFeed[] {
      return selectAll.all().map(toAddedFeed);
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
