import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SlashCommandBuilder } from 'discord.js';
import { executeCommand, pressButton, replyProblems } from '../../../src/discord/interactions.js';
import { COMMANDS } from '../../../src/discord/commands/index.js';
import { UserError, type CommandModule, type Invocation } from '../../../src/discord/commands/types.js';
import { commandInteraction, interact, interactionBodyProblems, replyText, sub, type Who } from '../../helpers/fake-interactions.js';
import { classified, makeStory, newSubscription } from '../../helpers/stories.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { CHANNEL_A, disposeClassifier, GUILD_A, startHarness, type Harness } from './harness.js';

const tempDir = useTempDir();
const A: Who = { guildId: GUILD_A, channelId: CHANNEL_A };
let h: Harness | null = null;

afterEach(async () => {
  if (h) {
    for (const request of h.fake.requests) expect(interactionBodyProblems(request), `${request.method} ${request.path}`).toEqual([]);
    await h.close();
  }
  h = null;
});

afterAll(() => {
  disposeClassifier();
});

describe('/status', () => {
  it('GIVEN stories today, a failing feed and a queued message WHEN /status THEN all of them are reported', async () => {
    h = await startHarness({ dir: tempDir() });
    const { store } = h;
    const now = Date.now();
    const story = makeStory({ firstSeenAt: now - 60_000 });
    const { rowid } = store.stories.insert(story, classified({ ukraine: 6, 'north-korea': 5 }));
    store.stories.insert(makeStory({ firstSeenAt: now - 30_000 }), classified({ ukraine: 5 }));
    const subscription = store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL_A, guildId: GUILD_A }, topics: ['*'], createdAt: now }));
    store.outbox.addAlert({ subscriptionId: subscription.id, storyRowid: rowid, payload: { embeds: [{ title: 'x' }], allowedMentions: { parse: [], roles: [] } }, now });
    store.feeds.ensure('ap', 'https://ap.example/top.rss');
    store.feeds.recordFailure('ap', { at: now, status: null, kind: 'timeout', message: 'timed out', nextPollAt: now + 60_000 });
    const cycle = store.cycles.start(now - 120_000);
    store.cycles.finish(cycle, { at: now - 100_000, polled: 3, ok: 2, notModified: 0, failed: 1, newStories: 2 });
    const eventId = store.events.create({ title: story.title, startedAt: story.publishedAt, storyRowid: rowid, feedId: story.feedId, at: now, now });
    store.outbox.addDeveloping({ subscriptionId: subscription.id, eventId, payload: { embeds: [{ title: 'developing' }], allowedMentions: { parse: [], roles: [] } }, now });

    const answer = await interact(h.fake, commandInteraction(A, 'status'));
    expect(answer.ephemeral).toBe(false);
    const text = replyText(answer.message);
    expect(text).toMatch(/Uptime: 1 h 30 min/u);
    expect(text).toMatch(/Last poll cycle: <t:\d+:R>: 3 polled, 2 ok, 0 unchanged, 1 failed, 2 new/u);
    expect(text).toMatch(/Ukraine: 2/u);
    expect(text).toMatch(/North Korea: 1/u);
    expect(text).toMatch(/South Korea: 0/u);
    expect(text).toContain('**ap**: 1× timeout');
    expect(text).toContain('2 waiting, 0 failed for good');
    expect(text).toContain('Events: 1 in the last 12 h, 0 with a living alert, 1 🚨 developing');
  });
});

describe('the wrapper', () => {
  it('GIVEN a handler that hits a bug WHEN the command runs THEN the member gets a generic private error and the log has it once, with the command name', async () => {
    h = await startHarness({
      dir: tempDir(),
      allowPrivateFeeds: true,
      overrides: {
        probeFeed: () => Promise.reject(new Error('probe exploded')),
      },
    });
    const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub('test', { url: 'https://example.org/feed' })));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain("Something went wrong on Watchfloor's side while running `/feeds test`");
    expect(replyText(answer.message)).not.toContain('probe exploded');
    const failures = h.logs.lines().filter((l) => l.msg === 'command failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ command: '/feeds test', guild_id: GUILD_A, err: { message: 'probe exploded' } });
  });

  const invocation = (command: string, subcommand: string | null, options: Record<string, string | number> = {}): Invocation => ({
    command,
    subcommand,
    options: new Map(Object.entries(options)),
    userId: '700000000000000001',
    guildId: GUILD_A,
    channelId: CHANNEL_A,
    permissions: 1n << 5n,
  });

  it('GIVEN a plain invocation with no Discord client WHEN executeCommand runs it THEN it returns the same payload (reusable by an HTTP endpoint)', async () => {
    h = await startHarness({ dir: tempDir() });
    h.store.stories.insert(makeStory({ title: 'Kyiv metro reopens' }), classified({ ukraine: 5 }));
    const reply = await executeCommand(COMMANDS, invocation('news', 'latest'), h.deps);
    expect(reply.embeds?.[0]?.description).toContain('Kyiv metro reopens');
    expect(replyProblems(reply)).toEqual([]);
  });

  it('GIVEN a reply that breaks Discord\'s limits WHEN a handler returns it THEN it is never sent: a generic error is, and the problem is logged', async () => {
    h = await startHarness({ dir: tempDir() });
    const oversized: CommandModule = {
      data: new SlashCommandBuilder().setName('big').setDescription('too big'),
      execute: () => ({ embeds: [{ title: 'x'.repeat(300) }] }),
    };
    const reply = await executeCommand([oversized], invocation('big', null), h.deps);
    expect(reply).toMatchObject({ ephemeral: true });
    expect(reply.content).toContain('Something went wrong');
    expect(h.logs.lines().some((l) => l.msg === 'command built a reply Discord would refuse')).toBe(true);
  });

  it('GIVEN a UserError WHEN executeCommand runs THEN its message is the private answer and nothing is logged as an error', async () => {
    h = await startHarness({ dir: tempDir() });
    const picky: CommandModule = { data: new SlashCommandBuilder().setName('picky').setDescription('x'), execute: () => { throw new UserError('Use a smaller number.'); } };
    expect(await executeCommand([picky], invocation('picky', null), h.deps)).toEqual({ ephemeral: true, content: 'Use a smaller number.' });
    expect(h.logs.lines().filter((l) => l.level === 50)).toEqual([]);
  });

  it('GIVEN an unknown button prefix WHEN pressed THEN the answer says it does nothing now', async () => {
    h = await startHarness({ dir: tempDir() });
    const reply = await pressButton(COMMANDS, { customId: 'retired:1', userId: '1', guildId: GUILD_A, channelId: CHANNEL_A, permissions: 0n }, h.deps);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('does nothing now');
  });
});
