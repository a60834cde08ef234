import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, startFakeDiscordWithWebhook, type FakeDiscord } from '../helpers/fake-discord.js';
import { commandInteraction, installInteractionRoutes, interact, OPTION, PERMISSIONS, replyText, resolvedChannel, sub } from '../helpers/fake-interactions.js';
import { postsPerStory, waitForPosts } from '../helpers/posts.js';
import { dispatchReactionAdd, dispatchReactionRemove } from '../helpers/fake-reactions.js';
import { readPng } from '../helpers/png.js';
import { discordRunEnv, usePgRun } from '../helpers/pg-run.js';
import { item as storyItem, rss } from '../helpers/shelling-feed.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * `run --role gateway` with WATCHFLOOR_DB naming a real PostgreSQL server (ADR 16), beside a
 * poller and a deliverer, the real discord.js client against the loopback fake Discord: a
 * subscription added with /watch add is served by the deliverer, /news search finds what the
 * poller stored, /status shows the three roles alive, and what needs SQLite answers so.
 */
const tempDir = useTempDir();
const ITEMS = 5;

const setup = usePgRun();
let fake: FakeDiscord;

beforeAll(() => {
  const body = rss('Feed', Array.from({ length: ITEMS }, (_, i) => storyItem(i, Date.now(), 'gw')).join(''));
  setup.feeds().route('/gw.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(body);
  });
});

afterEach(async () => {
  await fake.close();
});

const HERE = { guildId: DEFAULT_GUILD_ID, channelId: DEFAULT_CHANNEL_ID };
/** A member of the server who rates an alert. */
const MEMBER = '710000000000000042';

