import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandInteraction, interact, replyText, sub } from '../../helpers/fake-interactions.js';
import { startFeedServer, type FeedServer } from '../../helpers/feed-server.js';
import { useHarness, WHO_A } from './harness.js';

const SECRETS = ['hunter2pw', 'K3YVALUE'];

const h = useHarness({ allowPrivateFeeds: true });
let feeds: FeedServer;

beforeEach(async () => {
  feeds = await startFeedServer();
});

afterEach(async () => {
  await feeds.close();
});

/** Everything the bot sent to (fake) Discord, as one string. */
function sentToDiscord(): string {
  return JSON.stringify(h.fake.requests.map((r) => ({ path: r.path, body: r.body })));
}

describe('secrets never reach Discord', () => {
  it('GIVEN a recorded error quoting a feed URL with credentials and an api key WHEN /feeds list THEN the reply shows the error without them', async () => {
    const now = Date.now();
    h.store.feeds.ensure('reuters', 'https://reuters.example/world.rss');
    h.store.feeds.recordFailure('reuters', { at: now - 30_000, status: 500, kind: 'http', message: 'https://reader:hunter2pw@wire.example/rss?apikey=K3YVALUE answered HTTP 500', nextPollAt: now + 600_000 });
    const answer = await interact(h.fake, commandInteraction(WHO_A, 'feeds', sub('list')));
    const text = replyText(answer.message);
    expect(text).toContain('reuters');
    expect(text).toContain('wire.example/rss');
    for (const secret of SECRETS) expect(sentToDiscord()).not.toContain(secret);
  });

  it('GIVEN a failing feed URL with an api key WHEN /feeds test THEN the explanation does not quote it', async () => {
    const url = feeds.url('/status/500?apikey=K3YVALUE');
    const answer = await interact(h.fake, commandInteraction(WHO_A, 'feeds', sub('test', { url })));
    const text = replyText(answer.message);
    expect(text).toContain('500');
    for (const secret of SECRETS) expect(sentToDiscord()).not.toContain(secret);
  });
});
