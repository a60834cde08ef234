import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPgTransaction, openPgDatabase, type PgPool } from '../../src/store/pg/db.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

/** The one PostgreSQL transaction helper every store goes through: commit, rollback, a broken connection. */
let server: TestPostgres;
let pool: PgPool;
beforeAll(async () => {
  server = await startPostgres();
  pool = await openPgDatabase(await server.createDatabase(`wf_tx_${process.pid}`), { max: 2 });
  await pool.query('CREATE TABLE tx_probe (n INTEGER PRIMARY KEY)');
}, 120_000);
afterAll(async () => {
  await pool.end();
  await server.stop();
});

const rows = async (): Promise<number[]> => (await pool.query<{ n: number }>('SELECT n FROM tx_probe ORDER BY n')).rows.map((r) => r.n);

describe('inPgTransaction', () => {
  it('GIVEN work that returns THEN its writes are committed and its value returned', async () => {
    const value = await inPgTransaction(pool, async (client) => {
      await client.query('INSERT INTO tx_probe (n) VALUES (1), (2)');
      return 'done';
    });
    expect(value).toBe('done');
    expect(await rows()).toEqual([1, 2]);
  });

  it('GIVEN work that throws after a write THEN the write is rolled back, the error rethrown and the connection reused', async () => {
    const failure = new Error('work failed');
    await expect(inPgTransaction(pool, async (client) => {
      await client.query('INSERT INTO tx_probe (n) VALUES (3)');
      throw failure;
    })).rejects.toBe(failure);
    expect(await rows()).toEqual([1, 2]);
    expect(pool.totalCount).toBeGreaterThan(0);
    // The released connection is back in the pool outside any transaction.
    const inTransaction = await pool.query<{ open: boolean }>("SELECT now() <> statement_timestamp() AS open");
    expect(inTransaction.rows[0]?.open).toBe(false);
  });

  it('GIVEN a connection lost mid-transaction (its ROLLBACK fails too) THEN the error is rethrown, and the next transactions work', async () => {
    await inPgTransaction(pool, (client) => client.query('SELECT 1')); // at least one idle client
    await expect(inPgTransaction(pool, async (client) => {
      await client.query('INSERT INTO tx_probe (n) VALUES (4)');
      await client.query('SELECT pg_terminate_backend(pg_backend_pid())');
    })).rejects.toThrow();
    expect(await rows()).toEqual([1, 2]);
    await inPgTransaction(pool, async (client) => { await client.query('INSERT INTO tx_probe (n) VALUES (5)'); });
    expect(await rows()).toEqual([1, 2, 5]);
  });
});
