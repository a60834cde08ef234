import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Classification, Story } from '../../src/core/types.js';
import { openDatabase, schemaVersion, StoreError, WAL_AUTOCHECKPOINT_PAGES } from '../../src/store/db.js';
import { createStore, CYCLE_PAGE_CACHE_KIB, type Store } from '../../src/store/index.js';
import { createSqlitePollStore } from '../../src/store/poll-store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { FTS_BATCH, RANK_CANDIDATES_MAX } from '../../src/store/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();

function story(overrides: Partial<Story> = {}): Story {
  return {
    id: 'id-1',
    feedId: 'feed-a',
    guid: 'guid-1',
    url: 'https://news.example/a/1',
    title: 'Kim Jong Un visits Nampo shipyard',
    summary: 'The North Korean leader inspected a destroyer.',
    author: null,
    publishedAt: Date.UTC(2026, 10, 20, 6),
    publishedEstimated: false,
    firstSeenAt: Date.UTC(2026, 10, 20, 7),
    language: 'en',
    categories: [],
    ...overrides,
  };
}

const northKorea: Classification = {
  matched: ['north-korea'],
  verdicts: [
    { topic: 'north-korea', matched: true, score: 7.5, threshold: 3, keywordScore: 6, modelProbability: 0.97, reasons: [{ kind: 'pattern', pattern: 'Kim Jong Un', matched: 'Kim Jong Un', field: 'title', weight: 6 }] },
    { topic: 'ukraine', matched: false, score: 0, threshold: 3, keywordScore: 0, modelProbability: null, reasons: [] },
  ],
};

