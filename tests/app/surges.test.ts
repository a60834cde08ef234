import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTraffic } from '../../bench/traffic.js';
import { silentLogger } from '../../src/app/logger.js';
import { checkSurges, surgeOptionsFrom, type SurgeCheckDeps } from '../../src/app/surges.js';
import { DAY_MS, HOUR_MS } from '../../src/core/news.js';
import { parseQuietHours } from '../../src/core/trends/surge.js';
import { createStore, type Store } from '../../src/store/index.js';
import { classified, makeStory, newSubscription, TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const START = Date.UTC(2026, 10, 2);
/** The injected surge: day 10 of the traffic, 03:00 UTC (a quiet hour), 20 more North Korea stories. */
const SURGE_HOUR = START + 10 * DAY_MS + 3 * HOUR_MS;
const SETTINGS = surgeOptionsFrom({ SURGE_THRESHOLD: 4, SURGE_MIN_STORIES: 6, SURGE_COOLDOWN_HOURS: 6 });

function deps(store: Store): SurgeCheckDeps {
  return { store, topics: TEST_TOPICS, feedsById: TEST_FEEDS, log: silentLogger(), ...SETTINGS };
}

function insertHour(store: Store, topic: string, hour: number, count: number, label: string): void {
  store.transaction(() => {
    for (let i = 0; i < count; i++) {
      // Seen between 5 and 50 minutes past the hour, published 4 minutes before.
      const seen = hour + 5 * 60_000 + Math.floor((i * 45 * 60_000) / Math.max(1, count));
      store.stories.insert(makeStory({ feedId: 'reuters', title: `${label} ${topic} ${new Date(hour).toISOString()} #${i}`, firstSeenAt: seen, publishedAt: seen - 4 * 60_000 }), classified({ [topic]: 5 }));
    }
  });
}

/**
 * A week of history, then a week replayed hour by hour with the check after each "cycle" (at
 * 55 minutes past). Returns the surges recorded by the checks.
 */
function replay(stores: readonly Store[], inject: boolean, seed = 7): number {
  const [store] = stores;
  if (!store) throw new Error('no store');
  const traffic = generateTraffic(START, 14 * 24, seed);
  let recorded = 0;
  for (const h of traffic) {
    if (h.hour >= START + 7 * DAY_MS) break;
    insertHour(store, h.topic, h.hour, h.count, 'history');
  }
  for (let hour = START + 7 * DAY_MS; hour < START + 14 * DAY_MS; hour += HOUR_MS) {
    for (const h of traffic.filter((t) => t.hour === hour)) insertHour(store, h.topic, hour, h.count, 'live');
    if (inject && hour === SURGE_HOUR) insertHour(store, 'north-korea', hour, 20, '<b>Breaking</b> @everyone');
    for (const s of stores) recorded += checkSurges(deps(s), hour + 55 * 60_000).surges.length;
  }
  return recorded;
}

function surgeRows(store: Store) {
  return store.db.prepare<[], { subscription_id: number; kind: string; payload: string; surge_id: number }>("SELECT subscription_id, kind, payload, surge_id FROM outbox WHERE kind = 'surge'").all();
}

describe('topic surges over a replayed week of generated traffic', () => {
  it('one injected surge gives exactly one surge and one notice per subscription that wants it', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    try {
      const instant = store.subscriptions.add(newSubscription({ topics: ['north-korea'], createdAt: START }));
      const all = store.subscriptions.add(newSubscription({ topics: ['*'], createdAt: START }));
      const digest = store.subscriptions.add(newSubscription({ topics: ['*'], mode: 'digest', schedule: '0 8 * * *', createdAt: START }));
      const optedOut = store.subscriptions.add(newSubscription({ topics: ['north-korea'], createdAt: START }));
      store.trends.setSettings(optedOut.id, { surges: false });
      const optedInDigest = store.subscriptions.add(newSubscription({ topics: ['north-korea'], mode: 'digest', schedule: '0 8 * * *', createdAt: START }));
      store.trends.setSettings(optedInDigest.id, { surges: true });
      const ukraineOnly = store.subscriptions.add(newSubscription({ topics: ['ukraine'], createdAt: START }));

      expect(replay([store], true)).toBe(1);
      const surges = store.trends.surgesBetween(START, START + 14 * DAY_MS);
      expect(surges).toHaveLength(1);
      expect(surges[0]).toMatchObject({ topic: 'north-korea', hourStart: SURGE_HOUR });
      expect(surges[0]?.count).toBeGreaterThanOrEqual(20);

      const rows = surgeRows(store);
      expect(rows.map((r) => r.subscription_id).sort((a, b) => a - b)).toEqual([instant.id, all.id, optedInDigest.id].sort((a, b) => a - b));
      expect(rows.map((r) => r.subscription_id)).not.toContain(digest.id);
      expect(rows.map((r) => r.subscription_id)).not.toContain(ukraineOnly.id);
      // The notice lists the stories behind it, neutralised: no live mention, no raw HTML.
      const payload = JSON.parse(rows[0]?.payload ?? '{}') as { embeds: { title: string; description: string }[]; allowedMentions: { parse: unknown[] } };
      expect(payload.embeds[0]?.title).toMatch(/Surge: .*North Korea — 2\d stories/u);
      expect(payload.embeds[0]?.description).toContain('](https://news.example/');
      expect(payload.embeds[0]?.description).not.toContain('@everyone');
      expect(payload.embeds[0]?.description).toContain('@\u200beveryone');
      expect(payload.embeds[0]?.description).not.toMatch(/<b>/u);
      expect(payload.allowedMentions.parse).toEqual([]);
      // The outbox reads it back as a surge notice.
      const first = store.outbox.listForSubscription(instant.id).find((r) => r.kind === 'surge');
      expect(first?.payload?.embeds[0]?.title).toContain('Surge');
      expect(store.trends.summary()).toEqual([expect.objectContaining({ topic: 'north-korea', total: 1 })]);
    } finally {
      store.close();
    }
  });

  it('without the injection, the same week has no surge at all', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    try {
      store.subscriptions.add(newSubscription({ topics: ['*'], createdAt: START }));
      expect(replay([store], false)).toBe(0);
      expect(store.trends.surgesBetween(0, Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(surgeRows(store)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('a second process checking at the same time adds nothing: one surge, one notice', () => {
    const path = join(tempDir(), 'w.db');
    const first = createStore(path);
    const second = createStore(path);
    try {
      first.subscriptions.add(newSubscription({ topics: ['north-korea'], createdAt: START }));
      expect(replay([first, second], true)).toBe(1);
      expect(surgeRows(first)).toHaveLength(1);
      // Both see the same surge and neither composes it again.
      expect(checkSurges(deps(second), SURGE_HOUR + 55 * 60_000).surges).toEqual([]);
      expect(checkSurges(deps(first), SURGE_HOUR + 55 * 60_000).surges).toEqual([]);
      expect(surgeRows(second)).toHaveLength(1);
    } finally {
      first.close();
      second.close();
    }
  });

  it('two processes checking the same surge at the same moment record it once and queue one notice per subscription', async () => {
    const dir = tempDir();
    const path = join(dir, 'w.db');
    const store = createStore(path);
    const subscription = store.subscriptions.add(newSubscription({ topics: ['north-korea'], createdAt: START }));
    for (const h of generateTraffic(START, 10 * 24, 5)) insertHour(store, h.topic, h.hour, h.count, 'history');
    const hour = START + 10 * DAY_MS + 3 * HOUR_MS;
    insertHour(store, 'north-korea', hour, 20, 'burst');
    store.close();
    const go = join(dir, 'go');
    const children = [0, 1].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'surge-child.ts'), path, String(hour + 40 * 60_000), go], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const ready = new Promise<void>((resolve) => {
        child.stdout.on('data', () => {
          if (out.includes('ready')) resolve();
        });
      });
      const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        child.on('close', (code) => {
          resolve({ code, out, err });
        });
      });
      return { ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    writeFileSync(go, '');
    const results = await Promise.all(children.map((c) => c.done));
    for (const r of results) expect(r.code, r.err).toBe(0);
    const reports = results.map((r) => JSON.parse(r.out.trim().split('\n').at(-1) ?? '{}') as { surges: number; notices: number });
    expect(reports.reduce((n, r) => n + r.surges, 0)).toBe(1);
    expect(reports.reduce((n, r) => n + r.notices, 0)).toBe(1);
    const after = createStore(path);
    try {
      expect(after.trends.surgesBetween(0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
      expect(surgeRows(after).map((r) => r.subscription_id)).toEqual([subscription.id]);
    } finally {
      after.close();
    }
  });

  it('the cooldown stops a repeat within hours; quiet hours drop the notice for that subscription only', () => {
    const store = createStore(join(tempDir(), 'w.db'));
    try {
      const awake = store.subscriptions.add(newSubscription({ topics: ['north-korea'], createdAt: START }));
      const asleep = store.subscriptions.add(newSubscription({ topics: ['north-korea'], createdAt: START, timezone: 'UTC' }));
      store.trends.setSettings(asleep.id, { quietHours: parseQuietHours('01-06') });
      for (const h of generateTraffic(START, 10 * 24, 3)) insertHour(store, h.topic, h.hour, h.count, 'history');
      const hour = START + 10 * DAY_MS + 3 * HOUR_MS;
      insertHour(store, 'north-korea', hour, 20, 'burst');
      expect(checkSurges(deps(store), hour + 30 * 60_000).surges).toHaveLength(1);
      // Two hours later another burst: within the 6 h cooldown, nothing.
      insertHour(store, 'north-korea', hour + 2 * HOUR_MS, 25, 'burst');
      expect(checkSurges(deps(store), hour + 2 * HOUR_MS + 30 * 60_000).surges).toEqual([]);
      expect(surgeRows(store).map((r) => r.subscription_id)).toEqual([awake.id]);
    } finally {
      store.close();
    }
  });
});
