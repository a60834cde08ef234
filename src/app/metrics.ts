import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC_PREFIX } from './metric-prefix.js';
import type { FeedState } from '../store/feed-state.js';
import type { CycleReport } from './pipeline.js';

/** Every metric name starts with this, so a shared Prometheus can tell Watchfloor's apart. */
export { METRIC_PREFIX };

/** Label value for stories that matched no topic (Prometheus labels cannot be empty in practice). */
export const NO_TOPIC_LABEL = 'none';

/**
 * Poll cycles fetch dozens of feeds with per-request timeouts of tens of seconds, so the buckets
 * reach minutes; the low end tells a healthy all-304 cycle from a real one.
 */
const CYCLE_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The application's metrics, each registered on the object's own registry. */
export interface Metrics {
  /** Registry holding only these metrics (plus process metrics); serve `registry.metrics()`. */
  readonly registry: Registry;
  /** Wall time of one poll cycle, seconds. */
  readonly cycleDuration: Histogram;
  /** Poll cycles finished, by outcome (the run command uses `ok` and `all-failed`). */
  readonly cycles: Counter<'outcome'>;
  /** Unix time (seconds) the last poll cycle finished; 0 before the first. */
  readonly lastCycleFinished: Gauge;
  /** Feeds whose last poll succeeded (including 304 Not Modified). */
  readonly feedsOk: Gauge;
  /** Feeds whose last poll failed. */
  readonly feedsFailing: Gauge;
  /** New stories stored, by topic (`none` for stories that matched no topic). */
  readonly storiesStored: Counter<'topic'>;
  /** Instant alerts delivered. */
  readonly alertsSent: Counter;
  /** Digests delivered. */
  readonly digestsSent: Counter;
  /** Deliveries waiting in the outbox; read at scrape time from the source set with {@link Metrics.setOutboxDepthSource}. */
  readonly outboxDepth: Gauge;
  /** Discord failures by kind (e.g. `rate_limit`, `http`, `gateway`, `permission`). */
  readonly discordErrors: Counter<'kind'>;
  /** Feed fetch failures by kind (the FetchResult failure kinds: `timeout`, `http`, `parse`, …). */
  readonly fetchErrors: Counter<'kind'>;
  /**
   * Sets where the outbox depth comes from; it is called at each scrape, so the value is
   * never stale. A source that throws leaves the previous value (a scrape must not fail
   * because the database is busy).
   */
  setOutboxDepthSource(source: () => number): void;
  /**
   * Outbox messages by status (`pending`, `sent`, `dead`, `uncertain`: a webhook message that may
   * have been posted and is held until a person requeues it). Read at each scrape from the source
   * set with {@link Metrics.setOutboxCountsSource}, so every process's messages are counted.
   */
  readonly outboxMessages: Gauge<'status'>;
  setOutboxCountsSource(source: () => Readonly<Record<string, number>>): void;
  /** Documents parsed so far, by where (`worker`: a parser thread; `main`: no threads, or their fallback). */
  readonly documentsAnalysed: Counter<'thread'>;
  /** Parser threads alive now (0 between cycles, once idle). */
  readonly parseThreadsLive: Gauge;
  /** Sets where the two analyse-pool metrics come from; read at each scrape, like the outbox depth. */
  setAnalyseSource(source: () => AnalyseSnapshot): void;
}

/** What the analyse pool reports at a scrape. */
export interface AnalyseSnapshot {
  readonly inWorker: number;
  readonly inMainThread: number;
  readonly liveThreads: number;
}

/** Options for {@link createMetrics}. */
export interface MetricsOptions {
  /** Collect Node process metrics (CPU, memory, event loop lag, GC). Default true. */
  readonly processMetrics?: boolean;
}

