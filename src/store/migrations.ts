/**
 * Append-only list of schema migrations. The schema version is the number of entries applied
 * (kept in `PRAGMA user_version`). Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  readonly name: string;
  readonly sql: string;
  /**
   * 'off': run with foreign-key enforcement off, as SQLite's documented procedure for rebuilding a
   * table that others reference requires (dropping the old table would otherwise cascade into
   * them). The runner checks every reference before committing.
   */
  readonly foreignKeys?: 'off';
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
  {
    name: '002-subscriptions-outbox',
    sql: `
      -- Who wants which stories, where and how. guild_id is null for subscriptions made from
      -- the CLI (console, webhook, or a channel named by id).
      CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        guild_id TEXT,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('channel', 'webhook', 'console')),
        channel_id TEXT,
        -- A secret: never logged; listings show only the webhook id.
        webhook_url TEXT,
        topics TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('instant', 'digest')),
        schedule TEXT,
        timezone TEXT NOT NULL DEFAULT 'UTC',
        min_score REAL NOT NULL DEFAULT 0,
        mention_role_id TEXT,
        max_age_ms INTEGER NOT NULL DEFAULT 86400000,
        post_empty INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        last_digest_at INTEGER,
        CHECK ((target_kind = 'channel') = (channel_id IS NOT NULL)),
        CHECK ((target_kind = 'webhook') = (webhook_url IS NOT NULL)),
        CHECK ((mode = 'digest') = (schedule IS NOT NULL))
      );
      CREATE INDEX subscriptions_guild ON subscriptions(guild_id);

      -- Messages to send. Rows are written in the transaction that stores the story (alerts)
      -- or advances last_digest_at (digests), so nothing is routed twice or lost in between.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'digest')),
        story_rowid INTEGER REFERENCES stories(rowid) ON DELETE SET NULL,
        -- Digests: the end of the covered window, and this message's place among the parts.
        digest_until INTEGER,
        part INTEGER NOT NULL DEFAULT 1,
        total INTEGER NOT NULL DEFAULT 1,
        payload TEXT NOT NULL,
        -- Discord message nonce (at most 25 characters), derived from id and created_at.
        nonce TEXT UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        last_error TEXT,
        message_id TEXT,
        created_at INTEGER NOT NULL,
        sent_at INTEGER
      );
      -- A story is alerted at most once per subscription.
      CREATE UNIQUE INDEX outbox_alert_once ON outbox(subscription_id, story_rowid) WHERE kind = 'alert';
      -- A digest window is composed at most once per subscription.
      CREATE UNIQUE INDEX outbox_digest_once ON outbox(subscription_id, digest_until, part) WHERE kind = 'digest';
      CREATE INDEX outbox_pending ON outbox(status, next_attempt_at, id);
    `,
  },
  {
    name: '003-added-feeds',
    sql: `
      -- Feeds added from Discord with /feeds add. feeds.json stays the operator's file; these
      -- are polled beside it. Ids never collide with feeds.json ids (checked when adding).
      CREATE TABLE added_feeds (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        kind TEXT NOT NULL,
        added_by TEXT NOT NULL,
        guild_id TEXT,
        added_at INTEGER NOT NULL
      );
    `,
  },
  {
    // Digest windows and search windows filter on first-seen time.
    name: '004-stories-first-seen-index',
    sql: `CREATE INDEX stories_first_seen ON stories(first_seen_at);`,
  },
  {
    // Verdicts are now stored only when they have evidence (see hasEvidence in stories.ts).
    // Earlier releases stored one row per topic for every story: most said nothing. Their
    // pages are reused by new rows, so the file stops growing for a while.
    name: '005-drop-verdicts-without-evidence',
    sql: `
      DELETE FROM story_verdicts
      WHERE matched = 0 AND score = 0 AND keyword_score = 0 AND model_probability IS NULL
        AND coalesce(json_array_length(reasons, '$.reasons'), 0) = 0;
    `,
  },
  {
    // Claims and leases, so that several processes on one database (\`run\` beside \`once\`, two
    // \`run\`s, later many pollers and deliverers) never post a message twice or poll a feed twice
    // at once: see docs/adr/0011-claims-and-leases.md. The outbox is rebuilt because its status
    // CHECK gains 'uncertain' (a webhook message that may have been posted: never resent blindly).
    name: '006-claims-and-leases',
    sql: `
      CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'digest')),
        story_rowid INTEGER REFERENCES stories(rowid) ON DELETE SET NULL,
        digest_until INTEGER,
        part INTEGER NOT NULL DEFAULT 1,
        total INTEGER NOT NULL DEFAULT 1,
        payload TEXT NOT NULL,
        nonce TEXT UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'uncertain')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        last_error TEXT,
        message_id TEXT,
        created_at INTEGER NOT NULL,
        sent_at INTEGER,
        -- The process holding the row (one claim, with an expiry), and when its send began:
        -- a send that began and has no outcome may have reached Discord.
        claimed_by TEXT,
        claim_expires_at INTEGER,
        send_started_at INTEGER
      );
      INSERT INTO outbox_new (id, subscription_id, kind, story_rowid, digest_until, part, total, payload, nonce, status,
        attempts, next_attempt_at, last_attempt_at, last_error, message_id, created_at, sent_at)
      SELECT id, subscription_id, kind, story_rowid, digest_until, part, total, payload, nonce, status,
        attempts, next_attempt_at, last_attempt_at, last_error, message_id, created_at, sent_at FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_new RENAME TO outbox;
      CREATE UNIQUE INDEX outbox_alert_once ON outbox(subscription_id, story_rowid) WHERE kind = 'alert';
      CREATE UNIQUE INDEX outbox_digest_once ON outbox(subscription_id, digest_until, part) WHERE kind = 'digest';
      CREATE INDEX outbox_pending ON outbox(status, next_attempt_at, id);

      -- A feed is polled by one process at a time: the lease holder and its expiry.
      ALTER TABLE feed_state ADD COLUMN lease_owner TEXT;
      ALTER TABLE feed_state ADD COLUMN lease_expires_at INTEGER;
    `,
  },
  {
    // Room for new delivery shapes without a table rebuild each time: subscriptions gain the
    // \`event\` mode (one living alert per event), and the outbox's kind is checked by the code
    // that reads it (an unknown kind is a poison row, reported once) instead of a CHECK, so that
    // new kinds of message (edits, notices) are additive columns and values. Both tables are
    // rebuilt because SQLite cannot alter a CHECK; foreign keys are off for the rebuild so that
    // dropping the old subscriptions table does not cascade into the outbox.
    name: '007-delivery-modes-and-kinds',
    foreignKeys: 'off',
    sql: `
      CREATE TABLE subscriptions_new (
        id INTEGER PRIMARY KEY,
        guild_id TEXT,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('channel', 'webhook', 'console')),
        channel_id TEXT,
        -- A secret: never logged; listings show only the webhook id.
        webhook_url TEXT,
        topics TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('instant', 'event', 'digest')),
        schedule TEXT,
        timezone TEXT NOT NULL DEFAULT 'UTC',
        min_score REAL NOT NULL DEFAULT 0,
        mention_role_id TEXT,
        max_age_ms INTEGER NOT NULL DEFAULT 86400000,
        post_empty INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        last_digest_at INTEGER,
        CHECK ((target_kind = 'channel') = (channel_id IS NOT NULL)),
        CHECK ((target_kind = 'webhook') = (webhook_url IS NOT NULL)),
        CHECK ((mode = 'digest') = (schedule IS NOT NULL))
      );
      INSERT INTO subscriptions_new (id, guild_id, target_kind, channel_id, webhook_url, topics, mode, schedule, timezone,
        min_score, mention_role_id, max_age_ms, post_empty, created_at, created_by, last_digest_at)
      SELECT id, guild_id, target_kind, channel_id, webhook_url, topics, mode, schedule, timezone,
        min_score, mention_role_id, max_age_ms, post_empty, created_at, created_by, last_digest_at FROM subscriptions;
      DROP TABLE subscriptions;
      ALTER TABLE subscriptions_new RENAME TO subscriptions;
      CREATE INDEX subscriptions_guild ON subscriptions(guild_id);

      CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        story_rowid INTEGER REFERENCES stories(rowid) ON DELETE SET NULL,
        digest_until INTEGER,
        part INTEGER NOT NULL DEFAULT 1,
        total INTEGER NOT NULL DEFAULT 1,
        payload TEXT NOT NULL,
        nonce TEXT UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'uncertain')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        last_error TEXT,
        message_id TEXT,
        created_at INTEGER NOT NULL,
        sent_at INTEGER,
        claimed_by TEXT,
        claim_expires_at INTEGER,
        send_started_at INTEGER
      );
      INSERT INTO outbox_new SELECT id, subscription_id, kind, story_rowid, digest_until, part, total, payload, nonce, status,
        attempts, next_attempt_at, last_attempt_at, last_error, message_id, created_at, sent_at,
        claimed_by, claim_expires_at, send_started_at FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_new RENAME TO outbox;
      CREATE UNIQUE INDEX outbox_alert_once ON outbox(subscription_id, story_rowid) WHERE kind = 'alert';
      CREATE UNIQUE INDEX outbox_digest_once ON outbox(subscription_id, digest_until, part) WHERE kind = 'digest';
      CREATE INDEX outbox_pending ON outbox(status, next_attempt_at, id);
    `,
  },
  {
    // Events: one cluster of reports of one happening across outlets and languages (issue 17,
    // docs/adr/0012-living-alerts-and-developing-events.md). New tables and added columns only.
    // An `event` subscription's alert row carries its event; later reports queue `event-edit`
    // rows (the full desired state of the alert, referring to the alert row whose message they
    // edit), and one `developing` notice per event per subscription, ever.
    name: '008-events',
    sql: `
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        -- The first report's headline: the event's signature is derived from it.
        title TEXT NOT NULL,
        -- The first report's publication time; the event lives (takes reports, its alert is
        -- edited) for the event window after it.
        started_at INTEGER NOT NULL,
        last_report_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX events_started ON events(started_at);
      CREATE TABLE event_reports (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        story_rowid INTEGER NOT NULL REFERENCES stories(rowid) ON DELETE CASCADE,
        feed_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (story_rowid, feed_id)
      );
      CREATE INDEX event_reports_event ON event_reports(event_id, at);
      ALTER TABLE outbox ADD COLUMN event_id INTEGER REFERENCES events(id) ON DELETE SET NULL;
      ALTER TABLE outbox ADD COLUMN ref_outbox_id INTEGER;
      CREATE UNIQUE INDEX outbox_event_alert_once ON outbox(subscription_id, event_id) WHERE kind = 'alert' AND event_id IS NOT NULL;
      CREATE UNIQUE INDEX outbox_developing_once ON outbox(subscription_id, event_id) WHERE kind = 'developing';
      CREATE UNIQUE INDEX outbox_event_report_once ON outbox(subscription_id, story_rowid) WHERE kind = 'event-report';
      CREATE INDEX outbox_event ON outbox(event_id, kind) WHERE event_id IS NOT NULL;
      ALTER TABLE subscriptions ADD COLUMN developing_sources INTEGER;
      ALTER TABLE subscriptions ADD COLUMN developing_window_ms INTEGER;
    `,
  },
  {
    // Topic surges (issue 17): one row per topic and hour that surged (UNIQUE: two processes
    // checking at once record it once), each subscription's surge settings (no row: the default
    // of its mode), and the surge a `surge` outbox row announces (one notice per subscription).
    name: '009-surges',
    sql: `
      CREATE TABLE surges (
        id INTEGER PRIMARY KEY,
        topic TEXT NOT NULL,
        hour_start INTEGER NOT NULL,
        count INTEGER NOT NULL,
        baseline_median REAL NOT NULL,
        baseline_mad REAL NOT NULL,
        z REAL NOT NULL,
        baseline_days INTEGER NOT NULL,
        -- JSON list of the rowids of the stories behind it, newest first.
        story_rowids TEXT NOT NULL,
        detected_at INTEGER NOT NULL,
        UNIQUE (topic, hour_start)
      );
      CREATE INDEX surges_detected ON surges(detected_at);

      CREATE TABLE subscription_trends (
        subscription_id INTEGER PRIMARY KEY REFERENCES subscriptions(id) ON DELETE CASCADE,
        -- 1 on, 0 off, NULL: the default of the mode (on for instant and event, off for digest).
        surges INTEGER,
        -- 'HH-HH' in the subscription's time zone, or NULL.
        quiet_hours TEXT
      );

      ALTER TABLE outbox ADD COLUMN surge_id INTEGER REFERENCES surges(id) ON DELETE SET NULL;
      CREATE UNIQUE INDEX outbox_surge_once ON outbox(subscription_id, surge_id) WHERE kind = 'surge';

      -- A file sent with an outbox message (the digest's small chart, DIGEST_CHART): kept beside
      -- the row so the row itself stays small, and deleted with it.
      CREATE TABLE outbox_files (
        outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        png BLOB NOT NULL
      );
    `,
  },
  {
    // Ratings of alerts and digest entries by the members of a server (👍/👎, Relevant / Not
    // relevant, `watchfloor feedback add`): one per member, story and topic, replaced by a new
    // rating and deleted when taken back. The verdict the classifier gave then is kept beside it.
    name: '010-feedback',
    sql: `
      CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        guild_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        story_rowid INTEGER NOT NULL REFERENCES stories(rowid) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
        matched_then INTEGER NOT NULL,
        score_then REAL NOT NULL,
        source TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (guild_id, member_id, story_rowid, topic)
      );
      CREATE INDEX feedback_guild_topic ON feedback(guild_id, topic);
      CREATE INDEX feedback_member_time ON feedback(guild_id, member_id, created_at);
      -- A reaction names a message: find the alert it is (an index only, no change to the outbox).
      CREATE INDEX outbox_message_id ON outbox(message_id) WHERE message_id IS NOT NULL;
    `,
  },
  {
    // Which `watchfloor run` processes are alive, and in which role (run --role): one row per
    // process, beaten on an interval and deleted on a clean shutdown. A new table only.
    name: '011-process-heartbeats',
    sql: `
      CREATE TABLE process_heartbeats (
        owner TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        interval_ms INTEGER NOT NULL
      );
    `,
  },
  {
    // The full-text index is written in batches, not one story at a time (ADR 8, "Deferred
    // indexing"). An insert only queues its rowid; stories.indexPending() indexes the queue in one
    // statement, before every search and after a batch or a cycle. FTS5 writes a segment per
    // transaction and merges them as they pile up, so a story indexed in a transaction of its own
    // feed cost ~5x what it costs in a batch. A queued story that is deleted or edited before it
    // is indexed leaves the queue (deleted) or is indexed as it is then (edited). The queue is a
    // table: a process stopped mid-cycle leaves it to the next one, and any process indexes it.
    name: '012-deferred-full-text-index',
    sql: `
      CREATE TABLE stories_fts_pending (story_rowid INTEGER PRIMARY KEY);
      DROP TRIGGER stories_ai;
      DROP TRIGGER stories_ad;
      DROP TRIGGER stories_au;
      CREATE TRIGGER stories_ai AFTER INSERT ON stories BEGIN
        INSERT INTO stories_fts_pending (story_rowid) VALUES (new.rowid);
      END;
      CREATE TRIGGER stories_ad AFTER DELETE ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, summary)
          SELECT 'delete', old.rowid, old.title, old.summary
          WHERE NOT EXISTS (SELECT 1 FROM stories_fts_pending WHERE story_rowid = old.rowid);
        DELETE FROM stories_fts_pending WHERE story_rowid = old.rowid;
      END;
      CREATE TRIGGER stories_au AFTER UPDATE OF title, summary ON stories
        WHEN NOT EXISTS (SELECT 1 FROM stories_fts_pending WHERE story_rowid = new.rowid)
      BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, summary) VALUES ('delete', old.rowid, old.title, old.summary);
        INSERT INTO stories_fts(rowid, title, summary) VALUES (new.rowid, new.title, new.summary);
      END;
    `,
  },
  {
    // A feed added from Discord may be one country's home news, as a feeds.json entry may
    // (`"home"`, src/core/classify/home-feed.ts): `/feeds add home:` stores the topic id here.
    // NULL for every feed added before (no home). A new nullable column only.
    name: '013-added-feed-home',
    sql: `ALTER TABLE added_feeds ADD COLUMN home TEXT;`,
  },
];
