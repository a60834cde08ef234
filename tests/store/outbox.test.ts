import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeAlert } from '../../src/core/compose/alert.js';
import { MAX_NONCE_CHARS } from '../../src/core/compose/limits.js';
import { createStore } from '../../src/store/index.js';
import { nonceFor, type Claim } from '../../src/store/outbox.js';
import { classified, makeStory, newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const NOW = Date.UTC(2026, 10, 22, 12);
const A: Claim = { owner: 'host:1:aaaaaa', leaseMs: 60_000 };
const B: Claim = { owner: 'host:2:bbbbbb', leaseMs: 60_000 };
const ids = (claimed: { rows: readonly { id: number }[] }) => claimed.rows.map((r) => r.id);

function setup() {
  const store = createStore(join(tempDir(), 'w.db'));
  const sub = (n: number) =>
    store.subscriptions.add(newSubscription({ target: { kind: 'console' }, topics: ['ukraine'], createdAt: NOW + n }));
  const story = makeStory();
  const { rowid } = store.stories.insert(story, classified({ ukraine: 5 }));
  const payload = composeAlert({ story, verdicts: classified({ ukraine: 5 }).verdicts, topics: new Map(), source: undefined, mentionRoleId: null });
  return { store, sub, rowid, payload };
}

describe('outbox store', () => {
  it('GIVEN a story already routed to a subscription THEN routing it again writes nothing', () => {
    const { store, sub, rowid, payload } = setup();
    const s = sub(1);
    expect(store.outbox.addAlert({ subscriptionId: s.id, storyRowid: rowid, payload, now: NOW })).toBe(true);
    expect(store.outbox.addAlert({ subscriptionId: s.id, storyRowid: rowid, payload, now: NOW + 5 })).toBe(false);
    expect(store.outbox.listForSubscription(s.id)).toHaveLength(1);
    store.close();
  });

  it('GIVEN many rows THEN every nonce is unique and at most 25 characters', () => {
    const { store, sub, rowid, payload } = setup();
    const nonces = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const s = sub(i);
      store.outbox.addAlert({ subscriptionId: s.id, storyRowid: rowid, payload, now: NOW });
      const [row] = store.outbox.listForSubscription(s.id);
      expect(row!.nonce.length).toBeLessThanOrEqual(MAX_NONCE_CHARS);
      nonces.add(row!.nonce);
    }
    expect(nonces.size).toBe(30);
    // Even far-future times and huge ids stay within the limit.
    expect(nonceFor(2 ** 40, Date.UTC(9999, 0, 1)).length).toBeLessThanOrEqual(MAX_NONCE_CHARS);
    store.close();
  });

  it('GIVEN a row backing off THEN later rows of the same subscription wait, other subscriptions do not', () => {
    const { store, sub, rowid, payload } = setup();
    const a = sub(1);
    const b = sub(2);
    const second = makeStory();
    const { rowid: rowid2 } = store.stories.insert(second, classified({ ukraine: 5 }));
    store.outbox.addAlert({ subscriptionId: a.id, storyRowid: rowid, payload, now: NOW });
    store.outbox.addAlert({ subscriptionId: a.id, storyRowid: rowid2, payload, now: NOW });
    store.outbox.addAlert({ subscriptionId: b.id, storyRowid: rowid, payload, now: NOW });
    const [first] = store.outbox.listForSubscription(a.id);
    expect(ids(store.outbox.claimDue(NOW, 1, A))).toEqual([first!.id]);
    expect(store.outbox.scheduleRetry(first!.id, A, 'HTTP 500', NOW + 10_000)).toBe(true);
    const claimed = store.outbox.claimDue(NOW, 10, A);
    expect(claimed.rows.map((r) => r.subscriptionId)).toEqual([b.id]);
    store.outbox.release(claimed.rows[0]!.id, A);
    expect(store.outbox.nextDueAfter(NOW)).toBe(NOW + 10_000);
    expect(store.outbox.claimDue(NOW + 10_000, 10, A).rows.map((r) => [r.subscriptionId, r.storyRowid])).toEqual([[a.id, rowid], [a.id, rowid2], [b.id, rowid]]);
    store.close();
  });

  it('GIVEN a digest window queued once THEN queuing the same window again writes nothing', () => {
    const { store, sub, payload } = setup();
    const s = sub(1);
    expect(store.outbox.addDigest({ subscriptionId: s.id, until: NOW, payloads: [payload, payload], now: NOW })).toBe(2);
    expect(store.outbox.addDigest({ subscriptionId: s.id, until: NOW, payloads: [payload, payload], now: NOW })).toBe(0);
    expect(store.outbox.listForSubscription(s.id).map((r) => [r.part, r.total])).toEqual([[1, 2], [2, 2]]);
    store.close();
  });

  it('GIVEN a deleted subscription THEN its unsent rows go with it', () => {
    const { store, sub, rowid, payload } = setup();
    const s = sub(1);
    store.outbox.addAlert({ subscriptionId: s.id, storyRowid: rowid, payload, now: NOW });
    expect(store.subscriptions.remove(s.id)).toBe(true);
    expect(store.outbox.counts()).toEqual({ pending: 0, sent: 0, dead: 0, uncertain: 0 });
    store.close();
  });

  it('GIVEN a payload edited into something invalid THEN the row becomes a dead letter naming the problem and the queue moves on', () => {
    const { store, sub, rowid, payload } = setup();
    const s = sub(1);
    store.outbox.addAlert({ subscriptionId: s.id, storyRowid: rowid, payload, now: NOW });
    store.db.prepare(`UPDATE outbox SET payload = '{"embeds":[{"title":"${'x'.repeat(300)}"}],"allowedMentions":{"parse":[],"roles":[]}}'`).run();
    const claimed = store.outbox.claimDue(NOW, 10, A);
    expect(claimed.rows).toEqual([]);
    expect(claimed.corrupt[0]?.message).toMatch(/^outbox row \d+: payload does not validate/);
    expect(store.outbox.counts()).toEqual({ pending: 0, sent: 0, dead: 1, uncertain: 0 });
    store.close();
  });

  it('GIVEN a payload cut short (not JSON at all) THEN it becomes a dead letter, the rows behind it are claimed, and listings still show it', () => {
    const { store, sub, rowid, payload } = setup();
    const s = sub(1);
    const other = sub(2);
    store.outbox.addAlert({ subscriptionId: s.id, storyRowid: rowid, payload, now: NOW });
    store.outbox.addAlert({ subscriptionId: other.id, storyRowid: rowid, payload, now: NOW });
    const [broken] = store.outbox.listForSubscription(s.id);
    store.db.prepare("UPDATE outbox SET payload = substr(payload, 1, 40) WHERE id = ?").run(broken!.id);
    const claimed = store.outbox.claimDue(NOW, 10, A);
    expect(claimed.rows.map((r) => r.subscriptionId)).toEqual([other.id]);
    expect(claimed.corrupt.map((e) => e.rowId)).toEqual([broken!.id]);
    expect(claimed.corrupt[0]?.message).toMatch(/payload is not JSON/);
    const [listed] = store.outbox.listForSubscription(s.id);
    expect(listed).toMatchObject({ status: 'dead', payload: null });
    expect(listed?.problem).toMatch(/not JSON/);
    expect(store.outbox.listByStatus('dead', 10).map((r) => r.id)).toEqual([broken!.id]);
    store.close();
  });
});

