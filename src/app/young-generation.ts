import { setFlagsFromString } from 'node:v8';

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

/** No growth of the young generation: called by the CLI before anything else is loaded. */
export function keepYoungGenerationSmall(): void {
  growing = false;
  setFlagsFromString(`--semi-space-growth-factor=${STARTING_GROWTH_FACTOR}`);
}

/** V8's own growth again, from now on (idempotent). */
export function letYoungGenerationGrow(): void {
  if (growing) return;
  growing = true;
  setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH_FACTOR}`);
}

/** Whether {@link letYoungGenerationGrow} has run since the last {@link keepYoungGenerationSmall}. */
export function youngGenerationGrows(): boolean {
  return growing;
}
