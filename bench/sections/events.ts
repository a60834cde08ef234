/**
 * Events: the cost of clustering one story against a window of 100,000 stories (the core's
 * signature + inverted index, and the store's whole `assign` with SQLite), as ratios against
 * baselines measured in the same run: a plain tokenisation pass over the same headlines, and the
 * store's own insert of a story. Then the developing rule on a generated day of traffic, for
 * each K sources within W minutes: how many breaking events it flags (recall) and how many
 * ordinary ones (false alarms per day). The defaults (docs/adr/0012) come from this table.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createEventRouter } from '../../src/app/events.js';
import { normaliseTitle } from '../../src/core/compose/cluster.js';
import { isDeveloping } from '../../src/core/events/developing.js';
import { EventIndex } from '../../src/core/events/match.js';
import { signatureOf } from '../../src/core/events/signature.js';
import type { Classification, Story } from '../../src/core/types.js';
import { createStore } from '../../src/store/index.js';
import { fmt, sectionMain, type Row } from '../child.js';
import { dayOfArrivals, eventHeadlines } from '../events.js';

const WINDOW_STORIES = 100_000;
/** Stories measured once the window is full. */
const MEASURED = 10_000;
const WINDOW_MS = 12 * 3_600_000;
const SEED = 17;

/** 100,000 + 10,000 headlines of events reported 1 to 6 times, in arrival order. */
function traffic(total: number): { title: string; at: number; event: number }[] {
  const out: { title: string; at: number; event: number }[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let event = 0; out.length < total; event++) {
    const reports = 1 + (event % 6 === 0 ? 5 : event % 3);
    for (const title of eventHeadlines(SEED, event, reports)) out.push({ title, at: 0, event });
  }
  out.length = total;
  // Interleave the reports of nearby events, as feeds do, and spread them over the window.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.max(0, i - 1 - ((i * 2_654_435_761) % 200));
    [out[i], out[j]] = [out[j] ?? out[i]!, out[i]!];
  }
  out.forEach((s, i) => (s.at = start + Math.floor((i / WINDOW_STORIES) * WINDOW_MS)));
  return out;
}

function microsPerStory(count: number, run: () => void): number {
  const t0 = performance.now();
  run();
  return ((performance.now() - t0) * 1000) / count;
}

const CLASSIFICATION: Classification = {
  matched: ['north-korea'],
  verdicts: [{ topic: 'north-korea', matched: true, score: 6, threshold: 3, keywordScore: 6, modelProbability: null, reasons: [] }],
};

