import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../../src/discord/commands/index.js';
import { registerCommands, sameCommands } from '../../../src/discord/register.js';
import { createStore } from '../../../src/store/index.js';
import { runCli, startCli } from '../../helpers/cli.js';
import { FAKE_APPLICATION_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord } from '../../helpers/fake-discord.js';
import { commandInteraction, installInteractionRoutes, interact, interactionBodyProblems, replyText, sub } from '../../helpers/fake-interactions.js';
import { startFeedServer, type FeedServer } from '../../helpers/feed-server.js';
import { capturingLogger } from '../../helpers/stories.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { CHANNEL_A, GUILD_A, TWO_GUILDS } from './harness.js';

const tempDir = useTempDir();
let fake: FakeDiscord;

beforeEach(async () => {
  fake = await startFakeDiscord({ guilds: TWO_GUILDS });
  installInteractionRoutes(fake);
  // GET /applications/@me: which application a token belongs to.
  fake.route('GET', /^\/applications\/@me$/, () => ({ status: 200, body: { id: FAKE_APPLICATION_ID, name: 'Watchfloor', flags: 0 } }));
});

afterEach(async () => {
  for (const request of fake.requests) expect(interactionBodyProblems(request), `${request.method} ${request.path}`).toEqual([]);
  await fake.close();
});

function rest(): REST {
  return new REST({ api: fake.apiBase, offset: 0, timeout: 2_000 }).setToken(FAKE_TOKEN);
}

const puts = (): number => fake.requests.filter((r) => r.method === 'PUT').length;

describe('command definitions', () => {
  it('GIVEN the definitions THEN /watch and /feeds need Manage Server by default, /news and /status do not, and all are server-only', () => {
    const byName = new Map(commandDefinitions().map((d) => [(d as { name: string }).name, d as { default_member_permissions?: string | null; contexts?: number[] }]));
    expect([...byName.keys()]).toEqual(['news', 'watch', 'feeds', 'status']);
    expect(byName.get('watch')?.default_member_permissions).toBe('32');
    expect(byName.get('feeds')?.default_member_permissions).toBe('32');
    expect(byName.get('news')?.default_member_permissions ?? null).toBeNull();
    expect(byName.get('status')?.default_member_permissions ?? null).toBeNull();
    for (const d of byName.values()) expect(d.contexts).toEqual([0]);
  });
});

describe('registerCommands', () => {
  it('GIVEN nothing registered WHEN registering twice in a server THEN the first PUTs and the second sees no change and skips', async () => {
    const log = capturingLogger().log;
    const first = await registerCommands({ rest: rest(), applicationId: FAKE_APPLICATION_ID, guildId: GUILD_A, definitions: commandDefinitions(), log });
    expect(first).toEqual({ scope: 'guild', changed: true, count: 4 });
    expect(fake.commands.get(GUILD_A)?.map((c) => c.name)).toEqual(['news', 'watch', 'feeds', 'status']);
    expect(fake.commands.get('global')).toBeUndefined();

    const second = await registerCommands({ rest: rest(), applicationId: FAKE_APPLICATION_ID, guildId: GUILD_A, definitions: commandDefinitions(), log });
    expect(second.changed).toBe(false);
    expect(puts()).toBe(1);
  });

  it('GIVEN a changed description WHEN registering THEN the difference is found and the commands are uploaded again, globally without a guild', async () => {
    const log = capturingLogger().log;
    await registerCommands({ rest: rest(), applicationId: FAKE_APPLICATION_ID, definitions: commandDefinitions(), log });
    const changed = commandDefinitions().map((d, i) => (i === 0 ? { ...(d as object), description: 'Something else' } : d));
    const result = await registerCommands({ rest: rest(), applicationId: FAKE_APPLICATION_ID, definitions: changed, log });
    expect(result).toEqual({ scope: 'global', changed: true, count: 4 });
    expect(puts()).toBe(2);
    expect(fake.commands.get('global')?.[0]?.description).toBe('Something else');
  });

  it('GIVEN Discord\'s copy with ids, versions and defaults THEN it compares equal to the local definitions', () => {
    const local = commandDefinitions();
    const remote = local.map((d) => ({ ...(d as object), id: '1', application_id: FAKE_APPLICATION_ID, version: '2', type: 1, nsfw: false, dm_permission: false, integration_types: [0] }));
    expect(sameCommands(local, [...remote].reverse())).toBe(true);
    expect(sameCommands(local, remote.slice(1))).toBe(false);
  });
});

