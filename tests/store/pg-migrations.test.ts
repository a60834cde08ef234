import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openPgDatabase, pgSchemaVersion, type PgPool } from '../../src/store/pg/db.js';
import { PG_MIGRATIONS } from '../../src/store/pg/migrations.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

/**
 * The same history on both engines: version N means the same tables and columns. Both sets are
 * read from real databases at every version. The one known difference is full-text search:
 * SQLite's FTS5 table (and its shadow tables) is PostgreSQL's `stories.search_vector` column.
 */
type Schema = Record<string, string[]>;

function sqliteSchema(db: Db): Schema {
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'stories_fts%' ORDER BY name").all();
  const out: Schema = {};
  for (const { name } of tables) out[name] = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}')`).all().map((c) => c.name).sort();
  return out;
}

async function pgSchema(pool: PgPool): Promise<Schema> {
  const rows = await pool.query<{ table_name: string; column_name: string }>(`SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name != 'schema_migrations' AND NOT (table_name = 'stories' AND column_name = 'search_vector')`);
  const out: Schema = {};
  for (const r of rows.rows) (out[r.table_name] ??= []).push(r.column_name);
  for (const cols of Object.values(out)) cols.sort();
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

let server: TestPostgres;
beforeAll(async () => { server = await startPostgres(); });
afterAll(async () => { await server.stop(); });

describe('PostgreSQL migrations', () => {
  it('mirror the SQLite history one for one, by name', () => {
    expect(PG_MIGRATIONS.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('give the same tables and columns as SQLite at every version, applied one after another', async () => {
    const url = await server.createDatabase('wf_history');
    for (let version = 1; version <= MIGRATIONS.length; version++) {
      const db = openDatabase(':memory:', MIGRATIONS.slice(0, version));
      const pool = await openPgDatabase(url, { migrations: PG_MIGRATIONS.slice(0, version), max: 1 });
      try {
        expect(await pgSchemaVersion(pool)).toBe(version);
        const expected = sqliteSchema(db);
        expect(Object.keys(expected).length).toBeGreaterThan(0);
        expect({ version, schema: await pgSchema(pool) }).toEqual({ version, schema: expected });
      } finally {
        db.close();
        await pool.end();
      }
    }
  });

  it('searches stories with a tsvector and its GIN index', async () => {
    const pool = await openPgDatabase(server.url, { max: 1 });
    try {
      await pool.query(`INSERT INTO stories (id, feed_id, title, summary, published_at, first_seen_at, language)
        VALUES ('a', 'f', 'Missile launch near Pyongyang', 'Seoul says', 1, 1, 'en'), ('b', 'f', 'Kyiv power cuts', 'Grid repairs', 1, 1, 'en')`);
      const hits = await pool.query<{ id: string }>("SELECT id FROM stories WHERE search_vector @@ to_tsquery('simple', 'pyongyang') ORDER BY id");
      expect(hits.rows.map((r) => r.id)).toEqual(['a']);
      const index = await pool.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'stories_search'");
      expect(index.rows[0]?.indexdef).toMatch(/USING gin \(search_vector\)/);
    } finally {
      await pool.end();
    }
  });

  it('refuses a database of a newer release, naming both versions', async () => {
    const url = await server.createDatabase('wf_newer');
    await (await openPgDatabase(url, { max: 1 })).end();
    await expect(openPgDatabase(url, { migrations: PG_MIGRATIONS.slice(0, 2), max: 1 })).rejects.toThrow(
      `schema version ${PG_MIGRATIONS.length}, but this Watchfloor knows only 2`,
    );
  });
});
