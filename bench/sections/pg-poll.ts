/**
 * Feeds per second through `run --role poller` (ADR 16): the same generated loopback feeds, a
 * first cycle into an empty database each time, measured from the processes' start until every
 * feed has been polled once:
 *   - baseline: one poller on SQLite (the default deployment);
 *   - one poller on PostgreSQL (a throwaway local server, fsync off);
 *   - two pollers on PostgreSQL, sharing the feeds through their leases.
 * Each run has one instant console subscription to route to (SQLite's automatic one; the same
 * row seeded on PostgreSQL). Every figure is a ratio against the baseline of the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPgDatabase } from '../../src/store/pg/db.js';
import { startPostgres } from '../../tests/helpers/postgres.js';
import { builtCli } from '../built-cli.js';
import { fmt, sectionMain, type Row } from '../child.js';
import { spawnFeedServer } from '../server.js';

/** Parallel downloads per poller: Watchfloor's default FETCH_CONCURRENCY. */
const FETCH_CONCURRENCY = 16;

interface Deployment {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Feeds polled at least once so far. */
  polled(): Promise<number>;
}

/** Starts `processes` pollers on `env`'s database; resolves with the seconds until every feed was polled once. */
async function timePollers(cli: string, deployment: Deployment, processes: number, feeds: number): Promise<number> {
  const children: ChildProcess[] = [];
  const start = performance.now();
  const state: { failure: Error | null } = { failure: null };
  for (let i = 0; i < processes; i++) {
    const child = spawn(process.execPath, [cli, 'run', '--no-http', '--role', 'poller'], { env: deployment.env, cwd: deployment.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) state.failure = new Error(`poller exited with ${code}: ${stderr.slice(-800)}`);
    });
    children.push(child);
  }
  try {
    for (;;) {
      if (state.failure) throw state.failure;
      if ((await deployment.polled()) >= feeds) return (performance.now() - start) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => { if (c.exitCode !== null || c.signalCode !== null) resolve(null); else c.once('exit', resolve); })));
  }
}

sectionMain(async (options) => {
  const cli = builtCli(options.repoDir).cli;
  const server = await spawnFeedServer(options.feeds, Date.now());
  const pgServer = await startPostgres();
  try {
    const prepare = (name: string, db: (dir: string) => string): { dir: string; env: NodeJS.ProcessEnv } => {
      const dir = join(options.workDir, 'pg-poll', name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const feeds = server.urls.map((url, i) => ({ id: `f${i}`, name: `feed ${i}`, url, language: 'en', kind: 'outlet' }));
      writeFileSync(join(dir, 'feeds.json'), `${JSON.stringify({ feeds })}\n`);
      copyFileSync(join(options.workDir, 'model.json'), join(dir, 'model.json'));
      return {
        dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          WATCHFLOOR_DOTENV: 'off',
          WATCHFLOOR_FEEDS: join(dir, 'feeds.json'),
          WATCHFLOOR_RULES: join(options.repoDir, 'rules'),
          WATCHFLOOR_MODEL: join(dir, 'model.json'),
          WATCHFLOOR_DB: db(dir),
          // The first cycle runs at start; the next would be next year.
          POLL_SCHEDULE: '0 0 1 1 *',
          LOG_LEVEL: 'error',
          FETCH_CONCURRENCY: String(FETCH_CONCURRENCY),
          ...(process.env.MALLOC_MMAP_THRESHOLD_ ? { MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ } : {}),
          ...(process.env.PARSE_THREADS ? { PARSE_THREADS: process.env.PARSE_THREADS } : {}),
        },
      };
    };

    const sqlite = (): Deployment => {
      const { dir, env } = prepare('sqlite', (d) => join(d, 'watchfloor.db'));
      const path = String(env.WATCHFLOOR_DB);
      return {
        dir,
        env,
        polled: () => {
          try {
            const db = new Database(path, { readonly: true, fileMustExist: true });
            try {
              return Promise.resolve((db.prepare('SELECT count(*) AS n FROM feed_state WHERE last_attempt_at IS NOT NULL').get() as { n: number }).n);
            } finally {
              db.close();
            }
          } catch {
            return Promise.resolve(0); // not created yet
          }
        },
      };
    };

    let databases = 0;
    const postgres = async (): Promise<Deployment> => {
      databases++;
      const url = await pgServer.createDatabase(`bench_poll_${databases}`);
      const pool = await openPgDatabase(url, { max: 1 });
      await pool.query(`INSERT INTO subscriptions (target_kind, topics, mode, created_at, created_by) VALUES ('console', '["*"]', 'instant', $1, 'bench')`, [Date.now()]);
      await pool.end();
      const { dir, env } = prepare(`pg-${databases}`, () => url);
      return {
        dir,
        env,
        async polled() {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM feed_state WHERE last_attempt_at IS NOT NULL')).rows[0]?.n ?? 0;
          } finally {
            await client.end();
          }
        },
      };
    };

    const n = options.feeds;
    // Alternated, best of two each: the figures are first cycles over the network stack and disk.
    const base1 = await timePollers(cli, sqlite(), 1, n);
    const one1 = await timePollers(cli, await postgres(), 1, n);
    const two1 = await timePollers(cli, await postgres(), 2, n);
    const base2 = await timePollers(cli, sqlite(), 1, n);
    const one2 = await timePollers(cli, await postgres(), 1, n);
    const two2 = await timePollers(cli, await postgres(), 2, n);
    const rate = (seconds: number) => n / seconds;
    const baseline = Math.max(rate(base1), rate(base2));
    const pgOne = Math.max(rate(one1), rate(one2));
    const pgTwo = Math.max(rate(two1), rate(two2));
    const rows: Row[] = [
      { step: `baseline: 1 poller on SQLite, first cycle over ${fmt(n)} feeds (start to last feed polled)`, figure: `${fmt(baseline)} feeds/s`, status: 'info' },
      { step: '1 poller on PostgreSQL', figure: `${fmt(pgOne)} feeds/s = ${fmt(pgOne / baseline, 2)}× baseline`, status: 'info' },
      { step: '2 pollers on PostgreSQL', figure: `${fmt(pgTwo)} feeds/s = ${fmt(pgTwo / baseline, 2)}× baseline, ${fmt(pgTwo / pgOne, 2)}× one poller`, status: 'info' },
    ];
    return {
      section: 'PostgreSQL pollers',
      rows,
      data: { feeds: n, seconds: { sqlite: [base1, base2], pgOne: [one1, one2], pgTwo: [two1, two2] }, feedsPerSecond: { sqlite: baseline, pgOne, pgTwo } },
    };
  } finally {
    await pgServer.stop();
    await server.stop();
  }
});
