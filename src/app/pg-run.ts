import type { Client } from 'discord.js';
import cron from 'node-cron';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { assertFeedHomes, loadFeeds } from '../config/feeds.js';
import { loadRules } from '../config/rules.js';
import { redactText } from '../core/redact.js';
import { dutiesOf, type Role } from '../core/roles.js';
import { ALL_TOPICS, subscriptionGuild } from '../core/route.js';
import { createDiscordClient } from '../discord/client.js';
import { abortableSleep, drainOutbox } from '../discord/deliver.js';
import type { FeedConfig, Target } from '../core/types.js';
import { closeFetchAgents } from '../feeds/fetch.js';
import { addedFeedFromRow, polledFeeds, strayHomes, type AddedFeed } from '../store/added-feeds.js';
import { newOwnerId, OUTBOX_LEASE_MS } from '../store/claims.js';
import { createPgDeliveryOutbox } from '../store/pg/delivery-outbox.js';
import { createPgDigests } from '../store/pg/digests.js';
import { subscriptionFromRow } from '../store/subscriptions.js';
import { openPgDatabase, type PgPool } from '../store/pg/db.js';
import { createPgHeartbeats } from '../store/pg/heartbeats.js';
import { pgSettingsProblem } from '../store/pg/probe.js';
import { ConfigError } from '../config/errors.js';
import { createPgPollStore } from '../store/pg/poll-store.js';
import { createPgSurges } from '../store/pg/surges.js';
import { createPgRatings } from '../store/pg/feedback.js';
import { createFeedbackAdjuster } from '../core/feedback/adjuster.js';
import { preloadChartLibraries } from '../charts/render.js';
import { loadClassifier } from './classifier.js';
import type { Paths } from './context.js';
import { createDeliverySinks, digestPayloads, dueDigestWindow, errorKind } from './delivery.js';
import { createPgRouting } from './pg-routing.js';
import { createPgSurgeCheck } from './pg-surges.js';
import { pgDigestChart } from './pg-digest-chart.js';
import { startRunHttpServer, type HttpServer } from './http-server.js';
import { registerEventMetrics, type EventMetrics } from './event-metrics.js';
import { registerSurgeMetrics } from './trend-metrics.js';
import { EVENT_WINDOW_MS } from '../core/events/match.js';
import { pgEventCounts, pgSurgeSummary } from '../store/pg/gateway-store.js';
import { createMetrics, recordCycleMetrics, type Metrics } from './metrics.js';
import { startHeartbeat } from './roles.js';
import { createFeedPoller, createPollAnalysePool } from './runtime.js';
import { listenForStop } from './shutdown.js';


/** Connections per process: the poller stores up to this many feeds at once; the rest wait for one. */
const POOL_SIZE = 8;

/** A started part of a role: stopped (its in-flight work finished) at shutdown. */
interface Duty {
  stop(): Promise<void>;
}

/**
 * Logs an unreadable row once per process, with what cannot be read and the fix: the row is
 * skipped (`consequence`), the rest goes on.
 */
function unreadableReporter(log: Logger, table: 'subscriptions' | 'added_feeds', location: string, consequence: string): (id: string | number, problem: string) => void {
  const reported = new Set<string>();
  const what = table === 'subscriptions' ? 'subscription' : 'added feed';
  return (id, problem) => {
    if (reported.has(String(id))) return;
    reported.add(String(id));
    log.error({ table, row_id: id, reason: problem }, `${what} ${String(id)} cannot be read (${problem}) ${consequence}; fix it or delete it in ${location}`);
  };
}

/**
 * feeds.json and the feeds added from Discord (each reaches only its server), read from the
 * database by `load()`; `byId()` is the list of the last load. With the rules' `topicIds`, an
 * added feed whose home is none of them is reported once.
 */
function feedDirectory(pool: PgPool, feeds: readonly FeedConfig[], topicIds: readonly string[] | null, log: Logger, location: string): { load(): Promise<FeedConfig[]>; byId(): ReadonlyMap<string, FeedConfig> } {
  let byId = new Map(feeds.map((f) => [f.id, f]));
  const report = unreadableReporter(log, 'added_feeds', location, 'and is not polled');
  const strays = new Set<string>();
  return {
    async load() {
      const r = await pool.query<Record<string, unknown>>('SELECT * FROM added_feeds ORDER BY added_at, id');
      const added: AddedFeed[] = [];
      for (const row of r.rows) {
        const read = addedFeedFromRow(row);
        if (typeof read !== 'string') added.push(read);
        else report(String(row.id), read);
      }
      for (const stray of topicIds === null ? [] : strayHomes(added, topicIds)) {
        if (strays.has(stray.id)) continue;
        strays.add(stray.id);
        log.warn({ feed_id: stray.id, guild_id: stray.guildId, home: stray.home }, stray.message);
      }
      const list = polledFeeds(feeds, added);
      byId = new Map(list.map((f) => [f.id, f]));
      return list;
    },
    byId: () => byId,
  };
}

