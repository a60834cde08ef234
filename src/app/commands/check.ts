import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { CronExpressionParser } from 'cron-parser';
import cron from 'node-cron';
import { parseDotEnv } from '../../config/dotenv.js';
import { describeEnv, ENV_SCHEMA, loadEnv, SECRET_ENV, type Env } from '../../config/env.js';
import { ConfigError, ConfigErrors } from '../../config/errors.js';
import { feedHomeErrors, loadFeeds, resolveFeedUrl } from '../../config/feeds.js';
import { loadRules, loadTrainingExamples } from '../../config/rules.js';
import { redactText } from '../../core/redact.js';
import type { FeedConfig } from '../../core/types.js';
import { strayHomes } from '../../store/added-feeds.js';
import { databaseFileProblem } from '../../store/db.js';
import { StoreError } from '../../store/faults.js';
import { isPostgresUrl } from '../../store/target.js';
import { AUTOMATIC, defaultPlan } from '../default-subscriptions.js';
import { resolvePaths, type GlobalOptions, type Paths } from '../context.js';
import { say } from '../output.js';

/** Settings that legitimately sit in a compose `.env` without being Watchfloor's own. */
// POSTGRES_*: the official PostgreSQL image's settings, often kept in the same .env; PG*: libpq's variables, read by the PostgreSQL driver (PGPASSWORD).
const FOREIGN_ENV = /^(COMPOSE_|DOCKER_|NODE_|npm_|POSTGRES_|PG[A-Z]+$|TZ$|HOME$|PATH$|UID$|GID$)/;

/** Where a delivered alert goes, decided by which secrets are set. */
export type Sink = 'console' | 'bot' | 'webhook';

/** Everything `watchfloor check` found: what the process would run with. */
export interface CheckReport {
  readonly envFile: string | null;
  readonly environment: Record<string, string>;
  readonly warnings: readonly string[];
  readonly paths: Paths;
  readonly feeds: {
    readonly total: number;
    readonly enabled: number;
    readonly disabled: number;
    readonly localFiles: number;
    /** Feeds of a topic's home news (feeds.json `"home"`), by id: their stories count for that topic when nothing else claims them. */
    readonly home: Readonly<Record<string, string>>;
  };
  readonly topics: readonly { readonly id: string; readonly label: string; readonly patterns: number; readonly threshold: number }[];
  readonly trainingExamples: number;
  readonly database: {
    readonly path: string;
    readonly exists: boolean;
    readonly bytes: number | null;
    /** `sqlite` (a file) or `postgres` (WATCHFLOOR_DB is a postgres:// URL, shown without its password). */
    readonly engine: 'sqlite' | 'postgres';
    /** PostgreSQL only: what the server answered (filled by the `check` command, which connects once). */
    readonly postgres?: { readonly serverVersion: string; readonly schemaVersion: number; readonly latestVersion: number };
  };
  readonly model: { readonly path: string; readonly exists: boolean };
  readonly sinks: readonly Sink[];
  /** Where alerts will really go: the subscriptions in the database, or the automatic ones the configuration implies. */
  readonly alertsGo: string;
  readonly schedule: { readonly expression: string; readonly periodSeconds: number };
  readonly http: { readonly host: string; readonly port: number };
}

export interface CheckOptions extends GlobalOptions {
  /** A dotenv file to read beneath the process environment (the process wins, as with `node --env-file`). null: none. */
  readonly envFile: string | null;
  /** The process environment (injected for tests). */
  readonly processEnv: NodeJS.ProcessEnv;
}

/**
 * Validates the environment (plus an optional `.env` file), feeds.json and rules/ together, and
 * returns what the service would run with. Throws ConfigErrors listing every problem of every
 * file at once, so a user fixes them in one pass.
 */
