import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  autocompleteInteraction,
  choiceValues,
  commandInteraction,
  interact,
  PERMISSIONS,
  replyText,
  sub,
} from '../../helpers/fake-interactions.js';
import { routeHomeNewsFeed, startFeedServer, type FeedServer } from '../../helpers/feed-server.js';
import { useTempDir } from '../../helpers/temp-dir.js';
import { GUILD_A, disposeClassifier, expectValidTraffic, realClassifier, WHO_A, WHO_B, startHarness, type Harness } from './harness.js';

const tempDir = useTempDir();
const A = WHO_A;
const B = WHO_B;

let h: Harness;
let feeds: FeedServer;

afterEach(async () => {
  expectValidTraffic(h.fake);
  await h.close();
  await feeds.close();
});

afterAll(() => {
  disposeClassifier();
});

describe('with ALLOW_PRIVATE_FEEDS (the loopback feed server is allowed)', () => {
  beforeEach(async () => {
    feeds = await startFeedServer();
    h = await startHarness({ dir: tempDir(), allowPrivateFeeds: true });
  });

  it('GIVEN a real feed WHEN /feeds add THEN it defers, fetches and parses it, saves it with a free id, and shows samples', async () => {
    const url = feeds.url('/feeds/rss2-full.xml');
    const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url, kind: 'outlet', language: 'en' })));
    expect(answer.type).toBe(5);
    expect(answer.ephemeral).toBe(true);
    const text = replyText(answer.message);
    expect(text).toContain('Added feed 127-0-0-1: Harbour Line Daily — World');
    expect(text).toContain('Seoul and Tokyo agree to resume shuttle diplomacy');
    expect(text).toMatch(/would match/u);
    expect(feeds.requests.some((r) => r.path === '/feeds/rss2-full.xml')).toBe(true);
    expect(h.store.addedFeeds.list()).toEqual([
      expect.objectContaining({ id: '127-0-0-1', url, name: 'Harbour Line Daily — World', kind: 'outlet', language: 'en', addedBy: '700000000000000001', guildId: GUILD_A }),
    ]);

    // The same URL again: refused; another feed on the same host: the next free id.
    const again = await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url })));
    expect(replyText(again.message)).toContain('already polled as `127-0-0-1`');
    const second = await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: feeds.url('/feeds/atom-full.atom'), name: 'Atom *desk*' })));
    expect(replyText(second.message)).toContain('Added feed 127-0-0-1-2: Atom \\*desk\\*');
    expect(h.store.addedFeeds.list()).toHaveLength(2);
  });

  const refusals: [string, (f: FeedServer) => string, RegExp][] = [
    ['an HTML page', (f) => f.url('/plain/not-a-feed.html'), /HTML page, not a feed/u],
    ['a 404', (f) => f.url('/status/404'), /404/u],
    ['a host that refuses connections', () => 'http://127.0.0.1:1/feed.xml', /127\.0\.0\.1:1/u],
    ['a local file', () => 'file:///etc/passwd', /Only http and https feeds can be added/u],
    ['not a URL', () => 'my favourite feed', /is not a URL/u],
    ['a URL with a password', (f) => f.url('/feeds/rss2-full.xml').replace('http://', 'http://user:secret@'), /user name or password/u],
  ];
  for (const [what, urlOf, message] of refusals) {
    it(`GIVEN ${what} WHEN /feeds add THEN an ephemeral reply says what is wrong and nothing is saved`, async () => {
      const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: urlOf(feeds) })));
      expect(answer.ephemeral).toBe(true);
      const text = replyText(answer.message);
      expect(text).toMatch(message);
      expect(text).toContain('Nothing was saved');
      expect(text).not.toContain('secret');
      expect(h.store.addedFeeds.list()).toEqual([]);
    });
  }

  it('GIVEN bad language or kind WHEN /feeds add THEN the option is named and nothing is fetched', async () => {
    const language = await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: feeds.url('/feeds/rss2-full.xml'), language: 'English!' })));
    expect(replyText(language.message)).toContain('`language` "english!" is not a language tag');
    const kind = await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: feeds.url('/feeds/rss2-full.xml'), kind: 'blog' })));
    expect(replyText(kind.message)).toContain('`kind` must be one of wire, outlet');
    expect(feeds.requests).toEqual([]);
  });

  it('GIVEN a member without Manage Server WHEN /feeds add or remove THEN both are refused before anything is fetched', async () => {
    const member = { ...A, permissions: PERMISSIONS.member };
    const add = await interact(h.fake, commandInteraction(member, 'feeds', sub('add', { url: feeds.url('/feeds/rss2-full.xml') })));
    expect(replyText(add.message)).toContain('needs the **Manage Server** permission');
    const remove = await interact(h.fake, commandInteraction(member, 'feeds', sub('remove', { id: 'reuters' })));
    expect(replyText(remove.message)).toContain('needs the **Manage Server** permission');
    expect(feeds.requests).toEqual([]);
    expect(h.store.addedFeeds.list()).toEqual([]);
  });

  it('GIVEN a member without Manage Server WHEN /feeds list or test THEN they work: both are read-only', async () => {
    const member = { ...A, permissions: PERMISSIONS.member };
    const list = await interact(h.fake, commandInteraction(member, 'feeds', sub('list')));
    expect(replyText(list.message)).toContain('reuters');
    const test = await interact(h.fake, commandInteraction(member, 'feeds', sub('test', { url: feeds.url('/feeds/rss2-full.xml') })));
    expect(replyText(test.message)).toContain('Harbour Line Daily');
  });

  it('GIVEN a feed URL WHEN /feeds test THEN it shows the format, items and what they would match, and saves nothing', async () => {
    const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub('test', { url: feeds.url('/feeds/rss2-full.xml') })));
    expect(answer.type).toBe(5);
    const text = replyText(answer.message);
    expect(text).toMatch(/rss, \d+ item\(s\), \d+ would match a topic now/u);
    expect(text).toContain('Nothing was saved');
    expect(h.store.addedFeeds.list()).toEqual([]);
  });

  it('GIVEN a feed WHEN /feeds test THEN each of its items is classified once, for the samples and the count alike', async () => {
    const classifier = await realClassifier();
    const seen: string[] = [];
    await h.close();
    h = await startHarness({
      dir: tempDir(),
      allowPrivateFeeds: true,
      overrides: { classify: (input) => { seen.push(input.title); return classifier.classify(input); } },
    });
    const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub('test', { url: feeds.url('/feeds/rss2-full.xml') })));
    const text = replyText(answer.message);
    const items = /(\d+) item\(s\), (\d+) would match/u.exec(text);
    expect(items?.[1]).toBe('3');
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect(text).toContain(seen[0]);
  });

  it('GIVEN feeds from feeds.json and from two servers WHEN removing THEN only this server\'s added feeds can go, and autocomplete offers only those', async () => {
    await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: feeds.url('/feeds/rss2-full.xml') })));
    await interact(h.fake, commandInteraction(B, 'feeds', sub('add', { url: feeds.url('/feeds/atom-full.atom') })));
    const [fromA, fromB] = h.store.addedFeeds.list();

    const operators = await interact(h.fake, commandInteraction(A, 'feeds', sub('remove', { id: 'reuters' })));
    expect(replyText(operators.message)).toContain("comes from feeds.json, the operator's file");
    const others = await interact(h.fake, commandInteraction(A, 'feeds', sub('remove', { id: fromB!.id })));
    // Another server's feed is answered exactly as a missing one.
    expect(replyText(others.message)).toBe(`No feed added from this server has the id \`${fromB!.id}\`. \`/feeds list\` shows the ids.`);
    expect(h.store.addedFeeds.get(fromB!.id)).toBeDefined();
    const missing = await interact(h.fake, commandInteraction(A, 'feeds', sub('remove', { id: 'nope' })));
    expect(replyText(missing.message)).toContain('No feed added from this server has the id `nope`');

    const suggestions = await interact(h.fake, autocompleteInteraction(A, 'feeds', sub('remove', { id: '' }, 'id')));
    expect(choiceValues(suggestions)).toEqual([fromA!.id]);

    h.store.feeds.ensure(fromA!.id, fromA!.url);
    const removed = await interact(h.fake, commandInteraction(A, 'feeds', sub('remove', { id: fromA!.id })));
    expect(replyText(removed.message)).toContain(`Removed feed \`${fromA!.id}\``);
    expect(h.store.addedFeeds.list().map((f) => f.id)).toEqual([fromB!.id]);
    expect(h.store.feeds.get(fromA!.id)).toBeUndefined();
  });

  it("GIVEN feeds added by A and by B WHEN B lists feeds THEN it sees feeds.json and its own, never A's", async () => {
    await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: feeds.url('/feeds/rss2-full.xml') })));
    await interact(h.fake, commandInteraction(B, 'feeds', sub('add', { url: feeds.url('/feeds/atom-full.atom') })));
    const [fromA, fromB] = h.store.addedFeeds.list();
    const listB = replyText((await interact(h.fake, commandInteraction(B, 'feeds', sub('list')))).message);
    expect(listB).toContain('Feeds: 4 (3 from feeds.json, 1 added here)');
    expect(listB).toContain(`**${fromB!.id}**`);
    expect(listB).toContain('**reuters**');
    expect(listB).not.toContain(`**${fromA!.id}**`);
    const listA = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('list')))).message);
    expect(listA).toContain(`**${fromA!.id}**`);
    expect(listA).not.toContain(`**${fromB!.id}**`);
  });

  it("GIVEN an added feed whose saved URL cannot be read WHEN its server lists and removes it THEN it is shown as broken and removable; other servers see nothing", async () => {
    await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: feeds.url('/feeds/rss2-full.xml') })));
    const [fromA] = h.store.addedFeeds.list();
    h.store.db.prepare("UPDATE added_feeds SET url = 'not a url' WHERE id = ?").run(fromA!.id);
    const listA = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('list')))).message);
    expect(listA).toContain(`**${fromA!.id}** ⚠️ cannot be read (url is not a URL`);
    const listB = replyText((await interact(h.fake, commandInteraction(B, 'feeds', sub('list')))).message);
    expect(listB).not.toContain(`**${fromA!.id}**`);
    const fromB = await interact(h.fake, commandInteraction(B, 'feeds', sub('remove', { id: fromA!.id })));
    expect(replyText(fromB.message)).toContain('No feed added from this server');
    const removed = await interact(h.fake, commandInteraction(A, 'feeds', sub('remove', { id: fromA!.id })));
    expect(replyText(removed.message)).toContain(`Removed feed \`${fromA!.id}\``);
    expect(h.store.addedFeeds.unreadable()).toEqual([]);
  });

  const nationFeed = (server: FeedServer): string => routeHomeNewsFeed(server, '/nation.xml');
  const sampleOf = (text: string, title: string): string => text.split('\n• ').find((line) => line.includes(title)) ?? '';

  it("GIVEN a home-news section WHEN /feeds test and /feeds add with home THEN its home story would match the topic, the story abroad would not, the home is saved and shown in /feeds list", async () => {
    const url = nationFeed(feeds);
    const plain = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('test', { url })))).message);
    expect(sampleOf(plain, 'Pension reform')).toContain('would match no topic');
    const tested = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('test', { url, home: 'south-korea' })))).message);
    expect(sampleOf(tested, 'Pension reform')).toContain('would match 🔵 South Korea');
    expect(sampleOf(tested, 'Ivory Coast')).toContain('would match no topic');
    expect(tested).toContain('Home news of 🔵 South Korea');
    expect(h.store.addedFeeds.list()).toEqual([]);

    // A label works as well as an id, as for every topic option.
    const added = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url, home: 'South Korea' })))).message);
    expect(added).toContain('Home news of 🔵 South Korea');
    expect(sampleOf(added, 'Pension reform')).toContain('would match 🔵 South Korea');
    expect(h.store.addedFeeds.list()).toEqual([expect.objectContaining({ id: '127-0-0-1', home: 'south-korea' })]);
    const list = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('list')))).message);
    expect(list).toContain('**127-0-0-1** Nation desk · outlet · home: 🔵 South Korea · added by');
    expect(h.logs.lines().find((r) => r.msg === 'feed added from Discord')).toMatchObject({ home: 'south-korea' });
  });

  it('GIVEN a home that is no topic WHEN /feeds add or test THEN the option is named with the topics there are, and nothing is fetched or saved', async () => {
    const url = nationFeed(feeds);
    for (const subcommand of ['add', 'test']) {
      const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub(subcommand, { url, home: 'taiwan' })));
      expect(replyText(answer.message)).toBe("Unknown topic \"taiwan\". Choose one of: north-korea, south-korea, ukraine (or leave `home` empty for a feed that is not one country's home news).");
    }
    expect(feeds.requests).toEqual([]);
    expect(h.store.addedFeeds.list()).toEqual([]);
  });

  it('GIVEN /feeds add WHEN the home option is typed THEN autocomplete offers the matching topics', async () => {
    const suggestions = await interact(h.fake, autocompleteInteraction(A, 'feeds', sub('add', { url: 'x', home: 'kor' }, 'home')));
    expect(choiceValues(suggestions)).toEqual(['north-korea', 'south-korea']);
  });

  it('GIVEN an added feed whose home the rules no longer have WHEN its server lists feeds THEN the home is shown as lifting nothing', async () => {
    await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: nationFeed(feeds), home: 'south-korea' })));
    h.store.db.prepare("UPDATE added_feeds SET home = 'taiwan'").run();
    const list = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('list')))).message);
    expect(list).toContain('home: `taiwan` ⚠️ no such topic in the rules now, so it lifts nothing');
  });

  it('GIVEN a feed added with a home WHEN its server edits name and home THEN the reply says what changed, the row is updated in place, the log names the fields, and /feeds list shows it', async () => {
    const url = nationFeed(feeds);
    await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url, home: 'south-korea' })));
    h.store.feeds.ensure('127-0-0-1', url);
    const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub('edit', { id: '127-0-0-1', name: 'Seoul *desk*', home: 'none' })));
    expect(answer.ephemeral).toBe(true);
    const text = replyText(answer.message);
    expect(text).toContain('Changed feed 127-0-0-1: Seoul \\*desk\\*');
    expect(text).toContain('name: “Nation desk” → “Seoul \\*desk\\*”');
    expect(text).toContain('home: 🔵 South Korea → none');
    expect(text).toContain('from the next poll cycle on');
    expect(text).not.toContain('language:');
    const [edited] = h.store.addedFeeds.list();
    expect(edited).toMatchObject({ id: '127-0-0-1', url, name: 'Seoul *desk*', language: 'en', kind: 'outlet', guildId: GUILD_A });
    expect(edited).not.toHaveProperty('home');
    // Its poll state is kept: an edit is not a remove and add.
    expect(h.store.feeds.get('127-0-0-1')).toBeDefined();
    expect(h.logs.lines().find((r) => r.msg === 'feed edited from Discord')).toMatchObject({ feed_id: '127-0-0-1', changed: ['name', 'home'] });

    // A label works as the home, and the reply says what a home means.
    const rehomed = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('edit', { id: '127-0-0-1', home: 'North Korea', language: 'KO', kind: 'state-media' })))).message);
    expect(rehomed).toContain('language: en → ko');
    expect(rehomed).toContain('kind: outlet → state-media');
    expect(rehomed).toContain('home: none → 🔴 North Korea');
    expect(rehomed).toContain('Home news of 🔴 North Korea');
    expect(h.store.addedFeeds.get('127-0-0-1')).toMatchObject({ language: 'ko', kind: 'state-media', home: 'north-korea' });
    const list = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('list')))).message);
    expect(list).toContain('**127-0-0-1** Seoul \\*desk\\* · state-media · home: 🔴 North Korea · added by');

    const same = replyText((await interact(h.fake, commandInteraction(A, 'feeds', sub('edit', { id: '127-0-0-1', kind: 'state-media' })))).message);
    expect(same).toBe('Nothing changed: feed `127-0-0-1` already has those settings. `/feeds list` shows it.');
  });

  it("GIVEN feeds from feeds.json and from two servers WHEN editing wrongly THEN each refusal names what and how, and nothing is written", async () => {
    await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: feeds.url('/feeds/rss2-full.xml') })));
    await interact(h.fake, commandInteraction(B, 'feeds', sub('add', { url: feeds.url('/feeds/atom-full.atom') })));
    const before = h.store.addedFeeds.list();
    const [fromA, fromB] = before;
    const reply = async (who: typeof A, options: Record<string, string>): Promise<string> => replyText((await interact(h.fake, commandInteraction(who, 'feeds', sub('edit', options)))).message);

    expect(await reply(A, { id: fromA!.id })).toBe('Nothing to change: give at least one of `name`, `language`, `kind` or `home` (`home:none` clears the home). `/feeds list` shows the feed as it is now.');
    expect(await reply(A, { id: 'reuters', name: 'Mine' })).toContain("comes from feeds.json, the operator's file: only the operator can change it there");
    // Another server's feed is answered exactly as a missing one.
    expect(await reply(A, { id: fromB!.id, name: 'Mine' })).toBe(`No feed added from this server has the id \`${fromB!.id}\`. \`/feeds list\` shows the ids.`);
    expect(await reply(A, { id: 'nope', name: 'Mine' })).toBe('No feed added from this server has the id `nope`. `/feeds list` shows the ids.');
    expect(await reply(A, { id: fromA!.id, home: 'taiwan' })).toBe('Unknown topic "taiwan". Choose one of: north-korea, south-korea, ukraine (or leave `home` empty to keep the home as it is, or give `none` to clear it).');
    expect(await reply(A, { id: fromA!.id, language: 'English!' })).toContain('`language` "english!" is not a language tag');
    expect(await reply(A, { id: fromA!.id, kind: 'blog' })).toBe('`kind` must be one of wire, outlet, government, state-media, specialist.');
    expect(await reply(A, { id: fromA!.id, name: '\u202e\u0007' })).toContain('`name` has no text left once control characters are taken out');
    const noPermission = await interact(h.fake, commandInteraction({ ...A, permissions: PERMISSIONS.member }, 'feeds', sub('edit', { id: fromA!.id, name: 'Mine' })));
    expect(replyText(noPermission.message)).toContain('Changing a feed needs the **Manage Server** permission');

    h.store.db.prepare("UPDATE added_feeds SET url = 'not a url' WHERE id = ?").run(fromA!.id);
    expect(await reply(A, { id: fromA!.id, name: 'Mine' })).toContain(`Feed \`${fromA!.id}\` cannot be changed: its saved entry cannot be read (url is not a URL`);
    h.store.db.prepare('UPDATE added_feeds SET url = ? WHERE id = ?').run(fromA!.url, fromA!.id);
    expect(h.store.addedFeeds.list()).toEqual(before);
  });

  it('GIVEN /feeds edit WHEN id or home is typed THEN autocomplete offers this server\'s feeds, the topics and the way to clear a home', async () => {
    await interact(h.fake, commandInteraction(A, 'feeds', sub('add', { url: feeds.url('/feeds/rss2-full.xml') })));
    await interact(h.fake, commandInteraction(B, 'feeds', sub('add', { url: feeds.url('/feeds/atom-full.atom') })));
    const choices = async (options: Record<string, string>, focused: string): Promise<(string | number)[]> => choiceValues(await interact(h.fake, autocompleteInteraction(A, 'feeds', sub('edit', options, focused))));
    expect(await choices({ id: '' }, 'id')).toEqual([h.store.addedFeeds.list().find((f) => f.guildId === GUILD_A)!.id]);
    expect(await choices({ id: 'x', home: '' }, 'home')).toEqual(['north-korea', 'south-korea', 'ukraine', 'none']);
    expect(await choices({ id: 'x', home: 'no' }, 'home')).toEqual(['north-korea', 'none']);
    // Adding a feed has no home to clear.
    const add = await interact(h.fake, autocompleteInteraction(A, 'feeds', sub('add', { url: 'x', home: 'no' }, 'home')));
    expect(choiceValues(add)).toEqual(['north-korea']);
  });

  it('GIVEN feed health in the store WHEN /feeds list THEN each feed shows last success, failures and next poll', async () => {
    const now = Date.now();
    h.store.feeds.ensure('reuters', 'https://reuters.example/world.rss');
    h.store.feeds.recordSuccess('reuters', { at: now - 60_000, status: 200, validators: { etag: null, lastModified: null, bodyHash: null }, nextPollAt: now + 300_000, newStories: 3 });
    h.store.feeds.ensure('ap', 'https://ap.example/top.rss');
    h.store.feeds.recordFailure('ap', { at: now - 30_000, status: 503, kind: 'rate-limited', message: 'AP said 503 *again*', nextPollAt: now + 600_000 });
    h.store.feeds.recordFailure('ap', { at: now - 20_000, status: 503, kind: 'rate-limited', message: 'AP said 503 *again*', nextPollAt: now + 600_000 });
    const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub('list')));
    const text = replyText(answer.message);
    expect(text).toContain('Feeds: 3 (3 from feeds.json, 0 added here) · 1 failing');
    expect(text).toMatch(/\*\*reuters\*\* Reuters · wire · feeds\.json\n {2}ok <t:\d+:R> · next <t:\d+:R>/u);
    expect(text).toMatch(/\*\*ap\*\*.*\n {2}⚠️ 2 failures: rate-limited AP said 503 \\\*again\\\*/u);
    expect(text).toMatch(/\*\*kcna\*\*.*\n {2}new: first poll in the next cycle/u);
  });
});

describe('without ALLOW_PRIVATE_FEEDS', () => {
  beforeEach(async () => {
    feeds = await startFeedServer();
    h = await startHarness({ dir: tempDir(), allowPrivateFeeds: false });
  });

  for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
    it(`GIVEN a feed on ${host} WHEN /feeds add or test THEN the private address is refused with the setting that allows it, and nothing is fetched`, async () => {
      const url = feeds.url('/feeds/rss2-full.xml').replace('127.0.0.1', host);
      for (const subcommand of ['add', 'test']) {
        const answer = await interact(h.fake, commandInteraction(A, 'feeds', sub(subcommand, { url })));
        expect(answer.ephemeral).toBe(true);
        expect(replyText(answer.message)).toMatch(/non-public address.*ALLOW\\_PRIVATE\\_FEEDS=true/su);
      }
      expect(feeds.requests).toEqual([]);
      expect(h.store.addedFeeds.list()).toEqual([]);
    });
  }
});
