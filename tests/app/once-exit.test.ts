/**
 * `watchfloor once` exits 0 after a short cycle, every time (issue 20). A parse thread terminated
 * while it was still loading its ES modules aborted the whole process (SIGABRT, exit 134) after
 * the report was printed: a cycle of a few feeds started a thread it had no use for, and shutdown
 * stopped it mid-load. Each run here is a real process: short cycles of 1–3 feeds (which must not
 * start a thread at all) and of ten feeds (which start one near the end of the cycle, so that
 * shutdown meets it loading). PARSE_THREADS is set so that threads are configured on any machine.
 * Bounded: 20 runs, two at a time.
 *
 * `bench/once-stress.ts` runs the long version (hundreds of runs, and cycles of 300 feeds).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTS_BEFORE_THREAD } from '../../src/app/analyse-pool.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

/** Fixtures that are fetched and handed to the parser (some parse, some fail to): each one is a document analysed. */
const DOCUMENTS = ['rss2-full.xml', 'atom-full.atom', 'rss091.xml', 'rss1-rdf.rdf', 'media-only.xml', 'missing-dates-relative.xml', 'duplicate-guids.xml', 'bare-ampersand.xml', 'empty.xml', 'truncated.xml'];
/** Runs in all (every fourth is a cycle of ten feeds), two at a time. */
const RUNS = 20;
const AT_ONCE = 2;

interface Run {
  readonly feeds: number;
  readonly result: CliResult;
}

function feedsFile(dir: string, count: number): string {
  const feeds = DOCUMENTS.slice(0, count).map((name, i) => ({ id: `f${i}`, name: `Feed ${i}`, url: server.url(`/plain/${name}`), language: 'en', kind: 'outlet' }));
  const path = join(dir, `feeds-${count}.json`);
  writeFileSync(path, JSON.stringify({ feeds }));
  return path;
}

describe('watchfloor once, run again and again', () => {
  it(`GIVEN ${RUNS} short cycles with parse threads configured WHEN each runs in its own process THEN every one prints its report and exits 0`, { timeout: 180_000 }, async () => {
    expect(DOCUMENTS.length).toBeGreaterThanOrEqual(DOCUMENTS_BEFORE_THREAD);
    const shared = tempDir();
    // One model for all runs: trained by the first, loaded by the rest.
    const model = join(shared, 'model.json');
    const runOne = async (i: number): Promise<Run> => {
      const feeds = i % 4 === 3 ? DOCUMENTS.length : 1 + (i % 4);
      const dir = tempDir();
      // A new database each time: every document is new, so every one is analysed.
      const env = { WATCHFLOOR_FEEDS: feedsFile(dir, feeds), WATCHFLOOR_DB: join(dir, 'w.db'), WATCHFLOOR_MODEL: model, PARSE_THREADS: '2', LOG_LEVEL: 'debug' };
      return { feeds, result: await runCli(['once', '--all', '--no-deliver', '--json'], env) };
    };
    // The first run trains and saves the model; the others load it.
    const runs: Run[] = [await runOne(0)];
    for (let i = 1; i < RUNS; i += AT_ONCE) {
      runs.push(...(await Promise.all(Array.from({ length: Math.min(AT_ONCE, RUNS - i) }, (_, k) => runOne(i + k)))));
    }
    const failed = runs.filter(({ result }) => result.code !== 0);
    expect(failed.map(({ feeds, result }) => `${feeds} feed(s): exit ${result.code}\n${result.stderr.split('\n').filter((l) => /FATAL|Error/i.test(l)).slice(0, 5).join('\n')}`)).toEqual([]);
    for (const { feeds, result } of runs) {
      const report = JSON.parse(result.stdout) as { totals: { polled: number } };
      expect(report.totals.polled).toBe(feeds);
      const started = result.stderr.includes('starting a parser thread');
      // A cycle of a few feeds starts no thread; a burst of documents does.
      expect(started, `${feeds} feed(s)`).toBe(feeds >= DOCUMENTS_BEFORE_THREAD);
    }
  });
});
