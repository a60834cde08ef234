import { join } from 'node:path';
import { Events, type Client } from 'discord.js';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createDelivery, type Delivery } from '../../src/app/delivery.js';
import { loadEnv } from '../../src/config/env.js';
import { parseDigestRatingValue } from '../../src/core/feedback/digest.js';
import type { Story } from '../../src/core/types.js';
import { createDiscordClient } from '../../src/discord/client.js';
import { attachFeedback } from '../../src/discord/feedback.js';
import { createStore, type Store } from '../../src/store/index.js';
import { createSqliteRatingsPort } from '../../src/store/ratings-port.js';
import { messageBodyProblems } from '../helpers/discord-schemas.js';
import { FAKE_BOT_USER_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord, type FakeGuild } from '../helpers/fake-discord.js';
import { installInteractionRoutes, interact, interactionBodyProblems, PERMISSIONS } from '../helpers/fake-interactions.js';
import { dispatchReactionAdd, dispatchReactionRemove, selectInteraction } from '../helpers/fake-reactions.js';
import { capturingLogger, makeStory, newSubscription, TEST_FEEDS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { disposeClassifier, realClassifier } from './commands/harness.js';

const GUILD = '210000000000000001';
const CHANNEL = '310000000000000001';
const OTHER_GUILD = '220000000000000002';
const OTHER_CHANNEL = '320000000000000002';
const M1 = '710000000000000001';
const M2 = '710000000000000002';
const M3 = '710000000000000003';
const M4 = '710000000000000004';
/** A member of the server whom the alerts channel is hidden from. */
const OUTSIDER = '790000000000000009';
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 1, 9);

const GUILDS: FakeGuild[] = [
  {
    id: GUILD,
    name: 'Newsroom A',
    channels: [{ id: CHANNEL, guildId: GUILD, name: 'alerts', permissionOverwrites: [{ id: OUTSIDER, type: 1, allow: '0', deny: String(1n << 10n) }] }],
    roles: [{ id: GUILD, name: '@everyone' }],
  },
  { id: OTHER_GUILD, name: 'Newsroom B', channels: [{ id: OTHER_CHANNEL, guildId: OTHER_GUILD, name: 'alerts' }], roles: [{ id: OTHER_GUILD, name: '@everyone' }] },
];

const tempDir = useTempDir();
afterAll(() => { disposeClassifier(); });

interface World {
  logs: ReturnType<typeof capturingLogger>;
  fake: FakeDiscord;
  client: Client;
  store: Store;
  delivery: Delivery;
  clock: { now: number };
  close(): Promise<void>;
}

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

/** `slowReads`: the reads only an added rating makes wait this long (as a database across a network may). */
async function start(slowReads = 0): Promise<World> {
  const fake = await startFakeDiscord({ guilds: GUILDS });
  installInteractionRoutes(fake);
  const store = createStore(join(tempDir(), 'w.db'));
  const classifier = await realClassifier();
  const env = loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase });
  const logs = capturingLogger();
  const clock = { now: NOW };
  const client = createDiscordClient(env, { offset: 0, timeout: 2_000 });
  // Small limits, so that the test can reach them: 2 ratings per hour, 3 held at once.
  const sqlite = createSqliteRatingsPort(store);
  const ratings = slowReads === 0 ? sqlite : { ...sqlite, verdicts: async (rowid: number) => { await new Promise((resolve) => setTimeout(resolve, slowReads)); return sqlite.verdicts(rowid); } };
  attachFeedback(client, { ratings, log: logs.log, clock: () => clock.now, limits: { maxPerMember: 3, maxPerWindow: 2, rateWindowMs: HOUR } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => { resolve(); }));
  await client.login(FAKE_TOKEN);
  await ready;
  const delivery = createDelivery({ store, env, log: logs.log, topics: classifier.topics, feedsById: TEST_FEEDS, client, clock: () => clock.now, retry: { waitMs: 0 } });
  const world: World = {
    logs,
    fake,
    client,
    store,
    delivery,
    clock,
    async close() {
      await delivery.close();
      await client.destroy();
      store.close();
      await fake.close();
    },
  };
  worlds.push(world);
  return world;
}

