#!/usr/bin/env node
// First: V8 settings that must be in place before any WebAssembly is compiled (ADR 15).
import './v8-settings.js';
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { parseDotEnv } from '../config/dotenv.js';
import { ConfigError, ConfigErrors, EXIT_CONFIG } from '../config/errors.js';
import { StorageFaultError, StoreError } from '../store/faults.js';
import { isPostgresUrl } from '../store/target.js';
import { warn } from './output.js';
/**
 * The `watchfloor` command line. Each command lives in src/app/commands/<name>.ts and exports
 * `register(program)`; this file only assembles them and maps errors to exit codes:
 * 0 ok, 1 runtime failure, 2 invalid configuration or arguments.
 */

type Register = (program: Command) => void;

/**
 * Command name → its module (each exports `register(program)`); keep alphabetical. Modules are
 * imported on demand: `eval` or `explain` need not load discord.js (~0.5 s, ~40 MB).
 */
const COMMAND_MODULES: Readonly<Record<string, () => Promise<{ register: Register }>>> = {
  backup: () => import('./commands/backup.js'),
  check: () => import('./commands/check.js'),
  db: () => import('./commands/db.js'),
  demo: () => import('./commands/demo.js'),
  digest: () => import('./commands/news.js'),
  eval: () => import('./commands/eval.js'),
  explain: () => import('./commands/explain.js'),
  feedback: () => import('./commands/feedback.js'),
  latest: () => import('./commands/news.js'),
  'migrate-store': () => import('./commands/migrate-store.js'),
  once: () => import('./commands/once.js'),
  outbox: () => import('./commands/outbox.js'),
  'register-commands': () => import('./commands/register-commands.js'),
  run: () => import('./commands/run.js'),
  search: () => import('./commands/news.js'),
  status: () => import('./commands/status.js'),
  subscribe: () => import('./commands/subscriptions.js'),
  subscriptions: () => import('./commands/subscriptions.js'),
  train: () => import('./commands/train.js'),
  trend: () => import('./commands/trend.js'),
  unsubscribe: () => import('./commands/subscriptions.js'),
};

/**
 * The top-level help without importing any command module (that takes 2–3 s): each command's
 * line as `watchfloor --help` prints it. A command missing here makes the help load every module
 * (correct, only slow); tests/app/cli-help.test.ts checks these against the real commands.
 */
export const COMMAND_SUMMARIES: Readonly<Record<string, { readonly term: string; readonly description: string }>> = {
  backup: { term: 'backup [options] <file>', description: "copy the database with SQLite's online backup (safe while `run` is up), verify the copy with quick_check, print its size and story count" },
  check: { term: 'check [options]', description: 'validate the environment (and .env), feeds.json and rules/, then print what `run` would use; exit 2 on any problem' },
  db: { term: 'db', description: 'database maintenance: `db check`' },
  demo: { term: 'demo [options]', description: 'serve the example feeds on 127.0.0.1 and run the pipeline on them: stories, verdicts, alerts and a digest on the console' },
  digest: { term: 'digest [options]', description: 'print the digest that would be composed now (as /news digest and scheduled digests): grouped by topic, near-duplicates merged' },
  eval: { term: 'eval [options] <file>', description: 'score the classifier on a labelled JSON Lines file ({"title","summary","labels":[...]} per line)' },
  explain: { term: 'explain [options] [text]', description: "classify a text and show each topic's verdict with its reasons (which words, where, the model's probability)" },
  feedback: { term: 'feedback', description: "a server's ratings of stories, for set-ups without a bot: `feedback add|list|remove|reset`" },
  latest: { term: 'latest [options]', description: 'list the newest matched stories (as /news latest): title, source, published time, topics with scores, link' },
  'migrate-store': { term: 'migrate-store [options]', description: 'copy the SQLite database (--from, default --db / WATCHFLOOR_DB) into an empty PostgreSQL database, in one transaction; print rows per table' },
  once: { term: 'once [options]', description: 'run one poll cycle of the due feeds, deliver what it routed and the digests that are due, and exit' },
  outbox: { term: 'outbox', description: 'list and requeue dead or uncertain outgoing messages' },
  'register-commands': { term: 'register-commands [options]', description: 'register the slash commands with Discord (in DISCORD_GUILD_ID when set, else globally); skipped when unchanged' },
  run: { term: 'run [options]', description: 'poll feeds on POLL_SCHEDULE, deliver alerts and digests, serve /healthz, /readyz and /metrics' },
  search: { term: 'search [options] <query...>', description: 'full-text search of stored stories (as /news search): words, "phrases", prefix*, AND, OR, NOT (or -word)' },
  status: { term: 'status [options]', description: 'show each feed (last success, failures, last error, next poll) and story counts' },
  subscribe: { term: 'subscribe [options]', description: 'send stories of some topics to a channel (bot), a webhook, or the console' },
  subscriptions: { term: 'subscriptions [options]', description: 'list subscriptions with their delivery counts (webhooks by id only)' },
  train: { term: 'train [options]', description: 'retrain the topic model from rules/training and the stored stories, and save it next to the database' },
  trend: { term: 'trend [options]', description: 'write the /news trend chart to a PNG file: matched stories per day (per hour up to 2 days) per topic, surges marked, in UTC or --tz' },
  unsubscribe: { term: 'unsubscribe <id>', description: 'remove a subscription (and its unsent messages)' },
};

/** The version in package.json (two folders up from src/app or dist/app), read without importing anything. */
export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The program with its global options, `--version`, and `.env` loaded before any command runs
 * (unless `dotenv: false`, for tests that only parse); no commands yet.
 */
