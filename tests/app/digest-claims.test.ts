import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery } from '../../src/app/delivery.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore, type Store } from '../../src/store/index.js';
import { capturingLogger, captureOutput, classified, makeStory, newSubscription, TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 22, 1);
const logsOf: ReturnType<typeof capturingLogger>[] = [];
const opened: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const x of opened.splice(0).reverse()) await x.close();
});

function deliveryOn(store: Store) {
  const logs = capturingLogger();
  logsOf.push(logs);
  const delivery = createDelivery({ store, env: loadEnv({}), log: logs.log, topics: TEST_TOPICS, feedsById: TEST_FEEDS, output: captureOutput().stream, retry: { waitMs: 0 } });
  opened.push(delivery);
  return delivery;
}

describe('digest windows with two processes', () => {
  it('GIVEN a process that read the digest subscriptions before another composed the window THEN it composes nothing overlapping, and the next window once', () => {
    const path = join(tempDir(), 'w.db');
    const a = createStore(path);
    const b = createStore(path);
    opened.push(a, b);
    const sub = a.subscriptions.add(newSubscription({ target: { kind: 'console' }, topics: ['ukraine'], mode: 'digest', schedule: '0 * * * *', timezone: 'UTC', createdAt: NOW - 2 * HOUR, maxAgeMs: 24 * HOUR }));
    const story = makeStory({ firstSeenAt: NOW - 30 * 60_000, publishedAt: NOW - 40 * 60_000 });
    a.transaction(() => a.stories.insert(story, classified({ ukraine: 6 })));
    const first = deliveryOn(a);
    const second = deliveryOn(b);
    // B lists the digest subscriptions, then A composes the window before B gets to it.
    const stale = b.subscriptions.listByMode('digest');
    expect(first.runDueDigests(NOW)).toBe(1);
    const fresh = b.subscriptions.listByMode.bind(b.subscriptions);
    b.subscriptions.listByMode = () => stale;
    expect(second.runDueDigests(NOW + HOUR)).toBe(0);
    b.subscriptions.listByMode = fresh;
    const rows = a.outbox.listForSubscription(sub.id);
    expect(rows.map((r) => r.digestUntil)).toEqual([NOW]);
    // The next window is composed once, from where A's ended.
    const later = makeStory({ firstSeenAt: NOW + 30 * 60_000, publishedAt: NOW + 20 * 60_000 });
    a.transaction(() => a.stories.insert(later, classified({ ukraine: 6 })));
    expect(second.runDueDigests(NOW + HOUR)).toBe(1);
    expect(first.runDueDigests(NOW + HOUR)).toBe(0);
    expect(a.outbox.listForSubscription(sub.id).map((r) => r.digestUntil)).toEqual([NOW, NOW + HOUR]);
    expect(a.subscriptions.get(sub.id)?.lastDigestAt).toBe(NOW + HOUR);
  });
});
