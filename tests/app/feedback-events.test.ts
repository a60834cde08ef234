import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/app/classifier.js';
import { createDelivery } from '../../src/app/delivery.js';
import { RATING_LIMITS } from '../../src/discord/feedback.js';
import { loadEnv } from '../../src/config/env.js';
import type { Story } from '../../src/core/types.js';
import { createStore } from '../../src/store/index.js';
import { captureOutput, capturingLogger, makeStory, newSubscription, TEST_FEEDS } from '../helpers/stories.js';
import { FEEDBACK_NOW, GUILD_A, GUILD_B, MEMBERS, ROUNDUP_FIXTURE, type FixtureStory } from '../helpers/feedback-fixture.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Ratings (docs/feedback.md) apply to `event` subscriptions exactly as to instant alerts: server A
 * rates briefing roundups down, then the held-out stories of the same fixture go through the real
 * router. A's event subscription decides every story as A's instant subscription does; server B
 * (no ratings) decides as the shared classification.
 */

const FIXTURE = ROUNDUP_FIXTURE;
const NOW = FEEDBACK_NOW;

const tempDir = useTempDir();
const closers: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

describe('GIVEN a server that rated briefing roundups down', () => {
  it('THEN its event subscription leaves out what its instant subscription leaves out, and lets in what it lets in; the other server decides as before', async () => {
    const dir = tempDir();
    const logs = capturingLogger();
    const classifier = await loadClassifier({ rulesDir: join(import.meta.dirname, '../../rules'), modelPath: join(dir, 'model.json'), log: logs.log });
    const store = createStore(join(dir, 'w.db'));
    closers.push(() => { store.close(); });
    const out = captureOutput();
    const delivery = createDelivery({ store, env: loadEnv({}), log: logs.log, topics: classifier.topics, feedsById: TEST_FEEDS, output: out.stream, clock: () => NOW, consoleOnly: true });
    closers.push(() => delivery.close());
    const everything = { topics: ['*'], maxAgeMs: 365 * 86_400_000, createdAt: NOW - 86_400_000 };
    const instantA = store.subscriptions.add(newSubscription({ ...everything, target: { kind: 'channel', channelId: '310000000000000001', guildId: GUILD_A } }));
    const eventA = store.subscriptions.add(newSubscription({ ...everything, mode: 'event', target: { kind: 'channel', channelId: '310000000000000002', guildId: GUILD_A } }));
    const eventB = store.subscriptions.add(newSubscription({ ...everything, mode: 'event', target: { kind: 'channel', channelId: '320000000000000002', guildId: GUILD_B } }));

    const ingest = (f: FixtureStory, i: number) => {
      const story: Story = makeStory({ title: f.title, summary: f.summary, publishedAt: NOW - 3_600_000 + i, firstSeenAt: NOW });
      const classification = classifier.classify(story);
      const rowid = store.transaction(() => {
        const { rowid } = store.stories.insert(story, classification);
        delivery.route(rowid, story, classification, NOW);
        return rowid;
      });
      return { rowid, shared: classification.matched.length > 0, verdict: classification.verdicts.find((v) => v.topic === f.topic) };
    };
    /** Whether a subscription took the story: an alert of it, or (an event subscription) a row for its event since it arrived. */
    const took = (subscriptionId: number, rowid: number, rowsBefore: number) => {
      const rows = store.outbox.listForSubscription(subscriptionId);
      return rows.some((r) => r.storyRowid === rowid) || rows.length > rowsBefore;
    };

    FIXTURE.filter((f) => f.set === 'rated').forEach((f, i) => {
      const { rowid, verdict } = ingest(f, i);
      const outcome = store.feedback.record(
        { guildId: GUILD_A, memberId: MEMBERS[Math.floor(i / 3) % 3] ?? '', storyRowid: rowid, topic: f.topic, rating: f.roundup ? -1 : 1, matchedThen: verdict?.matched ?? false, scoreThen: verdict?.score ?? 0, source: 'reaction', now: NOW },
        RATING_LIMITS,
      );
      expect(outcome).toBe('stored');
    });

    let changed = 0;
    FIXTURE.filter((f) => f.set === 'held-out').forEach((f, i) => {
      const before = { a: store.outbox.listForSubscription(eventA.id).length, b: store.outbox.listForSubscription(eventB.id).length, i: store.outbox.listForSubscription(instantA.id).length };
      // Far apart in time: every story its own event, so "took it" is one new row.
      const { rowid, shared } = ingest(f, 1000 + i * 13 * 3_600_000);
      const instant = took(instantA.id, rowid, before.i);
      expect(took(eventA.id, rowid, before.a), `A's event subscription on "${f.title}"`).toBe(instant);
      expect(took(eventB.id, rowid, before.b), `B's event subscription on "${f.title}"`).toBe(shared);
      if (instant !== shared) changed++;
    });
    // The ratings changed some of A's decisions (the test would pass vacuously otherwise).
    expect(changed).toBeGreaterThan(0);
  });
});
