import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.js';
import { integrityProblems, openForReading, schemaVersion } from '../../store/db.js';
import { describeStorageFault, StorageFaultError } from '../../store/faults.js';
import { commandContext } from '../context.js';
import { isPostgresUrl, sqliteOnlyError } from '../../store/target.js';
import { say } from '../output.js';

export interface DbCheckResult {
  readonly path: string;
  readonly check: 'quick_check' | 'integrity_check';
  readonly problems: readonly string[];
  readonly bytes: number;
  readonly schemaVersion: number | null;
}

/**
 * Runs SQLite's own checks on the database at `path` without changing it: quick_check (every
 * page and b-tree, O(file size)) or, with `full`, integrity_check (also every index against its
 * table: slower), then foreign_key_check.
 */
export function checkDatabaseFile(path: string, options: { full: boolean }): DbCheckResult {
  if (isPostgresUrl(path)) throw sqliteOnlyError('db check', path);
  if (path === ':memory:') throw new ConfigError('environment', 'WATCHFLOOR_DB', 'an in-memory database has nothing to check. Point --db (or WATCHFLOOR_DB) at the database file.');
  if (!existsSync(path)) throw new ConfigError('environment', 'WATCHFLOOR_DB', `${path} does not exist. Point --db (or WATCHFLOOR_DB) at the database file \`run\` uses.`);
  const db = openForReading(path);
  try {
    const problems = integrityProblems(db, path, { full: options.full });
    let version: number | null = null;
    try {
      version = schemaVersion(db);
    } catch {
      // The header is unreadable: the problems above say so.
    }
    return { path, check: options.full ? 'integrity_check' : 'quick_check', problems, bytes: statSync(path).size, schemaVersion: version };
  } finally {
    db.close();
  }
}

/** `watchfloor db check [--full]`: is the database file sound? Exit 0 ok, 1 damaged. */
export function register(program: Command): void {
  const db = program.command('db').description('database maintenance: `db check`');
  db.command('check')
    .description('check the database with SQLite (quick_check, or integrity_check with --full, then foreign_key_check); exit 0 ok, 1 damaged')
    .option('--full', 'integrity_check: also compare every index with its table (slower)')
    .option('--json', 'print one JSON object')
    .action((options: { full?: boolean; json?: boolean }, command: Command) => {
      const { paths } = commandContext(command);
      const result = checkDatabaseFile(paths.db, { full: options.full === true });
      const ok = result.problems.length === 0;
      if (options.json) {
        say(`${JSON.stringify({ ok, ...result })}\n`);
      } else if (ok) {
        const mb = (result.bytes / 1_048_576).toFixed(1);
        say(`database ${result.path}: ok (${result.check}, foreign_key_check; ${mb} MB, schema version ${result.schemaVersion ?? '?'})\n`);
      } else {
        say(`database ${result.path}: ${result.check} found ${result.problems.length} problem(s):\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      }
      if (!ok) {
        throw new StorageFaultError(describeStorageFault('corrupt', 'SQLITE_CORRUPT', result.path, `${result.check} found ${result.problems.length} problem(s), listed above`));
      }
    });
}
