#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { loadEnvFile } from 'node:process';
import { Command, CommanderError } from 'commander';
import { ConfigError, ConfigErrors, EXIT_CONFIG } from '../config/errors.js';
import { register as registerCheck } from './commands/check.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerEval } from './commands/eval.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerOnce } from './commands/once.js';
import { register as registerRegisterCommands } from './commands/register-commands.js';
import { register as registerRun } from './commands/run.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerSubscriptions } from './commands/subscriptions.js';
import { register as registerTrain } from './commands/train.js';

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

/** One entry per command module (each exports `register(program)`); keep alphabetical. */
const COMMANDS: readonly ((program: Command) => void)[] = [
  registerCheck,
  registerDemo,
  registerEval,
  registerExplain,
  registerOnce,
  registerRegisterCommands,
  registerRun,
  registerStatus,
  registerSubscriptions,
  registerTrain,
];
for (const register of COMMANDS) register(program);

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

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are not failures; usage errors are bad arguments.
    return error.exitCode === 0 ? 0 : EXIT_CONFIG;
  }
  if (error instanceof ConfigError || error instanceof ConfigErrors) {
    process.stderr.write(`watchfloor: invalid configuration:\n${indent(error.message)}\n`);
    return EXIT_CONFIG;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`watchfloor: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