export function checkConfiguration(options: CheckOptions): CheckReport {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];

  let fileEnv: Record<string, string> = {};
  if (options.envFile !== null) {
    try {
      fileEnv = readEnvFile(options.envFile);
    } catch (error) {
      errors.push(...(error instanceof ConfigErrors ? error.errors : [error instanceof ConfigError ? error : new ConfigError(options.envFile, '', String(error))]));
    }
    warnings.push(...unknownEnvKeys(fileEnv).map((key) => `${options.envFile ?? '.env'}: ${key} is not a Watchfloor setting and is ignored${suggest(key)}`));
  }
  const source: NodeJS.ProcessEnv = { ...fileEnv, ...options.processEnv };

  let env: Env;
  try {
    env = loadEnv(source);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    errors.push(...error.errors);
    env = loadValidPart(source, error.errors);
  }
  const paths = resolvePaths(options, env);

  if (!cron.validate(env.POLL_SCHEDULE)) {
    errors.push(new ConfigError('environment', 'POLL_SCHEDULE', `"${env.POLL_SCHEDULE}" is not a valid cron expression. Use five fields, e.g. "*/5 * * * *" for every five minutes.`));
  }

  let feeds: readonly FeedConfig[] = [];
  try {
    feeds = loadFeeds(paths.feeds, source);
  } catch (error) {
    errors.push(...configErrorsOf(error));
  }
  let localFiles = 0;
  feeds.forEach((feed, index) => {
    const target = resolveFeedUrl(feed.url, dirname(paths.feeds));
    if (target === null) {
      errors.push(new ConfigError(paths.feeds, `feeds[${index}] "${feed.id}".url`, `"${feed.url}" is neither an http(s) URL nor a file path. Use https://… or a path relative to feeds.json.`));
    } else if (!/^https?:\/\//i.test(target)) {
      localFiles += 1;
      const file = target.startsWith('file://') ? new URL(target).pathname : target;
      if (!existsSync(file)) errors.push(new ConfigError(paths.feeds, `feeds[${index}] "${feed.id}".url`, `local feed file ${file} does not exist. Fix the path (relative paths start at the folder of feeds.json) or use an https:// URL.`));
    }
  });

  let topics: CheckReport['topics'] = [];
  let trainingExamples = 0;
  try {
    const rules = loadRules(paths.rules);
    topics = rules.topics.map((t) => ({ id: t.id, label: t.label, patterns: t.patterns.length, threshold: t.threshold }));
    trainingExamples = loadTrainingExamples(paths.rules).examples.length;
  } catch (error) {
    errors.push(...configErrorsOf(error));
  }
  if (topics.length > 0) errors.push(...feedHomeErrors(feeds, topics.map((t) => t.id), paths.feeds));
  const unknownHints = [...new Set(feeds.flatMap((f) => f.topics))].filter((t) => topics.length > 0 && !topics.some((x) => x.id === t));
  for (const hint of unknownHints) warnings.push(`${paths.feeds}: topic hint "${hint}" matches no file in ${paths.rules}`);

  const database = inspectDatabase(paths.db, errors);
  if (database.engine === 'sqlite' && database.exists && database.path !== ':memory:' && topics.length > 0) {
    warnings.push(...strayHomes(addedFeedHomes(database.path), topics.map((t) => t.id)).map((stray) => stray.message));
  }
  // The command a user runs to fix a configuration lists every problem, however many.
  if (errors.length > 0) throw new ConfigErrors(errors, Number.POSITIVE_INFINITY);

  const sinks: Sink[] = [];
  if (env.DISCORD_TOKEN !== undefined) sinks.push('bot');
  if (env.DISCORD_WEBHOOK_URL !== undefined) sinks.push('webhook');
  if (sinks.length === 0) sinks.push('console');
  if (env.DISCORD_TOKEN !== undefined && env.DISCORD_APPLICATION_ID === undefined) {
    warnings.push('DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not: slash commands cannot be registered until it is.');
  }

  return {
    envFile: options.envFile,
    environment: describeEnv(env),
    warnings,
    paths,
    feeds: { total: feeds.length, enabled: feeds.filter((f) => f.enabled).length, disabled: feeds.filter((f) => !f.enabled).length, localFiles, home: Object.fromEntries(feeds.flatMap((f) => (f.home === undefined ? [] : [[f.id, f.home]]))) },
    topics,
    trainingExamples,
    database,
    model: { path: paths.model, exists: existsSync(paths.model) },
    sinks,
    alertsGo: database.engine === 'postgres'
      ? 'the subscriptions stored in the PostgreSQL database, else what the configuration implies (read by `run` at start)'
      : whereAlertsGo(env, database.exists && database.path !== ':memory:' ? database.path : null),
    schedule: { expression: env.POLL_SCHEDULE, periodSeconds: schedulePeriodMs(env.POLL_SCHEDULE) / 1000 },
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT },
  };
}

