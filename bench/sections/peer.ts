/**
 * Watchfloor beside a real peer: newsboat (C++, libcurl + libxml2 + SQLite) polls the same
 * generated loopback feeds in the same run. Both run as child processes measured the same way
 * (`/usr/bin/time`: wall, user + system CPU, peak RSS of the whole process, threads included):
 *   - first cycle over every feed (Watchfloor `once --all --no-deliver` on an empty database with
 *     its model on disk; `newsboat -x reload` on an empty cache), Watchfloor's again with one
 *     parser thread (the trade its two-core default makes), then 10% of the feeds publish,
 *   - steady cycle (the same commands again: conditional requests, unchanged bodies),
 *   - one feed, warm (the fixed cost of a start: `once` from cron against `newsboat -x reload`),
 *     beside `node -e 0` and `once` with no feed due (the start alone), to say where it goes.
 * newsboat is installed with apt-get when missing and possible; otherwise this section is
 * skipped with a note saying how to install it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { defaultAnalyseThreads } from '../../src/app/analyse-pool.js';
import { builtCli } from '../built-cli.js';
import { sectionMain } from '../child.js';
import { installPlan, medianCost, newsboatArgs, newsboatConfig, newsboatUrls, parseTimeOutput, peerRows, TIME_FORMAT, type ProcessCost } from '../peer.js';
import { spawnFeedServer } from '../server.js';

const TIME = '/usr/bin/time';
/** Warm single-feed runs of each program; the median is reported. */
const SINGLE_RUNS = 5;
/** Parallel downloads on both sides: Watchfloor's default FETCH_CONCURRENCY. */
const THREADS = 16;

