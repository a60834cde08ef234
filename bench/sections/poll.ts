/**
 * Poll cycle: the real runtime (fetch, decode, parse, normalise, dedupe, classify, store, route)
 * over N generated feeds on loopback, first cycle and steady state, beside raw limits measured
 * in the same process against the same server:
 *   - naive: Node fetch + bare rss-parser on every document (what a plain bot does);
 *   - limit: bare node:http + the fastest plain streaming XML parser.
 * The pipeline runs first, cold, so the baselines (which share undici and rss-parser) are the
 * ones that profit from a warm JIT: the ratios lean against Watchfloor, not for it.
 */
// As the CLI: V8 settings first (ADR 15).
import '../../src/app/v8-settings.js';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv } from '../../src/config/env.js';
import type { Classification, FeedConfig, RawItem } from '../../src/core/types.js';
import { normaliseItems } from '../../src/core/story.js';
import { parseFeed } from '../../src/feeds/parse.js';
import { createStore } from '../../src/store/index.js';
import { createLogger } from '../../src/app/logger.js';
import { createRuntime } from '../../src/app/runtime.js';
import type { CycleReport } from '../../src/app/pipeline.js';
import { currentRssMb, fmt, peakRssMb, percentile, sectionMain, type Row } from '../child.js';
import {
  fetchWithBareHttp, fetchWithNodeFetch, hashBody, mapConcurrent, measure, measureParallelSpeedup, parseWithHtmlparser2, parseWithRssParser,
  parseWithSaxes, type MinimalItem, type RawValidators, type Timing,
} from '../raw.js';
import { spawnFeedServer } from '../server.js';

/** Share of feeds that publish new items between the two cycles. */
export const CHANGED_SHARE = 0.1;
/** Targets from the issue. */
export const FIRST_CYCLE_MIN_RATIO = 0.75;
export const STEADY_MIN_SPEEDUP = 5;
export const PEAK_RSS_MAX_MB = 150;
export const IDLE_RSS_MAX_MB = 100;

function parseQuietly(parse: (xml: string) => MinimalItem[], xml: string): number {
  try {
    return parse(xml).length;
  } catch {
    return 0; // malformed on purpose (the truncated feeds)
  }
}

/**
 * Samples RSS every few milliseconds while `fn` runs. The process-wide peak (maxRSS) cannot
 * tell the steady cycle's peak once the baselines have run in the same process.
 */
async function withRssSampling<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number; atPeak: Record<string, number> }> {
  let peakMb = currentRssMb();
  let atPeak = memoryBreakdownMb();
  const timer = setInterval(() => {
    const now = currentRssMb();
    if (now > peakMb) {
      peakMb = now;
      atPeak = memoryBreakdownMb();
    }
  }, 5);
  try {
    const value = await fn();
    return { value, peakMb: Math.max(peakMb, currentRssMb()), atPeak };
  } finally {
    clearInterval(timer);
  }
}

/** Where resident memory sits: the JS heap, external (Buffers, SQLite is not counted), the rest is native. */
function memoryBreakdownMb(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
  // Linux splits RSS into anonymous memory and pages of mapped files (the node binary and its
  // ICU data, native addons): the latter are shared and reclaimable.
  const status = (() => {
    try {
      return readFileSync('/proc/self/status', 'utf8');
    } catch {
      return '';
    }
  })();
  const kb = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  };
  return { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), ...(status ? { rssAnon: kb('RssAnon') ?? 0, rssFile: kb('RssFile') ?? 0 } : {}) };
}

/**
 * For a missed memory target: by how much, and where the memory was at that moment (the main
 * thread's JS heap, memory outside it, pages of node itself), measured in this run.
 */
function whyOver(mb: number, targetMb: number, at: Record<string, number>): string {
  if (mb <= targetMb) return '';
  const part = (name: string): string => fmt(at[name] ?? 0);
  const other = (at.rssAnon ?? 0) - (at.heapTotal ?? 0) - (at.external ?? 0);
  return `; over by ${fmt(mb - targetMb)} MB: main thread's JS heap ${part('heapUsed')} MB used of ${part('heapTotal')} MB, Buffers and other external ${part('external')} MB, ` +
    `other anonymous memory (parser thread's heap, SQLite, glibc, compiled code) ${fmt(Math.max(0, other))} MB, pages of node and its addons ${part('rssFile')} MB`;
}

