import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { ROLES } from '../../src/core/roles.js';
import { assertRoleRunsOn, POSTGRES_ROLES } from '../../src/app/pg-roles.js';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const URL_WITH_PASSWORD = 'postgres://watchfloor:hunter2-secret@127.0.0.1:1/watchfloor';

describe('run roles on PostgreSQL', () => {
  it('GIVEN a SQLite file or :memory: THEN every role may start', () => {
    for (const role of ROLES) {
      expect(() => {
        assertRoleRunsOn(role, join(tempDir(), 'w.db'));
      }).not.toThrow();
      expect(() => {
        assertRoleRunsOn(role, ':memory:');
      }).not.toThrow();
    }
  });

  it('GIVEN a PostgreSQL URL THEN each role not wired to it is refused with one message naming the role, WATCHFLOOR_DB and the docs, without the password', () => {
    for (const role of ROLES.filter((r) => !POSTGRES_ROLES.includes(r))) {
      let error: unknown;
      try {
        assertRoleRunsOn(role, URL_WITH_PASSWORD);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain(`run --role ${role}`);
      expect(message).toContain('WATCHFLOOR_DB');
      expect(message).toContain('docs/self-hosting.md');
      expect(message).not.toContain('hunter2-secret');
    }
  });

  it('GIVEN WATCHFLOOR_DB=postgres://… WHEN run --role all starts THEN it exits 2 with that message and creates no file', async () => {
    const cwd = tempDir();
    const result = await runCli(['run', '--no-http', '--role', 'all'], { WATCHFLOOR_DB: URL_WITH_PASSWORD, WATCHFLOOR_FEEDS: join(import.meta.dirname, '../../examples/feeds.json') }, { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('run --role all');
    expect(result.stderr).toContain('WATCHFLOOR_DB');
    expect(result.stderr).not.toContain('hunter2-secret');
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(cwd, 'postgres:'))).toBe(false);
  });
});
