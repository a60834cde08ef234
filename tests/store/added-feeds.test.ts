import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addedFeedConfig, strayHomes, type AddedFeed } from '../../src/store/added-feeds.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/db.js';
import { createStore } from '../../src/store/index.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();

const feed = (overrides: Partial<AddedFeed> = {}): AddedFeed => ({
  id: 'harbour',
  url: 'https://harbour.example/rss',
  name: 'Harbour',
  language: 'en',
  kind: 'outlet',
  addedBy: '700000000000000001',
  guildId: '210000000000000001',
  addedAt: 1_700_000_000_000,
  ...overrides,
});

describe('added feeds store', () => {
  it('GIVEN an added feed WHEN the database is reopened THEN it is still there, as a polled feed config', () => {
    const path = join(tempDir(), 'w.db');
    const first = createStore(path);
    first.addedFeeds.add(feed());
    first.close();
    const again = createStore(path);
    expect(again.addedFeeds.list()).toEqual([feed()]);
    expect(addedFeedConfig(again.addedFeeds.get('harbour')!)).toEqual({ id: 'harbour', url: 'https://harbour.example/rss', name: 'Harbour', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [], guildId: '210000000000000001' });
    expect(again.addedFeeds.getByUrl('https://harbour.example/rss')?.id).toBe('harbour');
    again.close();
  });

  it('GIVEN the same id or URL twice WHEN adding THEN SQLite refuses the second, so a race cannot add a feed twice', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.addedFeeds.add(feed());
    expect(() => store.addedFeeds.add(feed({ id: 'other' }))).toThrow(/UNIQUE/u);
    expect(() => store.addedFeeds.add(feed({ url: 'https://else.example/rss' }))).toThrow(/UNIQUE/u);
    expect(store.addedFeeds.list()).toHaveLength(1);
    store.close();
  });

  it('GIVEN a feed with poll state WHEN removed THEN its state goes too, and removing again says false', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.addedFeeds.add(feed());
    store.feeds.ensure('harbour', 'https://harbour.example/rss');
    expect(store.addedFeeds.remove('harbour')).toBe(true);
    expect(store.feeds.get('harbour')).toBeUndefined();
    expect(store.addedFeeds.remove('harbour')).toBe(false);
    store.close();
  });

  it('GIVEN rows whose url, language or kind cannot be read WHEN listing THEN they are skipped, listed as unreadable with the fix, and reported once each', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.addedFeeds.add(feed());
    store.addedFeeds.add(feed({ id: 'bad-url', url: 'https://bad-url.example/rss' }));
    store.addedFeeds.add(feed({ id: 'bad-language', url: 'https://bad-language.example/rss' }));
    store.addedFeeds.add(feed({ id: 'bad-kind', url: 'https://bad-kind.example/rss' }));
    store.db.prepare("UPDATE added_feeds SET url = 'file:///etc/passwd' WHERE id = 'bad-url'").run();
    store.db.prepare("UPDATE added_feeds SET language = 'English!' WHERE id = 'bad-language'").run();
    store.db.prepare("UPDATE added_feeds SET kind = x'01' WHERE id = 'bad-kind'").run();
    const reported: string[] = [];
    store.addedFeeds.onUnreadable((row) => reported.push(`${row.id}: ${row.reason}`));
    expect(store.addedFeeds.list().map((f) => f.id)).toEqual(['harbour']);
    expect(store.addedFeeds.list().map((f) => f.id)).toEqual(['harbour']);
    expect(store.addedFeeds.get('bad-url')).toBeUndefined();
    // Listed by added time, then id.
    expect(reported).toEqual(['bad-kind: kind is not text', 'bad-language: language "English!" is not a language tag such as en or ko', 'bad-url: url is not http(s) (file:)']);
    expect(store.addedFeeds.unreadable().map((r) => [r.id, r.guildId])).toEqual([['bad-kind', '210000000000000001'], ['bad-language', '210000000000000001'], ['bad-url', '210000000000000001']]);
    expect(store.addedFeeds.unreadable()[2]?.fix).toContain('/feeds remove id:bad-url');
    expect(store.addedFeeds.remove('bad-url')).toBe(true);
    expect(reported).toHaveLength(3);
    store.close();
  });

  it('GIVEN a feed added with a home WHEN read back THEN the home is kept, reaches the poller\'s config, and a feed without one has none', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.addedFeeds.add(feed({ home: 'south-korea' }));
    store.addedFeeds.add(feed({ id: 'plain', url: 'https://plain.example/rss' }));
    const [home, plain] = store.addedFeeds.list();
    expect(home?.home).toBe('south-korea');
    expect(addedFeedConfig(home!).home).toBe('south-korea');
    expect(plain).not.toHaveProperty('home');
    expect(addedFeedConfig(plain!)).not.toHaveProperty('home');
    expect(store.db.prepare("SELECT home FROM added_feeds WHERE id = 'plain'").pluck().get()).toBeNull();
    store.close();
  });

  it('GIVEN a database of the release before homes WHEN opened THEN its added feeds gain a home column, empty, and still poll', () => {
    const path = join(tempDir(), 'w.db');
    const before = MIGRATIONS.findIndex((m) => m.name === '013-added-feed-home');
    expect(before).toBeGreaterThan(0);
    const old = openDatabase(path, MIGRATIONS.slice(0, before));
    old.prepare(`INSERT INTO added_feeds (id, url, name, language, kind, added_by, guild_id, added_at) VALUES ('harbour', 'https://harbour.example/rss', 'Harbour', 'en', 'outlet', '700000000000000001', '210000000000000001', 1700000000000)`).run();
    old.close();
    const store = createStore(path);
    expect(store.addedFeeds.list()).toEqual([feed()]);
    store.close();
  });

  it('GIVEN a home that is not a topic id WHEN listing THEN the row is unreadable with the reason, not polled with a made-up home', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.addedFeeds.add(feed({ home: 'south-korea' }));
    store.db.prepare("UPDATE added_feeds SET home = 'South Korea!' WHERE id = 'harbour'").run();
    expect(store.addedFeeds.list()).toEqual([]);
    expect(store.addedFeeds.unreadable().map((r) => r.reason)).toEqual(['home "South Korea!" is not a topic id']);
    store.close();
  });

  it('GIVEN added feeds whose home the rules no longer have WHEN checked THEN each is named with its home, the topics there are and the fix; others are not', () => {
    const strays = strayHomes([feed({ home: 'taiwan' }), feed({ id: 'seoul', home: 'south-korea' }), feed({ id: 'plain' })], ['north-korea', 'south-korea']);
    expect(strays.map((s) => [s.id, s.home, s.guildId])).toEqual([['harbour', 'taiwan', '210000000000000001']]);
    expect(strays[0]?.message).toBe('added feed harbour has home "taiwan", which is no topic of the rules (north-korea, south-korea): its stories are read without the home lift; fix: /feeds edit id:harbour home: one of those topics (or none) in its server, or restore the topic in rules/');
  });
});
