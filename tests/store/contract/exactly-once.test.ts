/**
 * One contract, two engines: every assertion runs against SQLite (over the synchronous store)
 * and a real PostgreSQL server, each on a fresh database.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeAlert } from '../../../src/core/compose/alert.js';
import type { ExactlyOnceStore, Holder } from '../../../src/store/contract.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { classified, makeStory } from '../../helpers/stories.js';
import { postgresDb, sqliteDb, type EngineDb } from './engines.js';

let server: TestPostgres;
beforeAll(async () => { server = await startPostgres(); });
afterAll(async () => { await server.stop(); });

const LONG = 60_000;
const A: Holder = { owner: 'host-a:1:aaaaaa', leaseMs: LONG };
const B: Holder = { owner: 'host-b:2:bbbbbb', leaseMs: LONG };
/** A lease that has certainly run out after {@link EXPIRED_AFTER_MS}. */
const SHORT_A: Holder = { owner: A.owner, leaseMs: 1 };
const EXPIRED_AFTER_MS = 50;

function payload() {
  const story = makeStory();
  return composeAlert({ story, verdicts: classified({ ukraine: 5 }).verdicts, topics: new Map(), source: undefined, mentionRoleId: null });
}

const engines: [string, () => Promise<EngineDb>][] = [
  ['sqlite', sqliteDb],
  ['postgres', () => postgresDb(server)],
];

