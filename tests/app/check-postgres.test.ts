import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgDatabase } from '../../src/store/pg/db.js';
import { PG_MIGRATIONS } from '../../src/store/pg/migrations.js';
import { runCli } from '../helpers/cli.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server.stop();
});

/** The same URL with a password in it (the test server trusts every local connection). */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = 'hunter2-check-pass';
  return u.toString();
}

describe('watchfloor check with WATCHFLOOR_DB=postgres://…', () => {
  it('GIVEN an empty database on a running server THEN it reports the server reachable and empty, migrates nothing, and hides the password', async () => {
    const url = withPassword(await server.createDatabase('check_empty'));
    const result = await runCli(['check', '--json'], { WATCHFLOOR_DB: url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { database: { engine: string; path: string; postgres: { schemaVersion: number; latestVersion: number } } };
    expect(report.database.engine).toBe('postgres');
    expect(report.database.postgres.schemaVersion).toBe(0);
    expect(report.database.postgres.latestVersion).toBe(PG_MIGRATIONS.length);
    expect(result.stdout).not.toContain('hunter2-check-pass');
    const again = await runCli(['check'], { WATCHFLOOR_DB: url });
    expect(again.stdout).toMatch(/database {3}postgres:\/\/\[redacted\]@127\.0\.0\.1:\d+\/check_empty \(PostgreSQL [\d.]+, reachable, empty: `run` creates the tables\)/);
  });

  it('GIVEN a migrated database THEN its schema version is reported', async () => {
    const url = await server.createDatabase('check_migrated');
    const pool = await openPgDatabase(url);
    await pool.end();
    const result = await runCli(['check'], { WATCHFLOOR_DB: url });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`reachable, schema version ${PG_MIGRATIONS.length})`);
  });

  it('GIVEN feeds added from Discord with homes THEN one whose home the rules lack is a warning with the fix; one whose home they have is not', async () => {
    const url = await server.createDatabase('check_homes');
    const pool = await openPgDatabase(url);
    try {
      const insert = 'INSERT INTO added_feeds (id, url, name, language, kind, added_by, guild_id, added_at, home) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)';
      await pool.query(insert, ['kyiv-desk', 'https://kyiv.example/rss', 'Kyiv desk', 'en', 'outlet', '700000000000000001', '210000000000000001', 1_700_000_000_000, 'ukraine']);
      await pool.query(insert, ['taipei-desk', 'https://taipei.example/rss', 'Taipei desk', 'en', 'outlet', '700000000000000001', '210000000000000001', 1_700_000_000_000, 'taiwan']);
    } finally {
      await pool.end();
    }
    const result = await runCli(['check', '--json'], { WATCHFLOOR_DB: url });
    expect(result.code).toBe(0);
    const warnings = (JSON.parse(result.stdout) as { warnings: string[] }).warnings.filter((w) => w.startsWith('added feed'));
    expect(warnings).toEqual([expect.stringMatching(/^added feed taipei-desk has home "taiwan", which is no topic of the rules \(north-korea, south-korea, ukraine\).*fix: \/feeds edit id:taipei-desk home:/u)]);
  });

  it('GIVEN a database name the server does not have THEN exit 2 naming WATCHFLOOR_DB and how to create it', async () => {
    const url = new URL(server.url);
    url.pathname = '/no_such_database';
    url.password = 'hunter2-check-pass';
    const result = await runCli(['check'], { WATCHFLOOR_DB: url.toString() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment (WATCHFLOOR_DB)');
    expect(result.stderr).toContain('the database does not exist: create it');
    expect(result.stderr).not.toContain('hunter2-check-pass');
  });

  it('GIVEN no server at that port THEN exit 1: unreachable, with the fix', async () => {
    const result = await runCli(['check'], { WATCHFLOOR_DB: 'postgres://watch:hunter2-check-pass@127.0.0.1:1/watchfloor' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach PostgreSQL at postgres://[redacted]@127.0.0.1:1/watchfloor');
    expect(result.stderr).toContain('start the server, or fix the host and port in WATCHFLOOR_DB');
    expect(result.stderr).not.toContain('hunter2-check-pass');
  });
});
