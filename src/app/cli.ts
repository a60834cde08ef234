#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadEnvFile } from 'node:process';
import { Command, CommanderError } from 'commander';
import { ConfigError, ConfigErrors, EXIT_CONFIG } from '../config/errors.js';
import { StorageFaultError, StoreError } from '../store/faults.js';
/**
 * The `watchfloor` command line. Each command lives in src/app/commands/<name>.ts and exports
 * `register(program)`; this file only assembles them and maps errors to exit codes:
 * 0 ok, 1 runtime failure, 2 invalid configuration or arguments.
 */
loadDotEnv();

const program = new Command('watchfloor')
  .description('Watches RSS/Atom feeds for South Korea, North Korea and Ukraine stories and posts them to Discord.')
  .option('--feeds <file>', 'feeds.json to use (env WATCHFLOOR_FEEDS, default ./feeds.json)')
  .option('--rules <dir>', 'topic rules directory (env WATCHFLOOR_RULES, default ./rules)')
  .option('--db <file>', 'SQLite database file (env WATCHFLOOR_DB, default ./data/watchfloor.db)')
  .showHelpAfterError()
  .exitOverride();

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
  latest: () => import('./commands/news.js'),
  once: () => import('./commands/once.js'),
  outbox: () => import('./commands/outbox.js'),
  'register-commands': () => import('./commands/register-commands.js'),
  run: () => import('./commands/run.js'),
  search: () => import('./commands/news.js'),
  status: () => import('./commands/status.js'),
  subscribe: () => import('./commands/subscriptions.js'),
  subscriptions: () => import('./commands/subscriptions.js'),
  train: () => import('./commands/train.js'),
  unsubscribe: () => import('./commands/subscriptions.js'),
};

const requested = commandName(process.argv.slice(2));
// The named command only; all of them for help, or to let commander explain an unknown name.
const only = requested === undefined ? undefined : COMMAND_MODULES[requested];
const loaders = only ? [only] : Object.values(COMMAND_MODULES);
// A module registering several commands (subscriptions) is imported once: the same object.
const modules = new Set(await Promise.all(loaders.map((load) => load())));
for (const module of modules) module.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

/**
 * Reads `.env` from the working directory (or the file WATCHFLOOR_DOTENV names; `off` to skip)
 * beneath the process environment: a variable already set wins, as with `node --env-file`. So
 * `npm start` reads the same file `docker compose` does.
 */
function loadDotEnv(): void {
  const setting = process.env.WATCHFLOOR_DOTENV;
  if (setting === 'off') return;
  const path = setting ?? '.env';
  if (!existsSync(path)) {
    if (setting !== undefined) {
      process.stderr.write(`watchfloor: invalid configuration:\n  environment (WATCHFLOOR_DOTENV): ${path} does not exist. Point it at your env file, or set it to "off".\n`);
      process.exit(EXIT_CONFIG);
    }
    return;
  }
  try {
    loadEnvFile(path);
  } catch (error) {
    process.stderr.write(`watchfloor: invalid configuration:\n  ${path}: cannot read: ${error instanceof Error ? error.message : String(error)}. Each line must be NAME=value (see .env.example).\n`);
    process.exit(EXIT_CONFIG);
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
    return arg;
  }
  return undefined;
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are not failures; usage errors are bad arguments.
    return error.exitCode === 0 ? 0 : EXIT_CONFIG;
  }
  if (error instanceof ConfigError || error instanceof ConfigErrors) {
    process.stderr.write(`watchfloor: invalid configuration:\n${indent(error.message)}\n`);
    return EXIT_CONFIG;
  }
  if (error instanceof StorageFaultError || error instanceof StoreError) {
    // Already names the database path and the fix.
    process.stderr.write(`watchfloor: ${error.message}\n`);
    return 1;
  }
  // A disk-full, I/O or corruption error from deep inside a command still gets the path and the fix.
  const fault = StorageFaultError.from(error, databasePath());
  const message = fault ? fault.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`watchfloor: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}

/** The database the command used: --db, else WATCHFLOOR_DB, else the default (as resolvePaths). */
function databasePath(): string {
  const path = program.opts<{ db?: string }>().db ?? process.env.WATCHFLOOR_DB ?? './data/watchfloor.db';
  return path === ':memory:' ? path : resolve(path);
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
