/**
 * Append-only list of schema migrations. The schema version is the number of entries applied
 * (kept in `PRAGMA user_version`). Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '001-stories-feeds',
    sql: `
      CREATE TABLE stories (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        feed_id TEXT NOT NULL,
        guid TEXT,
        url TEXT,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        author TEXT,
        published_at INTEGER NOT NULL,
        published_estimated INTEGER NOT NULL DEFAULT 0,
        first_seen_at INTEGER NOT NULL,
        language TEXT NOT NULL,
        categories TEXT NOT NULL DEFAULT '[]',
        -- JSON array of matched topic ids, denormalised for fast filtering
        matched_topics TEXT NOT NULL DEFAULT '[]',
        max_score REAL NOT NULL DEFAULT 0
      );
      -- The same canonical URL from two feeds is one story.
      CREATE UNIQUE INDEX stories_url ON stories(url) WHERE url IS NOT NULL;
      CREATE INDEX stories_published ON stories(published_at);
      CREATE INDEX stories_feed ON stories(feed_id, first_seen_at);

      -- Every feed that carried a story (the first one is stories.feed_id).
      CREATE TABLE story_sources (
        story_rowid INTEGER NOT NULL REFERENCES stories(rowid) ON DELETE CASCADE,
        feed_id TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (story_rowid, feed_id)
      ) WITHOUT ROWID;

      CREATE TABLE story_verdicts (
        story_rowid INTEGER NOT NULL REFERENCES stories(rowid) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        matched INTEGER NOT NULL,
        score REAL NOT NULL,
        keyword_score REAL NOT NULL,
        model_probability REAL,
        reasons TEXT NOT NULL,
        PRIMARY KEY (story_rowid, topic)
      ) WITHOUT ROWID;
      CREATE INDEX story_verdicts_topic ON story_verdicts(topic, matched, story_rowid);

      CREATE VIRTUAL TABLE stories_fts USING fts5(
        title, summary,
        content='stories', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER stories_ai AFTER INSERT ON stories BEGIN
        INSERT INTO stories_fts(rowid, title, summary) VALUES (new.rowid, new.title, new.summary);
      END;
      CREATE TRIGGER stories_ad AFTER DELETE ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, summary) VALUES ('delete', old.rowid, old.title, old.summary);
      END;
      CREATE TRIGGER stories_au AFTER UPDATE OF title, summary ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, summary) VALUES ('delete', old.rowid, old.title, old.summary);
        INSERT INTO stories_fts(rowid, title, summary) VALUES (new.rowid, new.title, new.summary);
      END;

      -- Poll state per feed: validators for conditional GET, failures and backoff.
      CREATE TABLE feed_state (
        feed_id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        last_attempt_at INTEGER,
        last_success_at INTEGER,
        last_status INTEGER,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        last_error_kind TEXT,
        last_error TEXT,
        next_poll_at INTEGER NOT NULL DEFAULT 0,
        stories_total INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE poll_cycles (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        feeds_polled INTEGER NOT NULL DEFAULT 0,
        feeds_ok INTEGER NOT NULL DEFAULT 0,
        feeds_not_modified INTEGER NOT NULL DEFAULT 0,
        feeds_failed INTEGER NOT NULL DEFAULT 0,
        new_stories INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
];