describe('story store', () => {
  it('GIVEN a new database THEN every migration is applied and the version equals their number', () => {
    const db = openDatabase(join(tempDir(), 'w.db'));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
    db.close();
  });

  it('GIVEN a database from before verdicts needed evidence WHEN opened THEN the empty verdict rows are gone and the others kept', () => {
    const path = join(tempDir(), 'w.db');
    const old = openDatabase(path, MIGRATIONS.slice(0, 4));
    old.exec(`INSERT INTO stories (rowid, id, feed_id, title, summary, published_at, first_seen_at, language) VALUES (1, 'a', 'f', 'T', 'S', 0, 0, 'en')`);
    const add = old.prepare('INSERT INTO story_verdicts VALUES (1, ?, ?, ?, ?, ?, ?)');
    add.run('empty', 0, 0, 0, null, '{"threshold":3,"reasons":[]}');
    add.run('matched', 1, 5, 5, null, '{"threshold":3,"reasons":[{"kind":"pattern"}]}');
    add.run('near-miss', 0, 1.5, 1.5, null, '{"threshold":3,"reasons":[{"kind":"pattern"}]}');
    add.run('model-only', 0, 0, 0, 0.2, '{"threshold":3,"reasons":[]}');
    old.close();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT topic FROM story_verdicts ORDER BY topic').all()).toEqual([{ topic: 'matched' }, { topic: 'model-only' }, { topic: 'near-miss' }]);
    db.close();
  });

  it('GIVEN a version-6 database with subscriptions and outbox rows WHEN migrated THEN every row is kept, references hold and the event mode and new kinds are accepted', () => {
    const path = join(tempDir(), 'w.db');
    const old = openDatabase(path, MIGRATIONS.slice(0, 6));
    old.exec(`INSERT INTO subscriptions (id, target_kind, topics, mode, created_at, created_by) VALUES (7, 'console', '["ukraine"]', 'instant', 1, 'cli')`);
    old.exec(`INSERT INTO outbox (id, subscription_id, kind, payload, next_attempt_at, created_at, claimed_by) VALUES (3, 7, 'alert', '{}', 5, 1, 'host:1:abc')`);
    expect(() => old.exec(`INSERT INTO subscriptions (target_kind, topics, mode, created_at, created_by) VALUES ('console', '["ukraine"]', 'event', 1, 'cli')`)).toThrow(/CHECK/);
    old.close();

    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT id, mode FROM subscriptions').all()).toEqual([{ id: 7, mode: 'instant' }]);
    expect(db.prepare('SELECT id, subscription_id, claimed_by FROM outbox').all()).toEqual([{ id: 3, subscription_id: 7, claimed_by: 'host:1:abc' }]);
    db.exec(`INSERT INTO subscriptions (id, target_kind, topics, mode, created_at, created_by) VALUES (8, 'console', '["ukraine"]', 'event', 1, 'cli')`);
    db.exec(`INSERT INTO outbox (subscription_id, kind, payload, next_attempt_at, created_at) VALUES (8, 'surge', '{}', 5, 1)`);
    // The outbox still follows its subscription, and still refuses an unknown one.
    db.exec('DELETE FROM subscriptions WHERE id = 7');
    expect(db.prepare('SELECT count(*) AS n FROM outbox WHERE subscription_id = 7').get()).toEqual({ n: 0 });
    expect(() => db.exec(`INSERT INTO outbox (subscription_id, kind, payload, next_attempt_at, created_at) VALUES (99, 'alert', '{}', 5, 1)`)).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('GIVEN a database written by a newer release THEN opening it fails with a message that says what to do', () => {
    const path = join(tempDir(), 'w.db');
    const db = openDatabase(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(StoreError);
    expect(() => openDatabase(path)).toThrow(/newer release: upgrade Watchfloor/);
  });

  it('GIVEN the same story twice, and again after a restart THEN it is stored once', () => {
    const path = join(tempDir(), 'w.db');
    const first = createStore(path);
    expect(first.stories.insert(story(), northKorea).inserted).toBe(true);
    expect(first.stories.insert(story(), northKorea)).toMatchObject({ inserted: false, reason: 'same-id' });
    first.close();

    const second = createStore(path);
    expect(second.stories.insert(story(), northKorea)).toMatchObject({ inserted: false, reason: 'same-id' });
    expect(second.stories.total()).toBe(1);
    second.close();
  });

  it('GIVEN the same canonical URL from two feeds THEN one story is stored and both feeds are its sources', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const a = store.stories.insert(story(), northKorea);
    const b = store.stories.insert(story({ id: 'id-2', feedId: 'feed-b', guid: 'other-guid', firstSeenAt: Date.UTC(2026, 10, 20, 8) }), northKorea);
    expect(b).toMatchObject({ inserted: false, reason: 'same-url', rowid: a.rowid });
    expect(store.stories.total()).toBe(1);
    expect(store.stories.get(a.rowid)?.sources).toEqual(['feed-a', 'feed-b']);
    store.close();
  });

  it('GIVEN stored verdicts THEN they are read back with their reasons and the topic filter uses them', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const { rowid } = store.stories.insert(story(), northKorea);
    store.stories.insert(story({ id: 'id-3', url: 'https://news.example/b', title: 'Oil prices rise' }), { matched: [], verdicts: [] });
    const verdicts = store.stories.verdicts(rowid);
    expect(verdicts.find((v) => v.topic === 'north-korea')).toMatchObject({ matched: true, score: 7.5, threshold: 3, modelProbability: 0.97 });
    // Ukraine had no evidence at all: no row for it.
    expect(verdicts.map((v) => v.topic)).toEqual(['north-korea']);
    expect(verdicts.find((v) => v.topic === 'north-korea')?.reasons[0]).toMatchObject({ kind: 'pattern', pattern: 'Kim Jong Un', field: 'title' });
    expect(store.stories.latest({ topic: 'north-korea', limit: 10 }).map((s) => s.id)).toEqual(['id-1']);
    expect(store.stories.latest({ limit: 10 }).map((s) => s.id)).toEqual(['id-1']);
    expect(store.stories.latest({ limit: 10, matchedOnly: false })).toHaveLength(2);
    store.close();
  });

  it('GIVEN verdicts with and without evidence THEN a near miss or a model score is kept and an empty verdict is not', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const empty = { matched: false, score: 0, threshold: 3, keywordScore: 0, modelProbability: null, reasons: [] };
    const { rowid } = store.stories.insert(story(), {
      matched: [],
      verdicts: [
        { ...empty, topic: 'north-korea', score: 1.5, keywordScore: 1.5, reasons: [{ kind: 'pattern', pattern: 'Pyongyang', matched: 'Pyongyang', field: 'summary', weight: 1.5 }] },
        { ...empty, topic: 'south-korea', modelProbability: 0.12 },
        { ...empty, topic: 'ukraine' },
      ],
    });
    expect(store.stories.verdicts(rowid).map((v) => [v.topic, v.score, v.modelProbability])).toEqual([
      ['north-korea', 1.5, null],
      ['south-korea', 0, 0.12],
    ]);
    expect(store.db.prepare('SELECT count(*) AS n FROM story_verdicts').get()).toEqual({ n: 2 });
    store.close();
  });

  it('GIVEN stored stories THEN full-text search finds words in title and summary, with highlight markers', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.stories.insert(story(), northKorea);
    store.stories.insert(story({ id: 'id-4', url: 'https://news.example/c', title: 'Kyiv metro reopens', summary: 'Stations served as shelters.' }), null);
    const { hits, total } = store.stories.search({ match: '"shipyard"', limit: 5 });
    expect(total).toBe(1);
    expect(hits[0]?.story.id).toBe('id-1');
    expect(hits[0]?.titleSnippet).toContain('\u0001shipyard\u0002');
    expect(store.stories.search({ match: '"shelters"', limit: 5 }).hits.map((h) => h.story.id)).toEqual(['id-4']);
    expect(store.stories.search({ match: '"shelters"', topic: 'north-korea', limit: 5 }).total).toBe(0);
    store.close();
  });

  it('GIVEN a query matching more stories than can be ranked cheaply THEN it lists the newest first and says it did not rank', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.transaction(() => {
      for (let i = 0; i <= RANK_CANDIDATES_MAX; i++) {
        // The best bm25 match (the word three times) is the oldest story.
        const title = i === 0 ? 'drill drill drill' : `Navy drill number ${i}`;
        store.stories.insert(story({ id: `s${i}`, url: `https://news.example/${i}`, title, summary: '', firstSeenAt: 1_000 + i }), null);
      }
      store.stories.insert(story({ id: 'rare-1', url: 'https://news.example/rare-1', title: 'Rare word zugzwang here', summary: '', firstSeenAt: 1 }), null);
      store.stories.insert(story({ id: 'rare-2', url: 'https://news.example/rare-2', title: 'zugzwang zugzwang', summary: '', firstSeenAt: 2 }), null);
    });
    const common = store.stories.search({ match: 'drill', limit: 3 });
    expect(common.ranked).toBe(false);
    expect(common.total).toBe(RANK_CANDIDATES_MAX + 1);
    expect(common.hits.map((h) => h.story.id)).toEqual([`s${RANK_CANDIDATES_MAX}`, `s${RANK_CANDIDATES_MAX - 1}`, `s${RANK_CANDIDATES_MAX - 2}`]);
    const rare = store.stories.search({ match: 'zugzwang', limit: 3 });
    expect(rare.ranked).toBe(true);
    expect(rare.hits.map((h) => h.story.id)).toEqual(['rare-2', 'rare-1']);
    store.close();
  });

  it('GIVEN stories stored out of first-seen order THEN a search window still keeps exactly those first seen inside it', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.stories.insert(story({ id: 'new', url: 'https://news.example/new', title: 'Kharkiv power cut', firstSeenAt: 5_000 }), null);
    store.stories.insert(story({ id: 'old', url: 'https://news.example/old', title: 'Kharkiv power restored', firstSeenAt: 1_000 }), null);
    store.stories.insert(story({ id: 'mid', url: 'https://news.example/mid', title: 'Kharkiv metro', firstSeenAt: 3_000 }), null);
    expect(store.stories.search({ match: 'kharkiv', sinceMs: 2_000, limit: 10 }).hits.map((h) => h.story.id).sort()).toEqual(['mid', 'new']);
    expect(store.stories.search({ match: 'kharkiv', sinceMs: 6_000, limit: 10 }).total).toBe(0);
    store.close();
  });
});