/**
 * Creates the metrics on a fresh registry (never prom-client's global one), so tests and
 * several instances in one process do not collide.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  let outboxSource: (() => number) | null = null;
  let analyseSource: (() => AnalyseSnapshot) | null = null;
  /** The pool's counts now; a source that throws leaves both metrics as they were. */
  const analyse = (): AnalyseSnapshot | null => {
    try {
      return analyseSource?.() ?? null;
    } catch {
      return null;
    }
  };

  const cycleDuration = new Histogram({
    name: `${METRIC_PREFIX}poll_cycle_duration_seconds`,
    help: 'Wall time of one poll cycle in seconds.',
    buckets: CYCLE_BUCKETS_SECONDS,
    registers: [registry],
  });
  const cycles = new Counter({
    name: `${METRIC_PREFIX}poll_cycles_total`,
    help: 'Poll cycles finished, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const lastCycleFinished = new Gauge({
    name: `${METRIC_PREFIX}poll_cycle_last_finished_timestamp_seconds`,
    help: 'Unix time the last poll cycle finished; 0 before the first.',
    registers: [registry],
  });
  const feedsOk = new Gauge({
    name: `${METRIC_PREFIX}feeds_ok`,
    help: 'Feeds whose last poll succeeded (including 304 Not Modified).',
    registers: [registry],
  });
  const feedsFailing = new Gauge({
    name: `${METRIC_PREFIX}feeds_failing`,
    help: 'Feeds whose last poll failed.',
    registers: [registry],
  });
  const storiesStored = new Counter({
    name: `${METRIC_PREFIX}stories_stored_total`,
    help: `New stories stored, by topic ("${NO_TOPIC_LABEL}" for stories that matched no topic).`,
    labelNames: ['topic'] as const,
    registers: [registry],
  });
  const alertsSent = new Counter({
    name: `${METRIC_PREFIX}alerts_sent_total`,
    help: 'Instant alerts delivered.',
    registers: [registry],
  });
  const digestsSent = new Counter({
    name: `${METRIC_PREFIX}digests_sent_total`,
    help: 'Digests delivered.',
    registers: [registry],
  });
  const outboxDepth = new Gauge({
    name: `${METRIC_PREFIX}outbox_depth`,
    help: 'Deliveries waiting in the outbox.',
    registers: [registry],
    collect() {
      if (!outboxSource) return;
      try {
        this.set(outboxSource());
      } catch {
        // Keep the previous value: a busy or closing database must not fail the whole scrape.
      }
    },
  });
  let outboxCountsSource: (() => Readonly<Record<string, number>>) | null = null;
  const outboxMessages = new Gauge({
    name: `${METRIC_PREFIX}outbox_messages`,
    help: 'Outbox messages by status; "uncertain": a webhook message that may have been posted, held until `watchfloor outbox retry`.',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      if (!outboxCountsSource) return;
      try {
        for (const [status, n] of Object.entries(outboxCountsSource())) this.set({ status }, n);
      } catch {
        // Keep the previous values, as the depth does.
      }
    },
  });
  const discordErrors = new Counter({
    name: `${METRIC_PREFIX}discord_errors_total`,
    help: 'Discord failures by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const fetchErrors = new Counter({
    name: `${METRIC_PREFIX}fetch_errors_total`,
    help: 'Feed fetch failures by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });

  const documentsAnalysed = new Counter({
    name: `${METRIC_PREFIX}documents_analysed_total`,
    help: 'Feed documents parsed, by thread: "worker" (a parser thread) or "main" (no threads, or their fallback after a thread failed).',
    labelNames: ['thread'] as const,
    registers: [registry],
    collect() {
      const snapshot = analyse();
      if (!snapshot) return;
      // The pool counts; the counter mirrors its totals (both only grow).
      this.reset();
      this.inc({ thread: 'worker' }, snapshot.inWorker);
      this.inc({ thread: 'main' }, snapshot.inMainThread);
    },
  });
  const parseThreadsLive = new Gauge({
    name: `${METRIC_PREFIX}parse_threads_live`,
    help: 'Parser threads alive now (they exit when idle between cycles).',
    registers: [registry],
    collect() {
      const snapshot = analyse();
      if (snapshot) this.set(snapshot.liveThreads);
    },
  });

  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  return {
    registry,
    cycleDuration,
    cycles,
    lastCycleFinished,
    feedsOk,
    feedsFailing,
    storiesStored,
    alertsSent,
    digestsSent,
    outboxDepth,
    discordErrors,
    fetchErrors,
    setOutboxDepthSource(source) {
      outboxSource = source;
    },
    outboxMessages,
    setOutboxCountsSource(source) {
      outboxCountsSource = source;
    },
    documentsAnalysed,
    parseThreadsLive,
    setAnalyseSource(source) {
      analyseSource = source;
    },
  };
}

/** What one finished poll cycle adds to the metrics; `states`: every feed's poll state after it. */
export function recordCycleMetrics(metrics: Metrics, report: CycleReport, states: Iterable<FeedState>): void {
  metrics.cycleDuration.observe((report.finishedAt - report.startedAt) / 1000);
  metrics.cycles.inc({ outcome: report.totals.failed === report.totals.polled && report.totals.polled > 0 ? 'all-failed' : 'ok' });
  metrics.lastCycleFinished.set(report.finishedAt / 1000);
  let failing = 0;
  let ok = 0;
  for (const s of states) {
    if (s.consecutiveFailures > 0) failing++;
    else if (s.lastSuccessAt !== null) ok++;
  }
  metrics.feedsFailing.set(failing);
  metrics.feedsOk.set(ok);
  for (const result of report.results) {
    if (result.error) metrics.fetchErrors.inc({ kind: result.error.kind });
    for (const [topic, n] of Object.entries(result.perTopic)) metrics.storiesStored.inc({ topic }, n);
    const unmatched = result.newStories - result.matchedStories;
    if (unmatched > 0) metrics.storiesStored.inc({ topic: NO_TOPIC_LABEL }, unmatched);
  }
}
