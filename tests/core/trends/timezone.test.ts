import { describe, expect, it } from 'vitest';
import { bucketCounts, isTimeZone, startOfLocalDay, trendBuckets, trendChartSpec } from '../../../src/core/trends/series.js';

const HOUR = 3_600_000;

describe('trend charts in a time zone', () => {
  it('GIVEN Asia/Seoul (UTC+9) WHEN a week is bucketed per day THEN days start at 15:00 UTC and an hour is counted in its Seoul day', () => {
    const now = Date.UTC(2026, 11, 4, 16, 30); // 01:30 on 5 December in Seoul
    const buckets = trendBuckets(7, now, 'Asia/Seoul');
    expect(buckets.unit).toBe('day');
    expect(buckets.starts).toHaveLength(7);
    expect(new Date(buckets.starts.at(-1)!).toISOString()).toBe('2026-12-04T15:00:00.000Z');
    expect(new Date(buckets.from).toISOString()).toBe('2026-11-28T15:00:00.000Z');
    expect(buckets.to - buckets.starts.at(-1)!).toBe(24 * HOUR);
    // 14:00 UTC on 4 December is 23:00 on the 4th in Seoul; 15:00 UTC is 00:00 on the 5th.
    const hourly = new Map([[Date.UTC(2026, 11, 4, 14), 2], [Date.UTC(2026, 11, 4, 15), 5]]);
    const counts = bucketCounts(hourly, buckets);
    expect(counts.slice(-2)).toEqual([2, 5]);
    // In UTC both hours are the 4th.
    expect(bucketCounts(hourly, trendBuckets(7, now)).slice(-2)).toEqual([0, 7]);
  });

  it('GIVEN America/New_York across the end of daylight saving time WHEN bucketed per day THEN that day is 25 hours long and nothing is lost', () => {
    const now = Date.UTC(2026, 10, 3, 17); // 3 November 2026; DST ended on 1 November
    const buckets = trendBuckets(4, now, 'America/New_York');
    const lengths = buckets.starts.map((s, i) => ((buckets.starts[i + 1] ?? buckets.to) - s) / HOUR);
    expect(lengths).toEqual([24, 25, 24, 24]);
    const hourly = new Map<number, number>();
    for (let t = buckets.from; t < buckets.to; t += HOUR) hourly.set(t, 1);
    expect(bucketCounts(hourly, buckets)).toEqual([24, 25, 24, 24]);
  });

  it('GIVEN a chart spec in a zone THEN its labels are local days and its title names the zone; UTC stays the default', () => {
    const now = Date.UTC(2026, 11, 4, 16, 30);
    const topics = [{ id: 'north-korea', label: 'North Korea', color: 0xc8102e }];
    const seoul = trendChartSpec({ topics, hourly: new Map(), surges: [{ topic: 'north-korea', hourStart: Date.UTC(2026, 11, 4, 15) }], days: 7, now, timeZone: 'Asia/Seoul' });
    expect(seoul.labels.at(-1)).toBe('2026-12-05');
    expect(seoul.title).toContain('(Asia/Seoul)');
    expect(seoul.xTitle).toBe('Day (Asia/Seoul)');
    expect(seoul.surges).toEqual([{ series: 0, bucket: 6 }]);
    const utc = trendChartSpec({ topics, hourly: new Map(), surges: [], days: 2, now });
    expect(utc.title).toContain('(UTC)');
    expect(utc.labels.at(-1)).toBe('12-04 16:00');
    const kolkata = trendChartSpec({ topics, hourly: new Map(), surges: [], days: 1, now, timeZone: 'Asia/Kolkata' });
    expect(kolkata.labels.at(-1)).toBe('12-04 21:30');
  });

  it('THEN IANA names are accepted and anything else is not', () => {
    expect(isTimeZone('Europe/Kyiv')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(startOfLocalDay(Date.UTC(2026, 0, 1, 3), 'UTC')).toBe(Date.UTC(2026, 0, 1));
  });
});
