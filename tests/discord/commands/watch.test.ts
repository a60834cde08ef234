import { describe, expect, it } from 'vitest';
import {
  autocompleteInteraction,
  choiceValues,
  commandInteraction,
  interact,
  OPTION,
  PERMISSIONS,
  replyText,
  resolvedChannel,
  resolvedRole,
  sub,
  type Who,
} from '../../helpers/fake-interactions.js';
import { CHANNEL_A, CHANNEL_B, giveBotRole, GUILD_A, GUILD_B, WHO_A, WHO_B, ROLE_A, useHarness } from './harness.js';

const A = WHO_A;
const B = WHO_B;

const h = useHarness();

function channel(id: string): { type: number; value: string } {
  return { type: OPTION.channel, value: id };
}

function watchAdd(who: Who, values: Record<string, string | number | { type: number; value: string | number }>) {
  const channelId = typeof values.channel === 'object' ? String(values.channel.value) : who.channelId;
  return commandInteraction(who, 'watch', sub('add', { channel: channel(channelId), ...values }), {
    channels: { [channelId]: resolvedChannel(channelId, who.guildId) },
    ...(typeof values.role === 'object' ? { roles: { [String(values.role.value)]: resolvedRole(String(values.role.value)) } } : {}),
  });
}

describe('/watch add', () => {
  it('GIVEN valid instant options with a role WHEN /watch add THEN the subscription is stored for this server and confirmed privately', async () => {
    const answer = await interact(h.fake, watchAdd(A, { topics: 'ukraine, north-korea', mode: 'instant', min_score: 4.5, role: { type: OPTION.role, value: ROLE_A } }));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain('Subscribed: **#1**');
    expect(replyText(answer.message)).toContain(`<@&${ROLE_A}>`);
    expect(answer.message.allowed_mentions).toEqual({ parse: [] });
    const [stored] = h.store.subscriptions.list();
    expect(stored).toMatchObject({
      target: { kind: 'channel', channelId: CHANNEL_A, guildId: GUILD_A },
      topics: ['ukraine', 'north-korea'],
      mode: 'instant',
      minScore: 4.5,
      mentionRoleId: ROLE_A,
      createdBy: 'discord:700000000000000001',
    });
  });

  it('GIVEN a digest with schedule and time zone WHEN /watch add THEN it is stored with both', async () => {
    const answer = await interact(h.fake, watchAdd(A, { topics: 'all', mode: 'digest', schedule: '30 7 * * 1-5', timezone: 'Asia/Seoul' }));
    expect(replyText(answer.message)).toContain('digest `30 7 * * 1-5` `Asia/Seoul`');
    expect(h.store.subscriptions.list()[0]).toMatchObject({ topics: ['*'], mode: 'digest', schedule: '30 7 * * 1-5', timezone: 'Asia/Seoul' });
  });

  it('GIVEN mode event with a developing rule and a role WHEN /watch add THEN it is stored with both and the reply says how it delivers', async () => {
    const answer = await interact(h.fake, watchAdd(A, { topics: 'north-korea', mode: 'event', developing_sources: 3, developing_window: 20, role: { type: OPTION.role, value: ROLE_A } }));
    expect(replyText(answer.message)).toContain('event (developing: 3 sources in 20 min)');
    expect(h.store.subscriptions.list()[0]).toMatchObject({ mode: 'event', developingSources: 3, developingWindowMs: 20 * 60_000, mentionRoleId: ROLE_A });
  });

  const badCases: [string, Record<string, string | number>, RegExp][] = [
    ['a developing rule on an instant subscription', { topics: 'all', mode: 'instant', developing_sources: 3 }, /`developing_sources`: only event subscriptions flag developing stories; add `mode:event`/u],
    ['an unknown topic', { topics: 'ukraine, japan', mode: 'instant' }, /`topics`: unknown topic\(s\) japan; known: north-korea, south-korea, ukraine/u],
    ['a bad cron expression', { topics: 'all', mode: 'digest', schedule: 'every morning' }, /`schedule`: invalid cron expression "every morning"/u],
    ['an unknown time zone', { topics: 'all', mode: 'digest', schedule: '0 8 * * *', timezone: 'Mars/Olympus' }, /`timezone`: unknown time zone "Mars\/Olympus": use an IANA name/u],
    ['a digest without schedule', { topics: 'all', mode: 'digest' }, /`schedule`: a digest needs a cron schedule, e.g. `schedule:0 8 \* \* \*`/u],
    ['a schedule on an instant subscription', { topics: 'all', mode: 'instant', schedule: '0 8 * * *' }, /`schedule`: only digests have a schedule; add `mode:digest`/u],
    ['a negative minimum score', { topics: 'all', mode: 'instant', min_score: -2 }, /`min_score`: "-2" is not a number ≥ 0/u],
  ];
  for (const [what, values, message] of badCases) {
    it(`GIVEN ${what} WHEN /watch add THEN an ephemeral reply says what and how to fix it, and nothing is saved`, async () => {
      const answer = await interact(h.fake, watchAdd(A, values));
      expect(answer.ephemeral).toBe(true);
      const text = replyText(answer.message);
      expect(text).toContain('Nothing was saved');
      expect(text).toMatch(message);
      expect(h.store.subscriptions.count()).toBe(0);
    });
  }

  it('GIVEN several bad options WHEN /watch add THEN every problem is listed at once', async () => {
    const answer = await interact(h.fake, watchAdd(A, { topics: 'atlantis', mode: 'digest', schedule: '99 99 * * *', timezone: 'Nowhere/City' }));
    const text = replyText(answer.message);
    expect(text).toContain('`topics`');
    expect(text).toContain('`timezone`');
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN a member without Manage Server WHEN /watch add THEN it is refused and nothing is saved', async () => {
    const answer = await interact(h.fake, watchAdd({ ...A, permissions: PERMISSIONS.member }, { topics: 'all', mode: 'instant' }));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain('needs the **Manage Server** permission');
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN an administrator without the Manage Server bit WHEN /watch add THEN it is allowed', async () => {
    const answer = await interact(h.fake, watchAdd({ ...A, permissions: String(1n << 3n) }, { topics: 'all', mode: 'instant' }));
    expect(replyText(answer.message)).toContain('Subscribed');
  });
});

