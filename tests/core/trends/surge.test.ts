import { describe, expect, it } from 'vitest';
import { generateTraffic } from '../../../bench/traffic.js';
import { DAY_MS, HOUR_MS } from '../../../src/core/news.js';
import { baselineFor, DEFAULT_SURGE_SETTINGS, inCooldown, inQuietHours, median, parseQuietHours, scoreHour } from '../../../src/core/trends/surge.js';

const START = Date.UTC(2026, 10, 1);

function countsOf(topic: string, hours: number, seed: number): Map<number, number> {
  return new Map(generateTraffic(START, hours, seed).filter((h) => h.topic === topic).map((h) => [h.hour, h.count]));
}

describe('surge scoring', () => {
  it('takes the median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });

  it('calls no surge on a quiet topic going 0 → 2 (minimum count), nor without enough baseline days', () => {
    expect(scoreHour(2, [0, 0, 0, 0, 0, 0, 0]).surging).toBe(false);
    // 0 → 5 is far above the usual (z 5) but fewer than the minimum count.
    expect(scoreHour(5, [0, 0, 0, 0, 0, 0, 0]).z).toBeGreaterThan(DEFAULT_SURGE_SETTINGS.threshold);
    expect(scoreHour(5, [0, 0, 0, 0, 0, 0, 0]).surging).toBe(false);
    expect(scoreHour(6, [0, 0, 0, 0, 0, 0, 0]).surging).toBe(true);
    expect(scoreHour(40, [1, 1]).surging).toBe(false);
    expect(scoreHour(40, [1, 1, 1]).surging).toBe(true);
  });

  it('floors the scale at √median, so ordinary Poisson noise of a busy hour is no surge', () => {
    // MAD 0 (every day the same), median 16: 24 is two σ of Poisson noise, not a surge.
    expect(scoreHour(24, Array.from({ length: 14 }, () => 16)).surging).toBe(false);
    expect(scoreHour(40, Array.from({ length: 14 }, () => 16)).surging).toBe(true);
  });

  it('same-hour baseline: no surge in weeks of generated traffic with a daily cycle, and night surges are caught that an all-hours baseline misses', () => {
    let sameNight = 0;
    let allNight = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const topic of ['ukraine', 'north-korea', 'south-korea']) {
        const counts = countsOf(topic, 21 * 24, seed);
        for (let h = 14 * 24; h < 21 * 24; h++) {
          const hour = START + h * HOUR_MS;
          const count = counts.get(hour) ?? 0;
          const baseline = baselineFor(hour, counts, START);
          expect(scoreHour(count, baseline).surging, `${topic} seed ${seed} ${new Date(hour).toISOString()}`).toBe(false);
          if (new Date(hour).getUTCHours() !== 2) continue;
          const everyHour = Array.from({ length: 14 * 24 }, (_, i) => counts.get(hour - (i + 1) * HOUR_MS) ?? 0);
          if (scoreHour(count + 12, baseline).surging) sameNight++;
          if (scoreHour(count + 12, everyHour).surging) allNight++;
        }
      }
    }
    expect(sameNight).toBeGreaterThan(allNight);
  });

  it('reads the baseline from the same hour of earlier days, never before the data starts', () => {
    const counts = new Map([[START + 9 * HOUR_MS, 5], [START + DAY_MS + 9 * HOUR_MS, 7], [START + DAY_MS + 10 * HOUR_MS, 99]]);
    expect(baselineFor(START + 2 * DAY_MS + 9 * HOUR_MS, counts, START)).toEqual([7, 5]);
    expect(baselineFor(START + 2 * DAY_MS + 9 * HOUR_MS, counts, START + DAY_MS)).toEqual([7]);
  });

  it('cooldown and quiet hours', () => {
    expect(inCooldown(START + 5 * HOUR_MS, START, 6 * HOUR_MS)).toBe(true);
    expect(inCooldown(START + 6 * HOUR_MS, START, 6 * HOUR_MS)).toBe(false);
    expect(inCooldown(START, null, 6 * HOUR_MS)).toBe(false);
    const night = parseQuietHours('22-07');
    expect(night).toEqual({ start: 22, end: 7 });
    if (!night) return;
    expect(inQuietHours(Date.UTC(2026, 0, 1, 23), night, 'UTC')).toBe(true);
    expect(inQuietHours(Date.UTC(2026, 0, 1, 7), night, 'UTC')).toBe(false);
    // 23:00 UTC is 08:00 in Seoul: not quiet there.
    expect(inQuietHours(Date.UTC(2026, 0, 1, 23), night, 'Asia/Seoul')).toBe(false);
    expect(parseQuietHours('7-7')).toBeNull();
    expect(parseQuietHours('25-3')).toBeNull();
    expect(parseQuietHours('night')).toBeNull();
  });
});
