import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeAlert } from '../../src/core/compose/alert.js';
import { MAX_NONCE_CHARS } from '../../src/core/compose/limits.js';
import { createStore } from '../../src/store/index.js';
import { CorruptOutboxRowError, nonceFor } from '../../src/store/outbox.js';
import { classified, makeStory, newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const NOW = Date.UTC(2026, 10, 22, 12);

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
    store.outbox.scheduleRetry(first!.id, 'HTTP 500', NOW + 10_000);
    expect(store.outbox.due(NOW, 10).map((r) => r.subscriptionId)).toEqual([b.id]);
    expect(store.outbox.nextDueAfter(NOW)).toBe(NOW + 10_000);
    expect(store.outbox.due(NOW + 10_000, 10).map((r) => [r.subscriptionId, r.storyRowid])).toEqual([[a.id, rowid], [a.id, rowid2], [b.id, rowid]]);
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
    expect(store.outbox.counts()).toEqual({ pending: 0, sent: 0, dead: 0 });
    store.close();
  });

  it('GIVEN a payload edited into something invalid THEN the row becomes a dead letter naming the problem and the queue moves on', () => {
    const { store, sub, rowid, payload } = setup();
    const s = sub(1);
    store.outbox.addAlert({ subscriptionId: s.id, storyRowid: rowid, payload, now: NOW });
    store.db.prepare(`UPDATE outbox SET payload = '{"embeds":[{"title":"${'x'.repeat(300)}"}],"allowedMentions":{"parse":[],"roles":[]}}'`).run();
    const reported: CorruptOutboxRowError[] = [];
    expect(store.outbox.due(NOW, 10, (e) => reported.push(e))).toEqual([]);
    expect(reported[0]?.message).toMatch(/^outbox row \d+: payload does not validate/);
    expect(store.outbox.counts()).toEqual({ pending: 0, sent: 0, dead: 1 });
    store.close();
  });
});
