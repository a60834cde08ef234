import { describe, expect, it } from 'vitest';
import { describeReasons } from '../../../src/app/commands/eval.js';
import { describeReason } from '../../../src/core/compose/reasons.js';
import type { Reason } from '../../../src/core/types.js';

const masked: Reason = { kind: 'exclusion', pattern: 'dish, not the city', matched: 'chicken Kiev', field: 'title', weight: -0 };
const penalised: Reason = { kind: 'exclusion', pattern: 'Odessa, Texas', matched: 'Odessa TX', field: 'summary', weight: -3 };

describe('exclusion reasons', () => {
  it('GIVEN an exclusion without penalty THEN the alert says the words were masked, with no "(+0)" and no "excluded by"', () => {
    expect(describeReason(masked)).toBe('“chicken Kiev” masked by the exclusion “dish, not the city”');
  });

  it('GIVEN an exclusion with a penalty THEN the penalty is shown as a deduction', () => {
    expect(describeReason(penalised)).toBe('“Odessa TX” masked by the exclusion “Odessa, Texas” (-3)');
  });

  it('GIVEN explain and eval THEN the same wording names the field and the exclusion', () => {
    expect(describeReasons([masked])).toBe('title:"chicken Kiev" masked by the exclusion "dish, not the city"');
    expect(describeReasons([penalised])).toBe('summary:"Odessa TX" masked by the exclusion "Odessa, Texas" (-3)');
  });
});

describe('model reasons', () => {
  it('GIVEN a calibrated model reason THEN alerts and explain show the probability, the baseline where the weight changes sign, and the weight', () => {
    const calibrated: Reason = { kind: 'model', probability: 0.74, baseline: 0.8, weight: -0.6 };
    expect(describeReason(calibrated)).toBe('model p=0.74, baseline 0.80 (-0.6)');
    expect(describeReasons([calibrated])).toBe('model p=0.74 baseline 0.8 (-0.6)');
  });

  it('GIVEN a reason stored before calibration (no baseline) THEN it reads as before', () => {
    const stored: Reason = { kind: 'model', probability: 0.91, weight: 1.5 };
    expect(describeReason(stored)).toBe('model p=0.91 (+1.5)');
  });
});