/** The gap between two runs of a cron schedule. Kept here so `check` loads no runtime modules. */
function schedulePeriodMs(expression: string): number {
  const parsed = CronExpressionParser.parse(expression);
  const first = parsed.next().getTime();
  return parsed.next().getTime() - first;
}

/**
 * The environment without the settings that failed, so the file checks below still run with the
 * user's paths and report their own problems in the same pass.
 */
function loadValidPart(source: NodeJS.ProcessEnv, failed: readonly ConfigError[]): Env {
  const bad = new Set(failed.map((e) => e.where.replace(/_FILE$/, '')));
  const rest: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(source)) if (!bad.has(key.replace(/_FILE$/, ''))) rest[key] = value;
  try {
    return loadEnv(rest);
  } catch {
    return loadEnv({});
  }
}

function configErrorsOf(error: unknown): ConfigError[] {
  if (error instanceof ConfigErrors) return [...error.errors];
  if (error instanceof ConfigError) return [error];
  throw error;
}

function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(path, '', `cannot read the env file: ${cause instanceof Error ? cause.message : String(cause)}. Copy .env.example to .env, or pass --env <file>.`, { cause });
  }
  // Strict: a line that is not NAME=value is an error with its line number (Node's parseEnv
  // would join it to the next line's name).
  return parseDotEnv(text, path);
}

function unknownEnvKeys(fileEnv: Record<string, string>): string[] {
  const known = new Set<string>([...Object.keys(ENV_SCHEMA.shape), ...SECRET_ENV.map((k) => `${k}_FILE`)]);
  return Object.keys(fileEnv).filter((key) => !known.has(key) && !FOREIGN_ENV.test(key));
}