/** The poller on PostgreSQL: the same poll cycle as on SQLite, over the PostgreSQL poll store, routing instant and living alerts. */
async function startPoller(input: { env: Env; paths: Paths; log: Logger; pool: PgPool; owner: string; location: string; role: Role; metrics: Metrics; onCycle: (at: number) => void }): Promise<Duty> {
  const { env, paths, log, pool } = input;
  const feeds = loadFeeds(paths.feeds);
  const classifier = await loadClassifier({ rulesDir: paths.rules, modelPath: paths.model, log });
  assertFeedHomes(feeds, classifier.topics.map((t) => t.id), paths.feeds);
  const topics = new Map(classifier.topics.map((t) => [t.id, t]));
  const directory = feedDirectory(pool, feeds, classifier.topics.map((t) => t.id), log, input.location);
  const report = unreadableReporter(log, 'subscriptions', input.location, 'and is skipped');
  const ratings = createPgRatings(pool);
  const routing = createPgRouting({ topics, feeds: () => directory.byId(), ratings: ratings.source, onUnreadable: report });
  const pollStore = createPgPollStore(pool, { owner: input.owner, location: input.location, routing });
  const analysePool = createPollAnalysePool(env, classifier, log);
  const controller = new AbortController();
  const poller = createFeedPoller({ env, paths, log, feeds, classifier, analysePool, signal: controller.signal, db: { pollStore } });
  let current: Promise<void> | null = null;
  let stopped = false;
  const cycle = async (): Promise<void> => {
    if (stopped || current) return;
    current = (async () => {
      try {
        // Ratings taken since the last cycle apply from this one; without them the last snapshot does.
        await ratings.refresh().catch((error: unknown) => { log.warn({ err: error instanceof Error ? error.message : String(error) }, 'ratings not read; routing with the last ones read'); });
        const report = await poller.runCycle(await directory.load());
        input.onCycle(report.finishedAt);
        recordCycleMetrics(input.metrics, report, (await pollStore.feedStates()).values());
      } catch (error) {
        log.error({ err: error }, 'poll cycle failed');
      } finally {
        current = null;
      }
    })();
    await current;
  };
  const task = cron.schedule(env.POLL_SCHEDULE, cycle, { name: 'poll', noOverlap: true });
  void cycle(); // first cycle right away
  log.info({ feeds: feeds.filter((f) => f.enabled).length, schedule: env.POLL_SCHEDULE }, 'polling on PostgreSQL');
  return {
    async stop() {
      stopped = true;
      await task.stop();
      controller.abort(); // cut in-flight fetches short; their writes are not started
      await current;
      await analysePool.close();
      await closeFetchAgents();
    },
  };
}

/**
 * The deliverer on PostgreSQL: the same drain as on SQLite (src/discord/deliver.ts) over the
 * PostgreSQL outbox, on DELIVERY_TICK_MS; bot messages over REST (no gateway connection of its
 * own), and webhook and console messages as configured. `client`: the gateway's client when both
 * run in one process (`--role all`): one client per token, one REST rate-limit state; the
 * gateway destroys it, after the deliverer's last send.
 */
