import { describe, expect, it } from 'vitest';
import { modelChanges } from '../../../src/core/classify/evaluate.js';

const verdict = (topic: string, score: number, modelWeight: number | null) => ({
  topic,
  score,
  threshold: 4,
  matched: score >= 4,
  reasons: modelWeight === null ? [] : [{ kind: 'model', probability: 0.5, weight: modelWeight }],
});

describe('modelChanges', () => {
  it('GIVEN verdicts the model pushed over or under the threshold THEN it counts them, right or wrong by the gold label', () => {
    const c = modelChanges(
      ['ukraine', 'north-korea'],
      [
        // lifted 3 → 4.5, gold yes: right
        { gold: ['ukraine'], verdicts: [verdict('ukraine', 4.5, 1.5)] },
        // lifted 3 → 5, gold no: wrong
        { gold: [], verdicts: [verdict('ukraine', 5, 2)] },
        // dropped 6 → 3.5, gold no: right
        { gold: [], verdicts: [verdict('north-korea', 3.5, -2.5)] },
        // consulted, no change (6 → 5)
        { gold: ['north-korea'], verdicts: [verdict('north-korea', 5, -1)] },
        // not consulted
        { gold: [], verdicts: [verdict('ukraine', 0, null)] },
      ],
    );
    expect(c).toMatchObject({ consulted: 4, changed: 3, right: 2, wrong: 1 });
    expect(c.changes.map((x) => [x.index, x.topic, x.matched, x.right])).toEqual([
      [0, 'ukraine', true, true],
      [1, 'ukraine', true, false],
      [2, 'north-korea', false, true],
    ]);
  });
});
