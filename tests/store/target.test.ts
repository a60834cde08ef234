import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { isPostgresUrl, storeTarget } from '../../src/store/target.js';
import { runCli } from '../helpers/cli.js';

describe('store target (WATCHFLOOR_DB)', () => {
  it('GIVEN a postgres or postgresql URL WHEN read THEN it is PostgreSQL; anything else is a SQLite path', () => {
    expect(storeTarget('postgres://u:p@127.0.0.1:5432/watchfloor')).toEqual({ engine: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/watchfloor' });
    expect(storeTarget('POSTGRESQL://db/watchfloor').engine).toBe('postgres');
    expect(storeTarget('./data/watchfloor.db')).toEqual({ engine: 'sqlite', path: './data/watchfloor.db' });
    expect(storeTarget(':memory:').engine).toBe('sqlite');
    expect(isPostgresUrl('data/postgres://x')).toBe(false);
  });

  it('GIVEN a PostgreSQL URL WHEN a SQLite-only opener gets it THEN it names WATCHFLOOR_DB, hides the password and creates no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-target-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(() => openDatabase('postgres://watch:s3cret-pass@127.0.0.1:1/db')).toThrow(/WATCHFLOOR_DB.*SQLite database file only/);
      try {
        openDatabase('postgres://watch:s3cret-pass@127.0.0.1:1/db');
      } catch (error) {
        expect((error as Error).message).not.toContain('s3cret-pass');
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('GIVEN WATCHFLOOR_DB is a PostgreSQL URL WHEN a SQLite-only command runs THEN it exits 2 with one message and no stray file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-target-cli-'));
    const result = await runCli(['db', 'check'], { WATCHFLOOR_DB: 'postgres://watch:s3cret-pass@127.0.0.1:1/db' }, { cwd: dir });
    expect(result.stderr).toMatch(/WATCHFLOOR_DB/);
    expect(result.stderr + result.stdout).not.toContain('s3cret-pass');
    expect(result.code).toBe(2);
    expect(existsSync(join(dir, 'postgres:'))).toBe(false);
  });
});