describe('outbox claims (two processes on one database)', () => {
  function twoConnections() {
    const path = join(tempDir(), 'claims.db');
    const first = createStore(path);
    const second = createStore(path);
    const subscription = first.subscriptions.add(newSubscription({ target: { kind: 'console' }, topics: ['ukraine'], createdAt: NOW }));
    const other = first.subscriptions.add(newSubscription({ target: { kind: 'console' }, topics: ['ukraine'], createdAt: NOW }));
    const payload = composeAlert({ story: makeStory(), verdicts: classified({ ukraine: 5 }).verdicts, topics: new Map(), source: undefined, mentionRoleId: null });
    for (let i = 0; i < 6; i++) {
      const { rowid } = first.stories.insert(makeStory(), classified({ ukraine: 5 }));
      first.outbox.addAlert({ subscriptionId: i % 2 === 0 ? subscription.id : other.id, storyRowid: rowid, payload, now: NOW });
    }
    return { first, second, close: () => { first.close(); second.close(); } };
  }

  it('GIVEN two connections claiming at once THEN no row is claimed by both, and a subscription stays with one holder while it has a row in flight', () => {
    const { first, second, close } = twoConnections();
    const a = first.outbox.claimDue(NOW, 2, A);
    const b = second.outbox.claimDue(NOW, 10, B);
    expect(ids(a)).toHaveLength(2);
    const overlap = ids(a).filter((id) => ids(b).includes(id));
    expect(overlap).toEqual([]);
    // A holds the first row of each subscription: B may not overtake it with later rows.
    expect(b.rows).toEqual([]);
    close();
  });

  it('GIVEN a claim held by another process THEN its outcome cannot be recorded by anyone else, and beginSend refuses', () => {
    const { first, second, close } = twoConnections();
    const [row] = first.outbox.claimDue(NOW, 1, A).rows;
    expect(second.outbox.beginSend(row!.id, B, NOW)).toBe(false);
    expect(second.outbox.markSent(row!.id, B, 'm-1', NOW)).toBe(false);
    expect(second.outbox.markDead(row!.id, B, 'no')).toBe(false);
    expect(first.outbox.beginSend(row!.id, A, NOW)).toBe(true);
    expect(first.outbox.markSent(row!.id, A, 'm-1', NOW)).toBe(true);
    expect(first.outbox.listing(row!.id)).toMatchObject({ status: 'sent', messageId: 'm-1', attempts: 1, sendStartedAt: null });
    close();
  });

  it('GIVEN a holder that crashed mid-send THEN its claim is taken over once the lease ran out, and the new holder learns the send had begun', () => {
    const { first, second, close } = twoConnections();
    const [row] = first.outbox.claimDue(NOW, 1, A).rows;
    expect(first.outbox.beginSend(row!.id, A, NOW)).toBe(true);
    // Within the lease: still A's.
    expect(ids(second.outbox.claimDue(NOW + A.leaseMs - 1, 10, B))).not.toContain(row!.id);
    const taken = second.outbox.claimDue(NOW + A.leaseMs, 10, B).rows.find((r) => r.id === row!.id);
    expect(taken).toMatchObject({ attempts: 1, sendStartedAt: NOW });
    // The old holder wakes up: its outcome is refused, the new holder's stands.
    expect(first.outbox.markSent(row!.id, A, 'm-old', NOW + A.leaseMs + 1)).toBe(false);
    expect(second.outbox.markUncertain(row!.id, B, 'may have been posted')).toBe(true);
    expect(second.outbox.counts().uncertain).toBe(1);
    expect(second.outbox.requeue([row!.id], NOW + A.leaseMs + 2)).toEqual([row!.id]);
    expect(second.outbox.listing(row!.id)).toMatchObject({ status: 'pending', attempts: 0, sendStartedAt: null });
    close();
  });
});
