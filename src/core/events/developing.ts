import type { Subscription } from '../types.js';

/**
 * Developing stories: an event that gains many distinct sources fast. Pure.
 *
 * Defaults chosen by measurement on generated traffic (`npm run bench`, section "events";
 * docs/adr/0012-living-alerts-and-developing-events.md): 5 distinct sources within 30 minutes
 * flagged every generated breaking event, a median 4.7 minutes after its first report, and about
 * 5 of 3,000 ordinary events a day; 4 sources flagged 24 a day, 6 missed some breaking events.
 */
export const DEFAULT_DEVELOPING_SOURCES = 5;
export const DEFAULT_DEVELOPING_WINDOW_MINUTES = 30;

/** K and W of one subscription: its own, or the defaults. */
export function developingRule(subscription: Pick<Subscription, 'developingSources' | 'developingWindowMs'>): { sources: number; windowMs: number } {
  return {
    sources: subscription.developingSources ?? DEFAULT_DEVELOPING_SOURCES,
    windowMs: subscription.developingWindowMs ?? DEFAULT_DEVELOPING_WINDOW_MINUTES * 60_000,
  };
}

/** How a subscription delivers, for listings: `instant`, `event (developing: 4 sources in 30 min)`, `digest "0 8 * * *" UTC`. */
export function describeMode(subscription: Pick<Subscription, 'mode' | 'schedule' | 'timezone' | 'developingSources' | 'developingWindowMs'>): string {
  if (subscription.mode === 'digest') return `digest "${subscription.schedule ?? ''}" ${subscription.timezone}`;
  if (subscription.mode === 'instant') return 'instant';
  const rule = developingRule(subscription);
  return `event (developing: ${rule.sources} sources in ${Math.round(rule.windowMs / 60_000)} min)`;
}

/** One report of an event: which source, when (epoch ms). */
export interface EventReport {
  readonly feedId: string;
  readonly at: number;
}

/**
 * Whether some span of `windowMs` holds reports from at least `sources` distinct feeds (each
 * feed counted at its first report in the span). A sliding window over the reports by time.
 */
export function isDeveloping(reports: readonly EventReport[], sources: number, windowMs: number): boolean {
  if (sources <= 1) return reports.length > 0;
  const sorted = [...reports].sort((a, b) => a.at - b.at);
  const inWindow = new Map<string, number>();
  let start = 0;
  for (const report of sorted) {
    inWindow.set(report.feedId, (inWindow.get(report.feedId) ?? 0) + 1);
    while (start < sorted.length && (sorted[start]?.at ?? 0) < report.at - windowMs) {
      const old = sorted[start];
      start++;
      if (!old) break;
      const n = (inWindow.get(old.feedId) ?? 0) - 1;
      if (n <= 0) inWindow.delete(old.feedId);
      else inWindow.set(old.feedId, n);
    }
    if (inWindow.size >= sources) return true;
  }
  return false;
}
