import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery, dueDigestUntil, scheduleProblem, type Delivery, type DeliveryOptions } from '../../src/app/delivery.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore, type Store } from '../../src/store/index.js';
import type { NewSubscription } from '../../src/store/subscriptions.js';
import { captureOutput, capturingLogger, classified, makeStory, TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOUR = 3_600_000;
/** 2026-11-22 10:00 in Seoul (UTC+9). */
const NOW = Date.UTC(2026, 10, 22, 1);

const opened: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const x of opened.splice(0).reverse()) await x.close();
});

function setup(options: Partial<DeliveryOptions> = {}, envSource: Record<string, string> = {}) {
  const store = createStore(join(tempDir(), 'w.db'));
  opened.push(store);
  const out = captureOutput();
  const logs = capturingLogger();
  let clock = NOW;
  const make = () => {
    const delivery = createDelivery({
      store,
      env: loadEnv(envSource),
      log: logs.log,
      topics: TEST_TOPICS,
      feedsById: TEST_FEEDS,
      output: out.stream,
      clock: () => clock,
      retry: { waitMs: 0 },
      ...options,
    });
    opened.push(delivery);
    return delivery;
  };
  return { store, out, logs, make, setClock: (t: number) => (clock = t) };
}

function subscription(overrides: Partial<NewSubscription> = {}): NewSubscription {
  return { target: { kind: 'console' }, topics: ['ukraine'], mode: 'instant', schedule: null, timezone: 'UTC', minScore: 0, mentionRoleId: null, maxAgeMs: 24 * HOUR, postEmptyDigest: false, createdAt: NOW - 48 * HOUR, createdBy: 'test', ...overrides };
}

function ingest(store: Store, route: Delivery['route'], story = makeStory({ firstSeenAt: NOW, publishedAt: NOW - HOUR }), scores: Record<string, number> = { ukraine: 6 }): number {
  return store.transaction(() => {
    const outcome = store.stories.insert(story, classified(scores));
    return outcome.inserted ? route(outcome.rowid, story, classified(scores), NOW) : 0;
  });
}

