import { describe, expect, it } from 'vitest';
import { ALL_TOPICS, feedReaches, feedsHiddenFrom, routeStory, storyReaches, whyNotRouted } from '../../src/core/route.js';
import type { Classification, Subscription } from '../../src/core/types.js';
import { newSubscription, verdict } from '../helpers/stories.js';

const NOW = Date.UTC(2026, 10, 22, 12);
const HOUR = 3_600_000;

function subscription(id: number, overrides: Partial<Subscription> = {}): Subscription {
  return { ...newSubscription({ maxAgeMs: 24 * HOUR, createdAt: 0 }), id, lastDigestAt: null, ...overrides };
}

const classification: Classification = {
  matched: ['ukraine', 'north-korea'],
  verdicts: [verdict('ukraine', 6), verdict('north-korea', 2.5), { ...verdict('south-korea', 1), matched: false }],
};

describe('routeStory', () => {
  it('GIVEN subscriptions by topic THEN only those whose topics intersect the matched ones get the story', () => {
    const decisions = routeStory([subscription(1), subscription(2, { topics: ['south-korea'] }), subscription(3, { topics: ['north-korea', 'ukraine'] })], { publishedAt: NOW - HOUR }, classification, NOW);
    expect(decisions.map((d) => d.subscriptionId)).toEqual([1, 3]);
    expect(decisions[1]?.verdicts.map((v) => v.topic)).toEqual(['ukraine', 'north-korea']);
  });

  it('GIVEN a minimum score THEN verdicts below it do not count', () => {
    const decisions = routeStory([subscription(1, { topics: ['north-korea'], minScore: 3 }), subscription(2, { topics: [ALL_TOPICS], minScore: 3 })], { publishedAt: NOW }, classification, NOW);
    expect(decisions).toEqual([{ subscriptionId: 2, verdicts: [classification.verdicts[0]] }]);
  });

  it('GIVEN a story older than the maximum age THEN it is not routed; at exactly the limit it is', () => {
    const subs = [subscription(1, { maxAgeMs: 6 * HOUR })];
    expect(routeStory(subs, { publishedAt: NOW - 6 * HOUR - 1 }, classification, NOW)).toEqual([]);
    expect(routeStory(subs, { publishedAt: NOW - 6 * HOUR }, classification, NOW)).toHaveLength(1);
  });

  it('GIVEN a digest subscription THEN routing skips it (digests select from the store later)', () => {
    expect(routeStory([subscription(1, { mode: 'digest', schedule: '0 8 * * *' })], { publishedAt: NOW }, classification, NOW)).toEqual([]);
  });

  it('GIVEN an unmatched verdict for a subscribed topic THEN it is not routed', () => {
    expect(routeStory([subscription(1, { topics: ['south-korea'] })], { publishedAt: NOW }, classification, NOW)).toEqual([]);
  });
});

describe('server isolation of feeds added from Discord', () => {
  const inA = subscription(1, { target: { kind: 'channel', channelId: '310000000000000001', guildId: 'A' } });
  const inB = subscription(2, { target: { kind: 'channel', channelId: '320000000000000002', guildId: 'B' } });
  const operators = subscription(3, { target: { kind: 'console' } });
  const all = [inA, inB, operators];

  it("GIVEN a story from a feed A added WHEN routing THEN only A's subscriptions get it; a feeds.json feed reaches all", () => {
    expect(routeStory(all, { publishedAt: NOW }, classification, NOW, { guildId: 'A' }).map((d) => d.subscriptionId)).toEqual([1]);
    expect(routeStory(all, { publishedAt: NOW }, classification, NOW, {}).map((d) => d.subscriptionId)).toEqual([1, 2, 3]);
    expect(routeStory(all, { publishedAt: NOW }, classification, NOW).map((d) => d.subscriptionId)).toEqual([1, 2, 3]);
    // Added outside any server: the operator's command-line subscriptions only.
    expect(routeStory(all, { publishedAt: NOW }, classification, NOW, { guildId: null }).map((d) => d.subscriptionId)).toEqual([3]);
  });

  it('GIVEN a stored story and its sources THEN it reaches a subscription when any source does', () => {
    const feeds = new Map([['wire', {}], ['desk-a', { guildId: 'A' }], ['desk-b', { guildId: 'B' }]]);
    const feedOf = (id: string) => feeds.get(id);
    expect(storyReaches(['desk-a'], feedOf, inB)).toBe(false);
    expect(storyReaches(['desk-a', 'wire'], feedOf, inB)).toBe(true);
    expect(storyReaches(['desk-a', 'desk-b'], feedOf, inB)).toBe(true);
    expect(storyReaches(['desk-a'], feedOf, operators)).toBe(false);
    expect(feedReaches(undefined, inB)).toBe(true);
    expect(feedsHiddenFrom('B', [{ id: 'wire' }, { id: 'desk-a', guildId: 'A' }, { id: 'desk-b', guildId: 'B' }])).toEqual(['desk-a']);
  });
});

describe('whyNotRouted', () => {
  const NOW_T = Date.UTC(2026, 10, 22, 12);
  const matched = (topic: string, score: number): Classification => ({ matched: [topic], verdicts: [verdict(topic, score)] });
  const sub = (overrides: Partial<Subscription>): Subscription => subscription(overrides.id ?? 1, { topics: ['ukraine'], minScore: 0, ...overrides });

  it('GIVEN a matched story no subscription alerted THEN the nearest miss is named: too old before low score before other topics', () => {
    const old = { publishedAt: NOW_T - 48 * 3_600_000 };
    const fresh = { publishedAt: NOW_T - 3_600_000 };
    expect(whyNotRouted([sub({})], old, matched('ukraine', 5), NOW_T)).toBe('too-old');
    expect(whyNotRouted([sub({ minScore: 9 })], fresh, matched('ukraine', 5), NOW_T)).toBe('below-min-score');
    expect(whyNotRouted([sub({ topics: ['north-korea'] })], fresh, matched('ukraine', 5), NOW_T)).toBe('other-topics');
    expect(whyNotRouted([sub({ topics: ['north-korea'] }), sub({ id: 2 })], old, matched('ukraine', 5), NOW_T)).toBe('too-old');
    expect(whyNotRouted([sub({ mode: 'digest', schedule: '0 8 * * *' })], fresh, matched('ukraine', 5), NOW_T)).toBe('no-instant-subscription');
    expect(whyNotRouted([sub({ target: { kind: 'channel', channelId: '3', guildId: 'B' } })], fresh, matched('ukraine', 5), NOW_T, { guildId: 'A' })).toBe('other-server');
    // Alerted, or nothing matched: no reason to give.
    expect(whyNotRouted([sub({})], fresh, matched('ukraine', 5), NOW_T)).toBeNull();
    expect(whyNotRouted([sub({})], fresh, { matched: [], verdicts: [] }, NOW_T)).toBeNull();
  });
});
