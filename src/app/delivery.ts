import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { ConfigError } from '../config/errors.js';
import { nextPollAt } from '../core/backoff.js';
import type { SourceInfo } from '../core/compose/alert.js';
import { composeDigest, type DigestStory } from '../core/compose/digest.js';
import { toDigestStory } from '../core/news.js';
import { digestChart } from '../charts/digest-chart.js';
import { createFeedbackAdjuster, type FeedbackAdjuster } from '../core/feedback/adjuster.js';
import { withDigestRatings } from '../core/feedback/digest.js';
import { instantAlerts } from '../core/route-alerts.js';
import { ALL_TOPICS, feedsHiddenFrom, storyReaches, subscriptionGuild, whyNotRouted, type NotAlertedReason } from '../core/route.js';
import type { Classification, FeedConfig, Story, Target, TopicInfo, TopicVerdict } from '../core/types.js';
import type { OutboundMessage } from '../core/compose/message.js';
import type { StoredStory } from '../store/stories.js';
import { createDiscordClient, type RestOverrides } from '../discord/client.js';
import { abortableSleep, drainOutbox, type DrainReport, type RetryPolicy } from '../discord/deliver.js';
import { discordJs } from '../discord/lazy.js';
import { createBotSink } from '../discord/sinks/bot.js';
import { createConsoleSink } from '../discord/sinks/console.js';
import { isTokenRejection, type Sink, type SinkError } from '../discord/sinks/sink.js';
import { createWebhookLookup } from '../discord/sinks/webhook-lookup.js';
import { createWebhookSink } from '../discord/sinks/webhook.js';
import { OUTBOX_LEASE_MS } from '../store/claims.js';
import type { Store } from '../store/index.js';
import type { OutboundFile, OutboxRow } from '../store/outbox.js';
import type { StoredSubscription } from '../store/subscriptions.js';
import { defaultPlan, reconcileDefaults } from './default-subscriptions.js';
import { cronParser, nodeCronLibrary } from './cron-libraries.js';
import type { NextFireMemo } from './schedule-memo.js';
import { registerEventMetrics, type EventMetrics } from './event-metrics.js';
import { createEventRouter } from './events.js';
import { EVENT_WINDOW_MS } from '../core/events/match.js';
import type { Metrics } from './metrics.js';

export type { DrainReport } from '../discord/deliver.js';

/** First delay before logging in again after Discord could not be reached; doubles, capped by the backoff module. */
const LOGIN_RETRY_BASE_MS = 5_000;
const LOGIN_RETRY_MAX_MS = 5 * 60_000;
/** How long start-up waits for the gateway's READY after a successful login before going on. */
const READY_WAIT_MS = 30_000;

export { DEFAULT_DIGEST_SCHEDULE, DEFAULT_MAX_AGE_MS } from './default-subscriptions.js';

export interface DeliveryOptions {
  readonly store: Store;
  readonly env: Env;
  readonly log: Logger;
  /** Topics from the classifier: labels and colours for messages. */
  readonly topics: readonly TopicInfo[];
  /** Source names and kinds for alerts and digests. */
  /** Source names and kinds for messages, and the server of a feed added from Discord (`guildId`). */
  readonly feedsById: ReadonlyMap<string, Pick<FeedConfig, 'name' | 'kind' | 'guildId'>>;
  /** Send everything to this sink instead of the one each target calls for. */
  readonly sink?: Sink;
  /** Print every target's messages on the console, even with a token (demo). */
  readonly consoleOnly?: boolean;
  /** Route only, never send nor connect: no Discord client is made, discord.js is not loaded (`run --role poller`). */
  readonly routeOnly?: boolean;
  /** Where the console sink writes; stdout by default. */
  readonly output?: NodeJS.WritableStream;
  /** A discord.js client to post with (shared with slash commands); else one is made from DISCORD_TOKEN. */
  readonly client?: Client;
  /** REST overrides for the clients this module creates (tests shorten timeouts). */
  readonly rest?: RestOverrides;
  readonly retry?: Partial<RetryPolicy>;
  readonly clock?: () => number;
  readonly random?: () => number;
  /** Each server's learned adjustment (ratings); by default read from the store. */
  readonly feedback?: FeedbackAdjuster;
  /** When digest schedules next fire, remembered between processes (`schedule-memo.ts`). */
  readonly schedules?: NextFireMemo;
}