sectionMain((options) => {
  const rows: Row[] = [];
  const stories = traffic(WINDOW_STORIES + MEASURED);
  const measured = stories.slice(WINDOW_STORIES);

  // Core: signature + index, the window filled first.
  const index = new EventIndex(Number.MAX_SAFE_INTEGER);
  let nextId = 1;
  let joined = 0;
  const cluster = (s: { title: string; at: number }): void => {
    const signature = signatureOf(s.title);
    const found = index.find(signature, s.at);
    if (found === null) index.add({ id: nextId++, startedAt: s.at, signature });
    else joined++;
  };
  for (const s of stories.slice(0, WINDOW_STORIES)) cluster(s);
  const clustersInWindow = index.size;
  joined = 0;
  const coreUs = microsPerStory(MEASURED, () => {
    for (const s of measured) cluster(s);
  });
  let tokens = 0;
  const tokeniseUs = microsPerStory(MEASURED, () => {
    for (const s of measured) tokens += normaliseTitle(s.title).split(' ').length;
  });
  rows.push({
    step: `clustering one story against ${fmt(WINDOW_STORIES)} stories in the window (${fmt(clustersInWindow)} events; signature + index)`,
    figure: `${fmt(coreUs, 1)} µs per story = ${fmt(coreUs / tokeniseUs, 1)}× a plain tokenisation pass (${fmt(tokeniseUs, 2)} µs); ${fmt((joined / MEASURED) * 100, 0)}% joined an event`,
    status: 'info',
  });

  // Store: the whole assign (SQLite reads and writes) against the story insert it follows.
  const dbPath = join(options.workDir, 'events-bench.db');
  rmSync(dbPath, { force: true });
  const store = createStore(dbPath);
  const router = createEventRouter({ store, topics: new Map(), sources: new Map(), feedsById: new Map() });
  const now = Date.UTC(2026, 0, 1, 12);
  const storyOf = (s: { title: string; at: number }, n: number): Story => ({
    id: `ev-${n}`, feedId: `feed-${n % 500}`, guid: null, url: `https://news.example/${n}`, title: s.title, summary: '', author: null,
    publishedAt: now - WINDOW_MS + (n % WINDOW_STORIES) * (WINDOW_MS / WINDOW_STORIES), publishedEstimated: false, firstSeenAt: now, language: 'en', categories: [],
  });
  const BATCH = 50;
  let insertMs = 0;
  let assignMs = 0;
  const fill = (from: number, to: number, timed: boolean): void => {
    for (let b = from; b < to; b += BATCH) {
      store.transaction(() => {
        for (let n = b; n < Math.min(to, b + BATCH); n++) {
          const s = stories[n];
          if (!s) continue;
          const story = storyOf(s, n);
          const t0 = performance.now();
          const outcome = store.stories.insert(story, CLASSIFICATION);
          const t1 = performance.now();
          router.assign(outcome.rowid, story, now);
          if (timed) {
            insertMs += t1 - t0;
            assignMs += performance.now() - t1;
          }
        }
      });
    }
  };
  fill(0, WINDOW_STORIES, false);
  fill(WINDOW_STORIES, WINDOW_STORIES + MEASURED, true);
  const insertUs = (insertMs * 1000) / MEASURED;
  const assignUs = (assignMs * 1000) / MEASURED;
  rows.push({
    step: `store: assigning one story to its event at ${fmt(WINDOW_STORIES)} stories (index + SQLite), after its insert`,
    figure: `${fmt(assignUs, 1)} µs per story = ${fmt(assignUs / insertUs, 2)}× the story insert (${fmt(insertUs, 1)} µs)`,
    status: 'info',
  });
  store.close();
  rmSync(dbPath, { force: true });

  // Developing: K sources within W minutes on 30 generated days.
  const days = Array.from({ length: 30 }, (_, d) => dayOfArrivals(SEED + d, 3_000));
  const all = days.flat();
  const breaking = all.filter((e) => e.breaking);
  const ordinary = all.filter((e) => !e.breaking);
  const grid: { k: number; w: number; recall: number; falsePerDay: number; medianDelayMin: number }[] = [];
  for (const k of [3, 4, 5, 6]) {
    for (const w of [15, 30, 60]) {
      const flag = (e: { offsets: readonly number[] }) => isDeveloping(e.offsets.map((at, i) => ({ feedId: `s${i}`, at })), k, w * 60_000);
      const flagged = breaking.filter(flag);
      const delays = flagged.map((e) => [...e.offsets].sort((a, b) => a - b)[k - 1] ?? 0).sort((a, b) => a - b);
      grid.push({ k, w, recall: flagged.length / breaking.length, falsePerDay: ordinary.filter(flag).length / days.length, medianDelayMin: (delays[Math.floor(delays.length / 2)] ?? 0) / 60_000 });
    }
  }
  for (const g of grid) {
    rows.push({
      step: `developing rule ${g.k} sources within ${g.w} min (30 generated days, ${fmt(breaking.length)} breaking events)`,
      figure: `flags ${fmt(g.recall * 100, 0)}% of breaking events (median ${fmt(g.medianDelayMin, 1)} min after the first report), ${fmt(g.falsePerDay, 1)} ordinary events a day`,
      status: 'info',
    });
  }
  return Promise.resolve({ section: 'Events', rows, data: { windowStories: WINDOW_STORIES, clustersInWindow, coreUsPerStory: coreUs, tokeniseUsPerStory: tokeniseUs, storeAssignUsPerStory: assignUs, storeInsertUsPerStory: insertUs, tokens, developing: grid } });
});
