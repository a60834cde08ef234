import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../src/core/dates.js';
import { parseFeedDate as fromStory } from '../../src/core/story.js';
import { DATE_FORMS } from './date-forms.js';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '../../src/core/dates.ts');
const ORIGINAL_TZ = process.env.TZ;

afterAll(() => {
  if (ORIGINAL_TZ === undefined) delete process.env.TZ;
  else process.env.TZ = ORIGINAL_TZ;
});

/** Every form read in the current process zone: [text, language, expected, actual] per form. */
function readAll(): [string, string | undefined, string | null, string | null][] {
  return DATE_FORMS.map((form) => {
    const ms = parseFeedDate(form.text, form.language === undefined ? undefined : { language: form.language });
    // `Z` strings are UTC in every zone (ECMAScript date-time string format).
    const expected = form.expected === null ? null : new Date(form.expected).toISOString();
    return [form.text, form.language, expected, ms === null ? null : new Date(ms).toISOString()];
  });
}

describe('parseFeedDate: the forms table', () => {
  it('GIVEN the table THEN it has dozens of forms, each listed once', () => {
    expect(DATE_FORMS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(DATE_FORMS.map((f) => `${f.text}|${f.language ?? ''}`)).size).toBe(DATE_FORMS.length);
  });

  // Node re-reads TZ when process.env.TZ is assigned; the offset check proves the switch took.
  for (const [zone, offsetMinutes] of [['UTC', 0], ['Asia/Seoul', -540], ['America/Los_Angeles', 480]] as const) {
    it(`GIVEN the process runs under TZ=${zone} THEN every form reads to its exact instant (or is rejected)`, () => {
      process.env.TZ = zone;
      expect(new Date(Date.UTC(2025, 0, 15)).getTimezoneOffset()).toBe(offsetMinutes);
      for (const [text, language, expected, actual] of readAll()) {
        expect({ text, language, actual }).toEqual({ text, language, actual: expected });
      }
    });
  }

  it('GIVEN the module source THEN it never reads local time nor lets Date.parse guess', () => {
    const code = readFileSync(SOURCE, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/Date\.parse|new Date\(\s*['"`]|\.get(?:FullYear|Month|Date|Day|Hours|Minutes|Seconds|TimezoneOffset)\(|\.set(?:FullYear|Month|Date|Hours)\(|toLocale/);
  });
});

describe('parseFeedDate: hints and edges', () => {
  it('GIVEN story.ts THEN it exposes the same reader', () => {
    expect(fromStory).toBe(parseFeedDate);
  });

  it('GIVEN a zone-less time THEN UTC, or KST only for Korean forms or a ko hint (ko-KR too)', () => {
    expect(parseFeedDate('2024-05-25T14:03:00')).toBe(Date.UTC(2024, 4, 25, 14, 3));
    expect(parseFeedDate('2024-05-25T14:03:00', { language: 'ko-KR' })).toBe(Date.UTC(2024, 4, 25, 5, 3));
    expect(parseFeedDate('Sat, 25 May 2024 14:03:00', { language: 'ko' })).toBe(Date.UTC(2024, 4, 25, 5, 3));
    expect(parseFeedDate('2024-05-25T14:03:00', { language: 'kok' })).toBe(Date.UTC(2024, 4, 25, 14, 3));
    expect(parseFeedDate('2024년 5월 25일 14:03', { language: 'en' })).toBe(Date.UTC(2024, 4, 25, 5, 3));
  });

  it('GIVEN contradictory or out-of-range zones THEN null', () => {
    expect(parseFeedDate('Mon, 10 Mar 2025 09:30:00 EST +0900')).toBeNull();
    expect(parseFeedDate('2025-03-10T09:30:00+19:00')).toBeNull();
    expect(parseFeedDate('2025-03-10T09:30:00+09:75')).toBeNull();
  });

  it('GIVEN null, undefined or a very long text THEN null', () => {
    expect(parseFeedDate(undefined)).toBeNull();
    expect(parseFeedDate(null)).toBeNull();
    expect(parseFeedDate(`Mon, 10 Mar 2025 09:30:00 GMT ${'x'.repeat(300)}`)).toBeNull();
    expect(parseFeedDate('Mon, 10 Mar 2025 09:30:00 GMT X')).toBeNull();
  });
});
