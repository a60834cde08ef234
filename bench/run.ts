/**
 * `npm run bench`: how fast Watchfloor is, against the limits of this machine. Everything runs
 * on loopback with data generated at start. Each section runs in its own process; the table
 * goes to stdout and every figure to bench/results.json.
 *
 *   npm run bench                      full run (1,000 feeds; search at 100k and 1M stories)
 *   npm run bench -- --feeds 100       quick run (everything scaled down)
 *   npm run bench -- --only poll,search
 *   npm run bench -- --cpu-prof        V8 CPU profiles of each section into bench/profiles/
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSections, runSection, type Row, type SectionOptions, type SectionResult } from './child.js';

const SECTIONS = {
  classify: 'classify.ts',
  poll: 'poll.ts',
  store: 'store.ts',
  delivery: 'delivery.ts',
  'cold-start': 'cold-start.ts',
  trends: 'trends.ts',
  events: 'events.ts',
  peer: 'peer.ts',
  'store-contract': 'store-contract.ts',
  'pg-poll': 'pg-poll.ts',
  'gateway-store': 'gateway-store.ts',
} as const;
type SectionName = keyof typeof SECTIONS;
const SECTION_NAMES = Object.keys(SECTIONS) as SectionName[];

const USAGE = `usage: npm run bench -- [--feeds N] [--rows N,N] [--only ${SECTION_NAMES.join(',')}] [--out FILE] [--cpu-prof]
  --feeds N     feeds served and polled (default 1000; 100 for a quick run)
  --rows N,N    stored stories for the search section (default feeds×100 and feeds×1000)
  --only LIST   run only these sections
  --out FILE    where to write the JSON results (default bench/results.json)
  --cpu-prof    write a V8 CPU profile of each section into bench/profiles/`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        feeds: { type: 'string', default: '1000' },
        rows: { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string' },
        'cpu-prof': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const feeds = Number(values.feeds);
  if (!Number.isInteger(feeds) || feeds < 10 || feeds > 20_000) fail(`--feeds must be an integer from 10 to 20000 (got ${values.feeds})`);
  const rows = values.rows !== undefined ? values.rows.split(',').map(Number) : [feeds * 100, feeds * 1000];
  if (rows.some((n) => !Number.isInteger(n) || n < 1_000 || n > 5_000_000)) fail(`--rows must list integers from 1000 to 5000000 (got ${values.rows ?? ''})`);
  const only = values.only !== undefined ? values.only.split(',').map((s) => s.trim()) : SECTION_NAMES;
  const unknown = only.filter((s) => !(SECTION_NAMES as string[]).includes(s));
  if (unknown.length > 0) fail(`unknown section ${unknown.join(', ')}; sections are ${SECTION_NAMES.join(', ')}`);
  return { feeds, rows: rows.sort((a, b) => a - b), only: only as SectionName[], out: values.out, profile: values['cpu-prof'] };
}

const STATUS_MARK: Readonly<Record<NonNullable<Row['status']>, string>> = { met: 'met', missed: 'MISSED', info: '' };

/** A plain-text table that reads well in a terminal and pastes into Markdown. */
function renderTable(results: readonly SectionResult[]): string {
  const lines: string[] = ['| section | step | figure | target | |', '|---|---|---|---|---|'];
  for (const result of results) {
    if (result.skipped !== undefined) {
      lines.push(`| ${result.section} | (skipped) | ${result.skipped} | | |`);
      continue;
    }
    for (const row of result.rows) {
      lines.push(`| ${result.section} | ${row.step} | ${row.figure} | ${row.target ?? ''} | ${STATUS_MARK[row.status ?? 'info']} |`);
    }
  }
  return lines.join('\n');
}

/**
 * The allocator settings the Docker image runs with (its ENV), read from the Dockerfile so the
 * two cannot drift apart. Sections run with them unless the caller's environment sets its own.
 */
function imageAllocatorEnv(repoDir: string): Record<string, string> {
  const dockerfile = readFileSync(join(repoDir, 'Dockerfile'), 'utf8');
  const found: Record<string, string> = {};
  for (const name of ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_ARENA_MAX', 'GLIBC_TUNABLES']) {
    const value = new RegExp(`^\\s*(?:ENV\\s+)?${name}=(\\S+?)\\s*\\\\?$`, 'm').exec(dockerfile)?.[1];
    if (value !== undefined) found[name] = process.env[name] ?? value;
  }
  return found;
}

const options = parseOptions();
const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, '..');
const allocator = imageAllocatorEnv(repoDir);
const sectionEnv = { ...process.env, ...allocator };
const workDir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-'));
const profileDir = options.profile ? join(benchDir, 'profiles') : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const sectionOptions: SectionOptions = { feeds: options.feeds, rows: options.rows, workDir, repoDir, profileDir };
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  allocator,
};

const allocatorText = Object.entries(allocator).map(([name, value]) => `${name}=${value}`).join(' ') || 'glibc defaults';
process.stdout.write(`Watchfloor benchmark: ${options.feeds} feeds, search at ${options.rows.join(' and ')} stories; ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; allocator ${allocatorText} (as the Docker image)\n`);
const started = performance.now();
const results: SectionResult[] = [];
const selected = SECTION_NAMES.filter((n) => options.only.includes(n));
const buildDir = await buildSections(selected.map((n) => SECTIONS[n]));
try {
  if (!selected.includes('classify')) {
    // The classify section trains and saves the model the others load. Without it, train here:
    // the other sections then start as a deployment does after its first start (model on disk).
    const { loadClassifier } = await import('../src/app/classifier.js');
    const { silentLogger } = await import('../src/app/logger.js');
    await loadClassifier({ rulesDir: join(repoDir, 'rules'), modelPath: join(workDir, 'model.json'), log: silentLogger() });
  }
  // Order matters only for convenience: classify trains and saves the model the others load.
  for (const name of selected) {
    const sectionStarted = performance.now();
    process.stdout.write(`  running ${name}…`);
    let result: SectionResult;
    try {
      result = await runSection(join(buildDir, SECTIONS[name].replace(/\.ts$/, '.mjs')), sectionOptions, sectionEnv);
    } catch (error) {
      result = { section: name, rows: [], data: {}, skipped: `failed: ${(error as Error).message}` };
    }
    results.push(result);
    process.stdout.write(` ${((performance.now() - sectionStarted) / 1000).toFixed(1)} s\n`);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
const totalSeconds = (performance.now() - started) / 1000;

process.stdout.write(`\n${renderTable(results)}\n\nTotal ${totalSeconds.toFixed(0)} s.${profileDir ? ` CPU profiles in ${profileDir}.` : ''}\n`);
const outFile = resolve(options.out ?? join(benchDir, 'results.json'));
const missed = results.flatMap((r) => r.rows.filter((row) => row.status === 'missed').map((row) => `${r.section}: ${row.step}`));
writeFileSync(
  outFile,
  `${JSON.stringify({ date: new Date().toISOString(), machine, options: { feeds: options.feeds, rows: options.rows }, totalSeconds, missed, sections: results }, null, 2)}\n`,
);
process.stdout.write(`Results: ${outFile}\n`);
