import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeHomeNewsFeed } from '../helpers/feed-server.js';
import { pgQuery, until, usePgRun } from '../helpers/pg-run.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * The poller on PostgreSQL (`run --role poller`, ADR 16) reads an added feed's home as the SQLite
 * runtime does: its home stories count for the topic, and a home the rules have since lost is
 * polled unlifted and warned about once, with the fix.
 */
const tempDir = useTempDir();
const setup = usePgRun();

describe('added feeds with a home, polled on PostgreSQL', () => {
  it('GIVEN an added feed with a home and one whose home the rules lost WHEN the poller runs THEN the first one\'s home story matches with the note; the other is warned about once and polled unlifted', async () => {
    const url = await setup.server().createDatabase(`wf_home_${process.pid}`);
    const seoul = routeHomeNewsFeed(setup.feeds(), '/seoul.xml', 'seoul.example.org');
    const old = routeHomeNewsFeed(setup.feeds(), '/old.xml', 'old.example.org');
    const { openPgDatabase } = await import('../../src/store/pg/db.js');
    const pool = await openPgDatabase(url, { max: 1 }); // migrates
    try {
      const insert = 'INSERT INTO added_feeds (id, url, name, language, kind, added_by, guild_id, added_at, home) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)';
      await pool.query(insert, ['seoul-desk', seoul, 'Seoul desk', 'en', 'outlet', '700000000000000001', '210000000000000001', Date.now(), 'south-korea']);
      await pool.query(insert, ['old-desk', old, 'Old desk', 'en', 'outlet', '700000000000000001', '210000000000000001', Date.now(), 'taiwan']);
    } finally {
      await pool.end();
    }
    const dir = tempDir();
    const feedsFile = join(dir, 'feeds.json');
    writeFileSync(feedsFile, JSON.stringify({ feeds: [] }));
    const env = { WATCHFLOOR_FEEDS: feedsFile, WATCHFLOOR_DB: url, WATCHFLOOR_MODEL: join(dir, 'model.json'), POLL_SCHEDULE: '*/1 * * * * *', PARSE_THREADS: '0', LOG_LEVEL: 'info', ALLOW_PRIVATE_FEEDS: 'true' };
    const poller = setup.start('poller', env);
    const warning = await poller.waitForLog((l) => l.feed_id === 'old-desk' && l.home === 'taiwan', 90_000);
    expect(String(warning.msg)).toContain('fix: /feeds edit id:old-desk home: one of those topics (or none) in its server');

    await until('both feeds polled', async () => (await pgQuery(url, 'SELECT 1 FROM stories')).length === 4, 90_000, setup.logs);
    const stories = await pgQuery<{ feed_id: string; title: string; matched_topics: string }>(url, 'SELECT feed_id, title, matched_topics FROM stories ORDER BY feed_id, title');
    expect(stories.map((s) => [s.feed_id, s.title, JSON.parse(s.matched_topics) as string[]])).toEqual([
      ['old-desk', 'Floods kill 12 in Ivory Coast', []],
      ['old-desk', 'Pension reform bill passes National Assembly', []],
      ['seoul-desk', 'Floods kill 12 in Ivory Coast', []],
      ['seoul-desk', 'Pension reform bill passes National Assembly', ['south-korea']],
    ]);
    const [verdict] = await pgQuery<{ reasons: string }>(url, "SELECT v.reasons FROM story_verdicts v JOIN stories s ON s.rowid = v.story_rowid WHERE s.feed_id = 'seoul-desk' AND v.topic = 'south-korea'");
    expect(verdict?.reasons).toContain('home feed \\"seoul-desk\\" (added with /feeds add)');
    // A few more cycles: the warning is not repeated.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(poller.output().stderr.split('\n').filter((line) => line.includes('"feed_id":"old-desk"') && line.includes('"home":"taiwan"'))).toHaveLength(1);
  }, 180_000);
});