function startDeliverer(input: { env: Env; paths: Paths; log: Logger; pool: PgPool; owner: string; location: string; role: Role; metrics: Metrics; eventMetrics: EventMetrics; client?: Client | null }): Duty {
  const { env, log, pool, metrics } = input;
  const topics = new Map(loadRules(input.paths.rules).topics.map((t) => [t.id, { id: t.id, label: t.label, color: t.color }]));
  // The poller, which classifies, reports added feeds whose home the rules lack: null here.
  const directory = feedDirectory(pool, loadFeeds(input.paths.feeds), null, log, input.location);
  const shared = input.client ?? null;
  const own = shared === null && env.DISCORD_TOKEN ? createDiscordClient(env) : null;
  if (own && env.DISCORD_TOKEN) own.rest.setToken(env.DISCORD_TOKEN); // REST only: the gateway role connects
  const client = shared ?? own;
  const sinks = createDeliverySinks({ env, client });
  const outbox = createPgDeliveryOutbox(pool);
  const claim = { owner: input.owner, leaseMs: OUTBOX_LEASE_MS };
  const controller = new AbortController();
  let targets = new Map<number, Target>();
  const report = unreadableReporter(log, 'subscriptions', input.location, 'and its messages wait');
  const readTargets = async (): Promise<void> => {
    const r = await pool.query<Record<string, unknown>>('SELECT * FROM subscriptions ORDER BY id');
    const next = new Map<number, Target>();
    for (const row of r.rows) {
      const read = subscriptionFromRow(row);
      const id = Number(row.id);
      if (!('problem' in read)) next.set(id, read.target);
      else report(id, read.problem);
    }
    targets = next;
  };
  const digests = createPgDigests(pool, { onUnreadable: report });
  const trends = createPgSurges(pool, { onUnreadable: report });
  const ratings = createPgRatings(pool);
  const adjuster = createFeedbackAdjuster(ratings.source);
  /** Queues the digests whose schedule fired since their last window; each window once, whatever the number of deliverers. */
  const runDueDigests = async (now: number): Promise<void> => {
    const subscriptions = await digests.subscriptions();
    if (subscriptions.length === 0) return;
    await directory.load();
    let ratingsRead = false;
    for (const subscription of subscriptions) {
      const window = dueDigestWindow(subscription, now, log);
      if (!window) continue;
      if (!ratingsRead) await ratings.refresh(); // a server's ratings decide its digest's verdicts
      ratingsRead = true;
      const { from, until: windowEnd } = window;
      // Drawn before the digest's transaction; attached to its first part.
      const chart = env.DIGEST_CHART ? await pgDigestChart({ trends, subscription, topics, feeds: directory.byId(), now, log }) : null;
      const written = await digests.composeWindow({
        file: chart,
        subscriptionId: subscription.id,
        lastDigestAt: subscription.lastDigestAt,
        from,
        until: windowEnd,
        topics: subscription.topics.includes(ALL_TOPICS) ? [...topics.keys()] : subscription.topics,
        now,
        compose: (stories) => {
          const verdicts = new Map(stories.map((s) => [s.story.rowid, s.verdicts]));
          return digestPayloads({
            subscription, from, until: windowEnd, topics, sources: directory.byId(),
            stories: stories.map((s) => s.story),
            feedOf: (id) => directory.byId().get(id),
            verdictsOf: (story) => adjuster.verdictsFor(subscriptionGuild(subscription), story, verdicts.get(story.rowid) ?? []),
            rated: env.FEEDBACK_CONTROLS && subscription.target.kind === 'channel' && sinks.botSink !== null,
          });
        },
      });
      if (written === null) log.debug({ subscription_id: subscription.id }, 'digest composed by another process meanwhile');
      else log.info({ subscription_id: subscription.id, from, until: windowEnd, messages: written }, written > 0 ? 'digest queued' : 'digest empty: nothing posted');
    }
  };
  const surges = createPgSurgeCheck({
    surges: trends, env, topics: [...topics.values()], log,
    feeds: async () => { await directory.load(); return directory.byId(); },
  });
  let pending = 0;
  metrics.setOutboxDepthSource(() => pending);
  let running: Promise<void> | null = null;
  const tick = (): void => {
    if (running || controller.signal.aborted) return; // one drain at a time in this process; claims keep processes apart
    running = (async () => {
      try {
        await surges.check(Date.now());
      } catch (error) {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'surge check failed; the next tick checks again');
      }
      try {
        await runDueDigests(Date.now());
      } catch (error) {
        // The messages already queued still go out below; the digests are tried at the next tick.
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'digests not composed; trying again at the next tick');
      }
      try {
        await readTargets();
        const drained = await drainOutbox({
          outbox,
          claim,
          lookup: sinks.lookup,
          maybeSent: env.DELIVERY_WEBHOOK_MAYBE_SENT,
          // A row of a subscription that cannot be read waits (released, never sent blind or dropped).
          targetOf: (id) => targets.get(id),
          sinkFor: sinks.sinkFor,
          clock: Date.now,
          random: Math.random,
          log,
          retry: { maxAttempts: env.DELIVERY_MAX_ATTEMPTS, baseDelayMs: env.DELIVERY_RETRY_BASE_MS, waitMs: 0 },
          sleep: abortableSleep,
          onSent: (row) => {
            if (row.kind === 'alert') metrics.alertsSent.inc();
            else if (row.kind === 'event-edit') input.eventMetrics.editsSent.inc();
            else if (row.kind === 'developing') input.eventMetrics.developingSent.inc();
          },
          onError: (error) => { metrics.discordErrors.inc({ kind: errorKind(error) }); },
        }, controller.signal);
        pending = drained.pending;
      } catch (error) {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'outbox drain failed; trying again at the next tick');
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, env.DELIVERY_TICK_MS);
  timer.unref();
  tick();
  log.info({ tick_ms: env.DELIVERY_TICK_MS }, 'delivering from PostgreSQL');
  return {
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running; // the send in flight is recorded
      await sinks.close();
      if (own) await own.destroy();
    },
  };
}

