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
 * The simulation the feature is judged by. Server A does not want briefing roundups ("Morning
 * briefing: Kyiv, markets and more", "Key events on day 412"), which the shared rules match like
 * any other story about the topic; server B takes the shared rubric as it is. Three members of A
 * rate the 30 alerts A received (👎 the roundups, 👍 the rest); then 100 held-out stories written
 * to A's taste go through the real router. A's F1 must rise by at least 0.1 and B's decisions must
 * not change at all.
 */

const FIXTURE = ROUNDUP_FIXTURE;
const NOW = FEEDBACK_NOW;

function f1(decided: readonly boolean[], truth: readonly boolean[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  decided.forEach((d, i) => {
    const t = truth[i] ?? false;
    if (d && t) tp++;
    else if (d && !t) fp++;
    else if (!d && t) fn++;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

const tempDir = useTempDir();
const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

describe('GIVEN a server that rates out briefing roundups', () => {
  it('THEN its F1 on 100 held-out stories rises by at least 0.1 and the other server decides exactly as before', async () => {
    const dir = tempDir();
    const logs = capturingLogger();
    const classifier = await loadClassifier({ rulesDir: join(import.meta.dirname, '../../rules'), modelPath: join(dir, 'model.json'), log: logs.log });
    const store = createStore(join(dir, 'w.db'));
    closers.push(() => { store.close(); });
    const out = captureOutput();
    const delivery = createDelivery({ store, env: loadEnv({}), log: logs.log, topics: classifier.topics, feedsById: TEST_FEEDS, output: out.stream, clock: () => NOW, consoleOnly: true });
    closers.push(() => delivery.close());
    const everything = { topics: ['*'], maxAgeMs: 365 * 86_400_000, createdAt: NOW - 86_400_000 };
    const subA = store.subscriptions.add(newSubscription({ ...everything, target: { kind: 'channel', channelId: '310000000000000001', guildId: GUILD_A } }));
    const subB = store.subscriptions.add(newSubscription({ ...everything, target: { kind: 'channel', channelId: '320000000000000002', guildId: GUILD_B } }));

    /** Stores and routes one story as the poll cycle does; returns its rowid and the shared verdict. */
    const ingest = (f: FixtureStory, i: number) => {
      const story: Story = makeStory({ title: f.title, summary: f.summary, publishedAt: NOW - 3_600_000 + i, firstSeenAt: NOW });
      const classification = classifier.classify(story);
      const rowid = store.transaction(() => {
        const { rowid } = store.stories.insert(story, classification);
        delivery.route(rowid, story, classification, NOW);
        return rowid;
      });
      const verdict = classification.verdicts.find((v) => v.topic === f.topic);
      return { rowid, shared: classification.matched.length > 0, verdict };
    };
    const alerted = (subscriptionId: number) => new Set(store.outbox.listForSubscription(subscriptionId).map((r) => r.storyRowid));

    // 1. Server A gets its alerts and three members rate them, ten each.
    const rated = FIXTURE.filter((f) => f.set === 'rated');
    expect(rated).toHaveLength(30);
    const ratedRows = rated.map((f, i) => ({ f, ...ingest(f, i) }));
    const alertsA = alerted(subA.id);
    ratedRows.forEach(({ f, rowid, verdict }, i) => {
      expect(alertsA.has(rowid), `A was alerted to "${f.title}"`).toBe(true);
      const outcome = store.feedback.record(
        { guildId: GUILD_A, memberId: MEMBERS[Math.floor(i / 3) % 3] ?? '', storyRowid: rowid, topic: f.topic, rating: f.roundup ? -1 : 1, matchedThen: verdict?.matched ?? false, scoreThen: verdict?.score ?? 0, source: 'reaction', now: NOW },
        RATING_LIMITS,
      );
      expect(outcome).toBe('stored');
    });

    // 2. The held-out stories, through the same router.
    const held = FIXTURE.filter((f) => f.set === 'held-out');
    expect(held).toHaveLength(100);
    const heldRows = held.map((f, i) => ({ f, ...ingest(f, 1000 + i) }));
    const afterA = alerted(subA.id);
    const afterB = alerted(subB.id);

    const tasteA = held.map((f) => !f.roundup);
    const rubric = held.map(() => true);
    const before = heldRows.map((r) => r.shared);
    const decidedA = heldRows.map((r) => afterA.has(r.rowid));
    const decidedB = heldRows.map((r) => afterB.has(r.rowid));
    const figures = {
      a: { before: f1(before, tasteA), after: f1(decidedA, tasteA) },
      b: { before: f1(before, rubric), after: f1(decidedB, rubric) },
    };
    process.stdout.write(`feedback simulation: server A F1 ${figures.a.before.toFixed(3)} -> ${figures.a.after.toFixed(3)}; server B F1 ${figures.b.before.toFixed(3)} -> ${figures.b.after.toFixed(3)}\n`);

    expect(figures.a.after - figures.a.before).toBeGreaterThanOrEqual(0.1);
    // B has no ratings: every one of its decisions is the shared one.
    expect(decidedB).toEqual(before);
    // Most of A's changes agree with its taste (roundups left out, a story it wants let in).
    const changed = heldRows.flatMap((r, i) => (decidedA[i] !== before[i] ? [{ title: r.f.title, right: decidedA[i] === tasteA[i] }] : []));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.filter((c) => c.right).length).toBeGreaterThan(0.9 * changed.length);
  });
});