const TITLES = [
  'Russian drones hit Kharkiv power station overnight',
  'Ukraine signs air defence deal with Germany',
  'Explosions shake Odesa port as air raid sirens sound in Ukraine',
  'Zelensky visits front line near Pokrovsk',
];

/** Stores and routes stories as the poll cycle does, then sends the alerts. */
async function alert(w: World, titles: readonly string[]): Promise<{ rowid: number; messageId: string }[]> {
  const classifier = await realClassifier();
  const rowids = titles.map((title, i) => {
    const story: Story = makeStory({ title, summary: 'Officials said damage was being assessed.', publishedAt: NOW - HOUR + i, firstSeenAt: NOW });
    const classification = classifier.classify(story);
    return w.store.transaction(() => {
      const { rowid } = w.store.stories.insert(story, classification);
      w.delivery.route(rowid, story, classification, NOW);
      return rowid;
    });
  });
  await w.delivery.drain();
  return rowids.map((rowid) => {
    const row = w.store.outbox.listForSubscription(1).find((r) => r.storyRowid === rowid);
    if (!row?.messageId) throw new Error(`no alert was sent for story ${rowid}`);
    return { rowid, messageId: row.messageId };
  });
}

function ratingsOf(store: Store) {
  return store.feedback.list(GUILD).map((r) => ({ member: r.memberId, story: r.storyRowid, topic: r.topic, rating: r.rating, source: r.source })).sort((a, b) => a.member.localeCompare(b.member) || a.story - b.story);
}

