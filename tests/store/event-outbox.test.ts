import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeAlert } from '../../src/core/compose/alert.js';
import { composeEventUpdate } from '../../src/core/compose/event.js';
import { createStore } from '../../src/store/index.js';
import type { Claim } from '../../src/store/outbox.js';
import { classified, makeStory, newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const NOW = Date.UTC(2026, 10, 22, 12);
const A: Claim = { owner: 'host:1:aaaaaa', leaseMs: 60_000 };
const B: Claim = { owner: 'host:2:bbbbbb', leaseMs: 60_000 };

function setup() {
  const store = createStore(join(tempDir(), 'w.db'));
  const sub = store.subscriptions.add(newSubscription({ mode: 'event', topics: ['ukraine'], createdAt: NOW }));
  const story = makeStory({ title: 'Russia strikes Kyiv power grid overnight' });
  const { rowid } = store.stories.insert(story, classified({ ukraine: 5 }));
  const eventId = store.events.create({ title: story.title, startedAt: story.publishedAt, storyRowid: rowid, feedId: story.feedId, at: NOW, now: NOW });
  const alert = composeAlert({ story, verdicts: classified({ ukraine: 5 }).verdicts, topics: new Map(), source: undefined, mentionRoleId: null });
  const alertId = store.outbox.addEventAlert({ subscriptionId: sub.id, storyRowid: rowid, eventId, payload: alert, now: NOW });
  if (alertId === null) throw new Error('alert not queued');
  const update = (n: number) =>
    composeEventUpdate({ alert, alertFeedId: story.feedId, reports: Array.from({ length: n }, (_, i) => ({ feedId: `outlet-${i}`, title: `Report ${i}`, url: null, at: NOW + i })), sources: new Map() });
  return { store, sub, eventId, alertId, alert, update, rowid };
}

describe('living-alert rows in the outbox', () => {
  it('GIVEN an event alert THEN a second alert for the same event or story is refused, and the subscription reads back as event mode', () => {
    const { store, sub, eventId, alert, rowid } = setup();
    expect(store.outbox.addEventAlert({ subscriptionId: sub.id, storyRowid: rowid, eventId, payload: alert, now: NOW + 1 })).toBeNull();
    expect(store.subscriptions.get(sub.id)).toMatchObject({ mode: 'event', developingSources: null, developingWindowMs: null });
    store.close();
  });

  it('GIVEN the alert is not sent yet WHEN rows are claimed THEN its edit waits; once the alert is sent the edit is claimed', () => {
    const { store, sub, eventId, alertId, update } = setup();
    const edit = store.outbox.queueEventEdit({ subscriptionId: sub.id, eventId, alertRowId: alertId, payload: update(1), now: NOW });
    expect(edit.coalesced).toBe(false);
    const first = store.outbox.claimDue(NOW, 10, A);
    expect(first.rows.map((r) => r.id)).toEqual([alertId]);
    expect(store.outbox.beginSend(alertId, A, NOW)).toBe(true);
    expect(store.outbox.markSent(alertId, A, '123', NOW)).toBe(true);
    const second = store.outbox.claimDue(NOW, 10, A);
    expect(second.rows).toMatchObject([{ id: edit.id, kind: 'event-edit', refOutboxId: alertId, eventId }]);
    store.close();
  });

  it('GIVEN several edits queued while none is claimed THEN they coalesce into one row holding the newest state; an edit claimed by a deliverer is left alone and a new row follows it', () => {
    const { store, sub, eventId, alertId, update } = setup();
    const one = store.outbox.queueEventEdit({ subscriptionId: sub.id, eventId, alertRowId: alertId, payload: update(1), now: NOW });
    const two = store.outbox.queueEventEdit({ subscriptionId: sub.id, eventId, alertRowId: alertId, payload: update(2), now: NOW + 1 });
    const three = store.outbox.queueEventEdit({ subscriptionId: sub.id, eventId, alertRowId: alertId, payload: update(3), now: NOW + 2 });
    expect([two.coalesced, three.coalesced]).toEqual([true, true]);
    expect(new Set([one.id, two.id, three.id]).size).toBe(1);
    expect(store.outbox.get(one.id)?.payload).toEqual(update(3));

    // Alert sent; the edit claimed by A: a newer state goes to a new row, and A's row is then moot.
    store.outbox.claimDue(NOW, 10, A);
    store.outbox.beginSend(alertId, A, NOW);
    store.outbox.markSent(alertId, A, '123', NOW);
    expect(store.outbox.claimDue(NOW, 10, A).rows.map((r) => r.id)).toEqual([one.id]);
    const four = store.outbox.queueEventEdit({ subscriptionId: sub.id, eventId, alertRowId: alertId, payload: update(4), now: NOW + 3 });
    expect(four.coalesced).toBe(false);
    const claimed = store.outbox.get(one.id);
    expect(claimed && store.outbox.newerEdit(claimed)).toBe(four.id);
    // Only the holder may settle it.
    expect(store.outbox.supersede(one.id, B, four.id, '123', NOW)).toBe(false);
    expect(store.outbox.supersede(one.id, A, four.id, '123', NOW)).toBe(true);
    expect(store.outbox.listing(one.id)).toMatchObject({ status: 'sent', messageId: '123', lastError: `superseded by row ${four.id}: only the newest state is sent` });
    store.close();
  });

  it('GIVEN a developing notice THEN a second one for the same event and subscription is refused', () => {
    const { store, sub, eventId, alert } = setup();
    expect(store.outbox.addDeveloping({ subscriptionId: sub.id, eventId, payload: alert, now: NOW })).toBe(true);
    expect(store.outbox.addDeveloping({ subscriptionId: sub.id, eventId, payload: alert, now: NOW + 1 })).toBe(false);
    store.close();
  });

  it('GIVEN a row of a kind this version does not know WHEN claimed THEN it becomes a dead letter reported once, and the rows behind it still go', () => {
    const { store, sub, alertId } = setup();
    store.db.prepare("INSERT INTO outbox (subscription_id, kind, payload, next_attempt_at, created_at) VALUES (?, 'teleport', '{}', ?, ?)").run(sub.id, NOW - 1, NOW - 1);
    const first = store.outbox.claimDue(NOW, 10, A);
    expect(first.corrupt).toHaveLength(1);
    expect(first.corrupt[0]?.message).toMatch(/unknown kind "teleport"/);
    expect(first.rows.map((r) => r.id)).toEqual([alertId]);
    expect(store.outbox.claimDue(NOW + 1, 10, B).corrupt).toHaveLength(0);
    expect(store.outbox.listByStatus('dead', 10)[0]?.problem).toMatch(/unknown kind/);
    store.close();
  });
});