describe.each(engines)('exactly-once store contract on %s', (engine, makeDb) => {
  let db: EngineDb;
  let one: ExactlyOnceStore;
  let two: ExactlyOnceStore;
  const setup = async () => {
    db = await makeDb();
    one = await db.open();
    two = await db.open();
  };
  afterEach(async () => { await db.dispose(); });

  /** Queues `n` alerts of new stories in one subscription; their outbox ids follow from the claims. */
  const queue = async (n: number, subscriptionId?: number) => {
    const sub = subscriptionId ?? (await db.seedSubscription());
    for (let i = 0; i < n; i++) {
      const stored = await one.insertStory(makeStory());
      expect(await one.enqueueAlert({ subscriptionId: sub, storyRowid: stored.rowid, payload: payload() })).toBe(true);
    }
    return sub;
  };

  it('reports its engine', async () => {
    await setup();
    expect(one.engine).toBe(engine);
  });

  it('leases each due feed to one holder; a recorded poll ends the lease and the feed is no longer due', async () => {
    await setup();
    for (const id of ['f1', 'f2', 'f3']) await one.ensureFeed(id, `https://feeds.example/${id}`);
    expect(await one.claimDueFeeds(A, 2)).toEqual(['f1', 'f2']);
    expect(await two.claimDueFeeds(B, 10)).toEqual(['f3']);
    expect(await two.claimDueFeeds(B, 10)).toEqual(['f3']); // its own lease, taken again
    expect(await one.finishPoll('f1', A, { status: 200, nextPollInMs: LONG, newStories: 2 })).toBe(true);
    expect(await two.claimDueFeeds(B, 10)).toEqual(['f3']);
  });

  it('gives an expired feed lease to the next holder, and the old holder can no longer record its poll', async () => {
    await setup();
    await one.ensureFeed('f1', 'https://feeds.example/f1');
    expect(await one.claimDueFeeds(SHORT_A, 5)).toEqual(['f1']);
    await sleep(EXPIRED_AFTER_MS);
    expect(await two.claimDueFeeds(B, 5)).toEqual(['f1']);
    expect(await one.finishPoll('f1', A, { status: 200, nextPollInMs: LONG, newStories: 0 })).toBe(false);
    expect(await two.finishPoll('f1', B, { status: 200, nextPollInMs: LONG, newStories: 0 })).toBe(true);
  });

  it('stores a story once: the same id, or the same URL from another feed (recorded as a source)', async () => {
    await setup();
    const story = makeStory();
    const first = await one.insertStory(story);
    expect(first.inserted).toBe(true);
    expect(await two.insertStory(story)).toEqual({ inserted: false, rowid: first.rowid, reason: 'same-id' });
    expect(await two.insertStory({ ...story, id: `${story.id}-other`, feedId: 'other-feed' })).toEqual({ inserted: false, rowid: first.rowid, reason: 'same-url' });
    const other = await two.insertStory(makeStory());
    expect(other.inserted && other.rowid !== first.rowid).toBe(true);
  });

  it('queues an alert once per story and subscription', async () => {
    await setup();
    const sub = await db.seedSubscription();
    const stored = await one.insertStory(makeStory());
    expect(await one.enqueueAlert({ subscriptionId: sub, storyRowid: stored.rowid, payload: payload() })).toBe(true);
    expect(await two.enqueueAlert({ subscriptionId: sub, storyRowid: stored.rowid, payload: payload() })).toBe(false);
    expect(await one.pendingCount()).toBe(1);
  });

  it('claims a message for one holder; only the holder records the outcome, once', async () => {
    await setup();
    await queue(1);
    const claimed = await one.claimMessages(A, 10);
    expect(claimed.map((m) => m.attempts)).toEqual([0]);
    const id = claimed[0]!.id;
    expect(await two.claimMessages(B, 10)).toEqual([]);
    expect(await two.beginSend(id, B)).toBe(false);
    expect(await one.beginSend(id, A)).toBe(true);
    expect(await two.markSent(id, B, 'msg-b')).toBe(false);
    expect(await one.markSent(id, A, 'msg-a')).toBe(true);
    expect(await one.markSent(id, A, 'msg-a-again')).toBe(false);
    expect(await two.message(id)).toEqual({ status: 'sent', attempts: 1, messageId: 'msg-a', claimedBy: null });
    expect(await two.claimMessages(B, 10)).toEqual([]);
    expect(await one.pendingCount()).toBe(0);
  });

  it('gives a message whose claim expired mid-send to the next holder, who learns the send began; the old holder cannot complete it', async () => {
    await setup();
    await queue(1);
    const [claimed] = await one.claimMessages(SHORT_A, 10);
    expect(await one.beginSend(claimed!.id, SHORT_A)).toBe(true);
    await sleep(EXPIRED_AFTER_MS);
    const [taken] = await two.claimMessages(B, 10);
    expect(taken?.id).toBe(claimed!.id);
    expect(taken?.attempts).toBe(1);
    expect(taken?.sendStartedAt).not.toBeNull();
    expect(await one.markSent(claimed!.id, A, 'msg-a')).toBe(false);
    expect(await one.markDead(claimed!.id, A, 'late')).toBe(false);
    expect(await one.scheduleRetry(claimed!.id, A, 'late', 0)).toBe(false);
    expect(await two.markSent(claimed!.id, B, 'msg-b')).toBe(true);
    expect((await one.message(claimed!.id))?.messageId).toBe('msg-b');
  });

  it('keeps a retried message from everyone until its time, then gives it to one holder', async () => {
    await setup();
    await queue(1);
    const [m] = await one.claimMessages(A, 10);
    expect(await one.scheduleRetry(m!.id, A, 'HTTP 503', LONG)).toBe(true);
    expect(await two.claimMessages(B, 10)).toEqual([]);
    expect(await two.markDead(m!.id, B, 'not mine')).toBe(false);
    expect((await one.message(m!.id))?.status).toBe('pending');

    await queue(1); // another subscription: not held back by the first one's retry
    const [n] = await two.claimMessages(B, 10);
    expect(await two.scheduleRetry(n!.id, B, 'HTTP 503', 0)).toBe(true);
    const again = await one.claimMessages(A, 10);
    expect(again.map((x) => x.id)).toEqual([n!.id]);
  });

  it('keeps a subscription in order: a message waits while an older one of its subscription is held by another', async () => {
    await setup();
    const sub = await queue(2);
    const other = await queue(1);
    const first = await one.claimMessages(A, 1);
    expect(first.map((m) => m.subscriptionId)).toEqual([sub]);
    const second = await two.claimMessages(B, 10);
    expect(second.map((m) => m.subscriptionId)).toEqual([other]);
  });

  it('makes a message with an unreadable payload a dead letter instead of handing it out', async () => {
    await setup();
    const sub = await db.seedSubscription();
    const stored = await one.insertStory(makeStory());
    // A payload that is JSON but not a message (a row written by hand or by a newer release).
    expect(await one.enqueueAlert({ subscriptionId: sub, storyRowid: stored.rowid, payload: { nothing: true } as unknown as ReturnType<typeof payload> })).toBe(true);
    expect(await one.claimMessages(A, 10)).toEqual([]);
    expect(await one.pendingCount()).toBe(0);
  });
});
