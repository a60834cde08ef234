import { setMaxListeners } from 'node:events';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { assertFeedHomes, loadFeeds } from '../config/feeds.js';
import { normaliseItems } from '../core/story.js';
import type { FeedConfig } from '../core/types.js';
import { closeFetchAgents, fetchFeed } from '../feeds/fetch.js';
import { createHostLimiter } from '../feeds/limiter.js';
import { parseFeed } from '../feeds/parse.js';
import { polledFeeds, strayHomes } from '../store/added-feeds.js';
import { createStore, type Store } from '../store/index.js';
import type { UnreadableRow } from '../store/unreadable-rows.js';
import { createAnalyser } from './analyse.js';
import { createAnalysePool, defaultAnalyseThreads, type AnalysePool } from './analyse-pool.js';
import { loadClassifier, type Classifier } from './classifier.js';
import type { Paths } from './context.js';
import { createDelivery, type Delivery } from './delivery.js';
import { createPoller, type Poller, type PollerDeps } from './pipeline.js';
import { openNextFireMemo, scheduleMemoPathFor } from './schedule-memo.js';

/** What Watchfloor identifies itself as: honest, with a way to reach the operator's software. */
export const USER_AGENT = 'Watchfloor/0.1 (self-hosted news monitor; +https://github.com/watchfloor/watchfloor)';

export interface Runtime {
  readonly env: Env;
  readonly paths: Paths;
  readonly feeds: readonly FeedConfig[];
  /** feeds.json plus the feeds added from Discord, read from the store on each call (each cycle). */
  allFeeds(): readonly FeedConfig[];
  readonly store: Store;
  readonly classifier: Classifier;
  readonly poller: Poller;
  /** Worker threads of the poll cycle (parse, normalise, classify). */
  readonly analysePool: AnalysePool;
  readonly delivery: Delivery;
  readonly log: Logger;
  /** Aborts in-flight fetches (shutdown). */
  readonly abort: () => void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly env: Env;
  readonly paths: Paths;
  readonly log: Logger;
  /** Override feeds (the demo serves its own). */
  readonly feeds?: readonly FeedConfig[];
  /** Force console delivery even when a token is set (demo). */
  readonly consoleOnly?: boolean;
  /** Route only: no Discord client, discord.js not loaded (`run --role poller`). */
  readonly routeOnly?: boolean;
}

/**
 * Feeds by id, for delivery's source names and servers: reloaded when an unknown id is asked for
 * (a feed added since it was built) and at every poll cycle's {@link refresh} (a feed changed
 * with `/feeds edit`, here or in another process). A removed feed keeps its last entry: stories
 * already stored from it are still delivered under its name, to its server only.
 */
export class FeedDirectory extends Map<string, FeedConfig> {
  constructor(private readonly load: () => readonly FeedConfig[]) {
    super(load().map((f) => [f.id, f]));
  }

  /** Every polled feed, read now; the directory takes their current entries. */
  refresh(): FeedConfig[] {
    const feeds = [...this.load()];
    for (const feed of feeds) super.set(feed.id, feed);
    return feeds;
  }

  override get(id: string): FeedConfig | undefined {
    const known = super.get(id);
    if (known) return known;
    for (const feed of this.load()) super.set(feed.id, feed);
    return super.get(id);
  }
}

/** The worker threads of the poll cycle (parse, normalise, classify), sized from the configuration. */
export function createPollAnalysePool(env: Env, classifier: Classifier, log: Logger): AnalysePool {
  return createAnalysePool({
    threads: env.PARSE_THREADS ?? defaultAnalyseThreads(),
    rules: classifier.rules,
    model: classifier.model,
    fallback: createAnalyser({ parse: parseFeed, normalise: normaliseItems }),
    log,
  });
}

/**
 * The poll cycle as `run` and `once` use it, on either engine: the fetcher (per-host limits,
 * private addresses refused for feeds added from Discord), the analyse pool, the classifier, and
 * the database (a SQLite store with its routing, or a PollStore that routes by itself).
 */
