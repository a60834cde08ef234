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
  /** Bucket starts (UTC), oldest first. */
  readonly starts: readonly number[];
  /** The covered span: [from, to). */
  readonly from: number;
  readonly to: number;
}

/** The buckets of a chart of the last `days` days up to `now` (the current hour or UTC day last). */
export function trendBuckets(days: number, now: number): TrendBuckets {
  if (days <= HOURLY_MAX_DAYS) {
    const last = hourStart(now);
    const starts = Array.from({ length: days * 24 }, (_, i) => last - (days * 24 - 1 - i) * HOUR_MS);
    return { unit: 'hour', starts, from: starts[0] ?? last, to: last + HOUR_MS };
  }
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const starts = Array.from({ length: days }, (_, i) => today - (days - 1 - i) * DAY_MS);
  return { unit: 'day', starts, from: starts[0] ?? today, to: today + DAY_MS };
}

/** Hourly counts summed into the buckets. */
export function bucketCounts(hourly: ReadonlyMap<number, number>, buckets: TrendBuckets): number[] {
  const size = buckets.unit === 'hour' ? HOUR_MS : DAY_MS;
  const out = buckets.starts.map(() => 0);
  for (const [hour, n] of hourly) {
    if (hour < buckets.from || hour >= buckets.to) continue;
    const index = Math.floor((hour - buckets.from) / size);
    if (index >= 0 && index < out.length) out[index] = (out[index] ?? 0) + n;
  }
  return out;
}

function label(start: number, unit: 'hour' | 'day'): string {
  const iso = new Date(start).toISOString();
  return unit === 'hour' ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}:00` : iso.slice(0, 10);
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
  readonly width?: number;
  readonly height?: number;
}

/** What `/news trend` and `watchfloor trend` draw: stories per hour or day per topic, surges marked, in UTC. */
export function trendChartSpec(input: TrendChartInput): TrendChartSpec {
  const buckets = trendBuckets(input.days, input.now);
  const size = buckets.unit === 'hour' ? HOUR_MS : DAY_MS;
  const series = input.topics.map((t) => ({ label: t.label, color: t.color, values: bucketCounts(input.hourly.get(t.id) ?? new Map(), buckets) }));
  const surges: { series: number; bucket: number }[] = [];
  for (const surge of input.surges) {
    const index = input.topics.findIndex((t) => t.id === surge.topic);
    const bucket = Math.floor((surge.hourStart - buckets.from) / size);
    if (index >= 0 && bucket >= 0 && bucket < buckets.starts.length) surges.push({ series: index, bucket });
  }
  const scope = input.topics.length === 1 ? (input.topics[0]?.label ?? '') : `${input.topics.length} topics`;
  const span = input.days === 1 ? 'last 24 hours' : `last ${input.days} days`;
  return {
    title: `Matched stories per ${buckets.unit} — ${scope}, ${span} (UTC)`,
    xTitle: buckets.unit === 'hour' ? 'Hour (UTC)' : 'Day (UTC)',
    yTitle: 'Matched stories',
    labels: buckets.starts.map((s) => label(s, buckets.unit)),
    series,
    surges,
    width: input.width ?? 1000,
    height: input.height ?? 500,
  };
}
