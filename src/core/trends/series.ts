import { DAY_MS, HOUR_MS, type IntegerRange } from '../news.js';
import type { TopicInfo } from '../types.js';
import { hourStart } from './surge.js';

/** Days a trend chart covers (`/news trend days:`, `watchfloor trend --days`). Up to 2: per hour. */
export const TREND_DAYS: IntegerRange = { min: 1, max: 30, fallback: 7 };
/** At or below this many days a chart counts per hour, above it per day. */
export const HOURLY_MAX_DAYS = 2;

/** A chart to draw, in plain data: what the renderer needs and nothing it must decide. */
export interface TrendChartSpec {
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** One label per bucket, oldest first. */
  readonly labels: readonly string[];
  readonly series: readonly { readonly label: string; readonly color: number; readonly values: readonly number[] }[];
  /** Buckets of a series that held a surge (drawn as markers, listed in the legend). */
  readonly surges: readonly { readonly series: number; readonly bucket: number }[];
  readonly width: number;
  readonly height: number;
}

export interface TrendBuckets {
  readonly unit: 'hour' | 'day';
  /** Bucket starts (UTC instants), oldest first; a day starts at midnight of the chart's time zone. */
  readonly starts: readonly number[];
  /** The covered span: [from, to). */
  readonly from: number;
  readonly to: number;
  /** The IANA time zone the buckets and labels are read in. */
  readonly timeZone: string;
}

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time of `ms` in `timeZone`. */
function localParts(ms: number, timeZone: string): LocalParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const part = (type: string) => Number(format.formatToParts(ms).find((p) => p.type === type)?.value ?? 0);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour') % 24, minute: part('minute') };
}

/** The offset of `timeZone` from UTC at `ms`, in milliseconds (Asia/Seoul: +9 h). */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return wall - Math.floor(ms / 60_000) * 60_000;
}

/** The instant the local day containing `ms` began in `timeZone` (its midnight; DST days are 23 or 25 hours). */
export function startOfLocalDay(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const midnightWall = Date.UTC(p.year, p.month - 1, p.day);
  const guess = midnightWall - offsetAt(ms, timeZone);
  // The offset at midnight may differ from the offset now (a DST change during the day).
  return midnightWall - offsetAt(guess, timeZone);
}

/** Whether `timeZone` is an IANA time zone name this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The buckets of a chart of the last `days` days up to `now`: per hour (the current hour last)
 * up to two days, else per day of `timeZone` (today last). Counts are kept per UTC hour, so in a
 * zone with a half-hour offset an hour is counted in the local day its start falls in.
 */
export function trendBuckets(days: number, now: number, timeZone = 'UTC'): TrendBuckets {
  if (days <= HOURLY_MAX_DAYS) {
    const last = hourStart(now);
    const starts = Array.from({ length: days * 24 }, (_, i) => last - (days * 24 - 1 - i) * HOUR_MS);
    return { unit: 'hour', starts, from: starts[0] ?? last, to: last + HOUR_MS, timeZone };
  }
  const today = startOfLocalDay(now, timeZone);
  const starts = [today];
  while (starts.length < days) starts.unshift(startOfLocalDay((starts[0] ?? today) - 1, timeZone));
  const tomorrow = startOfLocalDay(today + DAY_MS + 3 * HOUR_MS, timeZone);
  return { unit: 'day', starts, from: starts[0] ?? today, to: tomorrow, timeZone };
}

/** The bucket an instant falls in, or -1 outside the span. */
function bucketOf(ms: number, buckets: TrendBuckets): number {
  if (ms < buckets.from || ms >= buckets.to) return -1;
  if (buckets.unit === 'hour') return Math.floor((ms - buckets.from) / HOUR_MS);
  let index = buckets.starts.length - 1;
  while (index > 0 && (buckets.starts[index] ?? 0) > ms) index--;
  return index;
}

/** Hourly counts summed into the buckets. */
export function bucketCounts(hourly: ReadonlyMap<number, number>, buckets: TrendBuckets): number[] {
  const out = buckets.starts.map(() => 0);
  for (const [hour, n] of hourly) {
    const index = bucketOf(hour, buckets);
    if (index >= 0 && index < out.length) out[index] = (out[index] ?? 0) + n;
  }
  return out;
}

function label(start: number, unit: 'hour' | 'day', timeZone: string): string {
  const p = localParts(start, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return unit === 'hour' ? `${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}` : `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

export interface TrendChartInput {
  /** The topics drawn, in order. */
  readonly topics: readonly TopicInfo[];
  /** Hourly counts per topic id (hour start → stories). */
  readonly hourly: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** Recorded surges in the span. */
  readonly surges: readonly { readonly topic: string; readonly hourStart: number }[];
  readonly days: number;
  readonly now: number;
  /** The IANA time zone of the days and labels; UTC when absent. */
  readonly timeZone?: string;
  readonly width?: number;
  readonly height?: number;
}

/** What `/news trend` and `watchfloor trend` draw: stories per hour or day per topic, surges marked, in the chart's time zone (UTC by default). */
export function trendChartSpec(input: TrendChartInput): TrendChartSpec {
  const timeZone = input.timeZone ?? 'UTC';
  const buckets = trendBuckets(input.days, input.now, timeZone);
  const series = input.topics.map((t) => ({ label: t.label, color: t.color, values: bucketCounts(input.hourly.get(t.id) ?? new Map(), buckets) }));
  const surges: { series: number; bucket: number }[] = [];
  for (const surge of input.surges) {
    const index = input.topics.findIndex((t) => t.id === surge.topic);
    const bucket = bucketOf(surge.hourStart, buckets);
    if (index >= 0 && bucket >= 0 && bucket < buckets.starts.length) surges.push({ series: index, bucket });
  }
  const scope = input.topics.length === 1 ? (input.topics[0]?.label ?? '') : `${input.topics.length} topics`;
  const span = input.days === 1 ? 'last 24 hours' : `last ${input.days} days`;
  return {
    title: `Matched stories per ${buckets.unit} — ${scope}, ${span} (${timeZone})`,
    xTitle: buckets.unit === 'hour' ? `Hour (${timeZone})` : `Day (${timeZone})`,
    yTitle: 'Matched stories',
    labels: buckets.starts.map((s) => label(s, buckets.unit, timeZone)),
    series,
    surges,
    width: input.width ?? 1000,
    height: input.height ?? 500,
  };
}