export function createFeedPoller(options: {
  readonly env: Env;
  readonly paths: Paths;
  readonly log: Logger;
  /** The feeds of feeds.json: the operator's, allowed to reach private addresses. */
  readonly feeds: readonly FeedConfig[];
  readonly classifier: Classifier;
  readonly analysePool: AnalysePool;
  readonly signal: AbortSignal;
  readonly db: Pick<PollerDeps, 'store' | 'pollStore' | 'route' | 'whyNotAlerted'>;
}): Poller {
  const { env, paths, log, classifier, signal } = options;
  // Every in-flight fetch listens to the one shutdown signal.
  setMaxListeners(0, signal);
  const limiter = createHostLimiter({ concurrency: env.FETCH_CONCURRENCY, perHost: env.FETCH_PER_HOST });
  const baseDir = dirname(paths.feeds);
  const configuredIds = new Set(options.feeds.map((f) => f.id));
  return createPoller({
    ...options.db,
    log,
    clock: Date.now,
    fetch: (feed, validators) =>
      limiter.run(feed.url, () =>
        fetchFeed(feed.url, validators, {
          timeoutMs: env.FETCH_TIMEOUT_MS,
          idleTimeoutMs: env.FETCH_IDLE_TIMEOUT_MS,
          maxBytes: env.FETCH_MAX_BYTES,
          userAgent: USER_AGENT,
          signal,
          // The operator's feeds may be anywhere; a feed added from Discord is checked at every
          // connection, so a host that later resolves to a private address is still refused.
          blockPrivateAddresses: !env.ALLOW_PRIVATE_FEEDS && !configuredIds.has(feed.id),
          baseDir,
          languageHint: feed.language,
        }),
      ),
    // No `warm`: the pool starts a thread once a burst of documents shows work for it.
    analyse: options.analysePool.analyse,
    classify: (input) => classifier.classify(input),
    signal,
    maxFeedsInProgress: 2 * env.FETCH_CONCURRENCY,
  });
}

/**
 * The composition root: builds everything from configuration. Configuration is validated
 * first (feeds.json, rules/) so a typo stops start-up before the database is touched.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { env, paths, log } = options;
  const feeds = options.feeds ?? loadFeeds(paths.feeds);
  const store = createStore(paths.db);
  try {
    const classifier = await loadClassifier({ rulesDir: paths.rules, modelPath: paths.model, log, store });
    assertFeedHomes(feeds, classifier.topics.map((t) => t.id), paths.feeds);
    const controller = new AbortController();
    // Source names for alerts, and the server of a feed added from Discord (its stories reach
    // only that server's subscriptions); a feed added after start-up is looked up on first use,
    // and each cycle's read of the feeds refreshes it (a name or home changed from Discord).
    const feedsById = new FeedDirectory(() => polledFeeds(feeds, store.addedFeeds.list()));
    const allFeeds = (): FeedConfig[] => feedsById.refresh();
    // A row that cannot be read is skipped (disabled, not polled) and logged once with its fix,
    // as an error: `once` shows errors only, and the operator has to act on it.
    const warnUnreadable = (row: UnreadableRow): void => {
      log.error({ table: row.table, row_id: row.id, guild_id: row.guildId, reason: row.reason, fix: row.fix }, `${row.table === 'subscriptions' ? 'subscription' : 'added feed'} ${row.id} cannot be read (${row.reason}) and is skipped; fix: ${row.fix}`);
    };
    store.subscriptions.onUnreadable(warnUnreadable);
    store.addedFeeds.onUnreadable(warnUnreadable);
    // Every row is checked once at start, so the log says so even when nothing reads that row.
    store.subscriptions.unreadableRows();
    store.addedFeeds.unreadable();
    for (const stray of strayHomes(store.addedFeeds.list(), classifier.topics.map((t) => t.id))) log.warn({ feed_id: stray.id, guild_id: stray.guildId, home: stray.home }, stray.message);
    const analysePool = createPollAnalysePool(env, classifier, log);
    const schedules = openNextFireMemo(scheduleMemoPathFor(paths.model));
    const delivery = createDelivery({ store, env, log, topics: classifier.topics, feedsById, consoleOnly: options.consoleOnly ?? false, routeOnly: options.routeOnly ?? false, schedules });
    const poller = createFeedPoller({
      env,
      paths,
      log,
      feeds,
      classifier,
      analysePool,
      signal: controller.signal,
      db: {
        store,
        route: (rowid, story, classification, now) => delivery.route(rowid, story, classification, now),
        whyNotAlerted: (story, classification, now) => delivery.whyNotAlerted(story, classification, now),
      },
    });
    return {
      env,
      paths,
      feeds,
      allFeeds,
      store,
      classifier,
      poller,
      analysePool,
      delivery,
      log,
      abort: () => {
        controller.abort();
      },
      async close() {
        await delivery.close();
        await analysePool.close();
        await closeFetchAgents();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