describe('/watch add across servers', () => {
  // The payloads below are what a forged interaction can carry: the resolved channel claims to
  // be in the invoking server (watchAdd resolves it there), whatever server it really is in.
  it('GIVEN a Manage Server member of B WHEN /watch add names a channel of A THEN it is refused privately and nothing is saved', async () => {
    const answer = await interact(h.fake, watchAdd(B, { channel: channel(CHANNEL_A), topics: 'all', mode: 'instant' }));
    expect(answer.ephemeral).toBe(true);
    const text = replyText(answer.message);
    expect(text).toContain('Nothing was saved');
    expect(text).toContain(`\`channel\`: \`${CHANNEL_A}\` is not a channel of this server`);
    expect(text).toContain("pick one of this server's text channels");
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN a Manage Server member of B WHEN /watch add mentions a role of A THEN it is refused and nothing is saved', async () => {
    const answer = await interact(h.fake, watchAdd(B, { channel: channel(CHANNEL_B), topics: 'all', mode: 'instant', role: { type: OPTION.role, value: ROLE_A } }));
    expect(answer.ephemeral).toBe(true);
    const text = replyText(answer.message);
    expect(text).toContain(`\`role\`: \`${ROLE_A}\` is not a role of this server`);
    expect(text).not.toContain('`channel`');
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN a channel and a role of A named from B WHEN /watch add THEN both problems are listed at once', async () => {
    const answer = await interact(h.fake, watchAdd(B, { channel: channel(CHANNEL_A), topics: 'all', mode: 'instant', role: { type: OPTION.role, value: ROLE_A } }));
    const text = replyText(answer.message);
    expect(text).toContain('Fix these');
    expect(text).toContain('`channel`');
    expect(text).toContain('`role`');
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN a channel the bot has never seen WHEN /watch add THEN Discord is asked (GET /channels/:id), and its 404 refuses it', async () => {
    const stranger = '390000000000000009';
    const answer = await interact(h.fake, watchAdd(B, { channel: channel(stranger), topics: 'all', mode: 'instant' }));
    expect(replyText(answer.message)).toContain(`\`${stranger}\` is not a channel of this server`);
    expect(h.fake.requests.some((r) => r.method === 'GET' && r.path === `/channels/${stranger}`)).toBe(true);
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it("GIVEN B's own channel and its @everyone role WHEN /watch add from B THEN it is saved for B", async () => {
    const answer = await interact(h.fake, watchAdd(B, { channel: channel(CHANNEL_B), topics: 'all', mode: 'instant', role: { type: OPTION.role, value: GUILD_B } }));
    expect(replyText(answer.message)).toContain('Subscribed');
    expect(h.store.subscriptions.list()[0]).toMatchObject({ target: { kind: 'channel', channelId: CHANNEL_B, guildId: GUILD_B }, mentionRoleId: GUILD_B });
  });
});

describe('/watch add and the bot\'s own permissions', () => {
  const POSTING = (1n << 10n) | (1n << 11n) | (1n << 14n);


  it('GIVEN the bot cannot send or embed in the channel WHEN /watch add THEN it says which permissions are missing and saves nothing', async () => {
    giveBotRole(h.fake, 1n << 10n);
    const answer = await interact(h.fake, watchAdd(A, { topics: 'all', mode: 'instant' }));
    expect(answer.ephemeral).toBe(true);
    expect(replyText(answer.message)).toContain(`Watchfloor cannot post in <#${CHANNEL_A}> (missing Send Messages, Embed Links)`);
    expect(h.store.subscriptions.count()).toBe(0);
  });

  it('GIVEN the bot may post in the channel WHEN /watch add THEN it is saved', async () => {
    giveBotRole(h.fake, POSTING);
    const answer = await interact(h.fake, watchAdd(A, { topics: 'all', mode: 'instant' }));
    expect(replyText(answer.message)).toContain('Subscribed');
    expect(h.store.subscriptions.count()).toBe(1);
  });
});

describe('/watch list and remove across servers', () => {
  it('GIVEN subscriptions in two servers WHEN each lists and removes THEN neither sees nor changes the other\'s', async () => {
    await interact(h.fake, watchAdd(A, { topics: 'ukraine', mode: 'instant' }));
    await interact(h.fake, watchAdd(B, { topics: 'north-korea', mode: 'instant' }));
    const [subA, subB] = h.store.subscriptions.list();

    const listA = replyText((await interact(h.fake, commandInteraction(A, 'watch', sub('list')))).message);
    expect(listA).toContain(`#${subA!.id}`);
    expect(listA).not.toContain(`#${subB!.id}`);
    expect(listA).not.toContain(CHANNEL_B);
    const listB = replyText((await interact(h.fake, commandInteraction(B, 'watch', sub('list')))).message);
    expect(listB).toContain(`#${subB!.id}`);
    expect(listB).not.toContain(`#${subA!.id}`);

    // B tries to remove A's subscription: answered exactly as if it did not exist.
    const sneaky = await interact(h.fake, commandInteraction(B, 'watch', sub('remove', { id: subA!.id })));
    expect(sneaky.ephemeral).toBe(true);
    expect(replyText(sneaky.message)).toBe(`This server has no subscription #${subA!.id}. \`/watch list\` shows the ones it has.`);
    expect(h.store.subscriptions.get(subA!.id)).toBeDefined();

    const suggestions = await interact(h.fake, autocompleteInteraction(B, 'watch', sub('remove', { id: { type: OPTION.integer, value: '' } }, 'id')));
    expect(choiceValues(suggestions)).toEqual([subB!.id]);

    const removed = await interact(h.fake, commandInteraction(A, 'watch', sub('remove', { id: subA!.id })));
    expect(replyText(removed.message)).toContain(`Removed: **#${subA!.id}**`);
    expect(h.store.subscriptions.get(subA!.id)).toBeUndefined();
    expect(h.store.subscriptions.get(subB!.id)).toBeDefined();
  });

  it("GIVEN a subscription of this server whose topics cannot be read WHEN /watch list and remove THEN it is listed as broken with the fix and can be removed; B sees nothing", async () => {
    await interact(h.fake, watchAdd(A, { topics: 'ukraine', mode: 'instant' }));
    await interact(h.fake, watchAdd(A, { topics: 'north-korea', mode: 'instant' }));
    const [good, bad] = h.store.subscriptions.list();
    h.store.db.prepare("UPDATE subscriptions SET topics = 'not json' WHERE id = ?").run(bad!.id);
    const listA = replyText((await interact(h.fake, commandInteraction(A, 'watch', sub('list')))).message);
    expect(listA).toContain(`**#${good!.id}**`);
    expect(listA).toContain(`**#${bad!.id}** ⚠️ cannot be read (topics is not JSON`);
    expect(listA).toContain(`\`/watch remove id:${bad!.id}\``);
    const listB = replyText((await interact(h.fake, commandInteraction(B, 'watch', sub('list')))).message);
    expect(listB).not.toContain(`#${bad!.id}`);
    const fromB = await interact(h.fake, commandInteraction(B, 'watch', sub('remove', { id: bad!.id })));
    expect(replyText(fromB.message)).toBe(`This server has no subscription #${bad!.id}. \`/watch list\` shows the ones it has.`);
    const removed = await interact(h.fake, commandInteraction(A, 'watch', sub('remove', { id: bad!.id })));
    expect(replyText(removed.message)).toContain(`Removed subscription **#${bad!.id}**, whose saved entry could not be read`);
    expect(h.store.subscriptions.unreadableRows()).toEqual([]);
    expect(h.store.subscriptions.list().map((s) => s.id)).toEqual([good!.id]);
  });

  it('GIVEN no subscriptions WHEN /watch list THEN the reply shows how to add one', async () => {
    const answer = await interact(h.fake, commandInteraction(A, 'watch', sub('list')));
    expect(replyText(answer.message)).toContain('/watch add');
  });

  it('GIVEN a member without Manage Server WHEN /watch list or remove THEN both are refused', async () => {
    await interact(h.fake, watchAdd(A, { topics: 'ukraine', mode: 'instant' }));
    const member = { ...A, permissions: PERMISSIONS.member };
    for (const payload of [commandInteraction(member, 'watch', sub('list')), commandInteraction(member, 'watch', sub('remove', { id: 1 }))]) {
      const answer = await interact(h.fake, payload);
      expect(replyText(answer.message)).toContain('Manage Server');
    }
    expect(h.store.subscriptions.count()).toBe(1);
    const suggestions = await interact(h.fake, autocompleteInteraction(member, 'watch', sub('remove', { id: { type: OPTION.integer, value: '' } }, 'id')));
    expect(choiceValues(suggestions)).toEqual([]);
  });
});

describe('/watch autocomplete', () => {
  it('GIVEN "ukraine, no" typed in topics WHEN autocompleting THEN the last topic is completed and the first kept', async () => {
    const answer = await interact(h.fake, autocompleteInteraction(A, 'watch', sub('add', { topics: 'ukraine, no' }, 'topics')));
    expect(choiceValues(answer)).toEqual(['ukraine, north-korea']);
  });
});