export interface DigestRunOptions {
  /** Compose every digest subscription's digest now, whatever its schedule (demo, tests). */
  readonly force?: boolean;
}

export interface Delivery {
  /**
   * Writes outbox rows for the instant subscriptions that want this story. Call inside the
   * transaction that inserted it. Returns the number of rows written.
   */
  readonly route: (rowid: number, story: Story, classification: Classification, now: number) => number;
  /** Why a matched story that `route` alerted nowhere was not alerted, or null. */
  readonly whyNotAlerted: (story: Story, classification: Classification, now: number) => NotAlertedReason | null;
  /** Queues the digests whose schedule fired since their last digest; returns how many. */
  readonly runDueDigests: (now: number, options?: DigestRunOptions) => number;
  /** Sends what is due; waits up to DELIVERY_RETRY_WAIT_MS for retries. Serialised: never two at once. */
  drain(): Promise<DrainReport>;
  /**
   * Long-running mode: logs the bot in (if any), then checks digests and the outbox on a timer.
   * Rejects only when Discord refuses the token (a ConfigError: exit 2). When Discord cannot be
   * reached the timer starts anyway (webhook and console messages go out, bot messages wait in
   * the outbox) and the login is retried with backoff; `onFatal` hears of a token refused later.
   */
  start(options?: DeliveryStartOptions): Promise<void>;
  /** Why the gateway is not connected (the last login failure), or null. For `/readyz`. */
  discordProblem(): string | null;
  /** Stops the timer and waits for an in-flight send to finish. */
  stop(): Promise<void>;
  close(): Promise<void>;
  /** Gateway connected; null when no bot is configured. */
  connected(): boolean | null;
  /** The discord.js client, when a token is configured (slash commands attach to it). */
  readonly client: Client | null;
}

export interface DeliveryStartOptions {
  readonly metrics?: Metrics;
  readonly onFatal?: (error: Error) => void;
  /** Open the gateway connection (default true); false: bot messages go out over REST only (`run --role deliverer`). */
  readonly login?: boolean;
  /** Queue digests and send the outbox on a timer (default true); false: connect only (`run --role gateway`). */
  readonly send?: boolean;
}

/** Thrown for a schedule or time zone that cannot be used; names the subscription and the fix. */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

