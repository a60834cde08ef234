/**
 * Delivery: alerts per second through the outbox to a fake Discord on loopback (webhook
 * delivery, the real discord.js REST client), and the time from a story appearing in a feed to
 * its alert being posted, when the poll runs right away. In production add the wait for the
 * next poll (POLL_SCHEDULE, every 5 minutes by default).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/app/logger.js';
import { createRuntime } from '../../src/app/runtime.js';
import { loadEnv } from '../../src/config/env.js';
import type { FeedConfig } from '../../src/core/types.js';
import { startFakeDiscord } from '../../tests/helpers/fake-discord.js';
import { fmt, percentile, sectionMain, type Row } from '../child.js';
import { spawnFeedServer } from '../server.js';

/** Feeds polled for the delivery figures: enough to queue several hundred alerts. */
const DELIVERY_FEEDS_MAX = 200;
const WEBHOOK_ID = '500000000000000001';
const WEBHOOK_TOKEN = 'bench-webhook-token-0123456789';
const WEBHOOK_CHANNEL = '300000000000000009';
/** How long to wait for the alerts of the latency round before giving up. */
const LATENCY_WAIT_MS = 30_000;

sectionMain(async (options) => {
  const feedCount = Math.min(DELIVERY_FEEDS_MAX, options.feeds);
  const server = await spawnFeedServer(feedCount, Date.now());
  const fake = await startFakeDiscord({ webhooks: [{ id: WEBHOOK_ID, token: WEBHOOK_TOKEN, channelId: WEBHOOK_CHANNEL }] });
  const dbPath = join(options.workDir, 'delivery.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  const feedsPath = join(options.workDir, 'delivery-feeds.json');
  writeFileSync(feedsPath, '[]\n');
  const env = loadEnv({
    LOG_LEVEL: 'silent',
    WATCHFLOOR_DB: dbPath,
    DISCORD_API_BASE: fake.apiBase,
    // With no subscriptions yet, the webhook from the environment gets instant alerts for every topic.
    DISCORD_WEBHOOK_URL: `https://discord.com/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`,
  });
  const feeds: FeedConfig[] = server.specs.map((spec, i) => ({
    id: spec.id, url: server.urls[i] ?? '', name: `${spec.outlet} ${spec.index}`, language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [],
  }));
  const log = createLogger({ level: process.env.BENCH_LOG_LEVEL === 'debug' ? 'debug' : 'silent', format: 'json' });
  const runtime = await createRuntime({ env, paths: { feeds: feedsPath, rules: join(options.repoDir, 'rules'), db: dbPath, model: join(options.workDir, 'model.json') }, log, feeds });
  try {
    // --- Throughput: a first cycle queues the backlog's alerts, then one drain sends them -----
    const report = await runtime.poller.runCycle(feeds, { force: true });
    const queued = runtime.store.outbox.counts().pending;
    const started = performance.now();
    let sent = 0;
    for (let round = 0; round < 100 && runtime.store.outbox.counts().pending > 0; round++) sent += (await runtime.delivery.drain()).sent;
    const drainMs = performance.now() - started;
    const posted = fake.messageRequests().length;

    // --- Latency: publish, poll at once, wait for the alerts ----------------------------------
    const postedAt: number[] = [];
    fake.onRequest((request) => {
      if (request.method === 'POST' && request.path.startsWith(`/webhooks/${WEBHOOK_ID}/`)) postedAt.push(performance.now());
    });
    await runtime.delivery.start();
    const changed = await server.advance(1, 11);
    const publishedAt = performance.now();
    const cycle = await runtime.poller.runCycle(feeds, { force: true });
    const cycleMs = performance.now() - publishedAt;
    const expected = cycle.totals.routed;
    const deadline = performance.now() + LATENCY_WAIT_MS;
    while (postedAt.length < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const latencies = postedAt.map((t) => t - publishedAt);
    await runtime.delivery.stop();

    const perSecond = sent / (drainMs / 1000);
    const rows: Row[] = [
      { step: `alerts through the outbox to the fake Discord (webhook)`, figure: `${fmt(perSecond)} alerts/s (${sent} sent of ${queued} queued by a first cycle over ${feedCount} feeds; ${posted} POSTs seen)`, status: 'info' },
      {
        step: 'story published → alert posted (poll starts at once)',
        figure: expected > 0
          ? `first ${fmt(Math.min(...latencies))} ms, p50 ${fmt(percentile(latencies, 50))} ms, last ${fmt(Math.max(...latencies))} ms for ${latencies.length}/${expected} alerts; the cycle over ${feedCount} feeds took ${fmt(cycleMs)} ms`
          : 'no on-topic story was published in this round',
        status: 'info',
      },
    ];
    return {
      section: 'Delivery',
      rows,
      data: {
        feeds: feedCount,
        firstCycle: report.totals,
        queued,
        sent,
        drainMs,
        alertsPerSecond: perSecond,
        latency: { changedFeeds: changed, routed: expected, posted: latencies.length, cycleMs, minMs: Math.min(...latencies), p50Ms: percentile(latencies, 50), maxMs: Math.max(...latencies) },
      },
    };
  } finally {
    await runtime.close();
    await fake.close();
    await server.stop();
  }
});