const ftsRows = (store: Store): number => store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM stories_fts_docsize').get()?.n ?? -1;
/** Stories waiting in the full-text index's queue. */
const queued = (store: Store): number => store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM stories_fts_pending').get()?.n ?? -1;
/** FTS5's own check that the index matches the stories it indexes: throws when it does not. */
const checkIndex = (store: Store): void => {
  store.db.exec("INSERT INTO stories_fts(stories_fts, rank) VALUES ('integrity-check', 1)");
};
const match = (store: Store, word: string): string[] => store.stories.search({ match: word, limit: 10 }).hits.map((h) => h.story.id);

describe('the full-text index, written in batches', () => {

  it('GIVEN stories just stored THEN they wait in the queue, and a search indexes them first and finds them', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.transaction(() => {
      store.stories.insert(story({ id: 'a', url: 'https://news.example/a', title: 'Destroyer launched at Nampo' }), northKorea);
      store.stories.insert(story({ id: 'b', url: 'https://news.example/b', title: 'Drone strike on Kharkiv' }), null);
    });
    expect(queued(store)).toBe(2);
    expect(ftsRows(store)).toBe(0);
    expect(match(store, 'kharkiv')).toEqual(['b']);
    expect(queued(store)).toBe(0);
    expect(ftsRows(store)).toBe(2);
    checkIndex(store);
    store.close();
  });

  it.each([
    { when: 'still queued (edited before it is indexed)', indexedFirst: false, queuedAfter: 1 },
    { when: 'already indexed (the index follows at once)', indexedFirst: true, queuedAfter: 0 },
  ])('GIVEN a story deleted and another edited while $when THEN the index holds exactly what the stories say', ({ indexedFirst, queuedAfter }) => {
    const store = createStore(join(tempDir(), 'w.db'));
    const rows = store.transaction(() => [
      store.stories.insert(story({ id: 'a', url: 'https://news.example/a', title: 'Ferry sinks off Mokpo' }), null),
      store.stories.insert(story({ id: 'b', url: 'https://news.example/b', title: 'Old headline' }), null),
    ]);
    if (indexedFirst) store.stories.indexPending();
    store.db.prepare('DELETE FROM stories WHERE rowid = ?').run(rows[0]?.rowid);
    store.db.prepare("UPDATE stories SET title = 'Corrected headline' WHERE rowid = ?").run(rows[1]?.rowid);
    expect(queued(store)).toBe(queuedAfter);
    expect(store.stories.indexPending()).toBe(queuedAfter);
    checkIndex(store);
    expect(match(store, 'mokpo')).toEqual([]);
    expect(match(store, 'old')).toEqual([]);
    expect(match(store, 'corrected')).toEqual(['b']);
    store.close();
  });

  it('GIVEN stories stored by one process THEN a second process searching the same file finds them', () => {
    const path = join(tempDir(), 'w.db');
    const poller = createStore(path);
    const cli = createStore(path);
    poller.transaction(() => poller.stories.insert(story({ id: 'a', title: 'Shells land near Yeonpyeong' }), null));
    expect(match(cli, 'yeonpyeong')).toEqual(['a']);
    expect(queued(poller)).toBe(0);
    checkIndex(poller);
    cli.close();
    poller.close();
  });

  it('GIVEN FTS_BATCH stories stored by this process THEN indexIfDue indexes them, and not before', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const insert = (from: number, count: number): void => {
      store.transaction(() => {
        for (let i = from; i < from + count; i++) store.stories.insert(story({ id: `s${i}`, url: `https://news.example/${i}` }), null);
      });
    };
    insert(0, FTS_BATCH - 1);
    expect(store.stories.indexIfDue()).toBe(0);
    expect(queued(store)).toBe(FTS_BATCH - 1);
    insert(FTS_BATCH - 1, 1);
    expect(store.stories.indexIfDue()).toBe(FTS_BATCH);
    expect(queued(store)).toBe(0);
    checkIndex(store);
    store.close();
  });

  it('GIVEN a database whose stories were indexed by the old triggers WHEN migrated THEN search still finds them and new ones are queued', () => {
    const path = join(tempDir(), 'w.db');
    const before = MIGRATIONS.findIndex((m) => m.name === '012-deferred-full-text-index');
    expect(before).toBeGreaterThan(0);
    const old = openDatabase(path, MIGRATIONS.slice(0, before));
    old.exec(`INSERT INTO stories (rowid, id, feed_id, title, summary, published_at, first_seen_at, language) VALUES (1, 'old', 'f', 'Summit in Hanoi', 'S', 0, 0, 'en')`);
    old.close();
    const store = createStore(path);
    expect(queued(store)).toBe(0);
    store.transaction(() => store.stories.insert(story({ id: 'new', title: 'Summit in Singapore' }), null));
    expect(queued(store)).toBe(1);
    expect(match(store, 'summit').sort()).toEqual(['new', 'old']);
    checkIndex(store);
    store.close();
  });
});

