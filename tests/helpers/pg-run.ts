import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { killAll, startCli } from './cli.js';
import { DEFAULT_GUILD_ID, FAKE_TOKEN } from './fake-discord.js';
import { startFeedServer, type FeedServer } from './feed-server.js';
import { startPostgres, type TestPostgres } from './postgres.js';

/** A `watchfloor run` child started by {@link usePgRun}. */
export type RunningCli = ReturnType<typeof startCli>;

export interface PgRun {
  /** The throwaway PostgreSQL server of this test file. */
  server: () => TestPostgres;
  /** The loopback feed server of this test file (routes added by the test). */
  feeds: () => FeedServer;
  /** Starts `watchfloor run --role <role>` (with `--no-http` unless other `args` are given); SIGKILLed after the test if still running. */
  start(role: string, env: Record<string, string>, args?: readonly string[]): RunningCli;
  /** The last lines of every child's log, for a failure message. */
  logs: () => string;
}

/**
 * The set-up of the multi-process `run` tests on PostgreSQL: one throwaway server and one feed
 * server per test file, each started child killed after its test. `beforeEach`-style hooks
 * registered after this call run after the servers are up.
 */
export function usePgRun(): PgRun {
  let server: TestPostgres | null = null;
  let feeds: FeedServer | null = null;
  const children: RunningCli[] = [];
  beforeAll(async () => {
    server = await startPostgres();
    feeds = await startFeedServer();
  }, 120_000);
  afterAll(async () => {
    await feeds?.close();
    await server?.stop();
  });
  afterEach(async () => {
    await killAll(children);
  });
  return {
    server: () => {
      if (!server) throw new Error('the PostgreSQL server is not started yet (use it inside a hook or a test)');
      return server;
    },
    feeds: () => {
      if (!feeds) throw new Error('the feed server is not started yet (use it inside a hook or a test)');
      return feeds;
    },
    start(role, env, args = ['--no-http']) {
      const child = startCli(['run', ...args, '--role', role], env);
      children.push(child);
      return child;
    },
    logs: () => children.map((c) => c.output().stderr.slice(-3000)).join('\n----\n'),
  };
}

/** One query on its own connection (the test's view of the database). */
export async function pgQuery<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Waits until `condition` holds, checking every 100 ms; fails with `what` and the logs after `timeoutMs`. */
export async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number, logs: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The environment of a `run` on `db` that polls every two seconds and posts to the fake Discord at `apiBase`. */
export function discordRunEnv(input: { feedsFile: string; db: string; dir: string; apiBase: string }): Record<string, string> {
  return {
    WATCHFLOOR_FEEDS: input.feedsFile,
    WATCHFLOOR_DB: input.db,
    WATCHFLOOR_MODEL: join(input.dir, 'model.json'),
    DISCORD_TOKEN: FAKE_TOKEN,
    DISCORD_API_BASE: input.apiBase,
    DISCORD_GUILD_ID: DEFAULT_GUILD_ID,
    POLL_SCHEDULE: '*/2 * * * * *',
    DELIVERY_TICK_MS: '1000',
    PARSE_THREADS: '0',
    LOG_LEVEL: 'info',
  };
}
