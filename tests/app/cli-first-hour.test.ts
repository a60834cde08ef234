import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_SUMMARIES, createProgram, registerCommands } from '../../src/app/cli.js';
import { loadEnv } from '../../src/config/env.js';
import { runCli, startCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE_FEEDS = join(ROOT, 'examples/feeds.json');
const tempDir = useTempDir('watchfloor-first-hour-');
const SLOW = 60_000; // CLI children through tsx on a loaded machine

/** A TCP server on a free loopback port; `connections` resolves at the first connection. */
async function listen(): Promise<{ server: Server; port: number; firstConnection: Promise<Socket> }> {
  let connected: (socket: Socket) => void = () => undefined;
  const firstConnection = new Promise<Socket>((resolve) => { connected = resolve; });
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket); // never answers
    connected(socket);
  });
  server.on('close', () => { for (const s of sockets) s.destroy(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { resolve(); }));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, firstConnection };
}

async function close(server: Server): Promise<void> {
  server.emit('close');
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
}

describe('.env lines the reader cannot take', () => {
  it('GIVEN a line without = before HTTP_PORT in .env WHEN any command starts THEN exit 2 naming the file, the line and the fix', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), '# settings\noops\nHTTP_PORT=9191\n');
    const status = await runCli(['status'], { WATCHFLOOR_DOTENV: '', WATCHFLOOR_FEEDS: EXAMPLE_FEEDS, WATCHFLOOR_DB: join(dir, 'w.db') }, { cwd: dir });
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('.env (line 2): has no "="');
    expect(status.stderr).toContain('put # in front of the line');
    expect(status.stdout).toBe('');
  }, SLOW);

  it('GIVEN the same file WHEN `check --env FILE` validates it THEN exit 2 with the line number, and --help still works beside it', async () => {
    const dir = tempDir();
    const file = join(dir, 'broken.env');
    writeFileSync(file, 'LOG_LEVEL=info\noops\nHTTP_PORT=9191\n');
    const check = await runCli(['--feeds', EXAMPLE_FEEDS, '--db', join(dir, 'w.db'), 'check', '--env', file]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(`${file} (line 2): has no "="`);
    const help = await runCli(['--help'], { WATCHFLOOR_DOTENV: file });
    expect(help.code).toBe(0);
  }, SLOW);
});

describe('the health and metrics server', () => {
  it('GIVEN no HTTP_HOST WHEN loaded THEN it binds 127.0.0.1; the image sets 0.0.0.0 and compose publishes on loopback', () => {
    expect(loadEnv({}).HTTP_HOST).toBe('127.0.0.1');
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^\s+HTTP_HOST=0\.0\.0\.0 \\$/m);
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/^\s+HTTP_HOST: 0\.0\.0\.0\b/m);
    expect(compose).toContain('"127.0.0.1:8080:8080"');
  });

  it('GIVEN no HTTP_HOST WHEN run starts THEN it listens on 127.0.0.1 only, and SIGTERM exits 0', async () => {
    const run = startCli(['run'], { WATCHFLOOR_FEEDS: EXAMPLE_FEEDS, WATCHFLOOR_DB: join(tempDir(), 'w.db'), HTTP_PORT: '0', POLL_SCHEDULE: '0 0 1 1 *' });
    try {
      const listening = await run.waitForLog((l) => l.msg === 'health and metrics server listening', 45_000);
      expect(listening.host).toBe('127.0.0.1');
      await run.waitForLog((l) => l.msg === 'watchfloor running', 45_000); // signal handlers installed
    } finally {
      run.child.kill('SIGTERM');
    }
    expect((await run.exited).code).toBe(0);
  }, SLOW);

  it('GIVEN the port is taken WHEN run starts THEN exit 1 naming the port, HTTP_PORT and the fixes', async () => {
    const { server, port } = await listen();
    try {
      const run = startCli(['run'], { WATCHFLOOR_FEEDS: EXAMPLE_FEEDS, WATCHFLOOR_DB: join(tempDir(), 'w.db'), HTTP_PORT: String(port) });
      const exit = await run.exited;
      const { stderr } = run.output();
      expect(exit.code).toBe(1);
      expect(stderr).toContain(`watchfloor: cannot serve health and metrics on 127.0.0.1:${port}: port ${port} is already in use (HTTP_PORT=${port}). Another Watchfloor instance may be running`);
      expect(stderr).toContain('set HTTP_PORT to a free port, or start `watchfloor run --no-http`');
    } finally {
      await close(server);
    }
  }, SLOW);
});

describe('help and version', () => {
  it('GIVEN --version THEN it prints the version of package.json and exits 0', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  }, SLOW);

  it('GIVEN the cheap top-level help WHEN compared with every real command THEN each line is the one commander prints for it', async () => {
    const program = createProgram({ dotenv: false });
    await registerCommands(program);
    const help = program.createHelp();
    const real = Object.fromEntries(program.commands.map((c) => [c.name(), { term: help.subcommandTerm(c), description: help.subcommandDescription(c) }]));
    expect(COMMAND_SUMMARIES).toEqual(real);
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of Object.keys(real)) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  }, SLOW);
});

describe('exit codes: the README table, honoured', () => {
  /** The codes in the first column of the README's exit-code table. */
  function documentedCodes(): number[] {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| code | meaning |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`(\d+)`/g)].map((m) => Number(m[1])));
  }

  it('GIVEN a representative command of each class THEN it exits with the documented code', async () => {
    expect(documentedCodes()).toEqual([0, 1, 2, 130, 143]);
    const dir = tempDir();
    const db = join(dir, 'w.db');

    // 0: check finds no problem.
    const ok = await runCli(['--feeds', EXAMPLE_FEEDS, '--db', db, 'check']);
    expect(ok.code).toBe(0);

    // 1: a runtime failure: a feed check --fetch cannot fetch.
    const { server, port } = await listen();
    await close(server); // nothing listens there now
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'down', name: 'Down', url: `http://127.0.0.1:${port}/rss.xml`, language: 'en', kind: 'wire' }] }));
    const failed = await runCli(['--feeds', feeds, '--db', db, 'check', '--fetch']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/down\s+error\s+\(network\)/);
    expect(failed.stderr).toContain('1 of 1 enabled feeds could not be fetched or parsed');

    // 2: bad arguments: an unknown feed id, an unknown flag, an unknown command.
    const nope = await runCli(['once', '--feed', 'nope', '--feeds', EXAMPLE_FEEDS, '--db', db]);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toContain('unknown feed id(s): nope');
    expect((await runCli(['status', '--nope'])).code).toBe(2);
    expect((await runCli(['nope'])).code).toBe(2);

    // 143: interrupted by SIGTERM (here while `once` waits for a feed that never answers).
    const hang = await listen();
    try {
      const feeds = join(dir, 'hang.json');
      writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'hang', name: 'Hang', url: `http://127.0.0.1:${hang.port}/rss.xml`, language: 'en', kind: 'wire' }] }));
      const once = startCli(['once', '--no-deliver'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: join(dir, 'hang.db'), FETCH_TIMEOUT_MS: '120000', FETCH_IDLE_TIMEOUT_MS: '120000' });
      await hang.firstConnection;
      once.child.kill('SIGTERM');
      const exit = await once.exited;
      // Node dies of the signal: the shell reports 128 + 15.
      expect(exit.signal).toBe('SIGTERM');
    } finally {
      await close(hang.server);
    }
  }, 120_000);
});
