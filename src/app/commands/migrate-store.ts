import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.js';
import { redactText } from '../../core/redact.js';
import { copySqliteToPostgres, type CopyResult } from '../../store/pg/copy-from-sqlite.js';
import { isPostgresUrl } from '../../store/target.js';
import { commandContext } from '../context.js';
import { say } from '../output.js';

/** The source and target of `migrate-store`, checked before anything is opened. */
export function migrateStoreTargets(options: { from?: string; to: string }, db: string): { source: string; target: string } {
  const source = options.from ?? db;
  if (isPostgresUrl(source)) {
    throw new ConfigError(
      'arguments',
      '--from',
      `the source must be the SQLite database file, and it is ${redactText(source)}${options.from === undefined ? ' (from --db or WATCHFLOOR_DB)' : ''}. Name the file with --from, e.g. --from data/watchfloor.db.`,
    );
  }
  if (!isPostgresUrl(options.to)) {
    throw new ConfigError('arguments', '--to', `${redactText(options.to)} is not a PostgreSQL URL. Give one as postgres://USER@HOST:5432/DATABASE (the password in PGPASSWORD, or in the URL).`);
  }
  try {
    new URL(options.to);
  } catch {
    throw new ConfigError('arguments', '--to', `${redactText(options.to)} is not a valid URL. Write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, with special characters in the password percent-encoded (@ as %40).`);
  }
  return { source: source === ':memory:' ? source : resolve(source), target: options.to };
}

/** The per-table summary `migrate-store` prints. */
export function formatCopy(result: CopyResult, source: string, target: string): string {
  const width = Math.max(...result.tables.map((t) => t.name.length), 'total'.length);
  const lines = result.tables.map((t) => `  ${t.name.padEnd(width)}  ${t.rows.toLocaleString('en-US').padStart(12)}`);
  const replaced = result.replacedRows > 0 ? `; ${result.replacedRows.toLocaleString('en-US')} rows it held before were replaced (--force)` : '';
  return [
    `copied ${source} to ${redactText(target)} (schema version ${result.schemaVersion}, ${result.seconds.toFixed(1)} s)${replaced}:`,
    ...lines,
    `  ${'total'.padEnd(width)}  ${result.rows.toLocaleString('en-US').padStart(12)}`,
    'row counts verified table by table. Next: set WATCHFLOOR_DB to the PostgreSQL URL and start the roles (docs/self-hosting.md).',
    '',
  ].join('\n');
}

/** `watchfloor migrate-store --to postgres://…`: copy the SQLite database into PostgreSQL. */
export function register(program: Command): void {
  program
    .command('migrate-store')
    .description('copy the SQLite database (--from, default --db / WATCHFLOOR_DB) into an empty PostgreSQL database, in one transaction; print rows per table')
    .requiredOption('--to <url>', 'the PostgreSQL database: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (password also from PGPASSWORD)')
    .option('--from <file>', 'the SQLite database file to copy (default: --db, else WATCHFLOOR_DB); opened read-only, may be in use by `run`')
    .option('--force', 'empty a target that already holds Watchfloor data first (in the same transaction)')
    .option('--json', 'print one JSON object instead of the table')
    .action(async (options: { to: string; from?: string; force?: boolean; json?: boolean }, command: Command) => {
      const { paths } = commandContext(command);
      const { source, target } = migrateStoreTargets(options, paths.db);
      const result = await copySqliteToPostgres(source, target, { force: options.force === true });
      if (options.json) {
        say(`${JSON.stringify({ source, target: redactText(target), ...result })}\n`);
      } else {
        say(formatCopy(result, source, target));
      }
    });
}
