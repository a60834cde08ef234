import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { ConfigError } from '../../config/errors.js';
import { redactText } from '../../core/redact.js';
import { StorageFaultError, StoreError } from '../faults.js';
import { MIGRATIONS } from '../migrations.js';
import { inPgTransaction, openPgDatabase, type PgPool } from './db.js';

/**
 * `watchfloor migrate-store`: copies a SQLite database into PostgreSQL (docs/self-hosting.md,
 * "Moving an existing SQLite database").
 *
 * - The source is opened read-only and read in one read transaction: one consistent snapshot,
 *   also while `run` writes to it (WAL readers never block the writer).
 * - Both must be at this build's schema version: the target is migrated to it first (the same
 *   history as SQLite's), a source of another version is refused with both numbers.
 * - Every table is copied in dependency order, streamed in batches (memory stays bounded by one
 *   batch), ids kept, BLOB as BYTEA; identity sequences are moved past the copied ids; the
 *   stories' search vector is a generated column, filled by PostgreSQL as rows arrive.
 * - All of it in one PostgreSQL transaction, with every Watchfloor table locked: a failure leaves
 *   the target's data as it was (the schema migration, if one was needed, stays). Row counts are
 *   compared per table before committing.
 * - A target that already holds Watchfloor data is refused, unless `force`: then it is emptied
 *   first, in the same transaction.
 */

/**
 * Every table of the SQLite schema, parents before children (foreign keys). A table the copier
 * does not list is refused rather than silently left behind: a migration that adds a table adds
 * it here (tests/store/migrate-store.test.ts compares this list with the real schema).
 */
export const COPY_ORDER: readonly string[] = [
  'stories',
  'story_sources',
  'story_verdicts',
  'feed_state',
  'poll_cycles',
  'subscriptions',
  'subscription_trends',
  'added_feeds',
  'events',
  'event_reports',
  'surges',
  'outbox',
  'outbox_files',
  'feedback',
  'process_heartbeats',
];

/** Tables of the SQLite file that are not data of their own: FTS5's index (PostgreSQL: a generated tsvector column). */
const DERIVED_TABLE = /^(sqlite_|stories_fts)/;

/** PostgreSQL takes at most 65,535 parameters per statement; rows per INSERT stay well under it and small in memory. */
const MAX_PARAMETERS = 30_000;
const MAX_BATCH_ROWS = 500;

export interface CopyOptions {
  /** Empty a target that already holds Watchfloor data, in the copy's transaction. */
  readonly force?: boolean;
  /** Rows per INSERT (at most 500, fewer for wide tables). */
  readonly batchRows?: number;
  /** How long to wait for another process's lock on the target's tables before giving up. */
  readonly lockTimeoutMs?: number;
}

export interface CopiedTable {
  readonly name: string;
  readonly rows: number;
}

export interface CopyResult {
  readonly schemaVersion: number;
  readonly tables: readonly CopiedTable[];
  readonly rows: number;
  /** Rows the target held before and that `force` removed. */
  readonly replacedRows: number;
  readonly seconds: number;
}

/** Copies the SQLite database at `source` into the PostgreSQL database at `targetUrl`; see the module comment. */
export async function copySqliteToPostgres(source: string, targetUrl: string, options: CopyOptions = {}): Promise<CopyResult> {
  const started = Date.now();
  const where = redactText(targetUrl);
  const db = openSource(source);
  try {
    const tables = sourceTables(db, source);
    const pool = await openTarget(targetUrl);
    try {
      // A connection lost mid-copy rejects the pending query (reported from there).
      const result = await inPgTransaction(pool, (client) => copyInTransaction(db, client, tables, where, options));
      return { ...result, seconds: (Date.now() - started) / 1000 };
    } finally {
      await pool.end();
    }
  } finally {
    db.close();
  }
}

