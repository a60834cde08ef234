import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { damageDatabase, makeWatchfloorDb } from '../helpers/databases.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('watchfloor-storage-cli-');
const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE_FEEDS = join(ROOT, 'examples/feeds.json');

/** The environment every run here gets: the example feeds (valid, local files) and the database under test. */
function envFor(db: string): Record<string, string> {
  return { WATCHFLOOR_FEEDS: EXAMPLE_FEEDS, WATCHFLOOR_DB: db };
}

/** A folder the unprivileged user of `runCliAs` can enter. */
function openDir(): string {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  return dir;
}

const asRoot = process.getuid?.() === 0;
/** When the tests run as root (which may write any file), the read-only cases run the CLI as nobody. */
const UNPRIVILEGED = 65534;

/** runCli, as the unprivileged user when the tests run as root (root passes every permission check). */
function runCliAs(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return runCli(args, env, asRoot ? { uid: UNPRIVILEGED } : {});
}

interface BadPath {
  readonly name: string;
  /** Creates the bad database path in `dir` and returns it. */
  readonly make: (dir: string) => string;
  /** What the message must say beside the path: what is wrong and the fix. */
  readonly says: (path: string) => readonly (string | RegExp)[];
}

const BAD_PATHS: readonly BadPath[] = [
  {
    name: 'a directory',
    make: (dir) => {
      const path = join(dir, 'watchfloor.db');
      mkdirSync(path);
      return path;
    },
    says: (path) => [`cannot open database ${path} (SQLITE_CANTOPEN): it is a directory`, 'Point --db (or WATCHFLOOR_DB) at a file'],
  },
  {
    name: 'a file that is not SQLite',
    make: (dir) => {
      const path = join(dir, 'watchfloor.db');
      writeFileSync(path, 'FEEDS=these are my notes, not a database\n'.repeat(50));
      return path;
    },
    says: (path) => [`${path} is not a SQLite database (SQLITE_NOTADB)`, 'Point --db (or WATCHFLOOR_DB) at the Watchfloor database'],
  },
  {
    name: "another application's SQLite file",
    make: (dir) => {
      const path = join(dir, 'watchfloor.db');
      const db = new Database(path);
      db.exec("CREATE TABLE stories (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO stories (body) VALUES ('theirs')");
      db.close();
      return path;
    },
    says: (path) => [`${path} is another application's SQLite database`, 'Its tables: "stories"', 'point --db (or WATCHFLOOR_DB) at another file'],
  },
];