/** RSS has settled when it fell by less than this over {@link SETTLED_WINDOW_MS}. */
const SETTLED_DROP_MB = 1;
/**
 * V8's memory reducer starts ~8 s after the last full collection and then needs a quiet moment
 * and an incremental collection of its own: it was seen to give memory back 10–20 s after a cycle
 * on an idle machine, and ~30 s after it on a loaded one (ADR 15), where a 20 s window ended the
 * wait just before.
 */
const SETTLED_WINDOW_MS = 35_000;
/** Longest wait for RSS to settle. */
const SETTLE_MAX_MS = 90_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The resting state between cycles, which lasts minutes in a deployment: the parser threads
 * have exited (they do after an idle timeout) and RSS has stopped falling. Nothing is forced:
 * V8's memory reducer collects and gives the grown heap back on its own some seconds after
 * allocation stops (a forced collection would postpone it), so this is what an operator sees.
 */
async function settle(liveThreads: () => number): Promise<{ rssMb: number; settledAfterMs: number }> {
  const started = Date.now();
  const samples: { at: number; rss: number }[] = [];
  for (;;) {
    await sleep(500);
    const at = Date.now();
    const rss = currentRssMb();
    if (liveThreads() > 0 && at - started < SETTLE_MAX_MS) continue;
    samples.push({ at, rss });
    const windowAgo = samples.findLast((s) => s.at <= at - SETTLED_WINDOW_MS);
    if ((windowAgo !== undefined && windowAgo.rss - rss < SETTLED_DROP_MB) || at - started > SETTLE_MAX_MS) break;
  }
  return { rssMb: currentRssMb(), settledAfterMs: Date.now() - started };
}

interface StageCosts {
  readonly stories: number;
  readonly parseUs: number;
  readonly normaliseUs: number;
  readonly classifyUs: number;
  /** Through the real store, one transaction per document, into a fresh database. */
  readonly storeUs: number;
  /** The part of storeUs that is the full-text index (the same inserts without its trigger). */
  readonly ftsUs: number;
  readonly totalUs: number;
}

/**
 * CPU per story of each pipeline stage, run one after the other on this thread over the same
 * documents, so the table names the stage that bounds the cycle.
 */
async function measureStages(documents: readonly string[], classifier: { classify: Classify }, dbPath: string): Promise<StageCosts> {
  const now = Date.now();
  const parsed = await measure(async () => {
    const out: RawItem[][] = [];
    for (const text of documents) {
      const result = await parseFeed(text, 'https://stages.bench.example.com/feed.xml');
      if (!('ok' in result)) out.push([...result.items]);
    }
    return out;
  });
  const normalised = await measure(() =>
    parsed.value.map((items, i) => normaliseItems(items, stageFeed(i), 'https://stages.bench.example.com/', now).stories),
  );
  const classified = await measure(() => normalised.value.map((stories) => stories.map((story) => classifier.classify({ title: story.title, summary: story.summary }))));
  const storeInto = async (path: string, withIndex: boolean): Promise<Timing> => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    const store = createStore(path);
    // Without the trigger nothing is queued for the full-text index, so nothing is indexed.
    if (!withIndex) store.db.exec('DROP TRIGGER stories_ai');
    try {
      return await measure(() => {
        normalised.value.forEach((stories, i) => {
          const verdicts = classified.value[i] ?? [];
          store.stories.existingIds(stories.map((story) => story.id));
          store.transaction(() => {
            stories.forEach((story, j) => store.stories.insert(story, verdicts[j] ?? null));
          });
          // As the poll cycle does: the index catches up in batches, and at the end.
          store.stories.indexIfDue();
        });
        store.stories.indexPending();
      });
    } finally {
      store.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    }
  };
  const stored = await storeInto(dbPath, true);
  const storedBare = await storeInto(`${dbPath}.bare`, false);
  const stories = Math.max(1, normalised.value.reduce((n, batch) => n + batch.length, 0));
  const us = (timing: Timing): number => (timing.cpuMs * 1000) / stories;
  const costs = { parseUs: us(parsed), normaliseUs: us(normalised), classifyUs: us(classified), storeUs: us(stored) };
  return { stories, ...costs, ftsUs: Math.max(0, us(stored) - us(storedBare)), totalUs: costs.parseUs + costs.normaliseUs + costs.classifyUs + costs.storeUs };
}