/** The SQLite file, read-only, at this build's schema version; refused otherwise with what to do. */
function openSource(path: string): Database.Database {
  if (path === ':memory:') throw new ConfigError('arguments', '--from', 'an in-memory database holds nothing to copy. Name the SQLite file `run` uses (--from or --db).');
  if (!existsSync(path)) throw new ConfigError('arguments', '--from', `${path} does not exist. Name the SQLite file \`run\` uses (--from, --db or WATCHFLOOR_DB).`);
  if (statSync(path).isDirectory()) throw new ConfigError('arguments', '--from', `${path} is a directory. Name the SQLite database file inside it, e.g. watchfloor.db.`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (cause) {
    throw StorageFaultError.from(cause, path) ?? new StoreError(`cannot open SQLite database ${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const known = MIGRATIONS.length;
    const hasStories = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stories'").pluck().get() === 1;
    if (version === 0 || !hasStories) {
      throw new ConfigError('arguments', '--from', `${path} is not a Watchfloor database (no schema version or no stories table). Name the SQLite file \`run\` uses.`);
    }
    if (version < known) {
      throw new StoreError(
        `SQLite database ${path} has schema version ${version}, and this Watchfloor copies version ${known}. ` +
          'Start `watchfloor run` (or `watchfloor once`) of this release on it once, so that it migrates the file, stop it, then run migrate-store again.',
      );
    }
    if (version > known) {
      throw new StoreError(
        `SQLite database ${path} has schema version ${version}, but this Watchfloor knows only ${known}. ` +
          'It was written by a newer release: run migrate-store of that release (or a newer one).',
      );
    }
  } catch (error) {
    db.close();
    throw StorageFaultError.from(error, path) ?? error;
  }
  return db;
}

/** The source's tables in copy order; a table the copier does not know is refused (nothing is copied). */
function sourceTables(db: Database.Database, path: string): string[] {
  const names = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all().filter((n) => !DERIVED_TABLE.test(n));
  const unknown = names.filter((n) => !COPY_ORDER.includes(n));
  if (unknown.length > 0) {
    throw new StoreError(
      `SQLite database ${path} has tables this Watchfloor cannot copy (${unknown.join(', ')}): they are not Watchfloor's, or this build's copier was not updated for them. ` +
        'Nothing was copied. Use the release that wrote the file, or remove tables you added yourself (on a copy).',
    );
  }
  return COPY_ORDER.filter((n) => names.includes(n));
}

/** Connects and migrates the target to this build's schema; a bad URL or an unreachable server is one message naming it. */
async function openTarget(url: string): Promise<PgPool> {
  return openPgDatabase(url, {
    max: 1,
    fix: 'Check the URL given to --to (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE; the password may come from PGPASSWORD instead) and that the server is running and accepts connections from here.',
  });
}

