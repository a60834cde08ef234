import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The main thread's young generation during a start, and after (ADR 15). By default V8 doubles
 * the young generation whenever many objects survive a scavenge, up to 2 × 16 MB; during a start
 * (modules, rules, the model: all kept) they always do, so a one-feed `once` ended with 32 MB
 * reserved for 15 MB of heap in use. Its maximum can only be set on node's command line, but V8
 * reads the growth factor each time it would grow it, so the CLI sets it to 1 (no growth) first
 * thing, and the analyse pool lets it grow again (V8's default, 2) once a cycle has read enough
 * documents to be worth a parser thread: a big cycle's garbage then gets the young generation it
 * had before, in the main thread and the parser threads (flags are per process).
 *
 * Measured with `/usr/bin/time`, alternated: a one-feed `once` peaks at 81–82 MB against
 * 92–94 MB with the same CPU. Kept at 1 for the whole run, the benchmark's 1,000-feed cycles cost
 * more CPU (steady cycle 10.1 and 12.0 s against 8.9 and 9.1 s), hence the return to 2.
 */
const STARTING_GROWTH_FACTOR = 1;
const V8_DEFAULT_GROWTH_FACTOR = 2;

let growing = false;
/** A cycle big enough to leave garbage behind is running: the heap is released when it ends. */
let bigCycle = false;

/** No growth of the young generation: called by the CLI before anything else is loaded. */
export function keepYoungGenerationSmall(): void {
  growing = false;
  setFlagsFromString(`--semi-space-growth-factor=${STARTING_GROWTH_FACTOR}`);
}

/** V8's own growth again, from now on (idempotent); the cycle counts as big. */
export function letYoungGenerationGrow(): void {
  bigCycle = true;
  if (growing) return;
  growing = true;
  setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH_FACTOR}`);
}

/**
 * A big cycle without a parser thread: the young generation keeps its starting size. Measured on
 * 2 vCPUs, `once --all --no-deliver` over the benchmark's 1,000 feeds with every document read
 * in the main thread (two alternated pairs): peak RSS 119 MB against 149–151 MB with V8's
 * growth, for 10–13% more CPU (29.7 and 37.1 s of user time against 27.4 and 32.8 s); and
 * `run` gives the memory back sooner (104 MB ~15 s after the cycle, against 147–157 MB for
 * 35–50 s with a grown young generation). Memory first, on the machines that have no thread to
 * spare (issue 19). With a parser thread the garbage is mostly the thread's, and the growth
 * stays ({@link letYoungGenerationGrow}).
 */
export function noteBigCycle(): void {
  bigCycle = true;
}

/** Whether a big cycle has been noted and not yet released ({@link releaseHeapAfterBigCycle}). */
export function bigCyclePending(): boolean {
  return bigCycle;
}

/** Whether {@link letYoungGenerationGrow} has run since the last {@link keepYoungGenerationSmall}. */
export function youngGenerationGrows(): boolean {
  return growing;
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
 * After a big cycle (see {@link noteBigCycle}): the young generation stops growing again (if it
 * was let grow), and, {@link RELEASE_DELAY_MS} later, one full collection runs. V8 gives
 * the heap a cycle grew back only through its memory reducer, and the reducer starts only after
 * a full collection; a cycle's garbage is collected by scavenges, so without one the heap stayed
 * at its size for as long as nothing else ran one. Measured with `run` over the benchmark's
 * 1,000 feeds on 2 vCPUs: RSS 154–157 MB for the 50 s sampled after the cycle without it
 * (once 155 MB for 35–45 s, then 106 MB); with it 153 MB at 5 s, 114 MB at 15 s, 106 MB at
 * 50 s. The collection costs a few tens of milliseconds once per big cycle. The timer does not
 * keep the process alive (`once` exits at once). Resolves with whether it collected.
 */
export function releaseHeapAfterBigCycle(): Promise<boolean> {
  if (!bigCycle) return Promise.resolve(false);
  bigCycle = false;
  keepYoungGenerationSmall();
  return new Promise((resolve) => {
    setTimeout(() => {
      // A new big cycle started meanwhile: it will release when it ends.
      const collection = bigCycle ? null : fullCollection();
      collection?.();
      resolve(collection !== null);
    }, RELEASE_DELAY_MS).unref();
  });
}
