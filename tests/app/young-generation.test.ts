import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { bigCyclePending, keepYoungGenerationSmall, noteBigCycle, releaseHeapAfterBigCycle } from '../../src/app/young-generation.js';

/** Full (mark-compact) collections seen while `body` runs. */
async function majorCollectionsDuring(body: () => Promise<void>): Promise<number> {
  const seen: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    seen.push(...list.getEntries());
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    await body();
    await delay(50); // entries are delivered asynchronously
  } finally {
    observer.disconnect();
  }
  return seen.filter((e) => (e as PerformanceEntry & { readonly detail?: { readonly kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR).length;
}

afterEach(() => {
  keepYoungGenerationSmall();
});

describe('releasing the heap after a big cycle', () => {
  it('GIVEN a big cycle WHEN it ends THEN one full collection runs a moment later', async () => {
    noteBigCycle();
    let collected: boolean | null = null;
    const majors = await majorCollectionsDuring(async () => {
      collected = await releaseHeapAfterBigCycle();
    });
    expect(collected).toBe(true);
    expect(majors).toBeGreaterThanOrEqual(1);
    expect(bigCyclePending()).toBe(false);
  });

  it('GIVEN a small cycle THEN nothing is collected on its account', async () => {
    expect(bigCyclePending()).toBe(false);
    expect(await releaseHeapAfterBigCycle()).toBe(false);
  });

  it('GIVEN another big cycle starts before the delay THEN the collection waits for that one to end', async () => {
    noteBigCycle();
    const release = releaseHeapAfterBigCycle();
    noteBigCycle(); // the next cycle is big too
    expect(await release).toBe(false);
    expect(bigCyclePending()).toBe(true);
  });
});

describe('the young generation beside a parser thread', () => {
  const PROBE = fileURLToPath(new URL('../helpers/young-generation-probe.ts', import.meta.url));
  const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

  it('GIVEN a process that keeps it small WHEN a parser thread starts (V8 resets the growth factor for every new heap) THEN the main thread\'s young generation does not grow to V8\'s size', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', TSX, PROBE], { timeout: 60_000 });
    const probe = JSON.parse(stdout) as { readonly before: number; readonly after: number; readonly grown: number; readonly loaded: boolean };
    expect(probe.loaded).toBe(true);
    expect(probe.before).toBeGreaterThan(0);
    // The control: with V8's factor the same churn grows it (to 2 × 16 MB), as it did beside a
    // thread before the factor was put back.
    expect(probe.grown).toBeGreaterThan(2 * probe.before);
    // At most one doubling: a scavenge can fall between the thread's heap set-up and the main
    // loop's next turn (about 1 start in 50 on a loaded machine; src/app/young-generation.ts).
    expect(probe.after).toBeLessThanOrEqual(2 * probe.before);
    expect(probe.after).toBeLessThan(probe.grown);
  });
});