/** ", did you mean X?" for a name one or two edits away from a setting; empty otherwise. */
function suggest(key: string): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const name of Object.keys(ENV_SCHEMA.shape)) {
    const d = editDistance(key.toUpperCase(), name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best === null ? '' : ` (did you mean ${best}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The database need not exist yet, but the service must be able to create or write it, and an
 * existing file must be a sound Watchfloor database (quick_check): the same messages as the
 * commands that open it, found here without writing to it.
 */
function inspectDatabase(path: string, errors: ConfigError[]): CheckReport['database'] {
  // A server is checked by connecting to it (the command does, after the files are valid).
  if (isPostgresUrl(path)) return { path: redactText(path), exists: true, bytes: null, engine: 'postgres' };
  if (path === ':memory:') return { path, exists: false, bytes: null, engine: 'sqlite' };
  const problem = databaseFileProblem(path);
  if (problem !== null) errors.push(new ConfigError('environment', 'WATCHFLOOR_DB', problem));
  if (existsSync(path)) return { path, exists: true, bytes: statSync(path).size, engine: 'sqlite' };
  return { path, exists: false, bytes: null, engine: 'sqlite' };
}

/** The feeds added from Discord with a home, read from the database without changing it; none before migration 013. */
function addedFeedHomes(dbPath: string): { id: string; home: string; guildId: string | null }[] {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], { id: string; home: string; guild_id: string | null }>('SELECT id, home, guild_id FROM added_feeds WHERE home IS NOT NULL ORDER BY id').all().map((r) => ({ id: r.id, home: r.home, guildId: r.guild_id }));
    } finally {
      db.close();
    }
  } catch {
    return []; // no added_feeds table or home column yet: `run` migrates it
  }
}

/**
 * Where alerts will go, as `run` would decide it: the operator's own subscriptions when there are
 * any (read from the database without changing it), else what the configuration implies.
 */
function whereAlertsGo(env: Env, dbPath: string | null): string {
  let own: { target_kind: string }[] = [];
  if (dbPath !== null) {
    try {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        own = db.prepare<[string], { target_kind: string }>('SELECT target_kind FROM subscriptions WHERE created_by != ?').all(AUTOMATIC);
      } finally {
        db.close();
      }
    } catch {
      own = []; // no subscriptions table yet: a database from before any start
    }
  }
  if (own.length === 0) return defaultPlan(env, { now: Date.now() }).says;
  const kinds = [...new Set(own.map((r) => r.target_kind))].join(', ');
  const warning = own.some((r) => r.target_kind === 'channel') && env.DISCORD_TOKEN === undefined ? '; channel subscriptions need DISCORD_TOKEN, which is not set' : '';
  return `${own.length} subscription${own.length === 1 ? '' : 's'} of your own (${kinds}; \`watchfloor subscriptions\` lists them)${warning}`;
}

function describeDatabaseState(database: CheckReport['database'], mb: string): string {
  const pg = database.postgres;
  if (database.engine === 'postgres') {
    if (pg === undefined) return ' (PostgreSQL, not contacted)';
    const state = pg.schemaVersion === 0 ? 'empty: `run` creates the tables' : pg.schemaVersion < pg.latestVersion ? `schema version ${pg.schemaVersion}, \`run\` migrates it to ${pg.latestVersion}` : `schema version ${pg.schemaVersion}`;
    return ` (PostgreSQL ${pg.serverVersion}, reachable, ${state})`;
  }
  return database.exists ? ` (exists${mb}, quick_check ok)` : ' (will be created)';
}

/** Renders the report for people. */
export function renderCheckReport(report: CheckReport): string {
  const lines: string[] = [];
  const feeds = report.feeds;
  const mb = report.database.bytes === null ? '' : `, ${(report.database.bytes / 1_048_576).toFixed(1)} MB`;
  lines.push('Configuration is valid. Watchfloor would run with:');
  lines.push('');
  lines.push(`  feeds      ${report.paths.feeds}: ${feeds.enabled} enabled, ${feeds.disabled} disabled${feeds.localFiles > 0 ? ` (${feeds.localFiles} local files)` : ''}`);
  const homes = Object.entries(feeds.home);
  if (homes.length > 0) lines.push(`  home feeds ${homes.map(([id, topic]) => `${id} → ${topic}`).join(', ')}`);
  lines.push(`  rules      ${report.paths.rules}: ${report.topics.length} topics, ${report.trainingExamples} training examples`);
  for (const t of report.topics) lines.push(`               ${t.id} "${t.label}": ${t.patterns} patterns, threshold ${t.threshold}`);
  lines.push(`  database   ${report.database.path}${describeDatabaseState(report.database, mb)}`);
  lines.push(`  model      ${report.model.path}${report.model.exists ? ' (exists)' : ' (will be trained at start)'}`);
  lines.push(`  delivery   ${report.sinks.map(describeSink).join(', ')}`);
  lines.push(`  alerts go  ${report.alertsGo}`);
  lines.push(`  schedule   ${report.schedule.expression} (every ${formatPeriod(report.schedule.periodSeconds)})`);
  lines.push(`  http       ${report.http.host}:${report.http.port} (/healthz, /readyz, /metrics)`);
  lines.push('');
  lines.push(`Environment${report.envFile === null ? '' : ` (process environment over ${report.envFile})`}:`);
  const width = Math.max(...Object.keys(report.environment).map((k) => k.length));
  for (const [key, value] of Object.entries(report.environment)) lines.push(`  ${key.padEnd(width)}  ${value}`);
  if (report.warnings.length > 0) {
    lines.push('');
    lines.push('Warnings:');
    for (const w of report.warnings) lines.push(`  - ${w}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeSink(sink: Sink): string {
  switch (sink) {
    case 'bot':
      return 'Discord bot (gateway, slash commands, channel messages)';
    case 'webhook':
      return 'Discord webhook';
    case 'console':
      return 'console (no DISCORD_TOKEN or DISCORD_WEBHOOK_URL set: alerts and digests go to stdout)';
  }
}

function formatPeriod(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** One enabled feed fetched and parsed by `check --fetch`. */
export interface FeedFetchCheck {
  readonly id: string;
  readonly ok: boolean;
  /** `rss`, `rdf` or `atom` when parsed. */
  readonly format: string | null;
  /** Entries with a title and a link, as the poller would store them. */
  readonly stories: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly error: { readonly kind: string; readonly message: string } | null;
}

/**
 * `check --fetch`: fetches and parses every enabled feed of feeds.json once, as a poll would
 * (same timeouts, size cap, per-host limit, no validators), without writing anything: no
 * database, no poll state. Loaded only when asked, so a plain `check` stays quick.
 */
export async function fetchFeedsOnce(options: CheckOptions, report: CheckReport): Promise<FeedFetchCheck[]> {
  const [{ fetchFeed, closeFetchAgents }, { parseFeed }, { createHostLimiter }, { normaliseItems }, { baseUrlFor }, { USER_AGENT }] = await Promise.all([
    import('../../feeds/fetch.js'),
    import('../../feeds/parse.js'),
    import('../../feeds/limiter.js'),
    import('../../core/story.js'),
    import('../analyse.js'),
    import('../runtime.js'),
  ]);
  const source: NodeJS.ProcessEnv = { ...(options.envFile === null ? {} : readEnvFile(options.envFile)), ...options.processEnv };
  const env = loadEnv(source);
  const feeds = loadFeeds(report.paths.feeds, source).filter((feed) => feed.enabled);
  const limiter = createHostLimiter({ concurrency: env.FETCH_CONCURRENCY, perHost: env.FETCH_PER_HOST });
  const baseDir = dirname(report.paths.feeds);
  const one = async (feed: FeedConfig): Promise<FeedFetchCheck> => {
    const started = Date.now();
    const fetched = await limiter.run(feed.url, () => fetchFeed(feed.url, { etag: null, lastModified: null, bodyHash: null }, {
      timeoutMs: env.FETCH_TIMEOUT_MS,
      idleTimeoutMs: env.FETCH_IDLE_TIMEOUT_MS,
      maxBytes: env.FETCH_MAX_BYTES,
      userAgent: USER_AGENT,
      blockPrivateAddresses: false, // the operator's own feeds may be anywhere, as when polled
      baseDir,
      languageHint: feed.language,
    }));
    const done = (fields: Partial<FeedFetchCheck>): FeedFetchCheck => ({ id: feed.id, ok: false, format: null, stories: 0, bytes: 0, durationMs: Date.now() - started, error: null, ...fields });
    if (!fetched.ok) return done({ error: { kind: fetched.kind, message: fetched.message } });
    if (fetched.notModified) return done({ bytes: fetched.bytes, error: { kind: 'http', message: `${fetched.finalUrl} answered "not modified" to a request without validators; the server is misbehaving` } });
    const parsed = await parseFeed(fetched.text, fetched.finalUrl, fetched.contentLocation);
    if ('ok' in parsed) return done({ bytes: fetched.bytes, error: { kind: parsed.kind, message: parsed.message } });
    const batch = normaliseItems(parsed.items, feed, baseUrlFor(parsed.link, fetched.finalUrl), Date.now());
    return done({ ok: true, format: parsed.format, stories: batch.stories.length, bytes: fetched.bytes });
  };
  try {
    return await Promise.all(feeds.map(one));
  } finally {
    await closeFetchAgents();
  }
}

/** The `--fetch` part of the report, one line per feed. */
export function renderFetchChecks(results: readonly FeedFetchCheck[]): string {
  const width = Math.max(4, ...results.map((r) => r.id.length));
  const lines = [`Fetched and parsed ${results.length} enabled feed${results.length === 1 ? '' : 's'} once (nothing stored):`];
  for (const r of results) {
    const detail = r.ok
      ? `${r.format ?? ''}, ${r.stories} stor${r.stories === 1 ? 'y' : 'ies'}, ${Math.round(r.bytes / 1024)} KB, ${r.durationMs} ms`
      : `(${r.error?.kind ?? 'unknown'}) ${r.error?.message ?? ''}`;
    lines.push(`  ${r.id.padEnd(width)}  ${r.ok ? 'ok   ' : 'error'}  ${detail}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed === 0 ? 'Every feed answered with a feed.' : `${failed} of ${results.length} feeds failed: fix their url in feeds.json, or set "enabled": false.`);
  return `${lines.join('\n')}\n`;
}

/**
 * With WATCHFLOOR_DB naming a PostgreSQL server: connects once, reads the schema version without
 * migrating, and adds what it found; wrong settings exit 2, a server that does not answer exits 1.
 */
async function withPostgres(report: CheckReport): Promise<CheckReport> {
  if (report.database.engine !== 'postgres') return report;
  const { probePg } = await import('../../store/pg/probe.js');
  const probe = await probePg(report.paths.db);
  if (!probe.ok) {
    if (probe.kind === 'config') throw new ConfigError('environment', 'WATCHFLOOR_DB', probe.problem);
    throw new StoreError(`check: ${probe.problem}`);
  }
  if (probe.schemaVersion > probe.latestVersion) {
    throw new StoreError(`check: the PostgreSQL database at ${report.database.path} has schema version ${probe.schemaVersion}, but this Watchfloor knows only ${probe.latestVersion}: upgrade Watchfloor, or point WATCHFLOOR_DB at another database.`);
  }
  const strays = report.topics.length > 0 ? strayHomes(probe.addedHomes, report.topics.map((t) => t.id)).map((stray) => stray.message) : [];
  return { ...report, warnings: [...report.warnings, ...strays], database: { ...report.database, postgres: { serverVersion: probe.serverVersion, schemaVersion: probe.schemaVersion, latestVersion: probe.latestVersion } } };
}

/** `watchfloor check`: validate .env, feeds.json and rules/; print what `run` would use. */
export function register(program: Command): void {
  program
    .command('check')
    .description('validate the environment (and .env), feeds.json and rules/, then print what `run` would use; exit 2 on any problem')
    // Not --env-file: Node 20 claims that flag even after the script name.
    .option('--env <file>', 'dotenv file to validate beneath the process environment (default: WATCHFLOOR_DOTENV, else ./.env if it exists)')
    .option('--fetch', 'also fetch and parse every enabled feed once (nothing is stored); exit 1 if one fails')
    .option('--json', 'print the report as one JSON object')
    .action(async (options: { env?: string; fetch?: boolean; json?: boolean }, command: Command) => {
      // By default the file the other commands read: WATCHFLOOR_DOTENV, else ./.env if it exists.
      const dotenv = process.env.WATCHFLOOR_DOTENV || undefined;
      const envFile = options.env ?? (dotenv === 'off' ? null : dotenv ?? (existsSync('.env') ? '.env' : null));
      const checkOptions: CheckOptions = {
        ...command.optsWithGlobals<GlobalOptions>(),
        envFile: envFile === null || isAbsolute(envFile) ? envFile : resolve(envFile),
        processEnv: process.env,
      };
      const report = await withPostgres(checkConfiguration(checkOptions));
      const fetched = options.fetch ? await fetchFeedsOnce(checkOptions, report) : null;
      if (options.json) {
        say(`${JSON.stringify(fetched === null ? report : { ...report, fetch: fetched })}\n`);
      } else {
        say(renderCheckReport(report));
        if (fetched !== null) say(`\n${renderFetchChecks(fetched)}`);
      }
      const failed = fetched?.filter((r) => !r.ok).length ?? 0;
      if (failed > 0) throw new Error(`check --fetch: ${failed} of ${fetched?.length ?? 0} enabled feeds could not be fetched or parsed (listed above).`);
    });
}
