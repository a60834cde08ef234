import { describe, expect, it } from 'vitest';
import { adjustVerdict, FEEDBACK_LEARNING, feedbackFeatures, learnServer, type FeedbackExample } from '../../src/core/feedback/learn.js';
import type { TopicVerdict } from '../../src/core/types.js';

/** Ratings of `n` stories: those with `word:brief` rated 👎, the others 👍. */
function examples(n: number, members: readonly string[]): FeedbackExample[] {
  return Array.from({ length: n }, (_, i) => ({
    memberId: members[i % members.length] ?? 'm',
    topic: 'ukraine',
    rating: i % 2 === 0 ? -1 : 1,
    margin: 3,
    features: i % 2 === 0 ? ['word:brief', `word:w${i}`] : [`word:w${i}`, 'rule:Kyiv'],
  }));
}

const verdict = (overrides: Partial<TopicVerdict> = {}): TopicVerdict => ({
  topic: 'ukraine',
  matched: false,
  score: 3,
  threshold: 4,
  keywordScore: 3,
  modelProbability: null,
  reasons: [{ kind: 'pattern', pattern: 'Kyiv', matched: 'Kyiv', field: 'summary', weight: 3 }],
  ...overrides,
});

describe('GIVEN a server’s ratings', () => {
  it('THEN nothing acts below the minimum evidence: too few ratings, one member, or one verdict only', () => {
    expect(learnServer('g', examples(FEEDBACK_LEARNING.minRatings - 1, ['a', 'b'])).why).toContain('1 more rating');
    expect(learnServer('g', examples(20, ['a'])).why).toContain('1 more member');
    const onlyUp = examples(20, ['a', 'b']).map((e) => ({ ...e, rating: 1 as const }));
    expect(learnServer('g', onlyUp).why).toContain('at least one 👎');
    const enough = learnServer('g', examples(FEEDBACK_LEARNING.minRatings, ['a', 'b']));
    expect(enough.why).toBeNull();
    expect(enough.topics.get('ukraine')?.weights.get('word:brief')).toBeLessThan(0);
  });

  it('THEN a story the rules excluded is never raised into a match, while the same story without the exclusion is', () => {
    // Ratings that raise every story with rule "Kyiv" (all 👍), plus 👎 elsewhere so both verdicts exist.
    const raising: FeedbackExample[] = Array.from({ length: 20 }, (_, i) => ({ memberId: i % 2 === 0 ? 'a' : 'b', topic: 'ukraine', rating: i < 16 ? 1 : -1, margin: -1, features: i < 16 ? ['rule:Kyiv'] : ['word:other'] }));
    const server = learnServer('g', raising);
    const features = () => ['rule:Kyiv'];
    const plain = adjustVerdict(server, verdict(), features);
    expect(plain.matched).toBe(true);
    const trap = verdict({ reasons: [...verdict().reasons, { kind: 'exclusion', pattern: 'Kyiv, Texas', matched: 'Texas', field: 'summary', weight: -5 }] });
    expect(adjustVerdict(server, trap, features)).toEqual(trap);
    // A story without a rule hit of its own is not pulled in by words alone.
    const noHit = verdict({ keywordScore: 0, score: 0, reasons: [] });
    expect(adjustVerdict(server, noHit, features)).toEqual(noHit);
  });

  it('THEN one member who rates a lot weighs as much as the cap, not as much as their count', () => {
    const others = examples(10, ['a', 'b']);
    // A third member rates 60 stories with "brief" 👍, against the others' 👎.
    const flood: FeedbackExample[] = Array.from({ length: 60 }, (_, i) => ({ memberId: 'flooder', topic: 'ukraine', rating: 1, margin: 3, features: ['word:brief', `word:f${i}`] }));
    const weight = learnServer('g', [...others, ...flood]).topics.get('ukraine')?.weights.get('word:brief') ?? 0;
    const uncapped = learnServer('g', [...others, ...flood.map((e, i) => ({ ...e, memberId: `m${i}` }))]).topics.get('ukraine')?.weights.get('word:brief') ?? 0;
    expect(weight).toBeLessThan(uncapped);
  });

  it('THEN a story\'s features are its words as the classifier reads them: an aggregator\'s outlet credit is not one of them', () => {
    const features = feedbackFeatures('Russia shells Kharkiv overnight - Zorblax News', 'Russia shells Kharkiv overnight  Zorblax News', []);
    expect(features).toContain('word:kharkiv');
    expect(features.some((f) => f.includes('zorblax'))).toBe(false);
  });
});
