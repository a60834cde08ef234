import { describe, expect, it } from 'vitest';
import { brierScore, fitPlatt, logLoss, MIN_CALIBRATION_POINTS, reliability, sigmoid, type CalibrationPoint } from '../../../src/core/classify/calibration.js';
import { createTopicClassifier, MODEL_TEMPERATURE } from '../../../src/core/classify/classifier.js';
import { modelCalibration } from '../../../src/core/classify/evaluate.js';
import type { Model } from '../../../src/core/classify/model.js';
import { rulesFromYaml } from './helpers.js';

const rules = rulesFromYaml({
  'north-korea.yaml': 'id: north-korea\nlabel: North Korea\ncolor: "#c0392b"\nthreshold: 3\npatterns:\n  - weight: 3\n    terms: [Pyongyang]\n',
});

/** A deterministic stream in [0, 1) (a linear congruential generator), so the fit is reproducible. */
function stream(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Points whose outcome follows σ(slope · z + intercept) exactly in expectation. */
function drawn(slope: number, intercept: number, n: number): CalibrationPoint[] {
  const random = stream(7);
  return Array.from({ length: n }, () => {
    const logOdds = random() * 16 - 8;
    return { logOdds, onTopic: random() < sigmoid(slope * logOdds + intercept) };
  });
}

describe('fitPlatt', () => {
  it('GIVEN outcomes drawn from a known logistic curve THEN the fit finds its slope and intercept', () => {
    const fit = fitPlatt(drawn(0.3, 1.5, 4000));
    expect(fit).not.toBeNull();
    expect(fit?.slope).toBeCloseTo(0.3, 1);
    expect(fit?.intercept).toBeCloseTo(1.5, 0);
    expect(fit?.fittedOn).toBe(4000);
  });

  it('GIVEN overconfident log-odds (outcomes follow a third of them) THEN the fitted probabilities lose less than the raw ones', () => {
    const points = drawn(1 / 3, 0, 2000);
    const fit = fitPlatt(points);
    if (!fit) throw new Error('no fit');
    const raw = logLoss(points.map((p) => ({ p: sigmoid(p.logOdds), onTopic: p.onTopic }))) ?? Infinity;
    const fitted = logLoss(points.map((p) => ({ p: sigmoid(fit.slope * p.logOdds + fit.intercept), onTopic: p.onTopic }))) ?? Infinity;
    expect(fitted).toBeLessThan(raw);
  });

  it('GIVEN too few points or only one kind THEN there is no calibration', () => {
    expect(fitPlatt(drawn(1, 0, MIN_CALIBRATION_POINTS - 1))).toBeNull();
    expect(fitPlatt(Array.from({ length: 50 }, (_, i) => ({ logOdds: i / 10, onTopic: true })))).toBeNull();
  });

  it('GIVEN perfectly separated points THEN the fit stays finite (smoothed targets)', () => {
    const points = Array.from({ length: 40 }, (_, i) => ({ logOdds: i - 20, onTopic: i >= 20 }));
    const fit = fitPlatt(points);
    expect(fit).not.toBeNull();
    expect(Number.isFinite(fit?.slope)).toBe(true);
    expect(sigmoid((fit?.slope ?? 0) * 19 + (fit?.intercept ?? 0))).toBeLessThan(1);
  });
});

describe('scores of stated probabilities', () => {
  it('GIVEN probabilities and outcomes THEN log loss, Brier score and the reliability table', () => {
    const items = [{ p: 0.9, onTopic: true }, { p: 0.1, onTopic: false }, { p: 0.7, onTopic: false }, { p: 0.3, onTopic: true }];
    expect(logLoss(items)).toBeCloseTo((2 * -Math.log(0.9) + 2 * -Math.log(0.3)) / 4, 6);
    expect(brierScore(items)).toBeCloseTo((0.01 + 0.01 + 0.49 + 0.49) / 4, 6);
    expect(logLoss([])).toBeNull();
    const bins = reliability(items);
    expect(bins.map((b) => b.verdicts)).toEqual([1, 1, 0, 1, 1]);
    expect(bins[4]).toEqual({ from: 0.8, to: 1, verdicts: 1, meanProbability: 0.9, observed: 1 });
    expect(bins[2]?.observed).toBeNull();
    expect(reliability([{ p: 1, onTopic: true }])[4]?.verdicts).toBe(1); // 1.0 falls in the last bin
  });
});

describe('the classifier with a calibrated model', () => {
  const base = { prior: -1, positives: 10, negatives: 10, weights: new Map([['missil', 4], ['market', -4]]) };
  const story = { title: 'Pyongyang missile test', summary: 'A missile flew over the sea.' };

  it('GIVEN the same model with and without a calibration THEN the same decisions and scores; only the probability shown differs, with its baseline', () => {
    const plain: Model = { topics: new Map([['north-korea', base]]) };
    const calibrated: Model = { topics: new Map([['north-korea', { ...base, calibration: { slope: 0.25, intercept: 1.5, fittedOn: 80 } }]]) };
    const a = createTopicClassifier(rules, plain).classify(story).verdicts.find((v) => v.topic === 'north-korea');
    const b = createTopicClassifier(rules, calibrated).classify(story).verdicts.find((v) => v.topic === 'north-korea');
    if (!a || !b) throw new Error('no verdict');
    expect(b.matched).toBe(a.matched);
    expect(b.score).toBe(a.score);
    const modelReasonOf = (v: typeof a) => v.reasons.find((r) => r.kind === 'model');
    expect(modelReasonOf(a)).toMatchObject({ probability: Math.round(sigmoid(3 / MODEL_TEMPERATURE) * 1000) / 1000 });
    expect(modelReasonOf(a)).not.toHaveProperty('baseline');
    expect(modelReasonOf(b)).toMatchObject({ probability: Math.round(sigmoid(0.25 * 3 + 1.5) * 1000) / 1000, baseline: Math.round(sigmoid(1.5) * 1000) / 1000 });
    expect(b.modelProbability).toBe(modelReasonOf(b)?.kind === 'model' ? (modelReasonOf(b) as { probability: number }).probability : null);
  });

  it('GIVEN verdicts with and without a model probability THEN the calibration report counts only the consulted ones', () => {
    const report = modelCalibration(['north-korea', 'ukraine'], [
      { gold: ['north-korea'], verdicts: [{ topic: 'north-korea', modelProbability: 0.9 }, { topic: 'ukraine', modelProbability: null }] },
      { gold: [], verdicts: [{ topic: 'north-korea', modelProbability: 0.2 }, { topic: 'south-korea', modelProbability: 0.9 }] },
    ]);
    expect(report.verdicts).toBe(2);
    expect(report.brier).toBeCloseTo((0.01 + 0.04) / 2, 4);
  });
});
