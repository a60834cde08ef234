import { trendBuckets, trendChartSpec, type TrendChartSpec } from '../core/trends/series.js';
import type { TopicInfo } from '../core/types.js';
import type { StoredSurge } from '../store/trends.js';
import { renderTrendChart } from './render.js';

/** A drawn trend chart and what it shows, for the reply or the CLI's message. */
export interface TrendChart {
  readonly png: Buffer;
  readonly spec: TrendChartSpec;
  /** Stories per topic in the whole span. */
  readonly totals: readonly { readonly topic: TopicInfo; readonly stories: number }[];
  readonly surges: readonly StoredSurge[];
}

/** What the chart reads: SQLite's trend store as it is, or a port whose reads are asynchronous (PostgreSQL). */
export interface TrendReads {
  hourlyCounts(topics: readonly string[], fromMs: number, toMs: number, hiddenFeeds?: readonly string[]): Map<string, Map<number, number>> | Promise<Map<string, Map<number, number>>>;
  surgesBetween(fromMs: number, toMs: number, topics: readonly string[]): StoredSurge[] | Promise<StoredSurge[]>;
}

/**
 * The chart of `/news trend` and `watchfloor trend`: matched stories of `topics` over the last
 * `days` days (per hour up to two days), surges marked. `hiddenFeeds`: feeds whose stories the
 * viewer may not see (another server's). Days and labels in `timeZone` (IANA, default UTC).
 */
export async function buildTrendChart(input: { trends: TrendReads; topics: readonly TopicInfo[]; days: number; now: number; hiddenFeeds?: readonly string[]; timeZone?: string }): Promise<TrendChart> {
  const timeZone = input.timeZone ?? 'UTC';
  const buckets = trendBuckets(input.days, input.now, timeZone);
  const ids = input.topics.map((t) => t.id);
  const hourly = await input.trends.hourlyCounts(ids, buckets.from, buckets.to, input.hiddenFeeds);
  const surges = await input.trends.surgesBetween(buckets.from, buckets.to, ids);
  const spec = trendChartSpec({ topics: input.topics, hourly, surges, days: input.days, now: input.now, timeZone });
  const totals = input.topics.map((topic, i) => ({ topic, stories: spec.series[i]?.values.reduce((a, b) => a + b, 0) ?? 0 }));
  return { png: await renderTrendChart(spec), spec, totals, surges };
}
