/**
 * Trends: the chart behind `/news trend` (Chart.js on @napi-rs/canvas) and the surge check that
 * runs after every poll cycle. Each figure is printed against a baseline measured in the same
 * process: the chart against deflating the same pixels (the heart of any PNG encoder), the surge
 * check against one `/news latest` query on the same database.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deflateSync } from 'node:zlib';
import { silentLogger } from '../../src/app/logger.js';
import { checkSurges, surgeOptionsFrom } from '../../src/app/surges.js';
import { renderTrendChart } from '../../src/charts/render.js';
import { buildTrendChart } from '../../src/charts/trend.js';
import { DAY_MS, HOUR_MS } from '../../src/core/news.js';
import type { TopicInfo } from '../../src/core/types.js';
import { createStore } from '../../src/store/index.js';
import { fmt, percentile, sectionMain, type Row } from '../child.js';
import { generateTraffic } from '../traffic.js';

const TOPICS: readonly TopicInfo[] = [
  { id: 'ukraine', label: 'Ukraine', color: 0x0057b7 },
  { id: 'north-korea', label: 'North Korea', color: 0xc8102e },
  { id: 'south-korea', label: 'South Korea', color: 0x78b159 },
];
const RUNS = 20;

function timeRuns(runs: number, fn: () => unknown): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    out.push(performance.now() - start);
  }
  return out;
}

async function timeRunsAsync(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

sectionMain(async (options) => {
  const dbPath = join(options.workDir, 'trends.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  const store = createStore(dbPath);
  // 15 days of traffic with a daily cycle; scaled with --feeds (1,000 feeds: 10× the test traffic).
  const scale = Math.max(1, Math.round(options.feeds / 100));
  const now = Date.UTC(2026, 11, 4, 10, 30);
  const start = Math.floor((now - 15 * DAY_MS) / HOUR_MS) * HOUR_MS;
  let stored = 0;
  const traffic = generateTraffic(start, 15 * 24, 11);
  store.transaction(() => {
    for (const h of traffic) {
      for (let i = 0; i < h.count * scale; i++) {
        const seen = h.hour + ((i * 37) % 60) * 60_000;
        const rowid = store.stories.insert({ id: `t${stored}`, feedId: 'bench', guid: null, url: `https://bench.example/${stored}`, title: `${h.topic} story ${stored}`, summary: '', author: null, publishedAt: seen - 60_000, publishedEstimated: false, firstSeenAt: seen, language: 'en', categories: [] }, { verdicts: [{ topic: h.topic, matched: true, score: 5, threshold: 3, keywordScore: 5, modelProbability: null, reasons: [] }], matched: [h.topic] });
        if (rowid.inserted) stored++;
      }
    }
  });

  // Surge check per cycle, against one /news latest query.
  const deps = { store, topics: TOPICS, feedsById: new Map(), log: silentLogger(), ...surgeOptionsFrom({ SURGE_THRESHOLD: 4, SURGE_MIN_STORIES: 6, SURGE_COOLDOWN_HOURS: 6 }) };
  const query = timeRuns(RUNS, () => store.stories.latest({ sinceMs: now - DAY_MS, limit: 10 }));
  const check = timeRuns(RUNS, () => checkSurges(deps, now));
  const queryMs = percentile(query, 50);
  const checkMs = percentile(check, 50);

  // Chart: cold (first render, imports included), then warm renders of a 14-day chart and a 2-day hourly chart.
  const coldStart = performance.now();
  const first = await buildTrendChart({ trends: store.trends, topics: TOPICS, days: 14, now });
  const coldMs = performance.now() - coldStart;
  const spec14 = first.spec;
  const spec2 = (await buildTrendChart({ trends: store.trends, topics: TOPICS, days: 2, now })).spec;
  const render14 = await timeRunsAsync(RUNS, () => renderTrendChart(spec14));
  const render2 = await timeRunsAsync(RUNS, () => renderTrendChart(spec2));
  const build14 = await timeRunsAsync(RUNS, () => buildTrendChart({ trends: store.trends, topics: TOPICS, days: 14, now }));
  const png14 = await renderTrendChart(spec14);
  const png2 = await renderTrendChart(spec2);
  // Baseline: deflate the chart's own pixels (RGBA), as a PNG encoder must.
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const image = await loadImage(png14);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const pixels = Buffer.from(ctx.getImageData(0, 0, image.width, image.height).data.buffer);
  const deflate = timeRuns(RUNS, () => deflateSync(pixels));
  const deflateMs = percentile(deflate, 50);
  store.close();

  const r14 = percentile(render14, 50);
  const r2 = percentile(render2, 50);
  const b14 = percentile(build14, 50);
  const rows: Row[] = [
    { step: 'baseline: deflate the chart pixels (1000×500 RGBA)', figure: `${fmt(deflateMs, 1)} ms`, status: 'info' },
    { step: 'chart render, 14 days × 3 topics (median)', figure: `${fmt(r14, 1)} ms = ${fmt(r14 / deflateMs, 1)}× baseline, PNG ${fmt(png14.length / 1024, 0)} KiB`, status: 'info' },
    { step: 'chart render, 2 days per hour × 3 topics (median)', figure: `${fmt(r2, 1)} ms = ${fmt(r2 / deflateMs, 1)}× baseline, PNG ${fmt(png2.length / 1024, 0)} KiB`, status: 'info' },
    { step: '/news trend chart, query + render (median)', figure: `${fmt(b14, 1)} ms = ${fmt(b14 / deflateMs, 1)}× baseline`, status: 'info' },
    { step: 'first chart in a process (imports included)', figure: `${fmt(coldMs, 0)} ms`, status: 'info' },
    { step: `baseline: one /news latest query (${fmt(stored)} stories)`, figure: `${fmt(queryMs, 2)} ms`, status: 'info' },
    { step: 'surge check per cycle (3 topics, 15 days)', figure: `${fmt(checkMs, 1)} ms = ${fmt(checkMs / queryMs, 1)}× baseline`, status: 'info' },
  ];
  return {
    section: 'trends',
    rows,
    data: { stories: stored, deflateMs, render14Ms: r14, render2Ms: r2, build14Ms: b14, coldMs, png14Bytes: png14.length, png2Bytes: png2.length, queryMs, surgeCheckMs: checkMs },
  };
});