describe('createDelivery', () => {
  it('GIVEN no subscriptions and no token THEN alerts and a daily digest go to the console by default', async () => {
    const { store, out, make } = setup();
    const delivery = make();
    const subs = store.subscriptions.list();
    expect(subs.map((s) => [s.target.kind, s.mode, s.schedule, s.topics])).toEqual([
      ['console', 'instant', null, ['*']],
      ['console', 'digest', '0 8 * * *', ['*']],
    ]);
    expect(ingest(store, delivery.route, makeStory({ title: 'Kyiv metro reopens', firstSeenAt: NOW, publishedAt: NOW - HOUR }))).toBe(1);
    expect(await delivery.drain()).toMatchObject({ sent: 1, dead: 0 });
    expect(out.text()).toContain('── alert');
    expect(out.text()).toContain('■ Kyiv metro reopens');
  });

  it('GIVEN a story published before the maximum age THEN it is stored but not alerted', () => {
    const { store, make } = setup();
    store.subscriptions.add(subscription({ maxAgeMs: 6 * HOUR }));
    const delivery = make();
    const old = makeStory({ firstSeenAt: NOW, publishedAt: NOW - 6 * HOUR - 1 });
    expect(ingest(store, delivery.route, old)).toBe(0);
    expect(store.stories.get(1)?.id).toBe(old.id);
    expect(store.outbox.counts().pending).toBe(0);
  });

  it('GIVEN a routing failure inside the transaction THEN neither the story nor its alert is stored', () => {
    const { store, make } = setup();
    store.subscriptions.add(subscription());
    const delivery = make();
    const story = makeStory({ firstSeenAt: NOW, publishedAt: NOW - HOUR });
    expect(() =>
      store.transaction(() => {
        const outcome = store.stories.insert(story, classified({ ukraine: 6 }));
        delivery.route(outcome.rowid, story, classified({ ukraine: 6 }), NOW);
        throw new Error('crash after routing');
      }),
    ).toThrow('crash after routing');
    expect(store.stories.total()).toBe(0);
    expect(store.outbox.counts()).toEqual({ pending: 0, sent: 0, dead: 0, uncertain: 0 });
  });

  it('GIVEN a channel subscription but no token THEN the alert is a dead letter that says to set DISCORD_TOKEN', async () => {
    const { store, make, logs } = setup();
    store.subscriptions.add(subscription({ target: { kind: 'channel', channelId: '300000000000000001', guildId: null } }));
    const delivery = make();
    ingest(store, delivery.route);
    expect(await delivery.drain()).toMatchObject({ sent: 0, dead: 1 });
    expect(store.outbox.listForSubscription(1)[0]?.lastError).toContain('DISCORD_TOKEN');
    expect(logs.lines().some((l) => l.msg === 'dead letter')).toBe(true);
  });

  it('GIVEN a digest at 08:00 Asia/Seoul THEN it is queued once per firing, covering the stories since the last one', async () => {
    const { store, out, make, setClock } = setup();
    const created = Date.UTC(2026, 10, 20, 12);
    store.subscriptions.add(subscription({ mode: 'digest', schedule: '0 8 * * *', timezone: 'Asia/Seoul', createdAt: created }));
    const delivery = make();
    // 08:00 KST on 22 Nov is 23:00 UTC on 21 Nov.
    const fire = Date.UTC(2026, 10, 21, 23);
    const inWindow = makeStory({ title: 'North Korea fires ballistic missile into East Sea', firstSeenAt: fire - 2 * HOUR, publishedAt: fire - 3 * HOUR });
    const afterFire = makeStory({ title: 'Seoul stocks close higher', firstSeenAt: fire + HOUR, publishedAt: fire + HOUR });
    store.transaction(() => {
      store.stories.insert(inWindow, classified({ ukraine: 5 }));
      store.stories.insert(afterFire, classified({ ukraine: 5 }));
    });

    expect(delivery.runDueDigests(fire - 1)).toBe(0);
    setClock(NOW);
    expect(delivery.runDueDigests(NOW)).toBe(1);
    expect(delivery.runDueDigests(NOW)).toBe(0);
    expect(store.subscriptions.get(1)?.lastDigestAt).toBe(fire);
    await delivery.drain();
    expect(out.text()).toContain('North Korea fires ballistic missile into East Sea');
    expect(out.text()).not.toContain('Seoul stocks close higher');
    expect(out.text()).toContain('Watchfloor digest: 1 story in 1 entry');
  });

  it('GIVEN days of downtime THEN the missed firings collapse into one digest', () => {
    const { store, make } = setup();
    const sub = store.subscriptions.add(subscription({ mode: 'digest', schedule: '0 8 * * *', postEmptyDigest: true }));
    store.subscriptions.setLastDigestAt(sub.id, Date.UTC(2026, 10, 18, 8));
    const delivery = make();
    expect(delivery.runDueDigests(NOW)).toBe(1);
    expect(store.subscriptions.get(sub.id)?.lastDigestAt).toBe(Date.UTC(2026, 10, 21, 8));
    expect(store.outbox.listForSubscription(sub.id)).toHaveLength(1);
  });

  it('GIVEN an empty digest THEN nothing is posted but the window still advances', () => {
    const { store, make } = setup();
    const sub = store.subscriptions.add(subscription({ mode: 'digest', schedule: '0 8 * * *' }));
    const delivery = make();
    expect(delivery.runDueDigests(NOW)).toBe(0);
    expect(store.outbox.listForSubscription(sub.id)).toHaveLength(0);
    expect(store.subscriptions.get(sub.id)?.lastDigestAt).toBe(Date.UTC(2026, 10, 21, 8));
  });

  it('GIVEN a newly added feed’s backlog (first seen now, published last week) THEN the digest leaves it out', async () => {
    const { store, out, make } = setup();
    store.subscriptions.add(subscription({ mode: 'digest', schedule: '0 8 * * *' }));
    const delivery = make();
    store.transaction(() => {
      store.stories.insert(makeStory({ title: 'Old backlog item', firstSeenAt: NOW - HOUR, publishedAt: NOW - 7 * 24 * HOUR }), classified({ ukraine: 5 }));
      store.stories.insert(makeStory({ title: 'Fresh item from Kharkiv', firstSeenAt: Date.UTC(2026, 10, 21, 7), publishedAt: Date.UTC(2026, 10, 21, 6) }), classified({ ukraine: 5 }));
    });
    expect(delivery.runDueDigests(NOW, { force: true })).toBe(1);
    await delivery.drain();
    expect(out.text()).toContain('Fresh item from Kharkiv');
    expect(out.text()).not.toContain('Old backlog item');
  });
});

describe('digest schedules', () => {
  it('GIVEN a schedule THEN the due window ends at the latest firing at or before now', () => {
    expect(dueDigestUntil('0 8 * * *', 'UTC', Date.UTC(2026, 10, 21, 9), Date.UTC(2026, 10, 22, 7, 59))).toBeNull();
    expect(dueDigestUntil('0 8 * * *', 'UTC', Date.UTC(2026, 10, 21, 9), Date.UTC(2026, 10, 22, 8))).toBe(Date.UTC(2026, 10, 22, 8));
    expect(dueDigestUntil('0 8 * * *', 'Asia/Seoul', Date.UTC(2026, 10, 21, 0), Date.UTC(2026, 10, 22, 0))).toBe(Date.UTC(2026, 10, 21, 23));
  });

  it.each([
    ['0 8 * * *', 'Mars/Olympus', /unknown time zone/],
    ['61 8 * * *', 'UTC', /invalid cron expression/],
    ['every morning', 'UTC', /invalid cron expression/],
  ])('GIVEN %j in %j THEN the problem is named', (schedule, tz, pattern) => {
    expect(scheduleProblem(schedule, tz)).toMatch(pattern);
  });

  it('GIVEN a valid schedule and zone THEN there is no problem', () => {
    expect(scheduleProblem('30 7 * * 1-5', 'Europe/Kyiv')).toBeNull();
  });
});
