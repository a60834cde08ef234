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