describe('watchfloor register-commands', () => {
  it('GIVEN a token and DISCORD_GUILD_ID WHEN run twice THEN it registers in that server, then reports nothing to do', async () => {
    const env = { DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase, DISCORD_GUILD_ID: GUILD_A };
    const first = await runCli(['register-commands'], env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(`Registered 4 slash commands in server ${GUILD_A}.\n`);
    expect(first.code).toBe(0);
    // No DISCORD_APPLICATION_ID: the application was asked for.
    expect(fake.requests.some((r) => r.path === '/applications/@me')).toBe(true);
    const second = await runCli(['register-commands'], env);
    expect(second.stdout).toContain('already up to date (4); nothing sent');
    expect(puts()).toBe(1);
  });

  it('GIVEN no token WHEN register-commands THEN it exits 2 saying what to set', async () => {
    const result = await runCli(['register-commands'], { DISCORD_API_BASE: fake.apiBase });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DISCORD_TOKEN');
    expect(fake.requests).toEqual([]);
  });
});

describe('watchfloor run with a bot token', () => {
  let feeds: FeedServer;
  beforeEach(async () => {
    feeds = await startFeedServer();
  });
  afterEach(async () => {
    await feeds.close();
  });

  it('GIVEN feeds.json and a feed added from Discord WHEN run starts THEN it registers the commands, answers /status, and polls both — the added one under the private-address rule', async () => {
    const dir = tempDir();
    const feedsFile = join(dir, 'feeds.json');
    const db = join(dir, 'w.db');
    writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'harbour', name: 'Harbour', url: feeds.url('/feeds/rss2-full.xml'), language: 'en', kind: 'outlet' }] }));
    const store = createStore(db);
    store.addedFeeds.add({ id: 'added-atom', url: feeds.url('/feeds/atom-full.atom'), name: 'Added', language: 'en', kind: 'outlet', addedBy: '700000000000000001', guildId: GUILD_A, addedAt: Date.now() });
    store.close();

    const run = startCli(['run', '--no-http'], { WATCHFLOOR_FEEDS: feedsFile, WATCHFLOOR_DB: db, DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase, DISCORD_GUILD_ID: GUILD_A, LOG_LEVEL: 'info' });
    try {
      await run.waitForLog((l) => l.msg === 'slash commands registered in one server');
      expect(fake.commands.get(GUILD_A)).toHaveLength(4);
      const cycle = await run.waitForLog((l) => l.msg === 'poll cycle finished');
      // The loopback feed from feeds.json is the operator's; the added one is refused as private.
      expect(cycle).toMatchObject({ polled: 2, ok: 1, failed: 1 });

      const answer = await interact(fake, commandInteraction({ guildId: GUILD_A, channelId: CHANNEL_A }, 'status'));
      const text = replyText(answer.message);
      expect(text).toContain('Watchfloor status');
      expect(text).toMatch(/2 polled, 1 failing/u);
      expect(text).toContain('**added-atom**: 1× invalid-url');

      const listed = await interact(fake, commandInteraction({ guildId: GUILD_A, channelId: CHANNEL_A }, 'feeds', sub('list')));
      expect(replyText(listed.message)).toContain('added by <@700000000000000001>');
    } finally {
      run.child.kill('SIGTERM');
    }
    expect((await run.exited).code).toBe(0);
    expect(feeds.requests.some((r) => r.path === '/feeds/atom-full.atom')).toBe(false);
  });
});
