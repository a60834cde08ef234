import { createRequire } from 'node:module';
import type { Counter, Registry } from 'prom-client';
import { METRIC_PREFIX } from './metric-prefix.js';

/** prom-client on first use: delivery imports this module, and `once` never serves metrics. */
const promClient = (): typeof import('prom-client') => createRequire(import.meta.url)('prom-client') as typeof import('prom-client');

/** What `status` and `/metrics` show of events (see src/store/events.ts `counts`). */
export interface EventCounts {
  readonly inWindow: number;
  readonly living: number;
  readonly developing: number;
}

/** The event metrics, on the application's registry. */
export interface EventMetrics {
  readonly editsSent: Counter;
  readonly developingSent: Counter;
}

/**
 * Registers `watchfloor_events{state}` (events in the window, those with a living alert, those
 * flagged developing; read from the database at each scrape, so every process's events count)
 * and the counters of living-alert edits and developing notices delivered. Once per registry.
 */
export function registerEventMetrics(registry: Registry, source: () => EventCounts | Promise<EventCounts>): EventMetrics {
  const { Counter, Gauge } = promClient();
  const existing = registry.getSingleMetric(`${METRIC_PREFIX}event_edits_sent_total`);
  const developingExisting = registry.getSingleMetric(`${METRIC_PREFIX}developing_notices_sent_total`);
  if (existing instanceof Counter && developingExisting instanceof Counter) return { editsSent: existing, developingSent: developingExisting };
  new Gauge({
    name: `${METRIC_PREFIX}events`,
    help: 'Events (clusters of reports of one happening) that started within the event window, by state: "window" all of them, "living" with a living alert, "developing" flagged 🚨 Developing.',
    labelNames: ['state'] as const,
    registers: [registry],
    // A synchronous read on SQLite, a query on PostgreSQL (prom-client awaits an async collect).
    async collect() {
      try {
        const counts = await source();
        this.set({ state: 'window' }, counts.inWindow);
        this.set({ state: 'living' }, counts.living);
        this.set({ state: 'developing' }, counts.developing);
      } catch {
        // Keep the previous values: a busy database must not fail the scrape.
      }
    },
  });
  return {
    editsSent: new Counter({ name: `${METRIC_PREFIX}event_edits_sent_total`, help: 'Living alerts edited (one PATCH each).', registers: [registry] }),
    developingSent: new Counter({ name: `${METRIC_PREFIX}developing_notices_sent_total`, help: '🚨 Developing notices delivered.', registers: [registry] }),
  };
}
