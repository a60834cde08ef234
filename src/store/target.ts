import { ConfigError } from '../config/errors.js';
import { redactText } from '../core/redact.js';

/**
 * Where the store lives, read from WATCHFLOOR_DB (or `--db`): a SQLite file (the default, and
 * `:memory:` for tests) or a PostgreSQL server given by its `postgres://` or `postgresql://` URL.
 * Decided in one place so that no command mistakes a URL for a file name and creates a SQLite
 * file called `postgres:`.
 */
export type StoreTarget =
  | { readonly engine: 'sqlite'; readonly path: string }
  | { readonly engine: 'postgres'; readonly url: string };

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

export function isPostgresUrl(value: string): boolean {
  return POSTGRES_URL.test(value);
}

export function storeTarget(value: string): StoreTarget {
  return isPostgresUrl(value) ? { engine: 'postgres', url: value } : { engine: 'sqlite', path: value };
}

/**
 * The error for a command that needs the SQLite store when WATCHFLOOR_DB names a PostgreSQL
 * server: what is wrong, where, and what to do instead. The URL is shown without its password.
 */
export function sqliteOnlyError(command: string | null, url: string): ConfigError {
  return new ConfigError(
    'environment',
    'WATCHFLOOR_DB',
    `${command === null ? 'This command' : `\`${command}\``} works on a SQLite database file only, and WATCHFLOOR_DB is ${redactText(url)}. ` +
      'Run it with --db pointing at a SQLite file, or see docs/self-hosting.md for what runs on PostgreSQL.',
  );
}