type Classify = (input: { readonly title: string; readonly summary: string }) => Classification;

function stageFeed(index: number): FeedConfig {
  return { id: `stage-${index}`, url: `https://stages.bench.example.com/${index}.xml`, name: `stage ${index}`, language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };
}

/** Per-feed poll durations (ms): where a slow cycle spends its time. */
function durations(report: CycleReport): { p50: number; p90: number; p99: number; max: number } {
  const values = report.results.map((r) => r.durationMs);
  return { p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), max: Math.max(0, ...values) };
}

function outcomes(report: CycleReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of report.results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}

sectionMain(async (options) => {
  const server = await spawnFeedServer(options.feeds, Date.now());
  try {
    const dbPath = join(options.workDir, 'poll.db');
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
    const feedsPath = join(options.workDir, 'feeds.json');
    writeFileSync(feedsPath, '[]\n');
    // PARSE_THREADS passes through: `PARSE_THREADS=0 npm run bench` measures the cycle on one thread.
    const env = loadEnv({ LOG_LEVEL: 'silent', WATCHFLOOR_DB: dbPath, PARSE_THREADS: process.env.PARSE_THREADS });
    const feeds: FeedConfig[] = server.specs.map((spec, i) => ({
      id: spec.id,
      url: server.urls[i] ?? '',
      name: `${spec.outlet} ${spec.index}`,
      language: 'en',
      kind: 'outlet',
      intervalMinutes: undefined,
      enabled: true,
      topics: [],
    }));
    const log = createLogger({ level: 'silent', format: 'json' });
    const paths = { feeds: feedsPath, rules: join(options.repoDir, 'rules'), db: dbPath, model: join(options.workDir, 'model.json') };
    const runtime = await createRuntime({ env, paths, log, feeds, consoleOnly: true });
    const concurrency = env.FETCH_CONCURRENCY;

    // --- Pipeline, first cycle (cold) -------------------------------------------------------
    await server.resetStats();
    const rssBefore = currentRssMb();
    const sampled1 = await withRssSampling(() => measure(() => runtime.poller.runCycle(feeds, { force: true })));
    const cycle1 = sampled1.value;
    const server1 = await server.stats();
    // Nothing else has run in this process yet: the lifetime peak is the first cycle's.
    const peak1 = Math.max(peakRssMb(), sampled1.peakMb);
    const threads = () => runtime.analysePool.liveThreads();
    const { rssMb: idle1, settledAfterMs: settled1 } = await settle(threads);
    const idle1Breakdown = memoryBreakdownMb();
    const stories1 = cycle1.value.totals.newStories;
    const bytes1 = cycle1.value.results.reduce((sum, r) => sum + r.bytes, 0);
    const outbox1 = runtime.store.outbox.counts().pending;

    // --- Raw figures on the same documents ---------------------------------------------------
    // Naive bot: Node fetch, then bare rss-parser on each document as it arrives. Best of two.
    const naiveOnce = () =>
      measure(async () => {
        let items = 0;
        await mapConcurrent(server.urls, concurrency, async (url) => {
          try {
            const res = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
            const text = await res.text();
            if (res.ok) items += await parseWithRssParser(text).catch(() => 0);
          } catch {
            // failing feeds count as done, as in the pipeline
          }
        });
        return items;
      });
    const naiveA = await naiveOnce();
    const naiveB = await naiveOnce();
    const naive = naiveA.wallMs <= naiveB.wallMs ? naiveA : naiveB;

    // Fetch only: Node fetch vs bare node:http, bytes only.
    const fetchOnly = await measure(async () => (await fetchWithNodeFetch(server.urls, concurrency)).length);
    const httpOnly = await measure(() => fetchWithBareHttp(server.urls, concurrency));
    let bodies = httpOnly.value.filter((r) => r.status === 200 && r.body).map((r) => (r.body ?? Buffer.alloc(0)).toString('utf8'));
    const megabytes = bodies.reduce((sum, b) => sum + Buffer.byteLength(b), 0) / 1e6;

    // Parse only, same documents, one core.
    const parseRss = await measure(async () => {
      let items = 0;
      for (const b of bodies) items += await parseWithRssParser(b).catch(() => 0);
      return items;
    });
    const parseSaxes = await measure(() => bodies.reduce((n, b) => n + parseQuietly(parseWithSaxes, b), 0));
    const parseHp2 = await measure(() => bodies.reduce((n, b) => n + parseQuietly(parseWithHtmlparser2, b), 0));
    const fastest = parseSaxes.cpuMs <= parseHp2.cpuMs ? { name: 'saxes', parse: parseWithSaxes } : { name: 'htmlparser2', parse: parseWithHtmlparser2 };

    // The pipeline's work per story, stage by stage, on one core over the same documents; and
    // what two busy threads get from this machine compared with one.
    const stages = await measureStages(bodies, runtime.classifier, join(options.workDir, 'stages.db'));
    const parallel = await measureParallelSpeedup(bodies);

    // Raw limit, cycle 1: bare node:http + fastest parser inline; keeps validators and hashes.
    const validators = new Map<string, RawValidators>();
    const hashes = new Map<string, string>();
    const rawCycle = (conditional: boolean): Promise<{ value: number } & Timing> =>
      measure(async () => {
        const responses = await fetchWithBareHttp(server.urls, concurrency, conditional ? validators : undefined);
        let items = 0;
        for (const r of responses) {
          if (r.etag !== null || r.lastModified !== null) validators.set(r.url, { etag: r.etag, lastModified: r.lastModified });
          if (r.status !== 200 || !r.body) continue;
          const hash = hashBody(r.body);
          if (conditional && hashes.get(r.url) === hash) continue;
          hashes.set(r.url, hash);
          items += parseQuietly(fastest.parse, r.body.toString('utf8'));
        }
        return items;
      });
    const limit1 = await rawCycle(false);
    // Let the baselines' documents go before the steady cycle is sampled.
    httpOnly.value.length = 0;
    bodies = [];
    const { rssMb: idleBefore2 } = await settle(threads);

    // --- Steady state: some feeds publish, the rest is 304 or an unchanged body -------------
    const changed = await server.advance(CHANGED_SHARE, 7);
    await server.resetStats();
    const sampled2 = await withRssSampling(() => measure(() => runtime.poller.runCycle(feeds, { force: true })));
    const cycle2 = sampled2.value;
    const server2 = await server.stats();
    const peak2 = sampled2.peakMb;
    const { rssMb: idle2 } = await settle(threads);
    const limit2 = await rawCycle(true);
    await runtime.close();

    const out1 = outcomes(cycle1.value);
    const out2 = outcomes(cycle2.value);
    const stories2 = cycle2.value.totals.newStories;
    const hashSkipped = (out2['not-modified'] ?? 0) - server2.notModified;
    const ratio1 = naive.wallMs / cycle1.wallMs;
    const ratioLimit1 = limit1.wallMs / cycle1.wallMs;
    // Wall-clock ratios carry the machine's noise; CPU-time ratios show the work each side does.
    const cpuRatio1 = naive.cpuMs / cycle1.cpuMs;
    const speedup = cycle1.wallMs / cycle2.wallMs;
    const ratioLimit2 = limit2.wallMs / cycle2.wallMs;
    const n = options.feeds;
    const perS = (count: number, ms: number): string => fmt(count / (ms / 1000));

    // What one story costs the pipeline in CPU (all stages, one core, plus its share of a fetch)
    // against the naive loop's CPU per item: the machine's threads together do at most
    // `parallel.speedup` times one thread's work per second.
    const fetchCpuPerStoryUs = (fetchOnly.cpuMs * 1000) / Math.max(1, parseRss.value);
    const workPerStoryUs = stages.totalUs + fetchCpuPerStoryUs;
    const naivePerItemUs = (naive.cpuMs * 1000) / Math.max(1, naive.value);
    const bestRatio = Math.min(1, (parallel.speedup * naivePerItemUs) / workPerStoryUs);
    const rows: Row[] = [
      {
        step: `first cycle, ${fmt(n)} feeds (${fmt(megabytes, 1)} MB)`,
        figure: `${fmt(cycle1.wallMs / 1000, 2)} s: ${perS(n, cycle1.wallMs)} feeds/s, ${perS(stories1, cycle1.wallMs)} stories/s; CPU ${fmt((cycle1.cpuMs * 1000) / Math.max(1, stories1))} µs/story`,
        status: 'info',
      },
      {
        step: 'first cycle vs Node fetch + bare rss-parser',
        figure: `${fmt(naive.wallMs / 1000, 2)} s for the naive loop → pipeline at ${fmt(ratio1 * 100)}% of its throughput (by CPU time: ${fmt(100 * cpuRatio1)}%)`,
        target: `≥ ${FIRST_CYCLE_MIN_RATIO * 100}%`,
        status: ratio1 >= FIRST_CYCLE_MIN_RATIO ? 'met' : 'missed',
      },
      {
        step: 'work per story, one core (same documents)',
        figure: `parse ${fmt(stages.parseUs)} + normalise ${fmt(stages.normaliseUs)} + classify ${fmt(stages.classifyUs)} + store ${fmt(stages.storeUs)} (of which full-text index ${fmt(stages.ftsUs)}) + fetch ${fmt(fetchCpuPerStoryUs)} = ${fmt(workPerStoryUs)} µs; naive loop ${fmt(naivePerItemUs)} µs/item`,
        status: 'info',
      },
      {
        step: 'two busy threads vs one, this machine',
        figure: `${fmt(parallel.speedup, 2)}× the work per second of one thread (same CPU-bound work, alone ${fmt(parallel.aloneMs)} ms, two at once ${fmt(parallel.pairMs)} ms) → this pipeline's work reaches at most ${fmt(bestRatio * 100)}% of the naive loop here`,
        status: 'info',
      },
      { step: `first cycle vs raw limit (node:http + ${fastest.name})`, figure: `${fmt(limit1.wallMs / 1000, 2)} s → pipeline at ${fmt(ratioLimit1 * 100)}% of the limit`, status: 'info' },
      {
        step: `steady cycle (${changed} feeds changed)`,
        figure: `${fmt(cycle2.wallMs / 1000, 2)} s, ${fmt(speedup, 1)}× faster than the first; ${server2.notModified} × 304, ${hashSkipped} unchanged bodies recognised by hash, ${stories2} new stories`,
        target: `≥ ${STEADY_MIN_SPEEDUP}× faster`,
        status: speedup >= STEADY_MIN_SPEEDUP ? 'met' : 'missed',
      },
      { step: 'steady cycle vs raw limit (conditional GET + hash + parse changed)', figure: `${fmt(limit2.wallMs / 1000, 2)} s → pipeline at ${fmt(ratioLimit2 * 100)}% of the limit`, status: 'info' },
      { step: 'peak RSS during the first cycle', figure: `${fmt(peak1)} MB (${fmt(rssBefore)} MB before it; the steady cycle's, after the baselines ran in this process: ${fmt(peak2)} MB)${whyOver(peak1, PEAK_RSS_MAX_MB, sampled1.atPeak)}`, target: `≤ ${PEAK_RSS_MAX_MB} MB`, status: peak1 <= PEAK_RSS_MAX_MB ? 'met' : 'missed' },
      // After the steady cycle the process also holds what the baselines left (V8 keeps its grown
      // heap), so the target is judged on the first cycle, before any baseline ran.
      { step: 'RSS at rest after the first cycle', figure: `${fmt(idle1)} MB, settled ${fmt(settled1 / 1000, 1)} s after the cycle (after the baselines and the steady cycle: ${fmt(idle2)} MB)${whyOver(idle1, IDLE_RSS_MAX_MB, idle1Breakdown)}`, target: `≤ ${IDLE_RSS_MAX_MB} MB`, status: idle1 <= IDLE_RSS_MAX_MB ? 'met' : 'missed' },
      {
        step: 'parse only, one core',
        figure: `rss-parser ${fmt(megabytes / (parseRss.cpuMs / 1000), 1)} MB/s (${perS(parseRss.value, parseRss.cpuMs)} items/s); saxes ${fmt(megabytes / (parseSaxes.cpuMs / 1000), 1)} MB/s; htmlparser2 ${fmt(megabytes / (parseHp2.cpuMs / 1000), 1)} MB/s`,
        status: 'info',
      },
      {
        step: `fetch only, ${concurrency} at once`,
        figure: `Node fetch ${fmt(fetchOnly.wallMs / 1000, 2)} s (${fmt(fetchOnly.cpuMs / n, 2)} ms CPU/response); bare node:http ${fmt(httpOnly.wallMs / 1000, 2)} s (${fmt(httpOnly.cpuMs / n, 2)} ms CPU/response)`,
        status: 'info',
      },
    ];
    return {
      section: 'Poll cycle',
      rows,
      data: {
        feeds: n,
        megabytes,
        concurrency,
        perHost: env.FETCH_PER_HOST,
        cycle1: { wallMs: cycle1.wallMs, cpuMs: cycle1.cpuMs, newStories: stories1, bytes: bytes1, outcomes: out1, feedDurationsMs: durations(cycle1.value), server: server1, outboxRows: outbox1 },
        cycle2: { wallMs: cycle2.wallMs, cpuMs: cycle2.cpuMs, newStories: stories2, outcomes: out2, feedDurationsMs: durations(cycle2.value), server: server2, changedFeeds: changed, hashSkipped },
        naive: { wallMs: naive.wallMs, cpuMs: naive.cpuMs, items: naive.value, runs: [naiveA.wallMs, naiveB.wallMs] },
        limit1: { wallMs: limit1.wallMs, cpuMs: limit1.cpuMs, items: limit1.value, parser: fastest.name },
        limit2: { wallMs: limit2.wallMs, cpuMs: limit2.cpuMs, items: limit2.value },
        fetchOnly: { nodeFetch: { wallMs: fetchOnly.wallMs, cpuMs: fetchOnly.cpuMs }, bareHttp: { wallMs: httpOnly.wallMs, cpuMs: httpOnly.cpuMs } },
        parseOnly: {
          rssParser: { cpuMs: parseRss.cpuMs, items: parseRss.value },
          saxes: { cpuMs: parseSaxes.cpuMs, items: parseSaxes.value },
          htmlparser2: { cpuMs: parseHp2.cpuMs, items: parseHp2.value },
        },
        stagesPerStoryUs: { ...stages, fetch: fetchCpuPerStoryUs, work: workPerStoryUs, naivePerItem: naivePerItemUs },
        parallel: { ...parallel, bestRatio },
        ratios: { firstVsNaiveCpu: cpuRatio1, firstVsNaive: ratio1, firstVsLimit: ratioLimit1, steadySpeedup: speedup, steadyVsLimit: ratioLimit2 },
        memory: { peakFirstBreakdownMb: sampled1.atPeak, idleAfterFirstBreakdownMb: idle1Breakdown, beforeFirstMb: rssBefore, peakFirstMb: peak1, idleAfterFirstMb: idle1, idleSettledAfterMs: settled1, idleBeforeSteadyMb: idleBefore2, peakSteadyMb: peak2, idleAfterSteadyMb: idle2 },
        targets: { firstCycleMinRatio: FIRST_CYCLE_MIN_RATIO, steadyMinSpeedup: STEADY_MIN_SPEEDUP, peakRssMaxMb: PEAK_RSS_MAX_MB, idleRssMaxMb: IDLE_RSS_MAX_MB },
      },
    };
  } finally {
    await server.stop();
  }
});
