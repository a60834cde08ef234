import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandInteraction, interact, OPTION, replyText, resolvedChannel, sub } from '../../helpers/fake-interactions.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { disposeClassifier, expectValidTraffic, giveBotRole, GUILD_A, TWO_GUILDS, WHO_A, startHarness, type Harness } from './harness.js';

const tempDir = useTempDir();
const FORUM_A = '310000000000000077';
const MEDIA_A = '310000000000000078';
const VIEW = 1n << 10n;
const SEND = 1n << 11n;
const EMBED = 1n << 14n;
const IN_THREADS = 1n << 38n;

let h: Harness;

beforeEach(async () => {
  const [a, b] = TWO_GUILDS;
  h = await startHarness({ dir: tempDir(), guilds: [{ ...a!, channels: [...a!.channels, { id: FORUM_A, guildId: GUILD_A, name: 'events', type: 15 }, { id: MEDIA_A, guildId: GUILD_A, name: 'clips', type: 16 }] }, b!] });
});

afterEach(async () => {
  expectValidTraffic(h.fake);
  await h.close();
});

afterAll(() => {
  disposeClassifier();
});


function addToForum(mode: string, channel = FORUM_A, type = 15) {
  return commandInteraction(WHO_A, 'watch', sub('add', { channel: { type: OPTION.channel, value: channel }, topics: 'all', mode }), {
    channels: { [channel]: { ...resolvedChannel(channel, GUILD_A), type } },
  });
}

describe('/watch add to a forum channel', () => {
  it('THEN the channel option offers forum and media channels beside text and announcement ones', async () => {
    const { COMMANDS } = await import('../../../src/discord/commands/index.js');
    const watch = COMMANDS.find((c) => c.data.name === 'watch')!.data.toJSON() as { options: { name: string; options?: { name: string; channel_types?: number[] }[] }[] };
    const add = watch.options.find((o) => o.name === 'add');
    expect(add?.options?.find((o) => o.name === 'channel')?.channel_types).toEqual([0, 5, 15, 16]);
  });

  it('GIVEN the bot may post but not send in threads WHEN /watch add to a forum THEN it names the forum permission missing and saves nothing', async () => {
    giveBotRole(h.fake, VIEW | SEND | EMBED);
    const answer = await interact(h.fake, addToForum('event'));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain(`Watchfloor cannot post in the forum <#${FORUM_A}> (missing Send Messages in Threads)`);
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN the bot may view the forum only WHEN /watch add THEN Create Posts is named among the missing permissions', async () => {
    giveBotRole(h.fake, VIEW);
    const answer = await interact(h.fake, addToForum('instant'));
    expect(replyText(answer.message)).toContain('(missing Create Posts, Send Messages in Threads, Embed Links)');
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN a media channel (a forum variant) without Send Messages in Threads WHEN /watch add THEN the forum permission is named and nothing saved', async () => {
    giveBotRole(h.fake, VIEW | SEND | EMBED);
    const answer = await interact(h.fake, addToForum('event', MEDIA_A, 16));
    expect(replyText(answer.message)).toContain(`Watchfloor cannot post in the forum <#${MEDIA_A}> (missing Send Messages in Threads)`);
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN the bot may create posts and send in threads WHEN /watch add mode:event to a forum THEN it is saved', async () => {
    giveBotRole(h.fake, VIEW | SEND | EMBED | IN_THREADS);
    const answer = await interact(h.fake, addToForum('event'));
    expect(replyText(answer.message)).toContain('Subscribed');
    expect(h.store.subscriptions.list()[0]).toMatchObject({ target: { kind: 'channel', channelId: FORUM_A, guildId: GUILD_A }, mode: 'event' });
  });
});