describe('GIVEN alerts the bot posted in a server channel', () => {
  it('THEN it adds 👍 and 👎 under each, and members’ reactions become ratings, with the bot, outsiders and limits ignored', async () => {
    const w = await start();
    w.store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL, guildId: GUILD }, topics: ['*'], createdAt: NOW - HOUR }));
    const alerts = await alert(w, TITLES);
    const [a1, a2, a3, a4] = alerts;
    if (!a1 || !a2 || !a3 || !a4) throw new Error('four alerts expected');
    for (const a of alerts) {
      const puts = w.fake.requests.filter((r) => r.method === 'PUT' && r.path.startsWith(`/channels/${CHANNEL}/messages/${a.messageId}/reactions/`));
      expect(puts.map((r) => r.path.split('/')[6])).toEqual(['👍', '👎']);
      expect(puts.every((r) => r.status === 204)).toBe(true);
    }
    const react = (userId: string, a: { messageId: string }, emoji: string) => { dispatchReactionAdd(w.fake, { guildId: GUILD, channelId: CHANNEL, messageId: a.messageId, userId, emoji }); };
    const unreact = (userId: string, a: { messageId: string }, emoji: string) => { dispatchReactionRemove(w.fake, { guildId: GUILD, channelId: CHANNEL, messageId: a.messageId, userId, emoji }); };
    const settled = (expected: unknown) => vi.waitFor(() => { expect(ratingsOf(w.store)).toEqual(expected); });

    // A rating, a change of mind (one rating per member, story and topic), a skin tone.
    react(M1, a1, '👍');
    await settled([{ member: M1, story: a1.rowid, topic: 'ukraine', rating: 1, source: 'reaction' }]);
    const then = w.store.feedback.list(GUILD)[0];
    expect(then?.matchedThen).toBe(true);
    expect(then?.scoreThen).toBeGreaterThan(0);
    react(M1, a1, '👎🏽');
    await settled([{ member: M1, story: a1.rowid, topic: 'ukraine', rating: -1, source: 'reaction' }]);

    // Ignored: the bot's own reactions, a member who cannot see the channel, another emoji, and
    // taking back a 👍 the member no longer holds. M2's rating after them shows they were read.
    react(FAKE_BOT_USER_ID, a2, '👍');
    react(OUTSIDER, a2, '👍');
    react(M2, a2, '🔥');
    unreact(M1, a1, '👍');
    react(M2, a2, '👍');
    await settled([
      { member: M1, story: a1.rowid, topic: 'ukraine', rating: -1, source: 'reaction' },
      { member: M2, story: a2.rowid, topic: 'ukraine', rating: 1, source: 'reaction' },
    ]);

    // Un-reacting removes the rating.
    unreact(M1, a1, '👎🏽');
    await settled([{ member: M2, story: a2.rowid, topic: 'ukraine', rating: 1, source: 'reaction' }]);

    // Limits: 2 ratings per hour, 3 held. M3's third rating within the hour is refused…
    react(M3, a1, '👍');
    react(M3, a2, '👍');
    react(M3, a3, '👍');
    react(M2, a3, '👎');
    await vi.waitFor(() => { expect(ratingsOf(w.store).filter((r) => r.member === M2)).toHaveLength(2); });
    expect(ratingsOf(w.store).filter((r) => r.member === M3).map((r) => r.story)).toEqual([a1.rowid, a2.rowid]);
    // …and allowed an hour later, up to the 3 a member may hold; the fourth is over the cap.
    w.clock.now += 2 * HOUR;
    react(M3, a3, '👍');
    react(M3, a4, '👍');
    react(M2, a4, '👎');
    await vi.waitFor(() => { expect(ratingsOf(w.store).filter((r) => r.member === M2)).toHaveLength(3); });
    expect(ratingsOf(w.store).filter((r) => r.member === M3).map((r) => r.story)).toEqual([a1.rowid, a2.rowid, a3.rowid]);
  });

  it('THEN a 👍 taken back at once is gone, even when the add is slower to write than the removal', async () => {
    const w = await start(150);
    w.store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL, guildId: GUILD }, topics: ['*'], createdAt: NOW - HOUR }));
    const [a1] = await alert(w, TITLES);
    if (!a1) throw new Error('an alert expected');
    const reaction = { guildId: GUILD, channelId: CHANNEL, messageId: a1.messageId, userId: M1, emoji: '👍' };
    dispatchReactionAdd(w.fake, reaction);
    dispatchReactionAdd(w.fake, reaction);
    dispatchReactionRemove(w.fake, reaction);
    // All three handled: the debug log has a line for each.
    await vi.waitFor(() => { expect(w.logs.lines().filter((l) => l.msg === 'reaction rating')).toHaveLength(3); }, { timeout: 5_000 });
    expect(ratingsOf(w.store)).toEqual([]);
    expect(w.logs.lines().filter((l) => l.msg === 'reaction rating').map((l) => l.change)).toEqual(['add', 'add', 'remove']);
  });

  it('THEN a reaction on a message of another server’s channel, or on a message that is not an alert, is not a rating', async () => {
    const w = await start();
    w.store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL, guildId: GUILD }, topics: ['*'], createdAt: NOW - HOUR }));
    const [a1] = await alert(w, TITLES.slice(0, 1));
    if (!a1) throw new Error('an alert expected');
    // The same message id claimed from another server's channel, and a message Watchfloor never sent.
    dispatchReactionAdd(w.fake, { guildId: OTHER_GUILD, channelId: OTHER_CHANNEL, messageId: a1.messageId, userId: M1, emoji: '👍' });
    dispatchReactionAdd(w.fake, { guildId: GUILD, channelId: CHANNEL, messageId: '999999999999999999', userId: M1, emoji: '👍' });
    dispatchReactionAdd(w.fake, { guildId: GUILD, channelId: CHANNEL, messageId: a1.messageId, userId: M2, emoji: '👍' });
    await vi.waitFor(() => { expect(w.store.feedback.list(GUILD)).toHaveLength(1); });
    expect(w.store.feedback.list(GUILD)[0]?.memberId).toBe(M2);
    expect(w.store.feedback.list(OTHER_GUILD)).toEqual([]);
  });
});

