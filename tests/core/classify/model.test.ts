import { describe, expect, it } from 'vitest';
import { featuresOf, logOdds, trainModel, trainTopicBayes, type TrainingExample } from '../../../src/core/classify/model.js';

const EXAMPLES: TrainingExample[] = [
  { title: 'Missiles hit power plants overnight', summary: 'Engineers restored electricity after the drone attack.', labels: ['war'] },
  { title: 'Front line villages evacuated', summary: 'Shelling forced families to leave.', labels: ['war'] },
  { title: 'Drone attack on refinery', summary: 'Air defence units engaged drones.', labels: ['war'] },
  { title: 'Central bank raises interest rates', summary: 'Inflation stayed high for a third month.', labels: [] },
  { title: 'Football club wins league title', summary: 'Fans celebrated in the streets.', labels: [] },
  { title: 'Recipe for garlic butter chicken', summary: 'Chill the butter before rolling.', labels: [] },
];

describe('trainTopicBayes', () => {
  it('GIVEN natural BayesClassifier THEN the flattened log-odds give the same probability as natural itself', () => {
    const { model, natural } = trainTopicBayes('war', EXAMPLES);
    for (const text of ['Drones attack power plant', 'Bank raises rates', 'Shelling near the front line', 'Chicken recipe']) {
      const features = featuresOf(text, '');
      const classes = natural.getClassifications(features);
      const yes = classes.find((c) => c.label === 'yes')?.value ?? 0;
      const no = classes.find((c) => c.label === 'no')?.value ?? 0;
      const theirs = yes / (yes + no);
      const ours = 1 / (1 + Math.exp(-logOdds(model, features)));
      expect(ours).toBeCloseTo(theirs, 4);
    }
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
    expect(featuresOf('Kyiv hit by drones', '', new Set(['kyiv']))).toEqual(['hit', 'drone']);
    expect(featuresOf('Kyiv hit by drones', '')).toContain('kyiv');
  });

  it('GIVEN a war-like and a finance story THEN the war one gets the higher log-odds', () => {
    const model = trainModel(['war'], EXAMPLES).topics.get('war');
    expect(model).toBeDefined();
    if (!model) return;
    expect(logOdds(model, featuresOf('Drone attack on power plant', 'Shelling continued.'))).toBeGreaterThan(logOdds(model, featuresOf('Bank raises interest rates', 'Inflation high.')));
  });
});
