import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyser, type Analyse } from '../../src/app/analyse.js';
import { createAnalysePool, defaultAnalyseThreads, DOCUMENTS_BEFORE_THREAD, type AnalysePool } from '../../src/app/analyse-pool.js';
import { bigCyclePending, keepYoungGenerationSmall, releaseHeapAfterBigCycle } from '../../src/app/young-generation.js';
import { loadClassifier, type Classifier } from '../../src/app/classifier.js';
import { silentLogger } from '../../src/app/logger.js';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig } from '../../src/core/types.js';
import { parseFeed } from '../../src/feeds/parse.js';
import { capturingLogger } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const RULES = join(import.meta.dirname, '../../rules');
const FIXTURES = join(import.meta.dirname, '../fixtures/feeds');
const NOW = Date.UTC(2025, 2, 10, 12);
const FEED: FeedConfig = { id: 'fixture', url: 'https://news.example.org/feed.xml', name: 'Fixture', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };

let classifier: Classifier;
let inThread: Analyse;
let pool: AnalysePool;

beforeAll(async () => {
  classifier = await loadClassifier({ rulesDir: RULES, modelPath: join(tempDir(), 'model.json'), log: silentLogger() });
  inThread = createAnalyser({ parse: parseFeed, normalise: normaliseItems, classify: (input) => classifier.classify(input) });
  pool = createAnalysePool({
    threads: 2,
    rules: classifier.rules,
    model: classifier.model,
    fallback: createAnalyser({ parse: parseFeed, normalise: normaliseItems }),
    log: silentLogger(),
  });
});
afterAll(async () => {
  await pool.close();
});

/** Every XML fixture: feeds of each format and charset (decoded as the fetcher would), plus the broken ones. */
function documents(): { name: string; text: string }[] {
  return readdirSync(FIXTURES)
    .filter((name) => /\.(xml|atom|rdf|html)$/.test(name) && !name.startsWith('charset-'))
    .map((name) => ({ name, text: readFileSync(join(FIXTURES, name), 'utf8') }));
}

describe('default parser threads', () => {
  it('GIVEN one or two cores THEN none (memory first); three or more THEN exactly one (the main thread is the bottleneck)', () => {
    expect([1, 2, 3, 4, 16].map((cores) => defaultAnalyseThreads(cores))).toEqual([0, 0, 1, 1, 1]);
  });
});

