import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addedFeedConfig, type AddedFeed } from '../../src/store/added-feeds.js';
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
    expect(addedFeedConfig(again.addedFeeds.get('harbour')!)).toEqual({ id: 'harbour', url: 'https://harbour.example/rss', name: 'Harbour', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] });
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
});
