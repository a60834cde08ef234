import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadEnv, type Env } from '../config/env.js';
import { isPostgresUrl } from '../store/target.js';

/** Options every command takes, so one install can watch several configurations. */
export interface GlobalOptions {
  readonly feeds?: string;
  readonly rules?: string;
  readonly db?: string;
}

/** Resolved file locations: flag, else environment, else default. */
export interface Paths {
  readonly feeds: string;
  readonly rules: string;
  readonly db: string;
  /** The trained classifier model, kept next to the database unless WATCHFLOOR_MODEL says otherwise. */
  readonly model: string;
}

export function resolvePaths(options: GlobalOptions, env: Env): Paths {
  const db = options.db ?? env.WATCHFLOOR_DB;
  // A PostgreSQL URL is kept as given; only a file path is made absolute.
  const local = db === ':memory:' || isPostgresUrl(db) ? null : db;
  return {
    feeds: resolve(options.feeds ?? env.WATCHFLOOR_FEEDS),
    rules: resolve(options.rules ?? env.WATCHFLOOR_RULES),
    db: local === null ? db : resolve(local),
    model: resolve(env.WATCHFLOOR_MODEL ?? join(dirname(local ?? './data/x'), 'model.json')),
  };
}

/** Environment + paths for a command, read from the root program's global options. */
export function commandContext(command: Command): { env: Env; paths: Paths } {
  const env = loadEnv();
  const options = command.optsWithGlobals<GlobalOptions>();
  return { env, paths: resolvePaths(options, env) };
}
