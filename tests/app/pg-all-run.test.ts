import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, startFakeDiscordWithWebhook, type FakeDiscord } from '../helpers/fake-discord.js';
import { commandInteraction, installInteractionRoutes, interact, OPTION, replyText, resolvedChannel, sub } from '../helpers/fake-interactions.js';
import { postsPerStory, waitForPosts } from '../helpers/posts.js';
import { discordRunEnv, usePgRun } from '../helpers/pg-run.js';
import { item as storyItem, rss } from '../helpers/shelling-feed.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * `watchfloor run` (the default role, all) with WATCHFLOOR_DB naming a real PostgreSQL server
 * (ADR 16): one process polls, delivers and answers commands, with ONE gateway connection (the
 * deliverer sends through the gateway's client), the real discord.js client against the loopback
 * fake Discord.
 */
const tempDir = useTempDir();
const ITEMS = 4;

const setup = usePgRun();
let fake: FakeDiscord | null = null;

/**
 * The feed answers only once the test has subscribed: the process polls at once on start (and
 * then not again for the feed's interval), and a new subscription alerts only the stories that
 * come after it ("Alerts start with the next stories that match"). Answering at once raced that
 * first poll against /watch add; on a busy machine the poll won, the stories were stored with no
 * subscriber, and no post ever came.
 */
let publish: () => void = () => undefined;
const published = new Promise<void>((resolve) => { publish = resolve; });

beforeAll(() => {
  const body = rss('Feed', Array.from({ length: ITEMS }, (_, i) => storyItem(i, Date.now(), 'all')).join(''));
  setup.feeds().route('/all.xml', (_req, res) => {
    void published.then(() => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(body);
    });
  });
});

afterEach(async () => {
  await fake?.close();
  fake = null;
});

const HERE = { guildId: DEFAULT_GUILD_ID, channelId: DEFAULT_CHANNEL_ID };

describe('run (role all) on PostgreSQL', () => {
  it('GIVEN one `run` process on PostgreSQL THEN it logs in once, /watch add is served exactly once per story, /status shows the process, and SIGTERM stops it cleanly', async () => {
    fake = await startFakeDiscordWithWebhook();
    installInteractionRoutes(fake);
    const url = await setup.server().createDatabase(`wf_all_run_${process.pid}`);
    const dir = tempDir();
    const feedsFile = join(dir, 'feeds.json');
    writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'all', name: 'All-in-one feed', url: setup.feeds().url('/all.xml'), language: 'en', kind: 'outlet' }] }));
    // The first fetch waits for the subscription below: give it the test's whole time.
    const env = { ...discordRunEnv({ feedsFile, db: url, dir, apiBase: fake.apiBase }), FETCH_TIMEOUT_MS: '170000', FETCH_IDLE_TIMEOUT_MS: '170000' };
    const run = setup.start('all', env);
    await run.waitForLog((l) => l.msg === 'slash commands registered in one server', 60_000);

    const added = await interact(fake, commandInteraction(HERE, 'watch', sub('add', { channel: { type: OPTION.channel, value: DEFAULT_CHANNEL_ID }, topics: 'all', mode: 'instant' }), {
      channels: { [DEFAULT_CHANNEL_ID]: resolvedChannel(DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID) },
    }));
    expect(replyText(added.message)).toContain('Subscribed:');
    publish();

    await waitForPosts(fake, [DEFAULT_CHANNEL_ID], ITEMS, 90_000);
    const posts = postsPerStory(fake, DEFAULT_CHANNEL_ID);
    expect(posts.size, setup.logs()).toBe(ITEMS);
    expect([...posts.values()].every((n) => n === 1)).toBe(true);

    const status = replyText((await interact(fake, commandInteraction(HERE, 'status'))).message);
    expect(status).toMatch(/all 1 live/u);

    // One gateway session for the process: the deliverer did not log in a second client.
    expect(fake.identifies).toHaveLength(1);

    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(run.output().stderr).toContain('stopped cleanly');
    expect(fake.identifies).toHaveLength(1);
  }, 180_000); // a login, a poll and four posts: a net against hangs, not a measure

  it('GIVEN a PostgreSQL server that cannot be reached THEN `run` exits 1 with one message naming the server without its password and what to check, and creates no file', async () => {
    const cwd = tempDir();
    const result = await runCli(['run', '--no-http'], { WATCHFLOOR_DB: 'postgres://watchfloor:hunter2-secret@127.0.0.1:1/watchfloor', WATCHFLOOR_FEEDS: join(import.meta.dirname, '../../examples/feeds.json') }, { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot open PostgreSQL database postgres://');
    expect(result.stderr).toContain('127.0.0.1:1/watchfloor');
    expect(result.stderr).toContain('WATCHFLOOR_DB');
    expect(result.stderr).not.toContain('hunter2-secret');
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(cwd, 'postgres:'))).toBe(false);
  });

  it('GIVEN a server that answers but has no such database THEN `run` exits 2 (configuration) with the fix', async () => {
    const missing = setup.server().url.replace(/\/[^/?]+(\?|$)/u, '/wf_no_such_database$1');
    const result = await runCli(['run', '--no-http'], { WATCHFLOOR_DB: missing, WATCHFLOOR_FEEDS: join(import.meta.dirname, '../../examples/feeds.json') }, { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('wf_no_such_database');
    expect(result.stderr).toContain('the database does not exist: create it');
  });
});