/**
 * `watchfloor run --role …` with WATCHFLOOR_DB naming a PostgreSQL server (ADR 16): every role,
 * `all` included, over the PostgreSQL stores, with the same health server, heartbeats and clean
 * shutdown as on SQLite.
 */
export async function runOnPostgres(input: { role: Role; env: Env; paths: Paths; log: Logger; http: boolean; schedulePeriodMs: number }): Promise<void> {
  const { role, env, paths, log } = input;
  const location = redactText(paths.db);
  const duties = dutiesOf(role);
  const stop = listenForStop(log);
  const pool = await openPgDatabase(paths.db, { max: POOL_SIZE }).catch((error: unknown) => {
    // A refused password, user or database name is configuration (exit 2), not an outage.
    const settings = pgSettingsProblem(error);
    throw settings ? new ConfigError('environment', 'WATCHFLOOR_DB', `${location}: ${settings}`) : error;
  });
  let open = true;
  const started: Duty[] = [];
  let http: HttpServer | null = null;
  try {
    const metrics = createMetrics();
    // Read from PostgreSQL at each scrape, so every process's surges and events count (as on SQLite).
    registerSurgeMetrics(metrics.registry, () => pgSurgeSummary(pool));
    const eventMetrics = registerEventMetrics(metrics.registry, () => pgEventCounts(pool, Date.now() - EVENT_WINDOW_MS));
    const startedAt = Date.now();
    let lastCycleFinishedAt: number | null = null;
    const owner = newOwnerId();
    // Digests draw their chart synchronously: load the chart libraries once, up front.
    if (env.DIGEST_CHART && duties.delivers) await preloadChartLibraries();
    const subscriptions = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM subscriptions');
    if ((subscriptions.rows[0]?.n ?? 0) === 0) {
      log.warn({ database: location }, 'no subscription in this database: stories are stored, but no alert is queued. Copy your subscriptions in with `watchfloor migrate-store` (docs/self-hosting.md, "Moving an existing SQLite database")');
    }
    // The gateway (and discord.js with it) loads only for the roles that answer commands. Started
    // first and stopped last: with `--role all` the deliverer sends through its client.
    const gateway = duties.gateway ? await (await import('./pg-gateway.js')).startPgGateway({ env, paths, log, pool, startedAt }) : null;
    if (gateway) started.push(gateway);
    if (duties.delivers) started.push(startDeliverer({ env, paths, log, pool, owner, location, role, metrics, eventMetrics, client: gateway?.client ?? null }));
    if (duties.polls) started.push(await startPoller({ env, paths, log, pool, owner, location, role, metrics, onCycle: (at) => { lastCycleFinishedAt = at; } }));
    // The health check asks the server now and then; /readyz reads the last answer.
    let databaseOk = true;
    const probe = setInterval(() => {
      pool.query('SELECT 1').then(() => { databaseOk = true; }, () => { databaseOk = false; });
    }, 10_000);
    probe.unref();
    started.push({ stop: () => { clearInterval(probe); return Promise.resolve(); } });
    if (input.http) {
      http = await startRunHttpServer({
        env,
        metrics,
        log,
        role,
        schedulePeriodMs: input.schedulePeriodMs,
        startedAt,
        health: { databaseOk: () => databaseOk, lastCycleFinishedAt: () => lastCycleFinishedAt, discordConnected: () => gateway?.connected() ?? null, discordProblem: () => gateway?.problem() ?? null },
      });
    }
    const heartbeat = startHeartbeat({ store: createPgHeartbeats(pool, owner, () => open), role, log });
    log.info({ role, database: location }, 'watchfloor running');
    await stop.requested;
    for (const duty of started.reverse()) await duty.stop();
    await http?.close();
    await heartbeat.stop();
    log.info('stopped cleanly');
  } catch (error) {
    for (const duty of started.reverse()) await duty.stop().catch(() => undefined);
    await http?.close();
    throw error;
  } finally {
    open = false;
    await pool.end();
  }
}
