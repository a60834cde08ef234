/**
 * `watchfloor once` run again and again, as a cron job or a script would, counting exit codes:
 * short cycles (1–3 feeds, over before a parse thread has loaded) and cycles over a few hundred
 * feeds, against the benchmark's loopback feed server. Not part of `npm test` (it takes minutes);
 * `tests/app/once-exit.test.ts` runs a bounded version of the short cycles in the suite.
 *
 *   npm run build && npx tsx bench/once-stress.ts                 500 short runs, 100 over 300 feeds
 *   npx tsx bench/once-stress.ts --short 100 --big 30
 *   npx tsx bench/once-stress.ts --cli some/other/dist/app/cli.js --threads 1
 *
 * Exits 1 when any run exited other than 0 (or printed no report), so it can gate a change.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnFeedServer } from './server.js';

const REPO = resolve(import.meta.dirname, '..');
const USAGE = `usage: npx tsx bench/once-stress.ts [--short N] [--big N] [--big-feeds N] [--cli FILE] [--threads N]
  --short N      runs over 1, 2 or 3 feeds in turn (default 500)
  --big N        runs over --big-feeds feeds (default 100); ~10% of the feeds change between runs
  --big-feeds N  feeds in a big run (default 300)
  --cli FILE     the built CLI to run (default dist/app/cli.js; build it first with npm run build)
  --threads N    PARSE_THREADS for every run (default: unset, the app's own default)`;

function options() {
  const { values } = parseArgs({
    options: {
      short: { type: 'string', default: '500' },
      big: { type: 'string', default: '100' },
      'big-feeds': { type: 'string', default: '300' },
      cli: { type: 'string', default: join(REPO, 'dist', 'app', 'cli.js') },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const count = (name: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) {
      process.stderr.write(`once-stress: --${name} must be a whole number\n${USAGE}\n`);
      process.exit(2);
    }
    return n;
  };
  return {
    short: count('short', values.short),
    big: count('big', values.big),
    bigFeeds: Math.max(3, count('big-feeds', values['big-feeds'])),
    cli: resolve(values.cli),
    threads: values.threads === undefined ? undefined : String(count('threads', values.threads)),
  };
}

interface RunResult {
  /** `0`, `134`, `SIGABRT`… */
  readonly exit: string;
  /** The JSON report was printed (the cycle itself finished). */
  readonly reported: boolean;
  readonly stderr: string;
  readonly ms: number;
}

function runOnce(cli: string, dir: string, feedsPath: string, threads: string | undefined): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: dir, LOG_FORMAT: 'json', WATCHFLOOR_DOTENV: 'off' };
    if (threads !== undefined) env.PARSE_THREADS = threads;
    const child = spawn(process.execPath, [cli, '--feeds', feedsPath, '--db', join(dir, 'watchfloor.db'), '--rules', rulesDir, 'once', '--all', '--no-deliver', '--json'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let reported = false;
      try {
        reported = typeof (JSON.parse(stdout) as { totals?: unknown }).totals === 'object';
      } catch {
        reported = false;
      }
      resolvePromise({ exit: code !== null ? String(code) : String(signal), reported, stderr, ms: performance.now() - started });
    });
  });
}

interface Tally {
  readonly name: string;
  readonly exits: Map<string, number>;
  runs: number;
  unreported: number;
  totalMs: number;
  /** stderr of the first few failures, to see what killed them. */
  readonly failures: string[];
}

function record(tally: Tally, result: RunResult): void {
  tally.runs++;
  tally.totalMs += result.ms;
  tally.exits.set(result.exit, (tally.exits.get(result.exit) ?? 0) + 1);
  if (!result.reported) tally.unreported++;
  if ((result.exit !== '0' || !result.reported) && tally.failures.length < 3) {
    const fatal = result.stderr.split('\n').find((line) => /FATAL|Fatal|Error/.test(line));
    tally.failures.push(`exit ${result.exit}: ${(fatal ?? result.stderr.slice(0, 300)).trim()}`);
  }
}

function describe(tally: Tally): string {
  const exits = [...tally.exits.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([exit, n]) => `exit ${exit} × ${n}`).join(', ');
  const mean = tally.runs > 0 ? (tally.totalMs / tally.runs / 1000).toFixed(2) : '0';
  return `${tally.name}: ${tally.runs} runs — ${exits || 'none'}; ${tally.unreported} without a report; mean ${mean} s per run`;
}

const opts = options();
const dir = mkdtempSync(join(tmpdir(), 'watchfloor-once-stress-'));
// A copy taken once: every run reads the same rules, even while someone edits the repository's.
const rulesDir = join(dir, 'rules');
cpSync(join(REPO, 'rules'), rulesDir, { recursive: true });
const server = await spawnFeedServer(opts.bigFeeds, Date.now());
const tallies: Tally[] = [];
try {
  const feedsFile = (name: string, count: number): string => {
    const feeds = server.specs.slice(0, count).map((spec, i) => ({ id: spec.id, name: `${spec.outlet} ${spec.index}`, url: server.urls[i], language: 'en', kind: 'outlet' }));
    const path = join(dir, name);
    writeFileSync(path, `${JSON.stringify({ feeds }, null, 2)}\n`);
    return path;
  };
  const shortFeeds = [feedsFile('feeds-1.json', 1), feedsFile('feeds-2.json', 2), feedsFile('feeds-3.json', 3)];
  const bigFeeds = feedsFile('feeds-big.json', opts.bigFeeds);
  process.stdout.write(`once-stress: ${opts.cli}, PARSE_THREADS=${opts.threads ?? '(default)'}\n`);

  const short: Tally = { name: 'short (1–3 feeds)', exits: new Map(), runs: 0, unreported: 0, totalMs: 0, failures: [] };
  tallies.push(short);
  const shortDir = join(dir, 'short');
  mkdirSync(shortDir);
  for (let i = 0; i < opts.short; i++) {
    record(short, await runOnce(opts.cli, shortDir, shortFeeds[i % shortFeeds.length] ?? bigFeeds, opts.threads));
    if ((i + 1) % 50 === 0) process.stdout.write(`  ${describe(short)}\n`);
  }

  const big: Tally = { name: `big (${opts.bigFeeds} feeds)`, exits: new Map(), runs: 0, unreported: 0, totalMs: 0, failures: [] };
  tallies.push(big);
  const bigDir = join(dir, 'big');
  mkdirSync(bigDir);
  for (let i = 0; i < opts.big; i++) {
    // New stories in some feeds each time, so every run parses documents (not only 304s and unchanged bodies).
    if (i > 0) await server.advance(0.1, i);
    record(big, await runOnce(opts.cli, bigDir, bigFeeds, opts.threads));
    if ((i + 1) % 10 === 0) process.stdout.write(`  ${describe(big)}\n`);
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write('\n');
let failed = false;
for (const tally of tallies) {
  if (tally.runs === 0) continue;
  process.stdout.write(`${describe(tally)}\n`);
  for (const failure of tally.failures) process.stdout.write(`    ${failure}\n`);
  if (tally.unreported > 0 || [...tally.exits.keys()].some((exit) => exit !== '0')) failed = true;
}
process.exit(failed ? 1 : 0);
