import { trendBuckets, trendChartSpec } from '../core/trends/series.js';
import type { TopicInfo } from '../core/types.js';
import type { OutboundFile } from '../store/outbox.js';
import type { TrendStore } from '../store/trends.js';
import { MAX_ATTACHMENT_BYTES, renderTrendChartSync } from './render.js';

/** What the chart reads of the trends: the store itself on SQLite, what was read for it on PostgreSQL. */
export type ChartTrends = Pick<TrendStore, 'hourlyCounts' | 'surgesBetween'>;

/** The file name of a digest's chart. */
export const DIGEST_CHART_FILE = 'watchfloor-digest-trend.png';
/** Days a digest's chart covers. */
export const DIGEST_CHART_DAYS = 7;

/** The time range a digest's chart reads (its week, in days of `timeZone`). */
export function digestChartRange(now: number, timeZone = 'UTC'): { from: number; to: number } {
  const { from, to } = trendBuckets(DIGEST_CHART_DAYS, now, timeZone);
  return { from, to };
}

/**
 * The small chart a digest carries with DIGEST_CHART=on: matched stories per day of the
 * subscription's topics over the last week (days of the subscription's time zone), surges marked, 640×300 (about 30 KiB). Drawn
 * synchronously, before the digest's transaction takes the write lock: the
 * chart libraries must be loaded first (`preloadChartLibraries`, done by `run` and `once`);
 * throws when they are not.
 */
export function digestChart(input: { trends: ChartTrends; topics: readonly TopicInfo[]; now: number; hiddenFeeds?: readonly string[]; timeZone?: string }): OutboundFile {
  const timeZone = input.timeZone ?? 'UTC';
  const buckets = trendBuckets(DIGEST_CHART_DAYS, input.now, timeZone);
  const ids = input.topics.map((t) => t.id);
  const hourly = input.trends.hourlyCounts(ids, buckets.from, buckets.to, input.hiddenFeeds);
  const surges = input.trends.surgesBetween(buckets.from, buckets.to, ids);
  const spec = trendChartSpec({ topics: input.topics, hourly, surges, days: DIGEST_CHART_DAYS, now: input.now, timeZone, width: 640, height: 300 });
  const png = renderTrendChartSync(spec);
  if (png === null) throw new Error('the chart libraries are not loaded (preloadChartLibraries)');
  if (png.length > MAX_ATTACHMENT_BYTES) throw new Error(`chart of ${png.length} bytes exceeds Discord's attachment limit`);
  return { name: DIGEST_CHART_FILE, data: png };
}