/** Checks a digest schedule with both node-cron and cron-parser, and the IANA time zone. Returns the problem, or null. */
export function scheduleProblem(schedule: string, timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    return `unknown time zone "${timezone}": use an IANA name such as Asia/Seoul, Europe/Kyiv or UTC`;
  }
  if (!nodeCronLibrary().validate(schedule)) return `invalid cron expression "${schedule}": five fields "minute hour day month weekday", e.g. "0 8 * * *" for 08:00 every day`;
  try {
    cronParser().CronExpressionParser.parse(schedule, { tz: timezone }).next();
  } catch (error) {
    return `cron expression "${schedule}" cannot be scheduled: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

/**
 * The window a digest subscription is due to cover now (`force`: up to now, whatever its
 * schedule), or null. It starts where the last one ended (the first: the subscription's maximum
 * age back). A schedule that cannot be evaluated is logged with its fix and skipped.
 */
export function dueDigestWindow(subscription: StoredSubscription, now: number, log: Logger, force = false, memo?: NextFireMemo): { readonly from: number; readonly until: number } | null {
  if (!subscription.schedule) return null;
  let until: number | null;
  try {
    until = force ? now : dueDigestUntil(subscription.schedule, subscription.timezone, subscription.lastDigestAt ?? subscription.createdAt, now, memo);
  } catch (error) {
    log.error({ subscription_id: subscription.id, schedule: subscription.schedule, err: error instanceof Error ? error.message : String(error) }, 'digest schedule cannot be evaluated; fix it with unsubscribe + subscribe');
    return null;
  }
  if (until === null) return null;
  return { from: subscription.lastDigestAt ?? until - subscription.maxAgeMs, until };
}

/**
 * The end of the latest digest window that is due: the most recent time the schedule fired at
 * or before `now`, if it fired after `since`; else null. Missed runs (downtime) collapse into
 * one digest covering the whole gap. With a `memo`, the first fire after `since` may come from
 * an earlier process, and "not due yet" is answered without loading cron-parser.
 */
export function dueDigestUntil(schedule: string, timezone: string, since: number, now: number, memo?: NextFireMemo): number | null {
  const firstAfter = (): number => cronParser().CronExpressionParser.parse(schedule, { currentDate: new Date(since), tz: timezone }).next().getTime();
  const next = memo ? memo.nextAfter(schedule, timezone, since, firstAfter) : firstAfter();
  if (next > now) return null;
  // prev() is strictly before currentDate; +1 ms lets a fire at exactly `now` count.
  return cronParser().CronExpressionParser.parse(schedule, { currentDate: new Date(now + 1), tz: timezone }).prev().getTime();
}

/** The `kind` label of a Discord error in metrics. */
export function errorKind(error: SinkError): string {
  if (error.status === 429) return 'rate_limit';
  if (error.status === 401 || error.status === 403) return 'permission';
  if (error.status === 404) return 'not_found';
  if (error.status !== null) return 'http';
  return 'network';
}

/**
 * One digest window of a subscription, composed: the matched stories first seen in the window
 * that it wants (its topics and minimum score, in its reach: stories only another server's added
 * feeds carried stay out; published recently enough) as the digest's messages, with rating menus
 * when `rated`. The same on every engine; the caller reads the stories and writes the messages.
 */
export function digestPayloads(input: {
  readonly subscription: StoredSubscription;
  readonly from: number;
  readonly until: number;
  readonly stories: readonly StoredStory[];
  readonly feedOf: (feedId: string) => Pick<FeedConfig, 'guildId'> | undefined;
  /** The story's verdicts as this subscription's server sees them (its ratings applied). */
  readonly verdictsOf: (story: StoredStory) => readonly TopicVerdict[];
  readonly topics: ReadonlyMap<string, TopicInfo>;
  readonly sources: ReadonlyMap<string, SourceInfo>;
  readonly rated: boolean;
}): OutboundMessage[] {
  const { subscription, from, until } = input;
  // The backlog of a newly added feed is first seen now but published long ago: keep to the
  // window, or the subscription's maximum age when the window is shorter.
  const oldest = Math.min(from, until - subscription.maxAgeMs);
  const rowids = new Map<string, number>();
  const stories: DigestStory[] = [];
  for (const story of input.stories) {
    if (story.publishedAt < oldest) continue;
    if (!storyReaches(story.sources, input.feedOf, subscription)) continue;
    const entry = toDigestStory(story, input.verdictsOf(story), subscription);
    if (!entry) continue;
    stories.push(entry);
    rowids.set(entry.key, story.rowid);
  }
  const digest = { stories, subscribedTopics: subscription.topics, topics: input.topics, sources: input.sources, from, until, postEmpty: subscription.postEmptyDigest };
  const composed = composeDigest(digest);
  return input.rated ? withDigestRatings(composed, digest, subscription.id, (key) => rowids.get(key)) : composed;
}

/** The ways out of a deliverer: the bot (REST), webhooks and the console, and which one a target takes. */
export interface DeliverySinks {
  readonly sinkFor: (target: Target) => Sink | null;
  readonly botSink: Sink | null;
  /** Looking a webhook message up in its channel needs the bot (see settleMaybeSent); absent without one. */
  readonly lookup: ReturnType<typeof createWebhookLookup> | undefined;
  close(): Promise<void>;
}

/**
 * The sinks of a deliverer on any engine. `client`: the bot's discord.js client (null without a
 * token); `sink` replaces every target's sink, `consoleOnly` sends everything to the console.
 */
export function createDeliverySinks(options: { env: Env; client: Client | null; consoleOnly?: boolean; sink?: Sink; output?: NodeJS.WritableStream; rest?: RestOverrides }): DeliverySinks {
  const { env, client } = options;
  const consoleOnly = options.consoleOnly === true;
  const consoleSink = createConsoleSink(options.output);
  const botSink = client ? createBotSink(client, { rateAlerts: env.FEEDBACK_CONTROLS }) : null;
  const webhookSink = createWebhookSink({ apiBase: env.DISCORD_API_BASE, ...(options.rest ? { rest: options.rest } : {}) });
  return {
    sinkFor: (target) => {
      if (options.sink) return options.sink;
      if (consoleOnly) return consoleSink;
      if (target.kind === 'console') return consoleSink;
      if (target.kind === 'webhook') return webhookSink;
      return botSink;
    },
    botSink,
    lookup: client && !consoleOnly && !options.sink ? createWebhookLookup(client) : undefined,
    async close() {
      await webhookSink.close();
      await consoleSink.close();
    },
  };
}

/** Delivery, composed: routing into the outbox, digests on schedule, the drain, and the sinks. */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { store, env, log } = options;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const topics = new Map(options.topics.map((t) => [t.id, t]));
  // Read through, not copied: the runtime's directory learns feeds added from Discord later.
  const sources: ReadonlyMap<string, SourceInfo> = options.feedsById;
  const retry: RetryPolicy = {
    maxAttempts: options.retry?.maxAttempts ?? env.DELIVERY_MAX_ATTEMPTS,
    baseDelayMs: options.retry?.baseDelayMs ?? env.DELIVERY_RETRY_BASE_MS,
    waitMs: options.retry?.waitMs ?? env.DELIVERY_RETRY_WAIT_MS,
  };
  const consoleOnly = options.consoleOnly === true;
  const feedback = options.feedback ?? createFeedbackAdjuster(store.feedback);

  const ownsClient = !options.client && !consoleOnly && !options.sink && options.routeOnly !== true && env.DISCORD_TOKEN !== undefined;
  const client: Client | null = options.client ?? (ownsClient ? createDiscordClient(env, options.rest) : null);
  // REST works with the token alone: `once` posts without opening a gateway connection.
  if (client && ownsClient && env.DISCORD_TOKEN) client.rest.setToken(env.DISCORD_TOKEN);

  const sinks = createDeliverySinks({ env, client, consoleOnly, ...(options.sink ? { sink: options.sink } : {}), ...(options.output ? { output: options.output } : {}), ...(options.rest ? { rest: options.rest } : {}) });
  const { sinkFor, botSink } = sinks;

  ensureDefaultSubscription();
  const events = createEventRouter({ store, topics, sources, feedsById: options.feedsById, classificationFor: (guild, story, classification) => feedback.classificationFor(guild, story, classification) });

  let metrics: Metrics | undefined;
  let eventMetrics: EventMetrics | undefined;
  let timer: NodeJS.Timeout | null = null;
  let kickTimer: NodeJS.Timeout | null = null;
  let stopController = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();
  let inFlight = 0;

  /** Automatic subscriptions follow the configuration (see default-subscriptions.ts). */
  function ensureDefaultSubscription(): void {
    reconcileDefaults(store, defaultPlan(env, { consoleOnly, now: clock() }), log);
  }

  function route(rowid: number, story: Story, classification: Classification, now: number): number {
    // A feed added from Discord carries its server (guildId): only that server's subscriptions get its stories.
    const feed = options.feedsById.get(story.feedId);
    let written = 0;
    // Each server sees the story as its own ratings taught it to (docs/feedback.md).
    const alerts = instantAlerts({
      subscriptions: store.subscriptions.listByMode('instant'), story, classification, now, feed, topics, source: sources.get(story.feedId),
      classificationFor: (guild) => feedback.classificationFor(guild, story, classification),
    });
    for (const { subscriptionId, payload } of alerts) if (store.outbox.addAlert({ subscriptionId, storyRowid: rowid, payload, now })) written++;
    // Event subscriptions: one living alert per event (src/app/events.ts).
    written += events.route(rowid, story, classification, now);
    if (written > 0) kickSoon();
    return written;
  }

  /** The topics a subscription's digest covers. */
  const topicIdsOf = (subscription: StoredSubscription): string[] => (subscription.topics.includes(ALL_TOPICS) ? [...topics.keys()] : [...subscription.topics]);

  /** The small chart of a digest (DIGEST_CHART), or null when it cannot be drawn now (logged). */
  function digestChartFor(subscription: StoredSubscription, now: number): OutboundFile | null {
    const topicIds = topicIdsOf(subscription);
    const hidden = feedsHiddenFrom(subscriptionGuild(subscription), [...options.feedsById].map(([id, f]) => ({ id, guildId: f.guildId })));
    try {
      return digestChart({ trends: store.trends, topics: topicIds.map((id) => topics.get(id)).filter((t): t is TopicInfo => t !== undefined), now, hiddenFeeds: hidden, timeZone: subscription.timezone });
    } catch (error) {
      log.warn({ subscription_id: subscription.id, err: error instanceof Error ? error.message : String(error) }, 'digest chart not drawn; the digest goes out without it');
      return null;
    }
  }

  function runDueDigests(now: number, runOptions: DigestRunOptions = {}): number {
    try {
      return composeDueDigests(now, runOptions);
    } finally {
      options.schedules?.save();
    }
  }

  function composeDueDigests(now: number, runOptions: DigestRunOptions): number {
    let queued = 0;
    for (const subscription of store.subscriptions.listByMode('digest')) {
      const window = dueDigestWindow(subscription, now, log, runOptions.force === true, options.schedules);
      if (!window) continue;
      const { from, until: windowEnd } = window;
      // Drawn before the write lock is taken; attached to the first part below.
      const chart = env.DIGEST_CHART ? digestChartFor(subscription, now) : null;
      const written = store.transaction(() => {
        // One digest per subscription per window, ever, with any number of processes: under the
        // write lock, a window another process composed since the list was read is not composed again.
        if (store.subscriptions.get(subscription.id)?.lastDigestAt !== subscription.lastDigestAt) return null;
        const guild = subscriptionGuild(subscription);
        const payloads = digestPayloads({
          subscription, from, until: windowEnd, topics, sources,
          stories: store.stories.matchedBetween(from, windowEnd, topicIdsOf(subscription)),
          feedOf: (id) => options.feedsById.get(id),
          verdictsOf: (story) => feedback.verdictsFor(guild, story, store.stories.verdicts(story.rowid)),
          // Rating menus only where the bot posts: a webhook message cannot carry them.
          rated: env.FEEDBACK_CONTROLS && subscription.target.kind === 'channel' && sinkFor(subscription.target) === botSink && botSink !== null,
        });
        const rows = store.outbox.addDigest({ subscriptionId: subscription.id, until: windowEnd, payloads, now });
        const first = chart && rows > 0 ? store.outbox.firstDigestPart(subscription.id, windowEnd) : null;
        if (chart && first !== null) store.outbox.attachFile(first, chart);
        store.subscriptions.setLastDigestAt(subscription.id, windowEnd);
        return rows;
      });
      if (written === null) {
        log.debug({ subscription_id: subscription.id }, 'digest composed by another process meanwhile');
        continue;
      }
      log.info({ subscription_id: subscription.id, from, until: windowEnd, messages: written }, written > 0 ? 'digest queued' : 'digest empty: nothing posted');
      if (written > 0) queued++;
    }
    if (queued > 0) kickSoon();
    return queued;
  }

  const claim = { owner: store.owner, leaseMs: OUTBOX_LEASE_MS };
  const { lookup } = sinks;

  function onSent(row: OutboxRow): void {
    if (!metrics) return;
    if (row.kind === 'alert') metrics.alertsSent.inc();
    else if (row.kind === 'digest' && row.part === row.total) metrics.digestsSent.inc();
    else if (row.kind === 'event-edit') eventMetrics?.editsSent.inc();
    else if (row.kind === 'developing') eventMetrics?.developingSent.inc();
  }

  function drainOnce(waitMs: number): Promise<DrainReport> {
    const run = async (): Promise<DrainReport> => {
      inFlight++;
      try {
        return await drainOutbox(
          {
            outbox: store.outbox,
            claim,
            lookup,
            maybeSent: env.DELIVERY_WEBHOOK_MAYBE_SENT,
            targetOf: (id) => store.subscriptions.get(id)?.target,
            sinkFor,
            clock,
            random,
            log,
            retry: { ...retry, waitMs },
            sleep: abortableSleep,
            onSent,
            onError: (error) => metrics?.discordErrors.inc({ kind: errorKind(error) }),
          },
          stopController.signal,
        );
      } finally {
        inFlight--;
      }
    };
    // One drain at a time in this process (each pass claims its rows; two passes of one process
    // would hold the same claim and could both send a row). Other processes are kept apart by
    // the claims themselves.
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  }

  function kickSoon(): void {
    if (!timer || kickTimer) return;
    // After the caller's transaction commits: a drain inside it would see uncommitted rows
    // only by luck and hold the write lock across network calls.
    kickTimer = setTimeout(() => {
      kickTimer = null;
      drainOnce(0).catch((error: unknown) => { log.error({ err: error }, 'outbox drain failed'); });
    }, 0);
  }

  async function tick(): Promise<void> {
    try {
      runDueDigests(clock());
      await drainOnce(0);
    } catch (error) {
      log.error({ err: error }, 'delivery tick failed');
    }
  }

  let loginProblem: string | null = null;
  let loginTimer: NodeJS.Timeout | null = null;

  /**
   * Logs the bot in. A refused token is a configuration error (thrown on the first attempt, given
   * to `onFatal` on a later one); anything else (no network, Discord down) is retried with
   * backoff while the rest of the service runs. discord.js drops the REST token after a failed
   * login: it is set again, so bot messages can still be sent by REST if only the gateway is out.
   */
  async function connectGateway(bot: Client, token: string, attempt: number, onFatal: ((error: Error) => void) | undefined): Promise<void> {
    const ready = new Promise<void>((resolve) => bot.once(discordJs().Events.ClientReady, () => { resolve(); }));
    try {
      await bot.login(token);
    } catch (error) {
      bot.rest.setToken(token);
      if (isTokenRejection(error)) {
        const refused = new ConfigError('environment', 'DISCORD_TOKEN', "Discord rejected the token (401 Unauthorized): it was reset or mistyped. Copy the bot's token again (developer portal → Bot → Reset Token) and set DISCORD_TOKEN, or remove it to run with webhooks or the console only.");
        loginProblem = refused.message;
        if (attempt === 1) throw refused;
        onFatal?.(refused);
        return;
      }
      const delay = Math.min(LOGIN_RETRY_MAX_MS, nextPollAt({ now: 0, intervalMs: LOGIN_RETRY_BASE_MS, consecutiveFailures: attempt, retryAfterMs: null, jitter: random() }));
      loginProblem = `cannot log in to Discord (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delay / 1000)} s`;
      log.warn({ attempt, retry_in_ms: delay, err: error instanceof Error ? error.message : String(error) }, 'discord login failed: polling goes on and alerts wait in the outbox; retrying');
      loginTimer = setTimeout(() => {
        loginTimer = null;
        void connectGateway(bot, token, attempt + 1, onFatal);
      }, delay);
      loginTimer.unref();
      return;
    }
    // Logged in: discord.js now keeps the gateway up (and reconnects) by itself.
    loginProblem = null;
    const timedOut = await Promise.race([ready.then(() => false), abortableSleep(READY_WAIT_MS, stopController.signal).then(() => true)]);
    if (timedOut && !bot.isReady()) log.warn({ waited_ms: READY_WAIT_MS }, 'discord gateway not ready yet; going on, discord.js keeps trying');
    else log.info({ guilds: bot.guilds.cache.size }, 'discord gateway connected');
  }

  async function stop(): Promise<void> {
    if (loginTimer) clearTimeout(loginTimer);
    loginTimer = null;
    if (timer) clearInterval(timer);
    if (kickTimer) clearTimeout(kickTimer);
    timer = null;
    kickTimer = null;
    stopController.abort();
    // The chain settles once the send in flight is recorded.
    await chain;
    stopController = new AbortController();
  }

  return {
    client,
    route,
    whyNotAlerted: (story, classification, now) => whyNotRouted([...store.subscriptions.listByMode('instant'), ...store.subscriptions.listByMode('event')], story, classification, now, options.feedsById.get(story.feedId)),
    runDueDigests,
    drain: () => drainOnce(retry.waitMs),
    async start(startOptions = {}) {
      metrics = startOptions.metrics;
      metrics?.setOutboxDepthSource(() => store.outbox.counts().pending);
      metrics?.setOutboxCountsSource(() => store.outbox.counts());
      if (metrics) eventMetrics = registerEventMetrics(metrics.registry, () => store.events.counts(clock() - EVENT_WINDOW_MS));
      if (client && ownsClient && env.DISCORD_TOKEN && !client.isReady() && startOptions.login !== false) {
        const token = env.DISCORD_TOKEN;
        await connectGateway(client, token, 1, startOptions.onFatal);
      }
      if (timer || startOptions.send === false) return;
      timer = setInterval(() => void tick(), env.DELIVERY_TICK_MS);
      timer.unref();
      void tick();
    },
    stop,
    async close() {
      await stop();
      await sinks.close();
      if (ownsClient && client) await client.destroy();
      log.debug({ in_flight: inFlight }, 'delivery closed');
    },
    connected: () => (client ? client.isReady() : null),
    discordProblem: () => (client && !client.isReady() ? loginProblem : null),
  };
}
