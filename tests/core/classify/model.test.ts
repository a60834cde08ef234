import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { describe, expect, it } from 'vitest';
import { featuresOf, ledeOf, logOdds, MODEL_LEAD_CHARS, type TrainingExample } from '../../../src/core/classify/model.js';
import { BERNOULLI_SMOOTHING, trainModel, trainTopicBayes } from '../../../src/core/classify/train.js';

const EXAMPLES: TrainingExample[] = [
  { title: 'Missiles hit power plants overnight', summary: 'Engineers restored electricity after the drone attack.', labels: ['war'] },
  { title: 'Front line villages evacuated', summary: 'Shelling forced families to leave.', labels: ['war'] },
  { title: 'Drone attack on refinery', summary: 'Air defence units engaged drones.', labels: ['war'] },
  { title: 'Central bank raises interest rates', summary: 'Inflation stayed high for a third month.', labels: [] },
  { title: 'Football club wins league title', summary: 'Fans celebrated in the streets.', labels: [] },
  { title: 'Recipe for garlic butter chicken', summary: 'Chill the butter before rolling.', labels: [] },
];

describe('ledeOf and the model\'s reading of a long summary', () => {
  it('GIVEN a summary longer than MODEL_LEAD_CHARS THEN the model reads its lede only, cut before a word; a short one whole', () => {
    const lede = 'Officials said the ministry would review the plan. '.repeat(6);
    const long = `${lede}Zanzibar cloves fetched record prices at auction.`;
    expect(long.length).toBeGreaterThan(MODEL_LEAD_CHARS);
    const cut = ledeOf(long);
    expect(cut.length).toBeLessThanOrEqual(MODEL_LEAD_CHARS);
    expect(long.startsWith(cut)).toBe(true);
    expect(long[cut.length]).toBe(' ');
    expect(ledeOf('A short summary.')).toBe('A short summary.');
    expect(featuresOf('Headline', long)).not.toContain('zanzibar');
    expect(featuresOf('Headline', long)).toContain('ministri');
    expect(featuresOf('Headline', 'Zanzibar cloves fetched record prices.')).toContain('zanzibar');
  });
});

describe('trainTopicBayes', () => {
  it("GIVEN natural's document counts THEN a word's weight is the smoothed Bernoulli log-ratio, present minus absent", () => {
    const { model, natural } = trainTopicBayes('war', EXAMPLES);
    // natural counted "drone" in 2 of 3 war stories and 0 of 3 others.
    const index = Object.keys(natural.features).indexOf('drone');
    expect(natural.classifier.classFeatures.yes?.[String(index)]).toBe(1 + natural.classifier.smoothing + 1);
    const a = BERNOULLI_SMOOTHING;
    const py = (2 + a) / (3 + 2 * a);
    const pn = (0 + a) / (3 + 2 * a);
    const expected = Math.log(py / pn) - Math.log((1 - py) / (1 - pn));
    expect(model.weights.get('drone')).toBeCloseTo(expected, 5);
  });

  it("GIVEN the trained classifier THEN its sparse vectoriser names the positions of natural's own 0/1 vector for every document, and natural's counts are the same", () => {
    const { natural } = trainTopicBayes('war', EXAMPLES);
    const documents = [...EXAMPLES.map((ex) => featuresOf(ex.title, ex.summary)), ['drone', 'unknown', 'drone'], []];
    for (const doc of documents) {
      const dense = BayesClassifier.prototype.textToFeatures.call(natural, doc);
      const ones = dense.flatMap((v, i) => (v === 1 ? [i] : []));
      expect(Object.values(natural.textToFeatures(doc)).sort((a, b) => a - b)).toEqual(ones);
    }
    // A classifier trained with natural's own dense vectoriser counts the same.
    const plain = new BayesClassifier();
    for (const ex of EXAMPLES) {
      const features = featuresOf(ex.title, ex.summary).filter((f) => Object.keys(natural.features).includes(f));
      if (features.length > 0) plain.addDocument(features, ex.labels.includes('war') ? 'yes' : 'no');
    }
    plain.train();
    expect(plain.classifier.classFeatures).toEqual(natural.classifier.classFeatures);
    // apparatus's sparse counting assigns an undeclared global; training leaves none behind.
    expect(Object.prototype.hasOwnProperty.call(globalThis, 'value')).toBe(false);
  });

  it('GIVEN a word seen in only one training story THEN natural is not given it and it carries no weight', () => {
    const { model, natural } = trainTopicBayes('war', EXAMPLES);
    expect(Object.keys(natural.features)).not.toContain('refineri');
    expect(Object.keys(natural.features)).toContain('drone');
    expect(model.weights.has('refineri')).toBe(false);
    // The story is still counted: three war stories, three others.
    expect([model.positives, model.negatives]).toEqual([3, 3]);
  });

  it('GIVEN the same examples in the same order THEN training is deterministic', () => {
    const a = trainModel(['war'], EXAMPLES).topics.get('war');
    const b = trainModel(['war'], EXAMPLES).topics.get('war');
    expect(a && [...a.weights]).toEqual(b && [...b.weights]);
    expect(a?.prior).toBe(b?.prior);
    expect(a?.positives).toBe(3);
    expect(a?.negatives).toBe(3);
  });

  it('GIVEN hidden words THEN they are not features, so the model judges the context around them', () => {
    expect(featuresOf('Kyiv hit by drones', '', new Set(['kyiv'])).filter((f) => !f.startsWith('N:'))).toEqual(['hit', 'drone']);
    expect(featuresOf('Kyiv hit by drones', '')).toContain('kyiv');
  });

  it('GIVEN hidden words THEN the words right beside them are name-context pairs, the name as X (one X for a name of several words; t: in the headline)', () => {
    const hidden = new Set(['south', 'korea', 'seoul']);
    const features = featuresOf('South Korea to cut tariffs', 'Officials in Seoul said on 3 May that the cut would help.', hidden);
    expect(features.filter((f) => f.startsWith('N:')).sort()).toEqual(['N:X_said', 'N:in_X', 'N:t:X_to']);
    expect(features).not.toContain('N:t:X_X');
    // Without hidden words there is no name, so no pair: the features are the stems alone.
    expect(featuresOf('South Korea to cut tariffs', 'Officials in Seoul said.').some((f) => f.startsWith('N:'))).toBe(false);
  });

  it('GIVEN a war-like and a finance story THEN the war one gets the higher log-odds', () => {
    const model = trainModel(['war'], EXAMPLES).topics.get('war');
    expect(model).toBeDefined();
    if (!model) return;
    expect(logOdds(model, featuresOf('Drone attack on power plant', 'Shelling continued.'))).toBeGreaterThan(logOdds(model, featuresOf('Bank raises interest rates', 'Inflation high.')));
  });
});
