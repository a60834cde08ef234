import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The main thread's young generation: it keeps its starting size, always (ADR 15). By default
 * V8 doubles the young generation whenever many objects survive a scavenge, up to 2 × 16 MB;
 * during a start (modules, rules, the model: all kept) they always do, so a one-feed `once`
 * ended with 32 MB reserved for 15 MB of heap in use. Its maximum can only be set on node's
 * command line, but V8 reads the growth factor each time it would grow it, so the CLI sets it to
 * 1 (no growth) first thing.
 *
 * The factor is one flag for the whole process, and V8 raises it back to 2 whenever it sets up
 * an isolate's heap (`Heap::ConfigureHeap`), that is, whenever a worker thread starts. So each
 * parser thread puts it back as soon as its modules have loaded (src/app/analyse-worker.ts), and
 * the pool, from the main thread, at every turn of its event loop until then and once more when
 * the thread is ready (src/app/analyse-pool.ts). Before this was known, a big cycle with a parser
 * thread ran with the main thread's young generation at 2 × 16 MB. One gap stays: a scavenge of
 * the main thread between the thread's heap set-up and the main loop's next turn grows it once
 * (doubles it). Measured over 74 thread starts with six to eight processes on 2 vCPUs: once (4 to
 * 8 MB); never in 30 on an idle machine. V8 shrinks it again when allocation slows.
 *
 * Measured with `/usr/bin/time`, alternated: a one-feed `once` peaks at 81–82 MB against
 * 92–94 MB with the same CPU. A big cycle read in the main thread (`once --all --no-deliver`
 * over the benchmark's 1,000 feeds, two alternated pairs): peak RSS 119 MB against 149–151 MB
 * with V8's growth, for 10–13% more CPU; and `run` gives the memory back sooner (104 MB ~15 s
 * after the cycle, against 147–157 MB for 35–50 s with a grown young generation). With one
 * parser thread, where the main thread fetches and writes and the thread reads (three alternated
 * pairs on 2 vCPUs): peak 137–139 MB against 175–181 MB with the main thread's young generation
 * grown, in the same time (14.8–18.6 s against 14.5–19.8 s); the thread's own young generation
 * stays small too.
 */
const NO_GROWTH_FACTOR = 1;

/** A cycle big enough to leave garbage behind is running: the heap is released when it ends. */
let bigCycle = false;

/**
 * No growth of the young generation: called by the CLI before anything else is loaded, by each
 * parser thread once its modules have loaded, and by the pool while a thread loads and once it
 * has (see above).
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString(`--semi-space-growth-factor=${NO_GROWTH_FACTOR}`);
}

/** A cycle read enough documents to leave garbage behind: its heap is released when it ends. */
export function noteBigCycle(): void {
  bigCycle = true;
}

/** Whether a big cycle has been noted and not yet released ({@link releaseHeapAfterBigCycle}). */
export function bigCyclePending(): boolean {
  return bigCycle;
}

/** How long after a big cycle the heap is collected: a cycle's stragglers (last writes, logs) are done by then. */
export const RELEASE_DELAY_MS = 2_000;

let collect: (() => void) | null | undefined;

/**
 * V8's full collection, reached without `--expose-gc` on the command line (the `bin` cannot
 * pass one, ADR 15): the flag is set, and a fresh context is created that has `gc`, as the
 * `expose-gc` package does. null where it cannot be had.
 */
function fullCollection(): (() => void) | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      collect = typeof gc === 'function' ? () => { (gc as () => void)(); } : null;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/**
 * After a big cycle (see {@link noteBigCycle}), {@link RELEASE_DELAY_MS} later, one full
 * collection runs. V8 gives the heap a cycle grew back only through its memory reducer, and the
 * reducer starts only after a full collection; a cycle's garbage is collected by scavenges, so
 * without one the heap stayed at its size for as long as nothing else ran one. Measured with `run` over the benchmark's
 * 1,000 feeds on 2 vCPUs: RSS 154–157 MB for the 50 s sampled after the cycle without it
 * (once 155 MB for 35–45 s, then 106 MB); with it 153 MB at 5 s, 114 MB at 15 s, 106 MB at
 * 50 s. The collection costs a few tens of milliseconds once per big cycle. The timer does not
 * keep the process alive (`once` exits at once). Resolves with whether it collected.
 */
export function releaseHeapAfterBigCycle(): Promise<boolean> {
  if (!bigCycle) return Promise.resolve(false);
  bigCycle = false;
  return new Promise((resolve) => {
    setTimeout(() => {
      // A new big cycle started meanwhile: it will release when it ends.
      const collection = bigCycle ? null : fullCollection();
      collection?.();
      resolve(collection !== null);
    }, RELEASE_DELAY_MS).unref();
  });
}
