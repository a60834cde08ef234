/**
 * The two implementations of the exactly-once store, each on a fresh real database, for the one
 * contract suite. `seedSubscription` writes the row the outbox refers to with each engine's SQL
 * (subscriptions are outside the contract for now).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ExactlyOnceStore } from '../../../src/store/contract.js';
import { openDatabase } from '../../../src/store/db.js';
import { openPgExactlyOnceStore } from '../../../src/store/pg/exactly-once.js';
import { createSqliteExactlyOnceStore } from '../../../src/store/sqlite-contract.js';
import type { TestPostgres } from '../../helpers/postgres.js';

export interface EngineDb {
  /** A second store on the same database (another process's view). */
  open(): Promise<ExactlyOnceStore>;
  seedSubscription(): Promise<number>;
  /** Where a child process finds the database: a file path or a postgres:// URL. */
  readonly location: string;
  dispose(): Promise<void>;
}

const SUBSCRIPTION = `INSERT INTO subscriptions (target_kind, topics, mode, created_at, created_by) VALUES ('console', '["ukraine"]', 'instant', 0, 'test')`;

export function sqliteDb(): Promise<EngineDb> {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-contract-'));
  const path = join(dir, 'watchfloor.db');
  openDatabase(path).close();
  const opened: ExactlyOnceStore[] = [];
  return Promise.resolve({
    location: path,
    open() {
      const store = createSqliteExactlyOnceStore(openDatabase(path), { close: true });
      opened.push(store);
      return Promise.resolve(store);
    },
    seedSubscription() {
      const db = openDatabase(path);
      try {
        return Promise.resolve(Number(db.prepare(SUBSCRIPTION).run().lastInsertRowid));
      } finally {
        db.close();
      }
    },
    async dispose() {
      for (const s of opened.splice(0)) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

let dbCounter = 0;
export async function postgresDb(server: TestPostgres): Promise<EngineDb> {
  dbCounter++;
  const url = await server.createDatabase(`wf_contract_${process.pid}_${dbCounter}`);
  const opened: ExactlyOnceStore[] = [];
  const first = await openPgExactlyOnceStore(url, { max: 2 }); // migrates
  opened.push(first);
  return {
    location: url,
    async open() {
      const store = await openPgExactlyOnceStore(url, { max: 2 });
      opened.push(store);
      return store;
    },
    async seedSubscription() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const r = await client.query<{ id: string }>(`${SUBSCRIPTION} RETURNING id`);
        return Number(r.rows[0]!.id);
      } finally {
        await client.end();
      }
    },
    async dispose() {
      for (const s of opened.splice(0)) await s.close();
    },
  };
}
