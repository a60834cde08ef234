import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { describeStorageFault, FOREIGN_SCHEMA_CODE, StorageFaultError, StoreError, uid, type StorageFault } from './faults.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { isPostgresUrl, sqliteOnlyError } from './target.js';

export type Db = Database.Database;

// Defined beside the storage faults so the CLI can recognise it without loading the driver.
export { StoreError };

/**
 * WAL pages written before SQLite copies them back into the database file (its default is
 * 1,000, ~4 MB). A checkpoint copies every page written since the last one and syncs both
 * files; a first poll cycle over 1,000 feeds rewrites the same index pages over and over.
 * Measured on that cycle, alternating runs: 18.5, 15.8, 14.6 s with the default; 13.6, 14.1,
 * 13.7 s with 4,000 (and 12.5 s with no checkpoint at all). The WAL file grows to about 16 MB
 * and is reused from there.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 4000;

/**
 * Opens (creating if needed) the SQLite database at `path` and applies pending migrations.
 * WAL + synchronous=NORMAL: a process crash loses nothing committed and never corrupts; a power
 * loss can lose the transactions since the last checkpoint (their feeds are fetched again).
 *
 * A path that cannot be Watchfloor's database (a directory, a read-only file or folder, a file
 * that is not SQLite, another application's SQLite file) throws a StorageFaultError naming the
 * path and the fix, before anything is written to it.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (isPostgresUrl(path)) throw sqliteOnlyError(null, path);
  if (path !== ':memory:') {
    const fault = pathFault(path);
    if (fault) throw new StorageFaultError(fault);
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (cause) {
      throw new StorageFaultError(describeStorageFault('cantopen', 'SQLITE_CANTOPEN', path, `its folder cannot be created (${(cause as Error).message})`), { cause });
    }
  }
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma('busy_timeout = 5000');
    // Before the first write (journal_mode is one): never convert or migrate someone else's file.
    refuseForeignSchema(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma('foreign_keys = ON');
    migrate(db, path, migrations);
    return db;
  } catch (cause) {
    if (db?.open) db.close();
    if (cause instanceof StoreError || cause instanceof StorageFaultError) throw cause;
    const fault = StorageFaultError.from(cause, path);
    if (fault) throw fault;
    throw new StoreError(`cannot open database ${path}: ${(cause as Error).message}. Run \`watchfloor check\` to see what is wrong with it.`, { cause });
  }
}

/**
 * What is wrong with `path` as a place for the database, seen from the file system alone: a
 * directory, a file or folder this user cannot write, a folder that cannot be created. Null when
 * SQLite may try. (root passes every permission test: then SQLite's own error decides.)
 */
export function pathFault(path: string): StorageFault | null {
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) return describeStorageFault('cantopen', 'SQLITE_CANTOPEN', path, 'it is a directory, not a database file');
    const dir = dirname(path);
    for (const [target, what] of [[path, 'the file'], [dir, `its folder ${dir}`]] as const) {
      const denied = writeDenied(target);
      if (denied === 'EROFS') return describeStorageFault('readonly', 'SQLITE_READONLY', path, `${what} is on a read-only file system (mounted read-only)`);
      if (denied !== null) return describeStorageFault('readonly', 'SQLITE_READONLY', path, `${what} is read-only for this user (uid ${uid()})`);
    }
    return null;
  }
  // openDatabase creates missing folders: the nearest existing ancestor must be a writable folder.
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) return describeStorageFault('cantopen', 'SQLITE_CANTOPEN', path, `it does not exist and ${dir} is a file, not a folder, so it cannot be created`);
  if (!canWrite(dir)) return describeStorageFault('cantopen', 'SQLITE_CANTOPEN', path, `it does not exist and ${dir} is not writable (uid ${uid()}), so it cannot be created`);
  return null;
}

function canWrite(path: string): boolean {
  return writeDenied(path) === null;
}