describe('the poll cycle and the full-text queue', () => {
  it('GIVEN stories stored through the poll store THEN indexForSearch indexes them, with nothing left queued', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const poll = createSqlitePollStore(store);
    await poll.storeStories([{ story: story({ id: 'a', title: 'Shelling near Kupiansk' }), classification: northKorea }], Date.now());
    expect(queued(store)).toBe(1);
    expect(await poll.indexForSearch()).toBe(1);
    expect(queued(store)).toBe(0);
    expect(store.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM stories_fts WHERE stories_fts MATCH 'kupiansk'").get()?.n).toBe(1);
    store.close();
  });

  it('GIVEN the index cannot be written THEN indexForSearch fails with SQLite\'s own error, and the stories stay stored and queued', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const poll = createSqlitePollStore(store);
    await poll.storeStories([{ story: story({ id: 'a', title: 'Shelling near Kupiansk' }), classification: northKorea }], Date.now());
    // The batch fails half-way (as on a full disk): emptying the queue is refused, so the
    // transaction that also wrote the index is rolled back.
    store.db.exec("CREATE TEMP TRIGGER refuse BEFORE DELETE ON stories_fts_pending BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    await expect(poll.indexForSearch()).rejects.toMatchObject({ message: 'database or disk is full', code: expect.stringMatching(/^SQLITE_/) as unknown });
    expect(store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM stories').get()?.n).toBe(1);
    expect(queued(store)).toBe(1);
    // Once writes work again, the next search indexes the story exactly once.
    store.db.exec('DROP TRIGGER temp.refuse');
    expect(match(store, 'kupiansk')).toEqual(['a']);
    checkIndex(store);
    store.close();
  });
});

describe('the page cache during a poll cycle', () => {
  it('GIVEN a cycle starts THEN the page cache is limited, and the end of the cycle gives the default back', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const cacheSize = (): number => store.db.pragma('cache_size', { simple: true }) as number;
    const opened = cacheSize();
    expect(opened).not.toBe(-CYCLE_PAGE_CACHE_KIB);
    const poll = createSqlitePollStore(store);
    await poll.startCycle(Date.now());
    expect(cacheSize()).toBe(-CYCLE_PAGE_CACHE_KIB);
    poll.releaseMemory();
    expect(cacheSize()).toBe(opened);
    store.close();
  });
});

describe('search while another process holds the write lock', () => {
  it('GIVEN the queue cannot be indexed now THEN the search still answers from the index as it is, and catches up later', () => {
    const path = join(tempDir(), 'w.db');
    const reader = createStore(path);
    const writer = createStore(path);
    reader.db.pragma('busy_timeout = 50');
    writer.transaction(() => writer.stories.insert(story({ id: 'old', url: 'https://news.example/old', title: 'Summit in Hanoi' }), null));
    writer.stories.indexPending();
    writer.transaction(() => writer.stories.insert(story({ id: 'new', url: 'https://news.example/new', title: 'Summit in Singapore' }), null));
    // The other process is in the middle of a write transaction.
    writer.db.exec('BEGIN IMMEDIATE');
    expect(reader.stories.search({ match: 'summit', limit: 10 }).hits.map((h) => h.story.id)).toEqual(['old']);
    writer.db.exec('COMMIT');
    expect(reader.stories.search({ match: 'summit', limit: 10 }).hits.map((h) => h.story.id).sort()).toEqual(['new', 'old']);
    writer.close();
    reader.close();
  });
});