describe('database path problems, through the real CLI', () => {
  for (const bad of BAD_PATHS) {
    it(`GIVEN ${bad.name} as the database WHEN checked THEN check exits 2 naming the path, the problem and the fix`, async () => {
      const path = bad.make(tempDir());
      const result = await runCli(['check'], envFor(path));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('environment (WATCHFLOOR_DB): ');
      for (const text of bad.says(path)) expect(result.stderr).toMatch(text);
    });

    it(`GIVEN ${bad.name} as the database WHEN status runs THEN it exits 1 with the same message, not a raw SQLite error`, async () => {
      const path = bad.make(tempDir());
      const before = statSync(path).isFile() ? readFileSync(path) : null;
      const result = await runCli(['status'], envFor(path));
      expect(result.code).toBe(1);
      for (const text of bad.says(path)) expect(result.stderr).toMatch(text);
      expect(result.stderr).not.toMatch(/set WATCHFLOOR_DB\.$/m);
      // Refused before anything was written: another application's file stays as it was.
      if (before) expect(readFileSync(path).equals(before)).toBe(true);
    }, 30_000);
  }

  it('GIVEN a database file this user cannot write WHEN checked or opened THEN the message says read-only and how to fix it, not "set WATCHFLOOR_DB"', async () => {
    const dir = openDir();
    const path = join(dir, 'watchfloor.db');
    makeWatchfloorDb(path, 3);
    chmodSync(path, 0o444);
    if (asRoot) chmodSync(dir, 0o777); // nobody may write the folder: only the file is read-only
    const says = [`database ${path} cannot be written (SQLITE_READONLY): the file is read-only for this user`, 'make the file and the folder writable'];
    const check = await runCliAs(['check'], envFor(path));
    expect(check.code).toBe(2);
    for (const text of says) expect(check.stderr).toContain(text);
    const status = await runCliAs(['status'], envFor(path));
    expect(status.code).toBe(1);
    for (const text of says) expect(status.stderr).toContain(text);
    for (const output of [check.stderr, status.stderr]) expect(output).not.toContain('set WATCHFLOOR_DB');
  }, 30_000);

  it('GIVEN a database in a folder this user cannot write WHEN opened THEN the message names the folder (SQLite writes -wal and -shm there)', async () => {
    const dir = openDir();
    const folder = join(dir, 'data');
    mkdirSync(folder);
    const path = join(folder, 'watchfloor.db');
    makeWatchfloorDb(path, 3);
    chmodSync(path, 0o666);
    chmodSync(folder, 0o555);
    const result = await runCliAs(['status'], envFor(path));
    chmodSync(folder, 0o755);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`database ${path} cannot be written (SQLITE_READONLY): its folder ${folder} is read-only for this user`);
    expect(result.stderr).toContain('-wal and -shm');
  }, 30_000);

  it('GIVEN a damaged database WHEN checked THEN check exits 2 with the recovery steps', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    makeWatchfloorDb(path, 400);
    damageDatabase(path);
    const result = await runCli(['check'], envFor(path));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`database ${path} is damaged (SQLITE_CORRUPT)`);
    expect(result.stderr).toContain('docs/self-hosting.md#restore');
  });

  it('GIVEN a sound database WHEN checked THEN check still passes', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    makeWatchfloorDb(path, 5);
    const result = await runCli(['check'], envFor(path));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`database   ${path} (exists`);
  });
});

describe('watchfloor run with a damaged database', () => {
  it('GIVEN a damaged database WHEN run starts THEN it refuses at once with exit 1, the path and the recovery steps', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    makeWatchfloorDb(path, 400);
    damageDatabase(path);
    // Before the start-up check, run served on with the damaged file: the timeout ends that case.
    const result = await runCli(['run', '--no-http'], { ...envFor(path), POLL_SCHEDULE: '0 0 1 1 *' }, { timeoutMs: 45_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`watchfloor: database ${path} is damaged (SQLITE_CORRUPT). quick_check found:`);
    expect(result.stderr).toContain('Stop Watchfloor, keep a copy of the file');
    expect(result.stderr).toContain('docs/self-hosting.md#restore');
    expect(result.stderr).not.toContain('watchfloor running');
  }, 60_000);
});

describe('watchfloor db check', () => {
  it('GIVEN a sound database THEN it prints ok and exits 0', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    makeWatchfloorDb(path, 50);
    const quick = await runCli(['db', 'check'], envFor(path));
    expect(quick.code).toBe(0);
    expect(quick.stdout).toMatch(new RegExp(`^database ${path}: ok \\(quick_check, foreign_key_check; `));
    const full = await runCli(['db', 'check', '--full', '--db', path], {});
    expect(full.code).toBe(0);
    expect(full.stdout).toContain(': ok (integrity_check, foreign_key_check; ');
  });

  it('GIVEN bytes overwritten in the middle of the file THEN it lists the problems and exits 1 with the recovery steps', async () => {
    const path = join(tempDir(), 'watchfloor.db');
    makeWatchfloorDb(path, 400);
    damageDatabase(path);
    const result = await runCli(['db', 'check', '--db', path], {});
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^database ${path}: quick_check found \\d+ problem\\(s\\):\\n  - `));
    expect(result.stderr).toContain(`watchfloor: database ${path} is damaged (SQLITE_CORRUPT)`);
    expect(result.stderr).toContain('restore the latest backup');
  });

  it('GIVEN a missing database THEN it says so and exits 2', async () => {
    const path = join(tempDir(), 'nothing-here.db');
    const result = await runCli(['db', 'check', '--db', path], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path} does not exist`);
    expect(existsSync(path)).toBe(false);
  });
});
