import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { bigCyclePending, keepYoungGenerationSmall, letYoungGenerationGrow, noteBigCycle, releaseHeapAfterBigCycle, youngGenerationGrows } from '../../src/app/young-generation.js';

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
  it('GIVEN a big cycle (the young generation grew) WHEN it ends THEN growth stops and one full collection runs a moment later', async () => {
    letYoungGenerationGrow();
    let collected: boolean | null = null;
    const majors = await majorCollectionsDuring(async () => {
      const release = releaseHeapAfterBigCycle();
      expect(youngGenerationGrows()).toBe(false);
      collected = await release;
    });
    expect(collected).toBe(true);
    expect(majors).toBeGreaterThanOrEqual(1);
  });

  it('GIVEN a big cycle read in the main thread only (noted, no growth) WHEN it ends THEN the heap is collected too', async () => {
    noteBigCycle();
    expect(youngGenerationGrows()).toBe(false);
    expect(await releaseHeapAfterBigCycle()).toBe(true);
    expect(bigCyclePending()).toBe(false);
  });

  it('GIVEN a small cycle (no growth) THEN nothing is collected on its account', async () => {
    keepYoungGenerationSmall();
    expect(await releaseHeapAfterBigCycle()).toBe(false);
  });

  it('GIVEN another big cycle starts before the delay THEN the collection waits for that one to end', async () => {
    letYoungGenerationGrow();
    const release = releaseHeapAfterBigCycle();
    letYoungGenerationGrow(); // the next cycle is big too
    expect(await release).toBe(false);
    expect(youngGenerationGrows()).toBe(true);
  });
});
