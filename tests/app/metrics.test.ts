import { describe, expect, it } from 'vitest';
import { createAnalyser } from '../../src/app/analyse.js';
import { createAnalysePool } from '../../src/app/analyse-pool.js';
import { silentLogger } from '../../src/app/logger.js';
import { createMetrics, NO_TOPIC_LABEL } from '../../src/app/metrics.js';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig } from '../../src/core/types.js';
import { parseFeed } from '../../src/feeds/parse.js';

const FEED: FeedConfig = { id: 'metrics', url: 'https://a.example/feed.xml', name: 'Metrics', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };

/** The sample value of one metric line (`name{labels} value`) in Prometheus text output. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('createMetrics', () => {
  it('GIVEN two instances WHEN both register the same metrics THEN neither collides with the other nor with the global registry', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.alertsSent.inc(3);
    b.alertsSent.inc(1);
    expect(sample(await a.registry.metrics(), 'watchfloor_alerts_sent_total')).toBe(3);
    expect(sample(await b.registry.metrics(), 'watchfloor_alerts_sent_total')).toBe(1);
  });

  it('GIVEN stories stored under topics and none WHEN scraped THEN each topic has its own labelled counter', async () => {
    const m = createMetrics({ processMetrics: false });
    m.storiesStored.inc({ topic: 'ukraine' }, 2);
    m.storiesStored.inc({ topic: 'north-korea' });
    m.storiesStored.inc({ topic: NO_TOPIC_LABEL }, 5);
    const text = await m.registry.metrics();
    expect(sample(text, 'watchfloor_stories_stored_total{topic="ukraine"}')).toBe(2);
    expect(sample(text, 'watchfloor_stories_stored_total{topic="north-korea"}')).toBe(1);
    expect(sample(text, 'watchfloor_stories_stored_total{topic="none"}')).toBe(5);
  });

  it('GIVEN a cycle observed WHEN scraped THEN the histogram counts it in seconds buckets', async () => {
    const m = createMetrics({ processMetrics: false });
    m.cycleDuration.observe(1.7);
    m.cycles.inc({ outcome: 'partial' });
    m.feedsOk.set(11);
    m.feedsFailing.set(2);
    const text = await m.registry.metrics();
    expect(sample(text, 'watchfloor_poll_cycle_duration_seconds_count')).toBe(1);
    expect(sample(text, 'watchfloor_poll_cycle_duration_seconds_bucket{le="1"}')).toBe(0);
    expect(sample(text, 'watchfloor_poll_cycle_duration_seconds_bucket{le="2.5"}')).toBe(1);
    expect(sample(text, 'watchfloor_poll_cycles_total{outcome="partial"}')).toBe(1);
    expect(sample(text, 'watchfloor_feeds_ok')).toBe(11);
    expect(sample(text, 'watchfloor_feeds_failing')).toBe(2);
  });

  it('GIVEN an outbox depth source WHEN scraped twice THEN each scrape reads the current depth', async () => {
    const m = createMetrics({ processMetrics: false });
    let depth = 4;
    m.setOutboxDepthSource(() => depth);
    expect(sample(await m.registry.metrics(), 'watchfloor_outbox_depth')).toBe(4);
    depth = 0;
    expect(sample(await m.registry.metrics(), 'watchfloor_outbox_depth')).toBe(0);
  });

  it('GIVEN a real analyse pool without threads WHEN it reads a document THEN the scrape counts it under thread="main" and no live thread', async () => {
    const m = createMetrics({ processMetrics: false });
    const pool = createAnalysePool({ threads: 0, rules: { topics: [], hash: 'none' }, model: null, fallback: createAnalyser({ parse: parseFeed, normalise: normaliseItems }), log: silentLogger() });
    m.setAnalyseSource(() => ({ ...pool.stats(), liveThreads: pool.liveThreads() }));
    const before = await m.registry.metrics();
    expect(sample(before, 'watchfloor_documents_analysed_total{thread="main"}')).toBe(0);
    const doc = '<rss version="2.0"><channel><title>t</title><item><title>Kyiv</title><link>https://a.example/1</link></item></channel></rss>';
    await pool.analyse({ text: doc, finalUrl: 'https://a.example/feed.xml', feed: FEED, now: Date.UTC(2026, 0, 1) });
    const after = await m.registry.metrics();
    expect(sample(after, 'watchfloor_documents_analysed_total{thread="main"}')).toBe(1);
    expect(sample(after, 'watchfloor_documents_analysed_total{thread="worker"}')).toBe(0);
    expect(sample(after, 'watchfloor_parse_threads_live')).toBe(0);
    await pool.close();
  });

  it('GIVEN an outbox source that throws WHEN scraped THEN the scrape succeeds with the previous value', async () => {
    const m = createMetrics({ processMetrics: false });
    let fail = false;
    m.setOutboxDepthSource(() => {
      if (fail) throw new Error('database is locked');
      return 7;
    });
    expect(sample(await m.registry.metrics(), 'watchfloor_outbox_depth')).toBe(7);
    fail = true;
    expect(sample(await m.registry.metrics(), 'watchfloor_outbox_depth')).toBe(7);
  });

  it('GIVEN Discord and fetch errors by kind WHEN scraped THEN they are counted per kind', async () => {
    const m = createMetrics({ processMetrics: false });
    m.discordErrors.inc({ kind: 'rate_limit' });
    m.fetchErrors.inc({ kind: 'timeout' }, 2);
    m.digestsSent.inc();
    const text = await m.registry.metrics();
    expect(sample(text, 'watchfloor_discord_errors_total{kind="rate_limit"}')).toBe(1);
    expect(sample(text, 'watchfloor_fetch_errors_total{kind="timeout"}')).toBe(2);
    expect(sample(text, 'watchfloor_digests_sent_total')).toBe(1);
  });

  it('GIVEN default options WHEN scraped THEN Node process metrics are included under the prefix', async () => {
    const m = createMetrics();
    const text = await m.registry.metrics();
    expect(text).toMatch(/^watchfloor_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^watchfloor_nodejs_eventloop_lag_seconds /m);
  });
});