async function copyInTransaction(
  db: Database.Database,
  client: pg.PoolClient,
  tables: readonly string[],
  where: string,
  options: CopyOptions,
): Promise<Omit<CopyResult, 'seconds'>> {
  const targetColumns = await pgColumns(client);
  const known = COPY_ORDER.filter((t) => targetColumns.has(t));
  await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs ?? 10_000))}`);
  try {
    // Nothing else writes while the copy runs, and what was checked empty stays empty.
    await client.query(`LOCK TABLE ${known.map(quoteIdent).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  } catch (cause) {
    const message = redactText((cause as Error).message);
    // 55P03 lock_not_available: another transaction held a table past the lock timeout.
    if ((cause as { code?: unknown }).code === '55P03') {
      throw new StoreError(`PostgreSQL database ${where} is in use: another process holds its tables (${message}). Stop every \`watchfloor run\` on it, then run migrate-store again.`, { cause });
    }
    throw new StoreError(`cannot lock the tables of PostgreSQL database ${where} (${message}): the user of --to needs to own them. Nothing was copied.`, { cause });
  }
  let replacedRows = 0;
  const held: string[] = [];
  for (const table of known) {
    const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteIdent(table)}`);
    const n = r.rows[0]?.n ?? 0;
    if (n > 0) held.push(`${table} ${n}`);
    replacedRows += n;
  }
  if (held.length > 0) {
    if (options.force !== true) {
      throw new ConfigError('arguments', '--to', `${where} already holds Watchfloor data (${held.join(', ')} rows); nothing was copied. Name an empty database, or add --force to empty this one and copy into it (in one transaction: a failure keeps its data).`);
    }
    await client.query(`TRUNCATE ${known.map(quoteIdent).join(', ')} RESTART IDENTITY CASCADE`);
  }

  // One read transaction on the source: every table from the same snapshot.
  db.exec('BEGIN');
  const copied: CopiedTable[] = [];
  try {
    for (const table of tables) {
      const columns = sqliteColumns(db, table);
      const target = targetColumns.get(table);
      const missing = columns.filter((c) => !target?.has(c));
      if (missing.length > 0) {
        throw new StoreError(`table ${table} of ${where} has no column ${missing.join(', ')}, although both databases are at schema version ${MIGRATIONS.length}: its schema was changed by hand. Nothing was copied.`);
      }
      const rows = await copyTable(db, client, table, columns, options.batchRows);
      const expected = db.prepare(`SELECT count(*) FROM ${quoteIdent(table)}`).pluck().get() as number;
      const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteIdent(table)}`);
      const landed = r.rows[0]?.n ?? -1;
      if (rows !== expected || landed !== expected) {
        throw new StoreError(`table ${table}: the source has ${expected} rows, ${rows} were read and ${landed} are in the target; nothing was copied. Run migrate-store again.`);
      }
      copied.push({ name: table, rows });
    }
  } finally {
    db.exec('COMMIT');
  }
  await resetIdentities(client);
  return { schemaVersion: MIGRATIONS.length, tables: copied, rows: copied.reduce((sum, t) => sum + t.rows, 0), replacedRows };
}

/** Streams one table into the target in batches; returns the rows copied. */
async function copyTable(db: Database.Database, client: pg.PoolClient, table: string, columns: readonly string[], batchRows = MAX_BATCH_ROWS): Promise<number> {
  const perBatch = Math.max(1, Math.min(batchRows, MAX_BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns.length)));
  const list = columns.map(quoteIdent).join(', ');
  const statement = db.prepare(`SELECT ${list} FROM ${quoteIdent(table)}`).raw(true);
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((value) => { values.push(value); return `$${values.length}`; }).join(', ')})`);
    try {
      await client.query(`INSERT INTO ${quoteIdent(table)} (${list}) VALUES ${tuples.join(', ')}`, values);
    } catch (cause) {
      throw new StoreError(`copying table ${table} failed at rows ${copied + 1}–${copied + batch.length}: ${redactText((cause as Error).message)}. Nothing was written to the target (the copy is one transaction). Fix or remove that row in the SQLite file (on a copy), then run migrate-store again.`, { cause });
    }
    copied += batch.length;
    batch = [];
  };
  for (const row of statement.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
  return copied;
}

/** Moves every identity sequence past the largest copied id, so that new rows get new ids. */
async function resetIdentities(client: pg.PoolClient): Promise<void> {
  const identities = await client.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
  );
  for (const { table_name: table, column_name: column } of identities.rows) {
    const t = quoteIdent(table);
    const c = quoteIdent(column);
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${c}) FROM ${t}), 1), (SELECT max(${c}) FROM ${t}) IS NOT NULL)`, [t, column]);
  }
}

function sqliteColumns(db: Database.Database, table: string): string[] {
  return db.prepare<[string], string>('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table);
}

/** Columns of the target's tables, without generated ones (the search vector). */
async function pgColumns(client: pg.PoolClient): Promise<Map<string, Set<string>>> {
  const r = await client.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_generated = 'NEVER'",
  );
  const out = new Map<string, Set<string>>();
  for (const row of r.rows) {
    let set = out.get(row.table_name);
    if (!set) out.set(row.table_name, (set = new Set()));
    set.add(row.column_name);
  }
  return out;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
