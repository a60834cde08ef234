import pg from 'pg';
import { redactText } from '../../core/redact.js';
import type { Migration } from '../migrations.js';
import { StoreError } from '../faults.js';
import { PG_MIGRATIONS } from './migrations.js';

/**
 * BIGINT (int8, OID 20) read as a number: every BIGINT here is a time in ms since the epoch, a
 * count or an id, all far below 2^53. node-postgres reads it as a string by default.
 */
const parseInt8 = (value: string): number => Number(value);
// node-postgres's own typed override table: the text parser of int8, the driver's defaults for
// every other type (and for binary results).
const TYPES = new pg.TypeOverrides();
TYPES.setTypeParser(pg.types.builtins.INT8, 'text', parseInt8);

/** The database's own clock in ms since the epoch: every lease on PostgreSQL is timed by it, never by a process's clock. */
export const DB_NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** Serialises migrations of one database between processes starting at once (a transaction-level advisory lock). */
const MIGRATION_LOCK = 0x57460001;

/**
 * How long opening a connection may take. Without it a host that drops packets silently holds a
 * start-up or a migrate-store for the operating system's TCP timeout (minutes).
 */
export const PG_CONNECT_TIMEOUT_MS = 10_000;

/** A connection pool to a Watchfloor PostgreSQL database. */
export type PgPool = pg.Pool;

/** What to check when the server cannot be reached, said after the driver's reason. */
const OPEN_FIX = 'Check that the server is running and accepts connections from here, and the user, password and database name in WATCHFLOOR_DB (docs/self-hosting.md, "Roles on PostgreSQL").';

/**
 * Connects to the PostgreSQL database at `url` and applies pending migrations (the same history
 * as SQLite's, see ./migrations.ts). The schema version is the number of rows of
 * `schema_migrations`. Errors name the server without its password, and `fix`
 * (what to check; by default the WATCHFLOOR_DB advice).
 */
export async function openPgDatabase(url: string, options: { max?: number; migrations?: readonly Migration[]; fix?: string } = {}): Promise<PgPool> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, types: TYPES, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
  // An idle client's error (the server restarted) must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migratePg(pool, options.migrations ?? PG_MIGRATIONS);
  } catch (cause) {
    await pool.end();
    if (cause instanceof StoreError) throw cause;
    throw new StoreError(redactText(`cannot open PostgreSQL database ${url}: ${(cause as Error).message}. ${options.fix ?? OPEN_FIX}`), { cause });
  }
  return pool;
}

/**
 * Runs `work` in one transaction on a client of the pool, the one place that writes BEGIN and
 * COMMIT: COMMIT when `work` returns, ROLLBACK when it (or the COMMIT) throws, the error
 * rethrown; the client is released, as broken (closed, never reused) when the ROLLBACK itself
 * fails. While checked out, an error event of the client (the connection lost) is absorbed: the
 * pending query rejects and reports it.
 */
export async function inPgTransaction<T>(pool: PgPool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const absorb = (): void => undefined;
  client.on('error', absorb);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: unknown) => {
      broken = rollback instanceof Error ? rollback : new Error(String(rollback));
    });
    throw error;
  } finally {
    client.off('error', absorb);
    client.release(broken);
  }
}

/** Current schema version of a PostgreSQL database (0 for an empty one), through a pool or one client. */
export async function pgSchemaVersion(pool: PgPool | pg.Client): Promise<number> {
  const exists = await pool.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const r = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
  return r.rows[0]?.n ?? 0;
}

async function migratePg(pool: PgPool, migrations: readonly Migration[]): Promise<void> {
  await inPgTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const applied = await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    if (applied.rows.length > migrations.length) {
      throw new StoreError(`PostgreSQL database has schema version ${applied.rows.length}, but this Watchfloor knows only ${migrations.length}. It was written by a newer release: upgrade Watchfloor, or restore a backup taken before the upgrade.`);
    }
    for (let v = applied.rows.length; v < migrations.length; v++) {
      const migration = migrations[v];
      if (!migration) break;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [v + 1, migration.name]);
    }
  });
}
