import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeedDirectory } from '../../src/app/runtime.js';
import type { FeedConfig } from '../../src/core/types.js';
import { polledFeeds, type AddedFeed } from '../../src/store/added-feeds.js';
import { createStore } from '../../src/store/index.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * The feeds delivery reads source names and servers from. `run` builds it once; a feed changed
 * with `/feeds edit` (in this process or another on the same database) must show its new name
 * from the next poll cycle on, not from the next restart.
 */

const tempDir = useTempDir();
const configured: FeedConfig = { id: 'reuters', url: 'https://reuters.example/rss', name: 'Reuters', language: 'en', kind: 'wire', intervalMinutes: undefined, enabled: true, topics: [] };
const desk: AddedFeed = { id: 'seoul-desk', url: 'https://seoul.example/rss', name: 'Desk', language: 'en', kind: 'outlet', addedBy: '700000000000000001', guildId: '210000000000000001', addedAt: 1_700_000_000_000 };

describe('the feed directory of run', () => {
  it('GIVEN a feed edited by another process WHEN the next cycle reads the feeds THEN the directory gives its new name and home; a removed feed keeps its last entry; a new one is found on first use', () => {
    const path = join(tempDir(), 'w.db');
    const runner = createStore(path);
    const other = createStore(path);
    try {
      runner.addedFeeds.add(desk);
      const directory = new FeedDirectory(() => polledFeeds([configured], runner.addedFeeds.list()));
      expect(directory.get('seoul-desk')?.name).toBe('Desk');

      expect(other.addedFeeds.edit('seoul-desk', desk.guildId!, { name: 'Seoul desk', home: 'south-korea' })?.after).toMatchObject({ name: 'Seoul desk' });
      // Until the cycle reads the feeds, delivery still has what it had.
      expect(directory.get('seoul-desk')?.name).toBe('Desk');
      const polled = directory.refresh();
      expect(polled.map((f) => f.id)).toEqual(['reuters', 'seoul-desk']);
      expect(directory.get('seoul-desk')).toMatchObject({ name: 'Seoul desk', home: 'south-korea', guildId: desk.guildId });

      other.addedFeeds.remove('seoul-desk');
      other.addedFeeds.add({ ...desk, id: 'kyiv-desk', url: 'https://kyiv.example/rss', name: 'Kyiv desk' });
      expect(directory.refresh().map((f) => f.id)).toEqual(['reuters', 'kyiv-desk']);
      expect(directory.get('seoul-desk')?.name).toBe('Seoul desk');
      expect(directory.get('kyiv-desk')?.name).toBe('Kyiv desk');
    } finally {
      other.close();
      runner.close();
    }
  });
});
