import type { Command } from 'commander';
import { CronExpressionParser } from 'cron-parser';
import cron from 'node-cron';
import { ConfigError } from '../../config/errors.js';
import { assertDatabaseFileHealthy } from '../../store/db.js';
import { commandContext } from '../context.js';
import { startRunHttpServer, type HttpServer } from '../http-server.js';
import { createLogger, secretValuesOf } from '../logger.js';
import { createMetrics, recordCycleMetrics } from '../metrics.js';
import { listenForStop } from '../shutdown.js';
import type { CycleReport } from '../pipeline.js';
import { createRuntime } from '../runtime.js';
import { preloadChartLibraries } from '../../charts/render.js';
import { checkSurgesAfterCycle } from '../surges.js';
import { registerSurgeMetrics } from '../trend-metrics.js';
import { dutiesOf } from '../../core/roles.js';
import { resolveRole, startHeartbeat } from '../roles.js';
import { isPostgresUrl } from '../../store/target.js';


/** `watchfloor run`: the long-running service (what `npm start` runs). */
export function register(program: Command): void {
  program
    .command('run')
    .description('poll feeds on POLL_SCHEDULE, deliver alerts and digests, serve /healthz, /readyz and /metrics')
    .option('--no-http', 'do not start the health and metrics server')
    .option('--role <role>', 'what this process does: all, poller, deliverer or gateway (env WATCHFLOOR_ROLE, default all)')
    .action(async (options: { http: boolean; role?: string }, command: Command) => {
      const { env, paths } = commandContext(command);
      const role = resolveRole(options.role, env.WATCHFLOOR_ROLE);
      const duties = dutiesOf(role);
      if (!cron.validate(env.POLL_SCHEDULE)) {
        throw new ConfigError('environment', 'POLL_SCHEDULE', `"${env.POLL_SCHEDULE}" is not a valid cron expression. Use five fields, e.g. "*/5 * * * *" for every five minutes.`);
      }
      // The loaded values, so secrets read from *_FILE twins are masked in the log as well.
      const log = createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, secrets: secretValuesOf(env) });
      if (isPostgresUrl(paths.db)) {
        // Loaded only here: a SQLite service never loads pg.
        const { runOnPostgres } = await import('../pg-run.js');
        await runOnPostgres({ role, env, paths, log, http: options.http, schedulePeriodMs: schedulePeriodMs(env.POLL_SCHEDULE) });
        return;
      }
      assertDatabaseFileHealthy(paths.db); // quick_check: refuse a damaged database with the recovery steps
      // A poller makes no Discord client: discord.js is not even loaded (docs/self-hosting.md, "Roles").
      const runtime = await createRuntime({ env, paths, log, routeOnly: !duties.delivers && !duties.gateway });
      // Digests draw their chart synchronously: load the chart libraries once, up front.
      if (env.DIGEST_CHART && duties.delivers) await preloadChartLibraries();
      const metrics = createMetrics();
      metrics.setAnalyseSource(() => ({ ...runtime.analysePool.stats(), liveThreads: runtime.analysePool.liveThreads() }));
      registerSurgeMetrics(metrics.registry, () => runtime.store.trends.summary());
      const startedAt = Date.now();
      // Listening before login: an interaction may arrive as soon as the gateway is ready.
      const client = runtime.delivery.client;
      // Slash commands (and discord.js with them) load only when a bot is configured: ADR 15.
      const slash = client && duties.gateway ? await import('../slash-commands.js') : null;
      if (client && slash) slash.attachSlashCommands(client, slash.createCommandDeps(runtime, { startedAt }));
      let lastCycleFinishedAt: number | null = null;
      let currentCycle: Promise<void> | null = null;
      // Listening for signals from here on: a SIGTERM while the service is still starting (the
      // health server up, the first cycle or the login under way) must shut it down cleanly,
      // not kill it with the default handler.
      const stop = listenForStop(log);

      const recordCycle = (report: CycleReport) => {
        recordCycleMetrics(metrics, report, runtime.store.feeds.all());
      };

      const cycle = async () => {
        if (stop.stopping() || currentCycle) return; // never overlap the previous cycle
        currentCycle = (async () => {
          try {
            const report = await runtime.poller.runCycle(runtime.allFeeds());
            lastCycleFinishedAt = report.finishedAt;
            recordCycle(report);
            // Surge notices go out with the next delivery tick (DELIVERY_TICK_MS). A poller
            // leaves surges and digests to the deliverers (their own schedule, below).
            if (duties.delivers) {
              checkSurgesAfterCycle(runtime, Date.now());
              runtime.delivery.runDueDigests(Date.now());
            }
          } catch (error) {
            log.error({ err: error }, 'poll cycle failed');
          } finally {
            currentCycle = null;
          }
        })();
        await currentCycle;
      };

      const cycleInFlight = (): Promise<void> | null => currentCycle;

      const period = schedulePeriodMs(env.POLL_SCHEDULE);
      let http: HttpServer | null = null;
      if (options.http) {
        http = await startRunHttpServer({
          env,
          metrics,
          log,
          role,
          schedulePeriodMs: period,
          startedAt,
          health: {
            databaseOk: () => runtime.store.db.open && runtime.store.db.prepare('SELECT 1').pluck().get() === 1,
            lastCycleFinishedAt: () => lastCycleFinishedAt,
            // Only the gateway role connects; a deliverer posts over REST and a poller not at all.
            discordConnected: () => (duties.gateway ? runtime.delivery.connected() : null),
            discordProblem: () => runtime.delivery.discordProblem(),
          },
        }).catch(async (error: unknown) => {
          await runtime.close(); // e.g. the port is taken: exit 1 with the fix, the database closed
          throw error;
        });
      }

      metrics.outboxDepth.set(0);
      // A token Discord refuses later (revoked while the gateway was out) stops the service
      // with exit 2, as at start: a live process that cannot post is worse than a clear exit.
      const fatal: { error: Error | null } = { error: null };
      const onFatal = (error: Error) => {
        fatal.error = error;
        log.error({ err: error.message }, 'stopping: Discord refused the token');
        process.kill(process.pid, 'SIGTERM');
      };
      try {
        await runtime.delivery.start({ metrics, onFatal, login: duties.gateway, send: duties.delivers });
      } catch (error) {
        // Nothing may keep the process alive after a failed start: no health server, no timers.
        await http?.close();
        await runtime.close();
        throw error;
      }
      if (client && slash) void slash.registerSlashCommandsOnStart(client, env, log);
      // A deliverer without a poller beside it checks surges on the poll schedule (the check is
      // safe with any number of processes: one surge row per topic and hour).
      const surgeCheck = () => {
        try {
          checkSurgesAfterCycle(runtime, Date.now());
        } catch (error) {
          log.error({ err: error }, 'surge check failed');
        }
      };
      const task = duties.polls
        ? cron.schedule(env.POLL_SCHEDULE, cycle, { name: 'poll', noOverlap: true })
        : duties.delivers ? cron.schedule(env.POLL_SCHEDULE, surgeCheck, { name: 'surges', noOverlap: true }) : null;
      const heartbeat = startHeartbeat({ store: runtime.store, role, log });
      log.info({ role, feeds: runtime.feeds.filter((f) => f.enabled).length, schedule: env.POLL_SCHEDULE, database: paths.db }, 'watchfloor running');
      if (duties.polls) void cycle(); // first cycle right away, not at the first cron slot

      await stop.requested;
      await task?.stop();
      runtime.abort(); // cut in-flight fetches short; their writes are not started
      await cycleInFlight();
      await runtime.delivery.stop();
      await http?.close();
      await heartbeat.stop();
      await runtime.close();
      log.info('stopped cleanly');
      if (fatal.error) throw fatal.error;
    });
}

/** The gap between two runs of a cron schedule, e.g. 300,000 for every five minutes. */
export function schedulePeriodMs(expression: string): number {
  const parsed = CronExpressionParser.parse(expression);
  const first = parsed.next().getTime();
  return parsed.next().getTime() - first;
}