/** Why this process may not write `path` (EACCES, EROFS, …), or null when it may. */
function writeDenied(path: string): string | null {
  try {
    accessSync(path, constants.W_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}

/**
 * Another application's SQLite file: tables, but no Watchfloor schema version (every Watchfloor
 * migration sets user_version in the same transaction as its tables). Reading page 1 here is also
 * what turns a file that is not SQLite into SQLITE_NOTADB.
 */
function refuseForeignSchema(db: Db, path: string): void {
  if (schemaVersion(db) !== 0) return;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type = 'table' DESC, name LIMIT 4").pluck().all() as string[];
  if (tables.length === 0) return;
  const shown = tables.slice(0, 3).map((t) => `"${t}"`).join(', ') + (tables.length > 3 ? ', …' : '');
  throw new StorageFaultError(describeStorageFault('foreign-schema', FOREIGN_SCHEMA_CODE, path, `Its tables: ${shown}`));
}

/**
 * Runs `PRAGMA quick_check` (every page and b-tree, without comparing indexes to their tables:
 * O(size of the file), bounded by reading it once) and throws a StorageFaultError ('corrupt')
 * naming the path, what SQLite found and the recovery steps when the database is damaged.
 */
export function assertDatabaseHealthy(db: Db, path: string): void {
  const problems = integrityProblems(db, path, { full: false, limit: 5 });
  if (problems.length === 0) return;
  throw new StorageFaultError(describeStorageFault('corrupt', 'SQLITE_CORRUPT', path, `quick_check found: ${problems.join('; ')}`));
}

/**
 * `run`'s start-up check, before anything else uses the file: quick_check on the existing
 * database at `path` (without migrating it); a damaged one is refused with the recovery steps.
 * A missing file is left for openDatabase to create.
 */
export function assertDatabaseFileHealthy(path: string): void {
  if (path === ':memory:' || !existsSync(path)) return;
  const fault = pathFault(path);
  if (fault) throw new StorageFaultError(fault);
  const db = openForReading(path);
  try {
    assertDatabaseHealthy(db, path);
  } finally {
    db.close();
  }
}

/**
 * What SQLite's checks report, empty when the database is sound: quick_check (or, with `full`,
 * integrity_check, which also compares every index with its table) and foreign_key_check. A
 * check that cannot even run because the file is damaged is reported as a problem too.
 */
export function integrityProblems(db: Db, path: string, options: { full: boolean; limit?: number }): string[] {
  const limit = options.limit ?? 100;
  const problems: string[] = [];
  try {
    const rows = db.pragma(`${options.full ? 'integrity_check' : 'quick_check'}(${limit})`) as { quick_check?: string; integrity_check?: string }[];
    for (const row of rows) {
      const text = row.quick_check ?? row.integrity_check ?? '';
      if (text !== 'ok') problems.push(text);
    }
    if (problems.length > 0) return problems;
    const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string; fkid: number }[];
    for (const o of orphans.slice(0, limit)) problems.push(`${o.table} row ${o.rowid ?? '?'} refers to a missing ${o.parent} row`);
    if (orphans.length > limit) problems.push(`… ${orphans.length - limit} more rows with missing parents`);
  } catch (error) {
    // Damage that stops the check itself is a finding; any other fault (not a database, locked) is not.
    const fault = StorageFaultError.from(error, path);
    if (fault?.fault.kind !== 'corrupt') throw fault ?? error;
    problems.push(`${fault.fault.code}: ${(error as Error).message}`);
  }
  return problems;
}

/**
 * Opens an existing database file for `backup` and `db check`: no migration, no pragma that
 * writes, so the file stays exactly as it was (an older or newer schema, a backup copy). A file
 * this user cannot write is opened read-only.
 */
export function openForReading(path: string): Db {
  if (isPostgresUrl(path)) throw sqliteOnlyError(null, path);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new StorageFaultError(describeStorageFault('cantopen', 'SQLITE_CANTOPEN', path, 'it is a directory, not a database file'));
  }
  if (!existsSync(path)) throw new StorageFaultError(describeStorageFault('cantopen', 'SQLITE_CANTOPEN', path, 'it does not exist'));
  try {
    const db = new Database(path, { fileMustExist: true, readonly: !canWrite(path) });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (cause) {
    throw StorageFaultError.from(cause, path) ?? new StoreError(`cannot open database ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** Current schema version (number of migrations applied). */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, path: string, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    db.close();
    throw new StoreError(newerSchemaMessage(path, current, migrations.length));
  }
  if (current === migrations.length) return;
  // Each step under the write lock, re-reading the version inside it: two processes starting on
  // an older database at once (`run` beside `once` after an upgrade) apply each migration once;
  // the second waits (busy timeout), then finds it applied.
  for (;;) {
    // foreign_keys can only change outside a transaction: off for a migration that asks for it
    // (read again inside: another process may have applied it meanwhile), on again after.
    const next = migrations[schemaVersion(db)];
    const keysOff = next?.foreignKeys === 'off';
    if (keysOff) db.pragma('foreign_keys = OFF');
    try {
      const done = db.transaction(() => {
        const version = schemaVersion(db);
        const migration = migrations[version];
        if (version >= migrations.length || !migration) return true;
        if (migration.foreignKeys === 'off' && !keysOff) return false; // changed under us: go round again
        db.exec(migration.sql);
        if (keysOff) {
          const broken = db.pragma('foreign_key_check') as readonly unknown[];
          if (broken.length > 0) {
            throw new StoreError(`migration ${migration.name} of database ${path} would leave ${broken.length} broken references; nothing was changed. Restore a backup or report this.`);
          }
        }
        db.pragma(`user_version = ${version + 1}`);
        return false;
      }).immediate();
      if (done) return;
    } finally {
      if (keysOff) db.pragma('foreign_keys = ON');
    }
  }
}

function newerSchemaMessage(path: string, current: number, known: number): string {
  return (
    `database ${path} has schema version ${current}, but this Watchfloor knows only ${known}. ` +
    'It was written by a newer release: upgrade Watchfloor, or restore a backup taken before the upgrade.'
  );
}

/**
 * What `watchfloor check` says about the database at `path`, or null when the service can use it
 * (or create it). Reads only: nothing is migrated or converted, so the file stays as it was.
 * The messages are the ones the other commands fail with.
 */
export function databaseFileProblem(path: string, migrations: readonly Migration[] = MIGRATIONS): string | null {
  if (path === ':memory:') return null;
  const fault = pathFault(path);
  if (fault) return fault.message;
  if (!existsSync(path)) return null;
  let db: Db | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    refuseForeignSchema(db, path);
    const version = schemaVersion(db);
    if (version > migrations.length) return newerSchemaMessage(path, version, migrations.length);
    const problems = integrityProblems(db, path, { full: false, limit: 5 });
    return problems.length === 0 ? null : describeStorageFault('corrupt', 'SQLITE_CORRUPT', path, `quick_check found: ${problems.join('; ')}`).message;
  } catch (error) {
    const found = StorageFaultError.from(error, path);
    if (found) return found.message;
    throw error;
  } finally {
    if (db?.open) db.close();
  }
}