describe('analyse pool (worker threads)', () => {
  it('GIVEN every fixture feed WHEN analysed in worker threads THEN stories, skipped items and verdicts equal the main-thread analysis', async () => {
    const docs = documents();
    expect(docs.length).toBeGreaterThan(8);
    expect(await pool.warm()).toBe(true);
    const before = pool.stats();
    const results = await Promise.all(docs.map(async ({ name, text }) => ({ name, worker: await pool.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW }), main: await inThread({ text, finalUrl: FEED.url, feed: FEED, now: NOW }) })));
    let stories = 0;
    let matched = 0;
    for (const { name, worker, main } of results) {
      if ('ok' in main) {
        // Failures cross the thread boundary with their kind and message; the Error cause stays behind.
        expect(worker, name).toEqual({ ...main, cause: undefined });
        continue;
      }
      expect('ok' in worker, name).toBe(false);
      if ('ok' in worker) continue;
      expect(worker.batch, name).toEqual(main.batch);
      expect(worker.classifications, name).toEqual(main.classifications);
      expect(worker.classifications?.length, name).toBe(worker.batch.stories.length);
      stories += worker.batch.stories.length;
      matched += (worker.classifications ?? []).filter((c) => c.matched.length > 0).length;
    }
    expect(stories).toBeGreaterThan(10);
    expect(matched).toBeGreaterThan(0);
    expect(results.some(({ worker }) => 'ok' in worker && worker.kind === 'not-a-feed')).toBe(true);
    expect(results.some(({ worker }) => 'ok' in worker && worker.kind === 'parse')).toBe(true);
    expect(pool.stats().inWorker - before.inWorker).toBe(docs.length);
    expect(pool.stats().inMainThread).toBe(before.inMainThread);
  });

  it('GIVEN a worker entry that cannot load WHEN documents are analysed THEN the main thread reads them, and one warning says so', async () => {
    const logs = capturingLogger();
    const broken = createAnalysePool({
      threads: 1,
      rules: classifier.rules,
      model: classifier.model,
      fallback: createAnalyser({ parse: parseFeed, normalise: normaliseItems }),
      log: logs.log,
      entry: { filename: new URL('./no-such-worker.js', import.meta.url).href, execArgv: [] },
    });
    try {
      const text = readFileSync(join(FIXTURES, 'rss2-full.xml'), 'utf8');
      const first = await broken.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW });
      const second = await broken.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW });
      for (const result of [first, second]) {
        expect('ok' in result).toBe(false);
        if ('ok' in result) continue;
        expect(result.batch.stories.length).toBeGreaterThan(0);
        // The fallback leaves classification to the poll cycle (new stories only).
        expect(result.classifications).toBeUndefined();
      }
      expect(broken.stats()).toEqual({ inWorker: 0, inMainThread: 2 });
      expect(await broken.warm()).toBe(false);
      const warnings = logs.lines().filter((l) => l.level === 'warn' || l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]?.msg)).toMatch(/parser thread failed; feeds are read in the main thread.*PARSE_THREADS=0/);
    } finally {
      await broken.close();
    }
  });

  it('GIVEN a few documents WHEN analysed THEN no thread starts; GIVEN a burst THEN one starts, documents are read in the main thread until it has loaded, and it takes the next ones', async () => {
    const logs = capturingLogger();
    const fresh = createAnalysePool({ threads: 1, rules: classifier.rules, model: classifier.model, fallback: createAnalyser({ parse: parseFeed, normalise: normaliseItems }), log: logs.log });
    try {
      const text = readFileSync(join(FIXTURES, 'rss2-full.xml'), 'utf8');
      const input = { text, finalUrl: FEED.url, feed: FEED, now: NOW };
      const early = await fresh.analyse(input);
      for (let i = 1; i < DOCUMENTS_BEFORE_THREAD - 1; i++) await fresh.analyse(input);
      // A short cycle's documents: read here, and no thread loads only to be stopped.
      expect(fresh.liveThreads()).toBe(0);
      expect(fresh.stats()).toEqual({ inWorker: 0, inMainThread: DOCUMENTS_BEFORE_THREAD - 1 });
      // The burst's next document starts a thread, and is itself read here rather than wait for it.
      await fresh.analyse(input);
      expect(fresh.liveThreads()).toBe(1);
      expect(fresh.stats()).toEqual({ inWorker: 0, inMainThread: DOCUMENTS_BEFORE_THREAD });
      expect(logs.lines().filter((l) => l.msg === 'starting a parser thread')).toHaveLength(1);
      expect(await fresh.warm()).toBe(true);
      const later = await fresh.analyse(input);
      expect(fresh.stats()).toEqual({ inWorker: 1, inMainThread: DOCUMENTS_BEFORE_THREAD });
      if ('ok' in early || 'ok' in later) throw new Error('the fixture should parse');
      expect(later.batch.stories).toEqual(early.batch.stories);
      expect(later.classifications).toHaveLength(early.batch.stories.length);
    } finally {
      await fresh.close();
    }
  });

  it('GIVEN a thread still loading its modules WHEN the pool is closed THEN close waits for it to load, stops it and resolves; the pool then reads in the main thread', async () => {
    const logs = capturingLogger();
    const loading = createAnalysePool({ threads: 2, rules: classifier.rules, model: classifier.model, fallback: createAnalyser({ parse: parseFeed, normalise: normaliseItems }), log: logs.log });
    // Started, not awaited: a thread cannot have loaded before the next turn of the event loop.
    const warming = loading.warm();
    expect(loading.liveThreads()).toBe(1);
    await loading.close();
    expect(logs.lines().some((l) => l.msg === 'waiting for parser threads still loading before stopping them')).toBe(true);
    expect(await warming).toBe(false);
    expect(loading.liveThreads()).toBe(0);
    expect(await loading.warm()).toBe(false);
    const text = readFileSync(join(FIXTURES, 'rss2-full.xml'), 'utf8');
    const result = await loading.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW });
    expect('ok' in result).toBe(false);
    expect(loading.stats()).toEqual({ inWorker: 0, inMainThread: 1 });
    // Closing again is harmless.
    await loading.close();
  });

  it('GIVEN pools closed at different points of a thread loading WHEN closed THEN each close resolves and stops its thread', { timeout: 60_000 }, async () => {
    // Closed at once, a turn of the event loop later, and a little later: during the thread's
    // bootstrap and while it loads its module graph, rather than at one moment only.
    const waits: (() => Promise<void>)[] = [
      () => Promise.resolve(),
      () => new Promise((resolve) => setImmediate(resolve)),
      () => new Promise((resolve) => setTimeout(resolve, 20)),
      () => new Promise((resolve) => setTimeout(resolve, 150)),
    ];
    for (const wait of waits) {
      const pool = createAnalysePool({ threads: 1, rules: classifier.rules, model: classifier.model, fallback: inThread, log: silentLogger() });
      const warming = pool.warm();
      await wait();
      await pool.close();
      expect(pool.liveThreads()).toBe(0);
      // True only when the thread had loaded before the close: either way it settles.
      expect(typeof (await warming)).toBe('boolean');
    }
  });

  it('GIVEN PARSE_THREADS=0 THEN everything is analysed in the main thread without starting a pool', async () => {
    const none = createAnalysePool({ threads: 0, rules: classifier.rules, model: classifier.model, fallback: inThread, log: silentLogger() });
    const text = readFileSync(join(FIXTURES, 'atom-full.atom'), 'utf8');
    const result = await none.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW });
    expect('ok' in result).toBe(false);
    expect(none.stats()).toEqual({ inWorker: 0, inMainThread: 1 });
    expect(none.threads).toBe(0);
    await none.close();
  });

  it('GIVEN no parser thread WHEN the pool has read as many documents as start a thread THEN the cycle counts as big but the young generation stays small', async () => {
    keepYoungGenerationSmall();
    await releaseHeapAfterBigCycle(); // nothing pending from an earlier test
    const none = createAnalysePool({ threads: 0, rules: classifier.rules, model: classifier.model, fallback: inThread, log: silentLogger() });
    const text = readFileSync(join(FIXTURES, 'atom-full.atom'), 'utf8');
    for (let i = 1; i < DOCUMENTS_BEFORE_THREAD; i++) await none.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW });
    expect(bigCyclePending()).toBe(false); // a short cycle
    await none.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW });
    expect(bigCyclePending()).toBe(true);
    await none.close();
  });

  it('GIVEN parser threads WHEN the main thread has read as many documents as start one THEN the cycle counts as big, not before', async () => {
    await releaseHeapAfterBigCycle(); // nothing pending from an earlier test
    // A thread that cannot load: every document is read in the main thread, as while one loads.
    const pool = createAnalysePool({ threads: 1, rules: classifier.rules, model: classifier.model, fallback: inThread, log: silentLogger(), entry: { filename: new URL('./no-such-worker.js', import.meta.url).href, execArgv: [] } });
    const text = readFileSync(join(FIXTURES, 'atom-full.atom'), 'utf8');
    for (let i = 1; i < DOCUMENTS_BEFORE_THREAD; i++) await pool.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW });
    expect(bigCyclePending()).toBe(false);
    await pool.analyse({ text, finalUrl: FEED.url, feed: FEED, now: NOW });
    expect(bigCyclePending()).toBe(true);
    await pool.close();
  });
});
