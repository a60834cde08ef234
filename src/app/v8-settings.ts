import { setFlagsFromString } from 'node:v8';
import { keepYoungGenerationSmall } from './young-generation.js';

/**
 * V8 settings of every Watchfloor process, chosen by measurement (ADR 15). Imported first by the
 * CLI, before undici compiles its HTTP parser.
 *
 * `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly. Feeds are fetched
 * with node:http since (its llhttp is native), so this now concerns discord.js's REST client,
 * which is undici, in a bot or webhook deployment; the figures below are from when feeds went
 * through it. By default V8 compiles it twice, with its baseline compiler and then again, in
 * the background, with its optimising one; that second compilation is the largest transient
 * allocation of a run: measured with `/usr/bin/time`, a `once` over one feed peaked at
 * 130–138 MB with it and 102–109 MB without, and `once --all` over the benchmark's 1,000 feeds
 * at 317 MB against 245 MB, with no more CPU (39.6 s against 37.4 s, the machine loaded). The baseline code parses the few kilobytes of
 * headers per response quickly enough; bodies pass through as slices.
 *
 * `--heap-growing-percent=20`: after each full collection V8 lets the old generation grow to
 * 1.2× what survived before the next one, instead of a factor it picks from the collector's
 * speed (up to 4×, and the largest on a busy machine). A poll cycle keeps ~35 MB alive in the main
 * thread, but with the default factor the heap held ~110 MB of old space at the peak, mostly
 * garbage. Measured over the benchmark's 1,000 feeds (`once --all`, `/usr/bin/time`): peak RSS
 * 227–233 MB against 293–327 MB, the heap at the peak 81 against 156 MB, CPU within the run-to-run
 * spread. Unlike the heap sizes, this flag is read at every collection, so it can be set here;
 * it applies to the parser threads too (flags are per process).
 *
 * The young generation does not grow during the start (`src/app/young-generation.ts`).
 *
 * Heap sizes (`--max-semi-space-size`, `--max-old-space-size`) cannot be changed once the process
 * runs; see ADR 15 for what was measured and where they would have to be set.
 */
setFlagsFromString('--liftoff-only');
setFlagsFromString('--heap-growing-percent=20');
keepYoungGenerationSmall();
