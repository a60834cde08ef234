/**
 * A real, throwaway PostgreSQL server for tests and the bench.
 *
 * `startPostgres()` runs Debian's server binaries: `initdb` into a fresh temporary folder, then
 * `postgres` listening on 127.0.0.1 only, on a free port, with fsync off (nothing here needs to
 * survive a power cut). Run as root (CI machines), the server runs as the `postgres` user, which
 * owns the folder: PostgreSQL refuses to run as root. `stop()` ends the server and removes the
 * folder.
 *
 * `WATCHFLOOR_TEST_PG=postgres://…` uses that server instead: each caller gets its own new
 * database on it, dropped by `stop()`.
 *
 * Nothing is skipped when PostgreSQL is missing: `startPostgres()` throws one message naming what
 * is missing and how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** A connection string for a fresh, empty database of its own. */
  readonly url: string;
  /** Creates another empty database on the same server; its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'install it with `apt-get install -y postgresql-15` (Debian/Ubuntu, as root), or point WATCHFLOOR_TEST_PG at a server (postgres://user:pass@127.0.0.1:5432/postgres)';

/** The folder of the server binaries (`initdb`, `postgres`), newest version first; null when none. */
export function findPostgresBin(): string | null {
  const fromEnv = process.env.WATCHFLOOR_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found.slice(0, found.lastIndexOf('/')) : null;
}

/** A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

/** The command that runs `argv` as the `postgres` user when this process is root. */
function asServerUser(argv: string[]): string[] {
  if (process.getuid?.() !== 0) return argv;
  return ['runuser', '-u', 'postgres', '--', ...argv];
}

function fail(what: string): never {
  throw new Error(`PostgreSQL for tests: ${what}; ${INSTALL_HINT}.`);
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let counter = 0;
function freshName(): string {
  counter += 1;
  return `wf_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

async function existingServer(adminUrl: string): Promise<TestPostgres> {
  const created: string[] = [];
  const createDatabase = async (name: string): Promise<string> => {
    try {
      await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    } catch (error) {
      fail(`cannot create a database on WATCHFLOOR_TEST_PG (${(error as Error).message})`);
    }
    created.push(name);
    return withDatabase(adminUrl, name);
  };
  const url = await createDatabase(freshName());
  return {
    url,
    createDatabase,
    async stop() {
      for (const name of created.splice(0)) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function waitForReady(bin: string, port: number, server: ChildProcess, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let exited = false;
    server.once('exit', (code) => {
      exited = true;
      reject(new Error(`PostgreSQL for tests: the server exited (code ${code ?? 'signal'}) before accepting connections: ${log().slice(-800)}`));
    });
    const deadline = Date.now() + 30_000;
    const probe = (): void => {
      if (exited) return;
      const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
      if (ready.status === 0) { resolve(); return; }
      if (Date.now() > deadline) { reject(new Error(`PostgreSQL for tests: the server did not accept connections on 127.0.0.1:${port} within 30 s: ${log().slice(-800)}`)); return; }
      setTimeout(probe, 100);
    };
    probe();
  });
}

/** Starts a throwaway server (or uses WATCHFLOOR_TEST_PG); see the module comment. */
export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.WATCHFLOOR_TEST_PG;
  if (external) return existingServer(external);

  const bin = findPostgresBin();
  if (!bin) fail('the server binaries (initdb, postgres) were not found in /usr/lib/postgresql/*/bin nor on PATH');
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) {
    fail('running as root needs the `postgres` system user to run the server, and there is none');
  }
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres:postgres', dir]);
  const data = join(dir, 'data');
  const initArgv = asServerUser([join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const init = spawnSync(initArgv[0]!, initArgv.slice(1), { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    fail(`initdb failed (${(init.stderr || init.stdout || String(init.error)).trim().slice(-600)})`);
  }
  const port = await freePort();
  const argv = asServerUser([join(bin, 'postgres'), '-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=60', '-c', 'shared_buffers=32MB']);
  const server = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (chunk: Buffer) => { log += chunk.toString(); if (log.length > 20_000) log = log.slice(-10_000); });
  const stopServer = async (): Promise<void> => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      // SIGINT to the postmaster is a fast shutdown. Under runuser the child is runuser, which
      // does not pass signals on: the postmaster's pid is in its pid file.
      const pidLine = existsSync(join(data, 'postmaster.pid')) ? readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0] : undefined;
      const pid = Number(pidLine);
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
      else server.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForReady(bin, port, server, () => log);
  } catch (error) {
    await stopServer();
    throw error;
  }
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const createDatabase = async (name: string): Promise<string> => {
    await adminQuery(admin, `CREATE DATABASE ${name}`);
    return withDatabase(admin, name);
  };
  const url = await createDatabase('watchfloor');
  return { url, createDatabase, stop: stopServer };
}
