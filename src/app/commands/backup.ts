import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.js';
import { integrityProblems, openForReading, type Db } from '../../store/db.js';
import { describeStorageFault, storageFault, StorageFaultError } from '../../store/faults.js';
import { commandContext } from '../context.js';
import { isPostgresUrl, sqliteOnlyError } from '../../store/target.js';
import { say } from '../output.js';

/** Pages copied per step: all of them, in one read transaction (see below). */
const ALL_PAGES = 0x7fffffff;

export interface BackupResult {
  readonly source: string;
  readonly target: string;
  readonly bytes: number;
  readonly stories: number | null;
  readonly pages: number;
}

/**
 * Copies the database at `source` to `target` with SQLite's online backup API, then verifies the
 * copy (quick_check) and counts its stories. Safe while `run` writes to the source: the copy is
 * one consistent snapshot. It is taken in a single backup step, i.e. one read transaction: in WAL
 * mode that never blocks the writer, and a write by another process cannot restart the backup
 * (as it would between steps of a page-by-page copy, possibly forever on a busy database).
 * The copy is written beside the target under a temporary name and renamed into place only once
 * verified, so a failed or interrupted backup never leaves a half-written file under `target`
 * (nor replaces a previous backup with one).
 */
export async function backupDatabase(source: string, target: string, options: { force: boolean }): Promise<BackupResult> {
  if (isPostgresUrl(source)) throw sqliteOnlyError('backup', source);
  if (source === ':memory:') throw new ConfigError('environment', 'WATCHFLOOR_DB', 'an in-memory database cannot be backed up. Point --db (or WATCHFLOOR_DB) at the database file `run` uses.');
  if (!existsSync(source)) throw new ConfigError('environment', 'WATCHFLOOR_DB', `${source} does not exist: nothing to back up. Point --db (or WATCHFLOOR_DB) at the database file \`run\` uses.`);
  if (target === source) throw new ConfigError('arguments', 'backup FILE', `${target} is the database itself. Name another file, e.g. backups/watchfloor-$(date +%F).db.`);
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw new ConfigError('arguments', 'backup FILE', `${target} is a directory. Name a file inside it, e.g. ${resolve(target, 'watchfloor.db')}.`);
    if (!options.force) throw new ConfigError('arguments', 'backup FILE', `${target} already exists. Name another file, or add --force to replace it.`);
  }
  if (!existsSync(dirname(target))) throw new ConfigError('arguments', 'backup FILE', `the folder ${dirname(target)} does not exist. Create it first (mkdir -p ${dirname(target)}).`);

  const partial = `${target}.partial-${process.pid}`;
  const removePartial = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${partial}${suffix}`, { force: true });
  };
  const db = openForReading(source);
  let pages: number;
  try {
    const progress = await db.backup(partial, { progress: () => ALL_PAGES });
    pages = progress.totalPages;
  } catch (error) {
    removePartial();
    throw backupFault(error, source, target);
  } finally {
    db.close();
  }

  let stories: number | null;
  try {
    const copy = openForReading(partial);
    try {
      const problems = integrityProblems(copy, target, { full: false, limit: 5 });
      if (problems.length > 0) {
        throw new StorageFaultError(describeStorageFault('corrupt', 'SQLITE_CORRUPT', target, `The backup failed its quick_check (${problems.join('; ')}), so it was not kept: run \`watchfloor db check\` on ${source}`));
      }
      stories = countStories(copy);
    } finally {
      copy.close();
    }
    renameSync(partial, target);
  } catch (error) {
    removePartial();
    throw backupFault(error, source, target);
  }
  return { source, target, bytes: statSync(target).size, stories, pages };
}

/** A failure of the copy, naming the file it concerns: a damaged source, or a full or read-only target. */
function backupFault(error: unknown, source: string, target: string): unknown {
  if (error instanceof StorageFaultError || error instanceof ConfigError) return error;
  const fault = storageFault(error, target);
  if (fault === null) return error;
  const path = fault.kind === 'corrupt' || fault.kind === 'notadb' ? source : target;
  return new StorageFaultError(path === target ? fault : describeStorageFault(fault.kind, fault.code, path), { cause: error });
}

function countStories(db: Db): number | null {
  const hasStories = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stories'").pluck().get() === 1;
  return hasStories ? (db.prepare('SELECT count(*) FROM stories').pluck().get() as number) : null;
}

/** `watchfloor backup FILE`: an online copy of the database, safe while `run` is up. */
export function register(program: Command): void {
  program
    .command('backup')
    .argument('<file>', 'where to write the copy (refused if it exists, unless --force)')
    .description('copy the database with SQLite\'s online backup (safe while `run` is up), verify the copy with quick_check, print its size and story count')
    .option('--force', 'replace FILE if it exists')
    .action(async (file: string, options: { force?: boolean }, command: Command) => {
      const { paths } = commandContext(command);
      const started = Date.now();
      const result = await backupDatabase(paths.db, resolve(file), { force: options.force === true });
      const mb = (result.bytes / 1_048_576).toFixed(1);
      const stories = result.stories === null ? 'no stories table' : `${result.stories.toLocaleString('en-US')} stories`;
      say(`backed up ${result.source} to ${result.target}: ${mb} MB, ${stories}, quick_check ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    });
}
