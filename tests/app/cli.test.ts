import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

/** A port nothing listens on: bind, note the port, close. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => { resolve(); }));
  const address = s.address();
  await new Promise<void>((resolve) => s.close(() => { resolve(); }));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('watchfloor CLI', () => {
  it('GIVEN a good feed and an unreachable one WHEN `once` runs THEN it reports both, stores the good one and exits 0; `status` shows the failing feed', async () => {
    const dir = tempDir();
    const port = await closedPort();
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [
      { id: 'good', name: 'Good', url: server.url('/feeds/rss2-full.xml'), language: 'en', kind: 'outlet' },
      { id: 'down', name: 'Down', url: `http://127.0.0.1:${port}/rss.xml`, language: 'en', kind: 'wire' },
    ] }));
    const env = { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: join(dir, 'w.db') };
    const once = await runCli(['once'], env);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/good\s+\d+ new/);
    expect(once.stdout).toMatch(/down\s+error \(network\)\s+.*127\.0\.0\.1:\d+\/rss\.xml.*failure 1 in a row/);
    expect(once.stdout).toMatch(/2 feeds polled in [\d.]+ s: 1 ok, 0 not modified, 1 failed/);

    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { feeds: { id: string; consecutiveFailures: number; lastErrorKind: string | null }[]; stories: { total: number } };
    expect(parsed.feeds.find((f) => f.id === 'down')).toMatchObject({ consecutiveFailures: 1, lastErrorKind: 'network' });
    expect(parsed.feeds.find((f) => f.id === 'good')).toMatchObject({ consecutiveFailures: 0, lastErrorKind: null });
    expect(parsed.stories.total).toBeGreaterThan(0);
    // Events of the window: every matched story is a report of one.
    const events = (JSON.parse(status.stdout) as { events: { windowHours: number; inWindow: number; living: number; developing: number } }).events;
    expect(events.windowHours).toBe(12);
    expect(events.inWindow).toBeGreaterThanOrEqual(0);
    expect(events.living + events.developing).toBe(0);

    // Nothing is due right after: a second `once` polls nothing unless asked.
    const again = await runCli(['once'], env);
    expect(again.stdout).toContain('No feed is due');
    const forced = await runCli(['once', '--feed', 'good'], env);
    expect(forced.stdout).toMatch(/good\s+not modified/);
  });

  it('GIVEN an invalid feeds.json THEN the command exits 2 naming the entry, the field and the fix, before touching the database', async () => {
    const dir = tempDir();
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'x', name: 'X', url: 'https://x.example/rss', language: 'en', kind: 'blog' }] }));
    const result = await runCli(['once', '--feeds', feeds, '--db', join(dir, 'w.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('feeds[0] "x".kind): must be one of wire, outlet, government, state-media, specialist');
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'w.db'))).toBe(false);
  });

  it('GIVEN an unknown feed id for --feed THEN it says which ids exist and exits 2 (bad arguments)', async () => {
    const dir = tempDir();
    const result = await runCli(['once', '--feed', 'nope', '--db', join(dir, 'w.db'), '--feeds', join(import.meta.dirname, '../../examples/feeds.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown feed id(s): nope');
  });

  it('GIVEN no internet WHEN `demo` runs THEN it shows stored stories, verdicts, console alerts, a digest and a second cycle of 304s', async () => {
    const result = await runCli(['demo'], {}, { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/4 feeds polled .*: 4 ok, 0 not modified, 0 failed; \d+ new stories/);
    expect(result.stdout).toMatch(/north-korea\S*\s+[\d.]+\s+peninsula-wire\s+Kim Jong Un inspects new destroyer/);
    // Traps are stored but not flagged.
    expect(result.stdout).toMatch(/—\s+world-briefing\s+The perfect chicken Kiev/);
    expect(result.stdout).toMatch(/—\s+world-briefing\s+Odessa, Texas, council/);
    expect(result.stdout).toContain('── alert');
    expect(result.stdout).toContain('── digest');
    expect(result.stdout).toMatch(/4 feeds polled .*: 0 ok, 4 not modified, 0 failed; 0 new stories/);
  });

  it('GIVEN a .env file THEN its settings apply beneath the process environment, which wins', async () => {
    const dir = tempDir();
    const dotenv = join(dir, '.env');
    writeFileSync(dotenv, `# comment\nWATCHFLOOR_FEEDS=${join(dir, 'missing-feeds.json')}\nWATCHFLOOR_DB=${join(dir, 'w.db')}\n`);
    const fromFile = await runCli(['status'], { WATCHFLOOR_DOTENV: dotenv });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain('missing-feeds.json: file not found');

    const processWins = await runCli(['status'], { WATCHFLOOR_DOTENV: dotenv, WATCHFLOOR_FEEDS: join(import.meta.dirname, '../../examples/feeds.json') });
    expect(processWins.code).toBe(0);
    expect(processWins.stdout).toContain(`Database: ${join(dir, 'w.db')}`);
  });

  it('GIVEN a feed added from Discord THEN `once` polls it beside feeds.json and `status` lists it as such', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'rdf', name: 'RDF', url: server.url('/feeds/rss1-rdf.rdf'), language: 'en', kind: 'outlet' }] }));
    const store = createStore(db);
    store.addedFeeds.add({ id: 'from-discord', url: server.url('/feeds/atom-full.atom'), name: 'Atom Desk', language: 'en', kind: 'outlet', addedBy: '1', guildId: '2', addedAt: Date.now() });
    store.close();
    // Feeds added from Discord may not reach private addresses unless the operator allows it.
    const guarded = await runCli(['once'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db });
    expect(guarded.stdout).toMatch(/from-discord\s+error \(invalid-url\)\s+.*private/);
    expect(guarded.stdout).toMatch(/rdf\s+\d+ new/);

    const env = { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: db, ALLOW_PRIVATE_FEEDS: 'true' };
    const once = await runCli(['once', '--all'], env);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/from-discord\s+\d+ new/);
    expect(once.stdout).toMatch(/rdf\s+not modified/);
    const status = await runCli(['status'], env);
    expect(status.stdout).toMatch(/from-discord\s+discord\s+ok/);
    expect(status.stdout).toMatch(/rdf\s+feeds\.json\s+ok/);
    expect(status.stdout).not.toContain('no longer in');
  });
});
