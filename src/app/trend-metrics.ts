import { Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './metric-prefix.js';

/** What the surge metrics read at each scrape: per topic, surges recorded and the latest one's hour. */
export type SurgeSource = () => SurgeReading | Promise<SurgeReading>;
type SurgeReading = readonly { readonly topic: string; readonly total: number; readonly latest: { readonly hourStart: number } }[];

/**
 * `watchfloor_surges{topic}` (surges recorded, by any process) and
 * `watchfloor_surge_last_hour_timestamp_seconds{topic}` (start of the latest surge's hour), read
 * from the store at each scrape like the outbox counts. A source that throws leaves the previous
 * values: a scrape must not fail because the database is busy.
 */
export function registerSurgeMetrics(registry: Registry, source: SurgeSource): void {
  let cached: SurgeReading = [];
  /** On SQLite a synchronous read; on PostgreSQL a query (prom-client awaits an async collect). */
  const read = async (): Promise<SurgeReading> => {
    try {
      cached = await source();
    } catch {
      // Keep the last reading.
    }
    return cached;
  };
  new Gauge({
    name: `${METRIC_PREFIX}surges`,
    help: 'Topic surges recorded, by topic.',
    labelNames: ['topic'] as const,
    registers: [registry],
    async collect() {
      for (const s of await read()) this.set({ topic: s.topic }, s.total);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}surge_last_hour_timestamp_seconds`,
    help: 'Start (Unix time) of the hour of the latest surge, by topic.',
    labelNames: ['topic'] as const,
    registers: [registry],
    async collect() {
      for (const s of await read()) this.set({ topic: s.topic }, s.latest.hourStart / 1000);
    },
  });
}
