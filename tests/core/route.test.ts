import { describe, expect, it } from 'vitest';
import { ALL_TOPICS, routeStory } from '../../src/core/route.js';
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