export function createProgram(options: { readonly dotenv?: boolean } = {}): Command {
  const program = new Command('watchfloor')
    .description('Watches RSS/Atom feeds for South Korea, North Korea and Ukraine stories and posts them to Discord.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .option('--feeds <file>', 'feeds.json to use (env WATCHFLOOR_FEEDS, default ./feeds.json)')
    .option('--rules <dir>', 'topic rules directory (env WATCHFLOOR_RULES, default ./rules)')
    .option('--db <file>', 'SQLite database file (env WATCHFLOOR_DB, default ./data/watchfloor.db)')
    .showHelpAfterError()
    .exitOverride();
  // Before every command's action, not for --help or --version: help works beside a broken .env.
  if (options.dotenv !== false) program.hook('preAction', () => { loadDotEnv(); });
  return program;
}

/** Registers the commands named (all of them when `names` is undefined), importing each module once. */
export async function registerCommands(program: Command, names?: readonly string[]): Promise<void> {
  const loaders = (names ?? Object.keys(COMMAND_MODULES)).map((name) => COMMAND_MODULES[name]).filter((load) => load !== undefined);
  // A module registering several commands (subscriptions) is imported once: the same object.
  const modules = new Set(await Promise.all(loaders.map((load) => load())));
  for (const module of modules) module.register(program);
}

/**
 * Parses the arguments and runs the command; returns the exit code for an error, or undefined
 * when the command finished (it may have set process.exitCode itself, e.g. `db check`).
 */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const program = createProgram();
  const requested = commandName(argv.slice(2));
  if (requested !== undefined && requested in COMMAND_MODULES) {
    await registerCommands(program, [requested]);
  } else if (Object.keys(COMMAND_MODULES).every((name) => name in COMMAND_SUMMARIES)) {
    // Help, --version, or a name commander will call unknown (with a suggestion): no module needed.
    addCommandSummaries(program);
  } else {
    await registerCommands(program);
  }
  try {
    await program.parseAsync(argv);
    return undefined;
  } catch (error) {
    return exitCodeFor(error, program);
  }
}

/** Placeholder commands that only describe themselves, for the top-level help. */
function addCommandSummaries(program: Command): void {
  for (const [name, summary] of Object.entries(COMMAND_SUMMARIES)) program.command(name).description(summary.description);
  program.configureHelp({
    subcommandTerm: (command) => COMMAND_SUMMARIES[command.name()]?.term ?? command.name(),
  });
}

if (isEntryPoint()) {
  const code = await main(process.argv);
  if (code !== undefined) process.exitCode = code;
}

/** True when this file is the script node runs (not imported, e.g. by a test). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return true;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return true; // e.g. `node dist/app/cli` without the extension: node found the file, so it is us
  }
}

/**
 * Reads `.env` from the working directory (or the file WATCHFLOOR_DOTENV names; `off` to skip)
 * beneath the process environment: a variable already set wins, as with `node --env-file`. So
 * `npm start` reads the same file `docker compose` does. A line that is not NAME=value is an
 * error naming the line (Node's own reader would join it to the next setting).
 */
function loadDotEnv(): void {
  const setting = process.env.WATCHFLOOR_DOTENV || undefined; // empty (compose's blank) = unset
  if (setting === 'off') return;
  const path = setting ?? '.env';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && setting === undefined) return; // no .env: nothing to read
    if (code === 'ENOENT') throw new ConfigError('environment', 'WATCHFLOOR_DOTENV', `${path} does not exist. Point it at your env file, or set it to "off".`);
    throw new ConfigError(path, '', `cannot read: ${error instanceof Error ? error.message : String(error)}. Make it a readable file (see .env.example), or set WATCHFLOOR_DOTENV=off.`);
  }
  for (const [name, value] of Object.entries(parseDotEnv(text, path))) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
}

/** The first argument that is not a global option or its value: the command's name. */
function commandName(args: readonly string[]): string | undefined {
  const takesValue = new Set(['--feeds', '--rules', '--db']);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (takesValue.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    // `help run` is `run --help`.
    if (arg === 'help') return args.slice(i + 1).find((next) => !next.startsWith('-')) ?? arg;
    return arg;
  }
  return undefined;
}

function exitCodeFor(error: unknown, program: Command): number {
  if (error instanceof CommanderError) {
    // Help and version are not failures; usage errors are bad arguments.
    return error.exitCode === 0 ? 0 : EXIT_CONFIG;
  }
  if (error instanceof ConfigError || error instanceof ConfigErrors) {
    warn(`watchfloor: invalid configuration:\n${indent(error.message)}\n`);
    return EXIT_CONFIG;
  }
  if (error instanceof StorageFaultError || error instanceof StoreError) {
    // Already names the database path and the fix.
    warn(`watchfloor: ${error.message}\n`);
    return 1;
  }
  // A disk-full, I/O or corruption error from deep inside a command still gets the path and the fix.
  const fault = StorageFaultError.from(error, databasePath(program));
  const message = fault ? fault.message : error instanceof Error ? error.message : String(error);
  warn(`watchfloor: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error && error.stack) warn(`${error.stack}\n`);
  return 1;
}

/** The database the command used: --db, else WATCHFLOOR_DB, else the default (as resolvePaths). */
function databasePath(program: Command): string {
  const path = program.opts<{ db?: string }>().db ?? process.env.WATCHFLOOR_DB ?? './data/watchfloor.db';
  return path === ':memory:' || isPostgresUrl(path) ? path : resolve(path);
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