describe('run --role gateway on PostgreSQL', () => {
  it('GIVEN a gateway, a poller and a deliverer on PostgreSQL THEN /watch add is served by the deliverer, /news search finds the stored stories, /status lists the roles, and each stops cleanly', async () => {
    fake = await startFakeDiscordWithWebhook();
    installInteractionRoutes(fake);
    const url = await setup.server().createDatabase(`wf_gateway_run_${process.pid}`);
    const dir = tempDir();
    const feedsFile = join(dir, 'feeds.json');
    writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'gw', name: 'Gateway feed', url: setup.feeds().url('/gw.xml'), language: 'en', kind: 'outlet' }] }));
    const env = discordRunEnv({ feedsFile, db: url, dir, apiBase: fake.apiBase });
    const gateway = setup.start('gateway', env);
    await gateway.waitForLog((l) => l.msg === 'slash commands registered in one server', 60_000);

    // Admin commands keep needing Manage Server.
    const refused = await interact(fake, commandInteraction({ ...HERE, permissions: PERMISSIONS.member }, 'watch', sub('list')));
    expect(refused.ephemeral).toBe(true);
    expect(replyText(refused.message)).toContain('Manage Server');

    // A living-alert subscription is saved on PostgreSQL (the pollers and deliverers serve it:
    // tests/app/pg-events-run.test.ts); removed again here, so that this channel's counts below
    // are the instant alerts'.
    const event = await interact(fake, commandInteraction(HERE, 'watch', sub('add', { channel: { type: OPTION.channel, value: DEFAULT_CHANNEL_ID }, topics: 'all', mode: 'event' }), {
      channels: { [DEFAULT_CHANNEL_ID]: resolvedChannel(DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID) },
    }));
    expect(replyText(event.message)).toContain('Subscribed:');
    const eventSub = (JSON.parse((await runCli(['subscriptions', '--json'], { WATCHFLOOR_FEEDS: feedsFile, WATCHFLOOR_DB: url })).stdout) as { id: number; mode: string }[]).find((s) => s.mode === 'event');
    expect(eventSub).toBeDefined();
    const unwatched = await interact(fake, commandInteraction(HERE, 'watch', sub('remove', { id: eventSub?.id ?? 0 })));
    expect(replyText(unwatched.message)).toContain('Removed');

    const added = await interact(fake, commandInteraction(HERE, 'watch', sub('add', { channel: { type: OPTION.channel, value: DEFAULT_CHANNEL_ID }, topics: 'all', mode: 'instant' }), {
      channels: { [DEFAULT_CHANNEL_ID]: resolvedChannel(DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID) },
    }));
    expect(replyText(added.message)).toContain('Subscribed:');
    const listed = await interact(fake, commandInteraction(HERE, 'watch', sub('list')));
    expect(replyText(listed.message)).toContain(`<#${DEFAULT_CHANNEL_ID}>`);

    // The operator's subscription commands work on the same database.
    const cliEnv = { WATCHFLOOR_FEEDS: feedsFile, WATCHFLOOR_DB: url };
    const eventCli = await runCli(['subscribe', '--console', '--topics', 'all', '--mode', 'event'], cliEnv);
    expect(eventCli.code, eventCli.stderr).toBe(0);
    const eventCliId = (JSON.parse((await runCli(['subscriptions', '--json'], cliEnv)).stdout) as { id: number; mode: string }[]).find((s) => s.mode === 'event')?.id;
    expect((await runCli(['unsubscribe', String(eventCliId)], cliEnv)).code).toBe(0);
    const subscribed = await runCli(['subscribe', '--console', '--topics', 'ukraine', '--surges', 'off'], cliEnv);
    expect(subscribed.code, subscribed.stderr).toBe(0);
    const listedCli = JSON.parse((await runCli(['subscriptions', '--json'], cliEnv)).stdout) as { id: number; target: string; createdBy: string; surges: { enabled: boolean } }[];
    expect(listedCli.map((s) => [s.createdBy, s.surges.enabled])).toEqual([['discord:700000000000000001', true], ['cli', false]]);
    const removed = await runCli(['unsubscribe', String(listedCli[1]?.id)], cliEnv);
    expect(removed.code, removed.stderr).toBe(0);
    expect((JSON.parse((await runCli(['subscriptions', '--json'], cliEnv)).stdout) as unknown[]).length).toBe(1);

    const poller = setup.start('poller', env);
    const deliverer = setup.start('deliverer', env);
    await waitForPosts(fake, [DEFAULT_CHANNEL_ID], ITEMS, 90_000);
    const posts = postsPerStory(fake, DEFAULT_CHANNEL_ID);
    expect(posts.size).toBe(ITEMS);
    expect([...posts.values()].every((n) => n === 1)).toBe(true);

    // 👍 under an alert is recorded in PostgreSQL, once, and taking it back removes it.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const alertRow = await db.query<{ message_id: string; story_rowid: string }>("SELECT message_id, story_rowid::text FROM outbox WHERE kind = 'alert' AND status = 'sent' ORDER BY id LIMIT 1");
      const messageId = alertRow.rows[0]?.message_id ?? '';
      expect(messageId).not.toBe('');
      const ratings = async () => (await db.query<{ member_id: string; story_rowid: string; topic: string; rating: number; source: string }>('SELECT member_id, story_rowid::text, topic, rating::int, source FROM feedback ORDER BY id')).rows;
      const reaction = { guildId: DEFAULT_GUILD_ID, channelId: DEFAULT_CHANNEL_ID, messageId, userId: MEMBER, emoji: '👍' };
      dispatchReactionAdd(fake, reaction);
      dispatchReactionAdd(fake, reaction); // the same reaction again changes nothing
      await vi.waitFor(async () => { expect(await ratings()).toEqual([{ member_id: MEMBER, story_rowid: alertRow.rows[0]?.story_rowid, topic: 'ukraine', rating: 1, source: 'reaction' }]); }, { timeout: 15_000 });
      // /watch tune reads what the server taught from PostgreSQL.
      const tuned = await interact(fake, commandInteraction(HERE, 'watch', sub('tune', { topic: 'ukraine' })));
      expect(tuned.ephemeral).toBe(true);
      expect(replyText(tuned.message)).toContain('1 👍 · 0 👎 · 1 member');
      dispatchReactionRemove(fake, reaction);
      await vi.waitFor(async () => { expect(await ratings()).toEqual([]); }, { timeout: 15_000 });
      // The operator's `watchfloor feedback` works on the same ratings.
      const story = alertRow.rows[0]?.story_rowid ?? '';
      const rated = await runCli(['feedback', 'add', '--server', DEFAULT_GUILD_ID, '--story', story, '--verdict', 'down'], cliEnv);
      expect(rated.code, rated.stderr).toBe(0);
      expect(rated.stdout).toContain(`Rated: story ${story} not relevant for ukraine`);
      const listed = JSON.parse((await runCli(['feedback', 'list', '--server', DEFAULT_GUILD_ID, '--json'], cliEnv)).stdout) as { memberId: string; rating: number; source: string }[];
      expect(listed.map((r) => [r.memberId, r.rating, r.source])).toEqual([['cli:operator', -1, 'cli']]);
      const reset = await runCli(['feedback', 'reset', '--server', DEFAULT_GUILD_ID, '--all'], cliEnv);
      expect(reset.stdout).toContain('Removed 1 rating(s)');
      expect(await ratings()).toEqual([]);

      // `watchfloor outbox` lists and drops a dead letter on PostgreSQL; a sent message is neither requeued nor dropped.
      const last = await db.query<{ id: number }>("SELECT id::int FROM outbox WHERE kind = 'alert' AND status = 'sent' ORDER BY id DESC LIMIT 2");
      const [dead, sent] = last.rows.map((r) => r.id);
      await db.query("UPDATE outbox SET status = 'dead', last_error = 'test: marked dead' WHERE id = $1", [dead]);
      const deadList = JSON.parse((await runCli(['outbox', 'list', '--json'], cliEnv)).stdout) as { id: number; status: string; lastError: string }[];
      expect(deadList.map((r) => [r.id, r.status, r.lastError])).toEqual([[dead, 'dead', 'test: marked dead']]);
      const refused = await runCli(['outbox', 'retry', String(sent)], cliEnv);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`Not queued again: ${String(sent)}`);
      const dropped = await runCli(['outbox', 'drop', '--dead'], cliEnv);
      expect(dropped.code, dropped.stderr).toBe(0);
      expect(dropped.stdout).toContain(`1 message(s) dropped (${String(dead)})`);
      expect((await db.query('SELECT 1 FROM outbox WHERE id = $1', [dead])).rowCount).toBe(0);

      // `watchfloor explain --server` reads the server's ratings from PostgreSQL (none left now).
      const explained = await runCli(['explain', 'Kyiv reports shelling near Kharkiv', '--server', DEFAULT_GUILD_ID], { ...cliEnv, WATCHFLOOR_MODEL: join(dir, 'model.json') });
      expect(explained.code, explained.stderr).toBe(0);
      expect(explained.stdout).toContain(`Server ${DEFAULT_GUILD_ID}: no ratings from this server.`);
    } finally {
      await db.end();
    }

    const found = await interact(fake, commandInteraction(HERE, 'news', sub('search', { query: 'kharkiv' })));
    const results = replyText(found.message);
    expect(results).toContain('Kyiv story');
    expect(results).toContain(`${ITEMS} results`);

    const status = replyText((await interact(fake, commandInteraction(HERE, 'status'))).message);
    expect(status).toMatch(/gateway 1 live/u);
    expect(status).toMatch(/poller 1 live/u);
    expect(status).toMatch(/deliverer 1 live/u);

    // The operator's `status` reads the same database through the same port.
    const cli = await runCli(['status', '--json'], cliEnv);
    expect(cli.code, cli.stderr).toBe(0);
    const report = JSON.parse(cli.stdout) as { stories: { total: number }; processes: { role: string; alive: boolean }[]; feeds: { id: string; storiesTotal: number }[] };
    expect(report.stories.total).toBe(ITEMS);
    expect(report.processes.filter((p) => p.alive).map((p) => p.role).sort()).toEqual(['deliverer', 'gateway', 'poller']);
    expect(report.feeds.map((f) => [f.id, f.storiesTotal])).toEqual([['gw', ITEMS]]);

    const searched = await runCli(['search', 'kharkiv', '--json'], cliEnv);
    expect(searched.code, searched.stderr).toBe(0);
    const hits = JSON.parse(searched.stdout) as { total: number; ranked: boolean; hits: { title: string; titleSnippet: string }[] };
    expect(hits.total).toBe(ITEMS);
    expect(hits.hits[0]?.titleSnippet).toContain('**Kharkiv**');
    const newest = await runCli(['latest', '--json'], cliEnv);
    expect(newest.code, newest.stderr).toBe(0);
    expect((JSON.parse(newest.stdout) as { count: number }).count).toBe(ITEMS);

    // /news trend draws its chart from PostgreSQL's hourly counts: the poller's stories are there.
    const trendCall = commandInteraction(HERE, 'news', sub('trend', { topic: 'ukraine', days: 2 }));
    const trend = await interact(fake, trendCall);
    expect(trend.ephemeral).toBe(false);
    expect(replyText(trend.message)).toMatch(new RegExp(`Ukraine \\*\\*${ITEMS}\\*\\*`, 'u'));
    const chart = fake.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(`/${trendCall.token}/messages/@original`))?.files ?? [];
    expect(chart.map((f) => f.name)).toEqual(['watchfloor-trend.png']);
    expect(readPng(chart[0]?.bytes ?? Buffer.alloc(0))).toMatchObject({ width: 1000, height: 500 });
    // …and so does the operator's `watchfloor trend`.
    const png = join(dir, 'trend.png');
    const drawn = await runCli(['trend', '--out', png, '--topic', 'ukraine', '--days', '2', '--json'], cliEnv);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect((JSON.parse(drawn.stdout) as { topics: { topic: string; stories: number }[] }).topics).toEqual([{ topic: 'ukraine', stories: ITEMS }]);
    expect(readPng(readFileSync(png))).toMatchObject({ width: 1000, height: 500 });

    for (const child of [gateway, poller, deliverer]) child.child.kill('SIGTERM');
    for (const child of [gateway, poller, deliverer]) expect((await child.exited).code).toBe(0);
    expect(gateway.output().stderr).toContain('stopped cleanly');
  }, 180_000); // three roles and a dozen CLI runs: a net against hangs, not a measure
});
