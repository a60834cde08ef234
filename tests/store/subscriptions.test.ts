import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();

/** Routing reads the instant subscriptions once per new story; the store caches the list. */
describe('subscription store: cached lists stay true', () => {
  it('GIVEN a cached list WHEN this connection adds, removes or stamps a subscription THEN the next read shows it', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    expect(store.subscriptions.listByMode('instant')).toEqual([]);
    const a = store.subscriptions.add(newSubscription({ topics: ['ukraine'] }));
    expect(store.subscriptions.listByMode('instant').map((s) => s.id)).toEqual([a.id]);
    const digest = store.subscriptions.add(newSubscription({ mode: 'digest', schedule: '0 8 * * *' }));
    expect(store.subscriptions.listByMode('digest').map((s) => s.lastDigestAt)).toEqual([null]);
    store.subscriptions.setLastDigestAt(digest.id, 1234);
    expect(store.subscriptions.listByMode('digest').map((s) => s.lastDigestAt)).toEqual([1234]);
    expect(store.subscriptions.remove(a.id)).toBe(true);
    expect(store.subscriptions.listByMode('instant')).toEqual([]);
    store.close();
  });

  it('GIVEN a cached list WHEN another connection (the CLI, another process) adds one THEN the next read shows it', () => {
    const path = join(tempDir(), 'w.db');
    const bot = createStore(path);
    const cli = createStore(path);
    expect(bot.subscriptions.listByMode('instant')).toHaveLength(0);
    cli.subscriptions.add(newSubscription({ topics: ['north-korea'] }));
    expect(bot.subscriptions.listByMode('instant').map((s) => s.topics)).toEqual([['north-korea']]);
    cli.close();
    bot.close();
  });

  it('GIVEN a transaction that adds a subscription, reads it, then fails THEN the rolled-back subscription is not served from the cache', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    expect(() =>
      store.transaction(() => {
        store.subscriptions.add(newSubscription());
        expect(store.subscriptions.listByMode('instant')).toHaveLength(1);
        throw new Error('fails after the write');
      }),
    ).toThrow('fails after the write');
    expect(store.subscriptions.listByMode('instant')).toHaveLength(0);
    store.close();
  });
});

describe('subscription store: rows that cannot be read', () => {
  it('GIVEN topics cut short, a topics object and a text min_score WHEN reading THEN those rows are skipped everywhere, reported once each with the fix, and can still be removed', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    const good = store.subscriptions.add(newSubscription());
    const cut = store.subscriptions.add(newSubscription({ target: { kind: 'channel', channelId: '310000000000000001', guildId: '210000000000000001' } }));
    const object = store.subscriptions.add(newSubscription());
    const score = store.subscriptions.add(newSubscription());
    store.db.prepare("UPDATE subscriptions SET topics = '[\"ukr' WHERE id = ?").run(cut.id);
    store.db.prepare("UPDATE subscriptions SET topics = '{\"a\":1}' WHERE id = ?").run(object.id);
    store.db.prepare("UPDATE subscriptions SET min_score = 'high' WHERE id = ?").run(score.id);
    const reported: string[] = [];
    store.subscriptions.onUnreadable((row) => reported.push(row.id));
    expect(store.subscriptions.list().map((s) => s.id)).toEqual([good.id]);
    expect(store.subscriptions.listByMode('instant').map((s) => s.id)).toEqual([good.id]);
    expect(store.subscriptions.get(cut.id)).toBeUndefined();
    expect(store.subscriptions.list().map((s) => s.id)).toEqual([good.id]);
    expect(reported).toEqual([String(cut.id), String(object.id), String(score.id)]);
    const unreadable = store.subscriptions.unreadableRows();
    expect(unreadable.map((r) => [r.id, r.guildId])).toEqual([[String(cut.id), '210000000000000001'], [String(object.id), null], [String(score.id), null]]);
    expect(unreadable[0]?.reason).toMatch(/^topics is not JSON \(/u);
    expect(unreadable[0]?.fix).toBe(`\`watchfloor unsubscribe ${cut.id}\` (or \`/watch remove id:${cut.id}\` in its server), then subscribe again`);
    expect(unreadable[1]?.reason).toBe('topics is not a non-empty JSON list of topic ids');
    expect(unreadable[2]?.reason).toBe('min_score is not a number ≥ 0');
    expect(store.subscriptions.unreadableRow(cut.id)?.id).toBe(String(cut.id));
    expect(store.subscriptions.unreadableRow(good.id)).toBeUndefined();
    expect(store.subscriptions.remove(cut.id)).toBe(true);
    expect(reported).toHaveLength(3);
    store.close();
  });
});
