import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerSurgeMetrics } from '../../src/app/trend-metrics.js';
import { createStore, type Store } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOUR = Date.UTC(2026, 11, 3, 9);

function withSurges(path: string): Store {
  const store = createStore(path);
  const score = (count: number) => ({ count, median: 2, mad: 1, z: 8.04, baselineDays: 14, surging: true });
  store.trends.recordSurge({ topic: 'north-korea', hour: HOUR - 24 * 3_600_000, score: score(15), storyRowids: [], now: HOUR });
  store.trends.recordSurge({ topic: 'north-korea', hour: HOUR, score: score(24), storyRowids: [], now: HOUR });
  store.trends.recordSurge({ topic: 'ukraine', hour: HOUR - 3_600_000, score: score(30), storyRowids: [], now: HOUR });
  return store;
}

describe('surges in status and metrics', () => {
  it('status --json adds `surges` (total, and per topic the count and the latest); the text names them', async () => {
    const db = join(tempDir(), 'w.db');
    withSurges(db).close();
    const json = await runCli(['status', '--json'], { WATCHFLOOR_DB: db });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { surges: unknown; outbox: unknown };
    expect(parsed.outbox).toBeDefined();
    expect(parsed.surges).toEqual({
      total: 3,
      perTopic: [
        { topic: 'north-korea', total: 2, latest: { hour: '2026-12-03T09:00:00.000Z', stories: 24, usual: 2, z: 8 } },
        { topic: 'ukraine', total: 1, latest: { hour: '2026-12-03T08:00:00.000Z', stories: 30, usual: 2, z: 8 } },
      ],
    });
    const text = await runCli(['status'], { WATCHFLOOR_DB: db });
    expect(text.stdout).toContain('Surges: north-korea 2 (latest 2026-12-03 09:00 UTC, 24 stories, usually 2); ukraine 1');
  });

  it('/metrics: surges per topic and the latest surge hour, read at scrape time', async () => {
    const store = withSurges(join(tempDir(), 'w.db'));
    try {
      const registry = new Registry();
      registerSurgeMetrics(registry, () => store.trends.summary());
      const text = await registry.metrics();
      expect(text).toContain('watchfloor_surges{topic="north-korea"} 2');
      expect(text).toContain('watchfloor_surges{topic="ukraine"} 1');
      expect(text).toContain(`watchfloor_surge_last_hour_timestamp_seconds{topic="north-korea"} ${HOUR / 1000}`);
      // A later surge shows at the next scrape.
      store.trends.recordSurge({ topic: 'south-korea', hour: HOUR, score: { count: 9, median: 1, mad: 0, z: 5, baselineDays: 5, surging: true }, storyRowids: [], now: HOUR });
      expect(await registry.metrics()).toContain('watchfloor_surges{topic="south-korea"} 1');
    } finally {
      store.close();
    }
  });
});
