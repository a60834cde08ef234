import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { routeHomeNewsFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * A feed added from Discord with `/feeds add home:` is polled as a feeds.json feed with `"home"`
 * is: its home stories count for the topic. One whose home the rules have since lost still polls,
 * lifts nothing, and the operator is told once with the fix.
 */

const tempDir = useTempDir();
let server: FeedServer;

beforeAll(async () => {
  server = await startFeedServer();
  routeHomeNewsFeed(server, '/seoul.xml', 'seoul.example.org');
  routeHomeNewsFeed(server, '/old.xml', 'old.example.org');
});
afterAll(async () => {
  await server.close();
});

describe('added feeds with a home', () => {
  it('GIVEN an added feed with a home and one whose home the rules lost WHEN `once` polls THEN the first one\'s home story matches with the note; the other polls unlifted and is warned about once, with the fix', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [] }));
    const store = createStore(db);
    const added = { name: 'Desk', language: 'en', kind: 'outlet' as const, addedBy: '700000000000000001', guildId: '210000000000000001', addedAt: Date.now() };
    store.addedFeeds.add({ ...added, id: 'seoul-desk', url: server.url('/seoul.xml'), home: 'south-korea' });
    store.addedFeeds.add({ ...added, id: 'old-desk', url: server.url('/old.xml'), home: 'taiwan' });
    store.close();

    const once = await runCli(['once', '--all', '--no-deliver'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db, ALLOW_PRIVATE_FEEDS: 'true', LOG_LEVEL: 'warn', LOG_FORMAT: 'json' });
    expect(once.code, once.stderr).toBe(0);
    const warnings = once.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.home !== undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ feed_id: 'old-desk', home: 'taiwan' });
    expect(String(warnings[0]?.msg)).toContain('fix: /feeds edit id:old-desk home: one of those topics (or none) in its server');

    const status = await runCli(['status', '--json'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db });
    expect(status.code).toBe(0);
    const rows = (JSON.parse(status.stdout) as { feeds: { id: string; source: string; home: string | null }[] }).feeds;
    expect(rows.map((r) => [r.id, r.source, r.home])).toEqual([['old-desk', 'discord', 'taiwan'], ['seoul-desk', 'discord', 'south-korea']]);

    const after = createStore(db);
    try {
      const matched = after.db.prepare<[], { feed_id: string; title: string; matched_topics: string }>('SELECT feed_id, title, matched_topics FROM stories ORDER BY feed_id, title').all();
      expect(matched.map((s) => [s.feed_id, s.title, JSON.parse(s.matched_topics) as string[]])).toEqual([
        ['old-desk', 'Floods kill 12 in Ivory Coast', []],
        ['old-desk', 'Pension reform bill passes National Assembly', []],
        ['seoul-desk', 'Floods kill 12 in Ivory Coast', []],
        ['seoul-desk', 'Pension reform bill passes National Assembly', ['south-korea']],
      ]);
      const pension = after.db.prepare<[], { reasons: string }>("SELECT v.reasons FROM story_verdicts v JOIN stories s ON s.rowid = v.story_rowid WHERE s.feed_id = 'seoul-desk' AND v.topic = 'south-korea'").get();
      expect(pension?.reasons).toContain('home feed \\"seoul-desk\\" (added with /feeds add)');
    } finally {
      after.close();
    }
  }, 120_000);
});
