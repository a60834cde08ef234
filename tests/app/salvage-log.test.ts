import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAnalyser } from '../../src/app/analyse.js';
import { createPoller } from '../../src/app/pipeline.js';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig } from '../../src/core/types.js';
import { parseFeed } from '../../src/feeds/parse.js';
import type { FetchResult } from '../../src/feeds/types.js';
import { createStore } from '../../src/store/index.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const FEED: FeedConfig = { id: 'wire', url: 'https://wire.example/feed.xml', name: 'Wire', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };
const NO_CHANNEL = '<rss version="2.0"><title>Wire</title><item><title>Seoul story</title><link>https://wire.example/1</link></item></rss>';
const WELL_FORMED = '<rss version="2.0"><channel><title>Wire</title><item><title>Seoul story</title><link>https://wire.example/1</link></item></channel></rss>';

function captureLog() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function cycleOver(text: string) {
  const captured = captureLog();
  const clock = { now: Date.UTC(2025, 2, 10, 12) };
  const fetched: FetchResult = { ok: true, notModified: false, status: 200, text, charset: 'utf-8', validators: { etag: null, lastModified: null, bodyHash: null }, finalUrl: FEED.url, bytes: text.length };
  const poller = createPoller({
    store: createStore(join(tempDir(), 'w.db')),
    log: captured.log,
    clock: () => clock.now,
    random: () => 0,
    fetch: () => Promise.resolve(fetched),
    analyse: createAnalyser({ parse: parseFeed, normalise: normaliseItems }),
    classify: () => ({ verdicts: [], matched: [] }),
  });
  const report = await poller.runCycle([FEED]);
  return { report, salvageLines: captured.lines().filter((l) => Array.isArray(l.repairs)) };
}

describe('salvaged feeds in the poll cycle', () => {
  it('GIVEN a feed read only after salvage THEN its stories are stored and the repairs are logged once, at info, with the feed id', async () => {
    const { report, salvageLines } = await cycleOver(NO_CHANNEL);
    expect(report.totals).toMatchObject({ ok: 1, failed: 0, newStories: 1 });
    expect(salvageLines).toHaveLength(1);
    expect(salvageLines[0]).toMatchObject({ level: 30, feed_id: 'wire', repairs: ['wrapped items in a <channel>'], msg: 'feed read after repairs: wrapped items in a <channel>' });
  });

  it('GIVEN a well-formed feed THEN nothing is logged about repairs', async () => {
    const { salvageLines } = await cycleOver(WELL_FORMED);
    expect(salvageLines).toEqual([]);
  });
});
