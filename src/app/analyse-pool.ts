/**
 * Worker threads for the CPU-heavy half of the poll cycle. rss-parser, reading HTML and the
 * classifier take about as long per story as SQLite's insert with its full-text index; on one
 * thread they add up, on two they overlap. The main thread fetches and writes; the pool
 * parses, normalises and classifies. A thread starts only once a burst of documents shows there
 * is work for it (a cycle of a few feeds never starts one), and exits after a short idle time, so
 * a bot between cycles holds no parser heaps.
 *
 * A thread is never terminated while it is still loading its modules: Node 20 aborts the whole
 * process (`FATAL ERROR: v8::Module::IsGraphAsync`, SIGABRT) when a worker is terminated while it
 * links an ES module graph it `require()`s, as piscina's worker does with our entry. `close()` first waits (bounded) for loading threads to
 * report ready, then stops them. See ADR 9.
 *
 * When a thread cannot be started or dies, that document is analysed in the main thread
 * instead (logged once): nothing is lost, the cycle is only slower.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { Model } from '../core/classify/model.js';
import type { RuleSet } from '../core/classify/rules.js';
import type { FetchFailure } from '../feeds/types.js';
import type { Analyse, AnalysedDocument, DocumentInput } from './analyse.js';
import type { AnalyseWorkerData } from './analyse-worker.js';
import { keepYoungGenerationSmall, noteBigCycle } from './young-generation.js';

/**
 * piscina, loaded when the first thread starts (CommonJS, so synchronously): a cycle too small
 * to start one never loads it (~20 ms and ~5 MB of a one-feed `once`; ADR 15).
 */
const loadPiscina = (): typeof Piscina => (createRequire(import.meta.url)('piscina') as typeof import('piscina')).Piscina;

/**
 * The parser thread's young generation, in MB (V8 gives a thread 3 × its semi-space; by
 * default ~48 MB, most of it touched by a thread that allocates fast). Its documents die young
 * and small, so a small nursery holds them as well. `once --all` over the benchmark's 1,000
 * feeds (`/usr/bin/time`, load 10–12): peak RSS 203–208 MB with 6–12 MB against 230 MB
 * without a limit, CPU within the run-to-run spread (ADR 15). The main thread's young
 * generation cannot be set from inside the process. Since the growth factor is kept at 1 beside a
 * thread as well (src/app/young-generation.ts), the thread's young generation keeps its starting
 * size and this is only a bound.
 */
export const PARSER_YOUNG_GENERATION_MB = 12;

/** Threads exit after this long without a document: between cycles none is kept. */
export const ANALYSE_IDLE_TIMEOUT_MS = 5_000;

/**
 * Documents read in the main thread, in one burst (no gap longer than the idle timeout), before
 * the pool starts a thread. A thread costs ~0.3 s of loading and its own heap; a cycle of a few
 * changed feeds is over before it could take a single document.
 */
export const DOCUMENTS_BEFORE_THREAD = 8;

/**
 * How long `close()` waits for a thread that is still loading before it stops it anyway. A
 * thread loads in ~0.3 s (1–3 s on a heavily loaded machine); the bound keeps a wedged thread
 * from holding shutdown for ever, and stays inside `run`'s 8 s shutdown deadline.
 */
export const CLOSE_LOADING_WAIT_MS = 5_000;

export interface AnalysePoolOptions {
  /** Worker threads; 0 analyses in the main thread. */
  readonly threads: number;
  readonly rules: RuleSet;
  readonly model: Model | null;
  /** Used when the pool cannot run a document (no thread could start, or one died). */
  readonly fallback: Analyse;
  readonly log: Logger;
  /** The worker entry; tests point it elsewhere to see the fallback work. */
  readonly entry?: { readonly filename: string; readonly execArgv: readonly string[] | undefined } | undefined;
}

export interface AnalysePool {
  readonly analyse: Analyse;
  /** Threads configured (0: main thread only). */
  readonly threads: number;
  /** Documents analysed in a worker thread and in the main thread (no threads, or fallback). */
  stats(): { readonly inWorker: number; readonly inMainThread: number };
  /** Threads alive now: 0 between cycles, once the idle timeout has passed. */
  liveThreads(): number;
  /**
   * Starts a thread now if none is alive, without waiting for a burst of documents (for a caller
   * that knows a large batch is coming, and tests). Documents that arrive before a thread has
   * loaded are read in the main thread rather than wait. Resolves true once a thread is ready,
   * false when there are no threads (none configured, or the pool retired or closed).
   */
  warm(): Promise<boolean>;
  /**
   * Stops the pool: documents from now on are read in the main thread. Threads still loading
   * are waited for (up to CLOSE_LOADING_WAIT_MS) before they are terminated; resolves once every
   * thread has exited.
   */
  close(): Promise<void>;
}