describe('GIVEN a digest the bot posted', () => {
  it('THEN it carries Relevant / Not relevant menus within Discord’s limits, and a choice is stored and answered privately', async () => {
    const w = await start();
    const digest = w.store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: CHANNEL, guildId: GUILD }, topics: ['*'], mode: 'digest', schedule: '0 8 * * *', createdAt: NOW - 2 * HOUR, maxAgeMs: 86_400_000 }));
    const classifier = await realClassifier();
    const rowids = TITLES.map((title, i) => {
      const story = makeStory({ title, summary: 'Officials said damage was being assessed.', publishedAt: NOW - HOUR + i, firstSeenAt: NOW - HOUR });
      return w.store.transaction(() => w.store.stories.insert(story, classifier.classify(story)).rowid);
    });
    expect(w.delivery.runDueDigests(NOW, { force: true })).toBe(1);
    await w.delivery.drain();
    const posts = w.fake.messageRequests().filter((r) => r.path === `/channels/${CHANNEL}/messages`);
    const last = posts.at(-1);
    if (!last) throw new Error('no digest was posted');
    expect(messageBodyProblems(last)).toEqual([]);
    const body = last.body as { components?: { type: number; components: { type: number; custom_id: string; max_values: number; options: { label: string; value: string }[] }[] }[] };
    const rows = body.components ?? [];
    expect(rows.map((r) => r.components[0]?.custom_id)).toEqual([`fbd:up:${digest.id}`, `fbd:down:${digest.id}`]);
    const options = rows[0]?.components[0]?.options ?? [];
    expect(options.length).toBe(4);
    expect(options.length).toBeLessThanOrEqual(25);
    expect(options.map((o) => parseDigestRatingValue(o.value)?.storyRowid).sort()).toEqual([...rowids].sort());
    // No reactions under a digest: it is rated with the menus.
    expect(w.fake.requests.some((r) => r.method === 'PUT' && r.path.includes('/reactions/'))).toBe(false);
    const messageId = w.store.outbox.listForSubscription(digest.id).at(-1)?.messageId ?? '';

    const chosen = options.slice(0, 2).map((o) => o.value);
    const answer = await interact(w.fake, selectInteraction({ guildId: GUILD, channelId: CHANNEL, userId: M4, permissions: PERMISSIONS.member }, `fbd:down:${digest.id}`, chosen, { id: messageId, components: rows }));
    expect(answer.ephemeral).toBe(true);
    expect(answer.message.content).toContain('Thanks: 2 stories marked 👎 not relevant');
    expect(interactionBodyProblems(answer.callback)).toEqual([]);
    expect(ratingsOf(w.store)).toEqual(chosen.map((v) => ({ member: M4, story: parseDigestRatingValue(v)?.storyRowid, topic: parseDigestRatingValue(v)?.topic, rating: -1, source: 'digest' })).sort((a, b) => (a.story ?? 0) - (b.story ?? 0)));

    // A member whose permissions in the channel lack View Channel is refused, privately.
    const refused = await interact(w.fake, selectInteraction({ guildId: GUILD, channelId: CHANNEL, userId: OUTSIDER, permissions: String(1n << 11n) }, `fbd:up:${digest.id}`, chosen, { id: messageId, components: rows }));
    expect(refused.ephemeral).toBe(true);
    expect(refused.message.content).toContain('Only members who can see this channel');
    // A menu naming another subscription than the digest it sits on is not counted.
    const forged = await interact(w.fake, selectInteraction({ guildId: GUILD, channelId: CHANNEL, userId: M1 }, `fbd:up:${digest.id + 1}`, chosen, { id: messageId, components: rows }));
    expect(forged.message.content).toContain('Nothing was saved');
    expect(w.store.feedback.list(GUILD)).toHaveLength(2);
  });
});
