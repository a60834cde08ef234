/**
 * Worker threads for the CPU-heavy half of the poll cycle. rss-parser, HTML-to-text and the
 * classifier take about as long per story as SQLite's insert with its full-text index; on one
 * thread they add up, on two they overlap. The main thread fetches and writes; the pool
 * parses, normalises and classifies. Threads start on demand and exit after a short idle time,
 * so a bot between cycles holds no parser heaps.
 *
 * When a thread cannot be started or dies, that document is analysed in the main thread
 * instead (logged once): nothing is lost, the cycle is only slower.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { Model } from '../core/classify/model.js';
import type { RuleSet } from '../core/classify/rules.js';
import type { FetchFailure } from '../feeds/types.js';
import type { Analyse, AnalysedDocument, DocumentInput } from './analyse.js';
import type { AnalyseWorkerData } from './analyse-worker.js';

/** Threads exit after this long without a document: between cycles none is kept. */
export const ANALYSE_IDLE_TIMEOUT_MS = 5_000;

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
   * Starts a thread if none is alive. A cycle calls it as it begins, so the ~0.3 s a thread
   * takes to load overlaps the first fetches; documents that arrive before a thread has loaded
   * are read in the main thread rather than wait. Resolves true once a thread is ready, false
   * when there are no threads (none configured, or the pool retired).
   */
  warm(): Promise<boolean>;
  close(): Promise<void>;
}

/** Default thread count: every core but the one the main thread fetches and writes on. */
export function defaultAnalyseThreads(): number {
  return Math.max(1, availableParallelism() - 1);
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
    return options.fallback(input);
  };
  const stats = () => ({ ...counts });
  if (options.threads <= 0) return { analyse: inMainThread, threads: 0, stats, liveThreads: () => 0, warm: () => Promise.resolve(false), close: () => Promise.resolve() };
  const { filename, execArgv } = options.entry ?? workerEntry();
  const workerData: AnalyseWorkerData = { rules: options.rules, model: options.model };
  const pool = new Piscina<DocumentInput | null, AnalysedDocument | FetchFailure | null>({
    filename,
    ...(execArgv ? { execArgv: [...execArgv] } : {}),
    workerData,
    minThreads: 0,
    maxThreads: options.threads,
    idleTimeout: ANALYSE_IDLE_TIMEOUT_MS,
  });
  // A thread that dies outside a task (it failed to load, or crashed between documents) leaves
  // piscina's queued tasks waiting for ever. So the first such error retires the whole pool:
  // queued documents are aborted into the main thread, and so is everything after.
  const retire = new AbortController();
  // Every queued document listens to it.
  setMaxListeners(0, retire.signal);
  const state = { retired: false };
  // Read through a function: the flag changes while a document is in a thread.
  const isRetired = (): boolean => state.retired;
  pool.on('error', (error: unknown) => {
    if (state.retired) return;
    state.retired = true;
    options.log.warn({ err: error }, 'a parser thread failed; feeds are read in the main thread from now on (slower, nothing lost). Check that the installation is complete, or set PARSE_THREADS=0');
    retire.abort(error);
    pool.destroy().catch(() => undefined);
  });
  let warned = false;
  // A thread has loaded since the pool last had none. Threads exit when idle, so a pool seen
  // without threads is not ready again until a new one has loaded.
  let ready = false;
  const isReady = (): boolean => {
    if (pool.threads.length === 0) ready = false;
    return ready;
  };
  let warming: Promise<boolean> | null = null;
  const warm = (): Promise<boolean> => {
    if (state.retired) return Promise.resolve(false);
    if (isReady()) return Promise.resolve(true);
    // A failure here retires the pool through its 'error' event, which says what happened.
    warming ??= pool.run(null, { name: 'warm', signal: retire.signal }).then(
      () => {
        warming = null;
        ready = !state.retired;
        return ready;
      },
      () => {
        warming = null;
        return false;
      },
    );
    return warming;
  };

  return {
    threads: options.threads,
    stats,
    liveThreads: () => (state.retired ? 0 : pool.threads.length),
    warm,
    async analyse(input) {
      if (state.retired) return inMainThread(input);
      if (!isReady()) {
        // Waiting for a thread to load would hold this feed (and a steady cycle's few changed
        // documents) for ~0.3 s: read it here meanwhile.
        void warm();
        return inMainThread(input);
      }
      try {
        const result = await pool.run(input, { signal: retire.signal });
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
      if (state.retired) return;
      state.retired = true;
      // Tasks still queued (a shutdown mid-cycle) are rejected by destroy(); their feeds are
      // reported as interrupted by the poll cycle.
      await pool.destroy().catch(() => undefined);
    },
  };
}