/**
 * Default thread count: one parser thread where three or more cores leave it one of its own,
 * none on one or two (issue 19: memory first on a small machine). More than one never pays: the
 * main thread, fetching and writing, stays the bottleneck with one (busy ~90% of a big cycle).
 *
 * Measured on 2 vCPUs, `once --all --no-deliver` over the benchmark's 1,000 feeds (`/usr/bin/time`,
 * alternated), since the main thread's young generation stays small beside a thread
 * (src/app/young-generation.ts): with one thread 13.6–18.6 s at 136–139 MB, without 16.7–24.7 s at
 * 103–108 MB, the thread faster in six of seven pairs; `run` rests at ~92 MB either way (the
 * thread exits when idle). The thread buys up to a fifth of the first cycle for ~32 MB, and in
 * the benchmark's own process (which holds ~24 MB more before the cycle) it took the poll
 * section's peak to 161 MB, past the 150 MB target, against 130 MB without. So two cores keep
 * memory first; `PARSE_THREADS=1` takes the trade, and `npm run bench` measures it beside
 * newsboat in each run. (Before the young generation was kept small beside a thread, it cost
 * ~70 MB: 175–196 MB at the peak.)
 */
export function defaultAnalyseThreads(cores: number = availableParallelism()): number {
  return cores >= 3 ? 1 : 0;
}

/**
 * The worker entry next to this module, with this module's extension: `.js` when built, `.mjs`
 * in the benchmark's bundle, `.ts` from sources (tests). From sources the thread needs the
 * TypeScript loader its parent has: tsx, a development dependency. Otherwise the thread inherits
 * the parent's options (`execArgv` undefined).
 */
function workerEntry(): { filename: string; execArgv: readonly string[] | undefined } {
  const extension = /\.(ts|mjs|js)$/.exec(new URL(import.meta.url).pathname)?.[1] ?? 'js';
  const filename = new URL(`./analyse-worker.${extension}`, import.meta.url).href;
  const needsLoader = extension === 'ts' && !process.execArgv.some((arg) => arg.includes('tsx'));
  return { filename, execArgv: needsLoader ? ['--import', 'tsx'] : undefined };
}

