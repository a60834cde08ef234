import { describe, expect, it } from 'vitest';
import { MODEL_CERTAIN_LEAN, MODEL_CONFIDENT_FACTOR, MODEL_CONFIDENT_LEAN, MODEL_DEAD_BAND, createTopicClassifier, hiddenWords, modelContribution } from '../../../src/core/classify/classifier.js';
import { candidatePriors } from '../../../src/core/classify/train.js';
import { ukraineRules } from './helpers.js';

const rules = ukraineRules();

describe('hiddenWords', () => {
  it('GIVEN rule terms THEN one-word terms and capitalised names are hidden from the model, generic words are not', () => {
    const hidden = hiddenWords(rules);
    expect([...hidden]).toEqual(expect.arrayContaining(['ukraine', 'kyiv', 'києв']));
    expect(hidden.has('war')).toBe(false);
    expect(hidden.has('front')).toBe(false);
  });
});

describe('candidatePriors', () => {
  it('GIVEN labelled examples THEN the prior counts only stories with a keyword hit (add-one smoothed)', () => {
    const priors = candidatePriors(rules, [
      { title: 'Kyiv under fire', summary: '', labels: ['ukraine'] },
      { title: 'Ukraine talks', summary: '', labels: ['ukraine'] },
      { title: 'Sanctions widen', summary: 'Funding the war in Ukraine.', labels: [] },
      { title: 'Bread prices rise', summary: '', labels: [] },
      { title: 'Football results', summary: '', labels: [] },
    ]);
    // Candidates: 2 positives, 1 negative → log((2+1)/(1+1)); the two stories without a hit do not count.
    expect(priors.get('ukraine')).toBeCloseTo(Math.log(3 / 2), 10);
  });
});

describe('createTopicClassifier', () => {
  it('GIVEN no model THEN verdicts come from keywords alone, with a null model probability', () => {
    const classifier = createTopicClassifier(rules, null);
    const result = classifier.classify({ title: 'Kyiv prepares for winter', summary: '' });
    expect(result.matched).toEqual(['ukraine']);
    expect(result.verdicts[0]).toMatchObject({ topic: 'ukraine', score: 6, keywordScore: 6, modelProbability: null, threshold: 4 });
    expect(classifier.topics).toEqual([{ id: 'ukraine', label: 'Ukraine', color: 0x0057b7 }]);
  });
});

describe('modelContribution', () => {
  it('GIVEN an unsure model (p inside the dead band) THEN it adds nothing; a sure one adds weight × (2p − 1)', () => {
    const inside = 0.5 + MODEL_DEAD_BAND / 4;
    expect(modelContribution({ weight: 2 }, 0.5)).toBe(0);
    expect(modelContribution({ weight: 2 }, inside)).toBe(0);
    expect(modelContribution({ weight: 2 }, 1 - inside)).toBe(0);
    expect(modelContribution({ weight: 2 }, 0.8)).toBeCloseTo(1.2, 10);
    expect(modelContribution({ weight: 2 }, 0.2)).toBeCloseTo(-1.2, 10);
  });

  it('GIVEN a confident model (|2p − 1| at least MODEL_CONFIDENT_LEAN) THEN it weighs MODEL_CONFIDENT_FACTOR times the weight, both ways', () => {
    const edge = (1 + MODEL_CONFIDENT_LEAN) / 2;
    expect(modelContribution({ weight: 2 }, 0.9)).toBeCloseTo(2 * MODEL_CONFIDENT_FACTOR * 0.8, 10);
    expect(modelContribution({ weight: 2 }, 0.1)).toBeCloseTo(-2 * MODEL_CONFIDENT_FACTOR * 0.8, 10);
    expect(modelContribution({ weight: 2 }, edge)).toBeCloseTo(2 * MODEL_CONFIDENT_FACTOR * MODEL_CONFIDENT_LEAN, 10);
    // Just short of confident: the plain weight.
    expect(modelContribution({ weight: 2 }, edge - 0.01)).toBeCloseTo(2 * (2 * (edge - 0.01) - 1), 10);
    // A keyword score of 6 (one name in the headline) is overruled only by a confident no.
    expect(6 + modelContribution({ weight: 2 }, 0.05)).toBeLessThan(4);
    expect(6 + modelContribution({ weight: 2 }, 0.15)).toBeGreaterThanOrEqual(4);
  });

  it('GIVEN the surest no (2p − 1 at most −MODEL_CERTAIN_LEAN) THEN it weighs the topic\'s certain-no factor; a yes, or a no short of it, does not', () => {
    const edge = (1 - MODEL_CERTAIN_LEAN) / 2;
    expect(modelContribution({ weight: 2, certainNoFactor: 3 }, edge)).toBeCloseTo(-2 * 3 * MODEL_CERTAIN_LEAN, 10);
    expect(modelContribution({ weight: 2, certainNoFactor: 3 }, 0.001)).toBeCloseTo(-2 * 3 * 0.998, 10);
    // Without a factor (or one below the confident factor) a certain no is a confident no.
    expect(modelContribution({ weight: 2 }, 0.001)).toBeCloseTo(-2 * MODEL_CONFIDENT_FACTOR * 0.998, 10);
    expect(modelContribution({ weight: 2, certainNoFactor: 1 }, 0.001)).toBeCloseTo(-2 * MODEL_CONFIDENT_FACTOR * 0.998, 10);
    // Just short of certain, and a certain yes: the confident factor.
    expect(modelContribution({ weight: 2, certainNoFactor: 3 }, edge + 0.005)).toBeCloseTo(-2 * MODEL_CONFIDENT_FACTOR * (1 - 2 * (edge + 0.005)), 10);
    expect(modelContribution({ weight: 2, certainNoFactor: 3 }, 1 - edge)).toBeCloseTo(2 * MODEL_CONFIDENT_FACTOR * MODEL_CERTAIN_LEAN, 10);
    // A name in the headline and one in the summary (9) is overruled only by a certain no at 3.
    expect(9 + modelContribution({ weight: 2, certainNoFactor: 3 }, 0.005)).toBeLessThan(4);
    expect(9 + modelContribution({ weight: 2 }, 0.005)).toBeGreaterThanOrEqual(4);
  });
});