function has(command: string, args: readonly string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Installs what is missing; returns why the section cannot run, or null. */
function setUp(): string | null {
  const missing = [...(has('newsboat', ['-v']) ? [] : ['newsboat']), ...(existsSync(TIME) ? [] : ['time'])];
  const plan = installPlan({ missing, hasAptGet: has('apt-get', ['--version']), isRoot: process.getuid?.() === 0, hasSudo: has('sudo', ['-n', 'true']) });
  if (plan.kind === 'skip') return plan.reason;
  if (plan.kind === 'install') {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const [command, ...args] = plan.command;
    if (command === undefined) return 'empty install command';
    process.stdout.write(`\n  installing ${missing.join(', ')}: ${plan.command.join(' ')}\n`);
    if (spawnSync(command, args, { stdio: 'ignore', env }).status !== 0) {
      // A fresh machine may have no package lists yet.
      const update = plan.command[0] === 'sudo' ? ['sudo', '-n', 'apt-get', 'update'] : ['apt-get', 'update'];
      spawnSync(update[0] ?? 'apt-get', update.slice(1), { stdio: 'ignore', env });
      if (spawnSync(command, args, { stdio: 'ignore', env }).status !== 0) return `\`${plan.command.join(' ')}\` failed; install ${missing.join(' and ')} to compare with newsboat`;
    }
  }
  return has('newsboat', ['-v']) && existsSync(TIME) ? null : 'newsboat or /usr/bin/time is still missing after installing';
}

/** Runs a command under /usr/bin/time; its stdout is returned, its cost parsed. */
function measured(command: string, args: readonly string[], env: NodeJS.ProcessEnv, dir: string): Promise<{ cost: ProcessCost; stdout: string }> {
  const timeFile = join(dir, 'time.txt');
  rmSync(timeFile, { force: true });
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-o', timeFile, '-f', TIME_FORMAT, command, ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(-500)}`));
        return;
      }
      try {
        resolve({ cost: parseTimeOutput(readFileSync(timeFile, 'utf8')), stdout });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

const onceReport = z.looseObject({ totals: z.looseObject({ newStories: z.number() }) });

sectionMain(async (options) => {
  const problem = setUp();
  if (problem !== null) return { section: 'Peer: newsboat', rows: [], data: {}, skipped: problem };
  const newsboatVersion = execFileSync('newsboat', ['-v'], { encoding: 'utf8' }).split('\n')[0] ?? 'newsboat';
  // BENCH_CLI measures another build's CLI (an older commit's dist/app/cli.js) against the same peer.
  const cli = process.env.BENCH_CLI ?? builtCli(options.repoDir).cli;
  const rulesDir = join(options.repoDir, 'rules');
  const server = await spawnFeedServer(options.feeds, Date.now());
  try {
    /** A Watchfloor deployment (feeds.json, database, the model the run trained) and a newsboat home. */
    const prepare = (name: string, urls: readonly string[], parseThreads = process.env.PARSE_THREADS) => {
      const dir = join(options.workDir, 'peer', name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(join(dir, 'watchfloor'), { recursive: true });
      mkdirSync(join(dir, 'newsboat', 'home'), { recursive: true });
      const feeds = urls.map((url, i) => ({ id: `f${i}`, name: `feed ${i}`, url, language: 'en', kind: 'outlet' }));
      writeFileSync(join(dir, 'watchfloor', 'feeds.json'), `${JSON.stringify({ feeds })}\n`);
      copyFileSync(join(options.workDir, 'model.json'), join(dir, 'watchfloor', 'model.json'));
      writeFileSync(join(dir, 'newsboat', 'urls'), newsboatUrls(urls));
      writeFileSync(join(dir, 'newsboat', 'config'), newsboatConfig({ threads: THREADS }));
      const wfDir = join(dir, 'watchfloor');
      const nbDir = join(dir, 'newsboat');
      // Clean environments: no token or .env of the caller's; the allocator setting of the image passes.
      const base = { PATH: process.env.PATH ?? '', ...(process.env.MALLOC_MMAP_THRESHOLD_ ? { MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ } : {}) };
      const wfEnv = { ...base, HOME: wfDir, WATCHFLOOR_DOTENV: 'off', LOG_LEVEL: 'error', FETCH_CONCURRENCY: String(THREADS), ...(parseThreads ? { PARSE_THREADS: parseThreads } : {}) };
      const nbEnv = { PATH: base.PATH, HOME: join(nbDir, 'home') };
      const nbFiles = { urls: join(nbDir, 'urls'), cache: join(nbDir, 'cache.db'), config: join(nbDir, 'config') };
      return {
        watchfloor: async (extra: readonly string[], all = true) => {
          const run = await measured(process.execPath, [cli, '--feeds', join(wfDir, 'feeds.json'), '--db', join(wfDir, 'watchfloor.db'), '--rules', rulesDir, 'once', ...(all ? ['--all'] : []), ...extra], wfEnv, wfDir);
          return { cost: run.cost, newStories: extra.includes('--json') ? onceReport.parse(JSON.parse(run.stdout)).totals.newStories : null };
        },
        newsboat: async () => (await measured('newsboat', newsboatArgs(nbFiles), nbEnv, nbDir)).cost,
        newsboatItems: () => {
          const db = new Database(nbFiles.cache, { readonly: true });
          try {
            return z.object({ n: z.number() }).parse(db.prepare('SELECT count(*) AS n FROM rss_item').get()).n;
          } finally {
            db.close();
          }
        },
      };
    };

    // Every feed: first cycle, 10% publish, steady cycle. Alternated, same server.
    const all = prepare('all', server.urls);
    const wf1 = await all.watchfloor(['--no-deliver', '--json']);
    const nb1 = await all.newsboat();
    const newsboatItems = all.newsboatItems();
    // The default's trade, measured: the same first cycle with the other thread setting (fresh database).
    const alternativeThreads = defaultAnalyseThreads() > 0 ? 0 : 1;
    const alternative = process.env.PARSE_THREADS ? null : await prepare('alternative', server.urls, String(alternativeThreads)).watchfloor(['--no-deliver']);
    const changed = await server.advance(0.1, 7);
    const wf2 = await all.watchfloor(['--no-deliver', '--json']);
    const nb2 = await all.newsboat();

    // One feed that answers normally, warm (second start onwards), as from cron.
    const okIndex = server.specs.findIndex((s) => s.behaviour === 'ok');
    const one = prepare('one', [server.urls[Math.max(0, okIndex)] ?? '']);
    await one.watchfloor([]);
    await one.newsboat();
    const wfRuns: ProcessCost[] = [];
    const nbRuns: ProcessCost[] = [];
    const nodeRuns: ProcessCost[] = [];
    const startRuns: ProcessCost[] = [];
    for (let i = 0; i < SINGLE_RUNS; i++) {
      wfRuns.push((await one.watchfloor([])).cost);
      // The feed was just polled: without --all it is not due, so this is the start alone.
      startRuns.push((await one.watchfloor([], false)).cost);
      nbRuns.push(await one.newsboat());
      nodeRuns.push((await measured(process.execPath, ['-e', '0'], { PATH: process.env.PATH ?? '' }, options.workDir)).cost);
    }
    const figures = {
      feeds: options.feeds,
      first: { watchfloor: wf1.cost, newsboat: nb1 },
      ...(alternative ? { firstAlternative: { threads: alternativeThreads, cost: alternative.cost } } : {}),
      machine: { cores: availableParallelism(), defaultThreads: process.env.PARSE_THREADS ? Number(process.env.PARSE_THREADS) || 0 : defaultAnalyseThreads() },
      steady: { watchfloor: wf2.cost, newsboat: nb2 },
      single: { watchfloor: medianCost(wfRuns), newsboat: medianCost(nbRuns), runs: SINGLE_RUNS },
      nodeAlone: medianCost(nodeRuns),
      startOnly: medianCost(startRuns),
      stored: { watchfloor: wf1.newStories ?? 0, newsboat: newsboatItems },
    };
    return {
      section: 'Peer: newsboat',
      rows: peerRows(figures),
      data: { newsboat: newsboatVersion, threads: THREADS, changedFeeds: changed, ...figures, singleRuns: { watchfloor: wfRuns, newsboat: nbRuns, node: nodeRuns, startOnly: startRuns } },
    };
  } finally {
    await server.stop();
  }
});