export function createAnalysePool(options: AnalysePoolOptions): AnalysePool {
  const counts = { inWorker: 0, inMainThread: 0 };
  const inMainThread: Analyse = (input) => {
    counts.inMainThread++;
    // Enough documents for a thread (or, without threads, as many): a big cycle, whose heap is
    // released when it ends.
    if (counts.inMainThread === DOCUMENTS_BEFORE_THREAD) noteBigCycle();
    return options.fallback(input);
  };
  const stats = () => ({ ...counts });
  if (options.threads <= 0) return { analyse: inMainThread, threads: 0, stats, liveThreads: () => 0, warm: () => Promise.resolve(false), close: () => Promise.resolve() };
  const { filename, execArgv } = options.entry ?? workerEntry();
  const workerData: AnalyseWorkerData = { rules: options.rules, model: options.model };
  type Pool = Piscina<DocumentInput | null, AnalysedDocument | FetchFailure | null>;
  // Threads that have loaded their module and said so (piscina's 'workerCreate' comes with its
  // ready message). A thread not in here is still loading: terminating it then aborts Node 20.
  const loaded = new Set<number>();
  // close() waiting for a loading thread, by thread id.
  const onLoaded = new Map<number, () => void>();
  // Made with the first thread (warm()): until then there is no pool and nothing to stop.
  let created: Pool | null = null;
  const pool = (): Pool => {
    if (created) return created;
    const made: Pool = new (loadPiscina())({
      filename,
      ...(execArgv ? { execArgv: [...execArgv] } : {}),
      workerData,
      minThreads: 0,
      maxThreads: options.threads,
      idleTimeout: ANALYSE_IDLE_TIMEOUT_MS,
      resourceLimits: { maxYoungGenerationSizeMb: PARSER_YOUNG_GENERATION_MB },
    });
    made.on('workerCreate', (worker: { readonly id: number }) => {
      // The thread has put the young generation's growth factor back already, once its modules
      // loaded; this covers a thread that could not (src/app/young-generation.ts).
      keepYoungGenerationSmall();
      loaded.add(worker.id);
      onLoaded.get(worker.id)?.();
    });
    made.on('workerDestroy', (worker: { readonly id: number }) => {
      loaded.delete(worker.id);
    });
    made.on('error', onPoolError);
    created = made;
    return made;
  };
  const threadsAlive = (): readonly Worker[] => created?.threads ?? [];
  // A thread has loaded and is alive. Threads exit when idle, so a pool seen without threads is
  // not ready again until a new one has loaded.
  const isReady = (): boolean => threadsAlive().some((thread) => loaded.has(thread.threadId));

  /** Resolves once every thread alive now has loaded or exited, or after CLOSE_LOADING_WAIT_MS. */
  const settleLoading = async (): Promise<void> => {
    const loading = threadsAlive().filter((thread) => !loaded.has(thread.threadId));
    if (loading.length === 0) return;
    options.log.debug({ threads: loading.length }, 'waiting for parser threads still loading before stopping them');
    const settled = Promise.all(loading.map((thread) => whenLoadedOrExited(thread)));
    // A timer that holds the event loop open: the threads are unref'd, and a process that ran
    // out of work would end now and stop them mid-load, which is what this wait avoids.
    const bound = new AbortController();
    const timedOut = await Promise.race([
      settled.then(() => false),
      delay(CLOSE_LOADING_WAIT_MS, true, { signal: bound.signal }).catch(() => false),
    ]);
    bound.abort();
    if (timedOut) options.log.warn({ threads: loading.length, waited_ms: CLOSE_LOADING_WAIT_MS }, 'a parser thread was still loading at shutdown; it is stopped anyway');
  };
  const whenLoadedOrExited = (thread: Worker): Promise<void> =>
    new Promise((resolve) => {
      const id = thread.threadId;
      const done = (): void => {
        onLoaded.delete(id);
        thread.off('exit', done);
        resolve();
      };
      onLoaded.set(id, done);
      thread.once('exit', done);
    });

  // Stops every thread once, for close() and for a retired pool alike: never while one loads.
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await settleLoading();
      // Tasks still queued (a shutdown mid-cycle) are rejected by destroy(); their documents are
      // read in the main thread, or their feeds reported as interrupted by the poll cycle.
      await created?.destroy().catch(() => undefined);
    })());

  // A thread that dies outside a task (it failed to load, or crashed between documents) leaves
  // piscina's queued tasks waiting for ever. So the first such error retires the whole pool:
  // queued documents are aborted into the main thread, and so is everything after.
  const retire = new AbortController();
  // Every queued document listens to it.
  setMaxListeners(0, retire.signal);
  const state = { retired: false };
  // Read through a function: the flag changes while a document is in a thread.
  const isRetired = (): boolean => state.retired;
  function onPoolError(error: unknown): void {
    if (state.retired) return;
    state.retired = true;
    options.log.warn({ err: error }, 'a parser thread failed; feeds are read in the main thread from now on (slower, nothing lost). Check that the installation is complete, or set PARSE_THREADS=0');
    retire.abort(error);
    void stop();
  }
  let warned = false;
  let warming: Promise<boolean> | null = null;
  const warm = (): Promise<boolean> => {
    if (state.retired) return Promise.resolve(false);
    if (isReady()) return Promise.resolve(true);
    // A failure here retires the pool through its 'error' event, which says what happened.
    if (warming === null) holdYoungGenerationWhileLoading();
    warming ??= pool().run(null, { name: 'warm', signal: retire.signal }).then(
      () => {
        warming = null;
        return !state.retired;
      },
      () => {
        warming = null;
        return false;
      },
    );
    return warming;
  };
  // V8 raises the young generation's growth factor when it sets up a new thread's heap, at a
  // moment the main thread cannot see; the thread lowers it once its modules have loaded, but the
  // main thread, reading documents meanwhile, can grow its young generation in between. So it lowers it
  // again at every turn of its event loop until the thread has loaded (src/app/young-generation.ts).
  const holdYoungGenerationWhileLoading = (): void => {
    const hold = setInterval(() => {
      keepYoungGenerationSmall();
      if (isReady() || state.retired || warming === null) clearInterval(hold);
    }, 1);
    hold.unref();
  };
  // Documents in the current burst: a thread starts only when enough arrive close together.
  const burst = { documents: 0, lastAt: Number.NEGATIVE_INFINITY };

  return {
    threads: options.threads,
    stats,
    liveThreads: () => (state.retired ? 0 : threadsAlive().length),
    warm,
    async analyse(input) {
      if (state.retired) return inMainThread(input);
      const at = performance.now();
      if (at - burst.lastAt > ANALYSE_IDLE_TIMEOUT_MS) burst.documents = 0;
      burst.documents++;
      burst.lastAt = at;
      if (!isReady()) {
        // Waiting for a thread to load would hold this feed for ~0.3 s: read it here meanwhile.
        // A few documents (a short cycle, a steady cycle's few changed feeds) never start a
        // thread: it would load only to be stopped.
        if (burst.documents >= DOCUMENTS_BEFORE_THREAD && warming === null) {
          options.log.debug({ documents: burst.documents }, 'starting a parser thread');
          void warm();
        }
        return inMainThread(input);
      }
      try {
        const result = await pool().run(input, { signal: retire.signal });
        if (result === null) throw new Error('the parser thread returned nothing');
        counts.inWorker++;
        return result;
      } catch (error) {
        // A retired pool has said so already, in one warning of its own.
        if (!warned && !isRetired()) {
          warned = true;
          options.log.warn({ err: error, feed_id: input.feed.id }, 'a parser thread failed on a document; it is read again in the main thread');
        }
        return inMainThread(input);
      }
    },
    async close() {
      state.retired = true;
      await stop();
    },
  };
}
