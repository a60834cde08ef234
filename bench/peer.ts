/**
 * The peer in the benchmark: newsboat (C++, libcurl + libxml2 + SQLite; a Debian package) polls
 * the same generated feeds as Watchfloor in the same run. This file holds what can be tested
 * without running either: the set-up plan, newsboat's files, the parsing of the measurements and
 * the rows with their ratios (tests/bench/peer.test.ts). bench/sections/peer.ts runs them.
 */
import type { Row } from './child.js';

/** How newsboat gets onto this machine, or why it cannot. */
export type InstallPlan =
  | { readonly kind: 'present' }
  | { readonly kind: 'install'; readonly command: readonly string[] }
  | { readonly kind: 'skip'; readonly reason: string };

/**
 * What is missing of `newsboat` and `/usr/bin/time` (Debian package `time`, which measures both
 * programs the same way) is installed from Debian's repositories, as root or through sudo without
 * a password; otherwise the section is skipped with one clear note.
 */
export function installPlan(machine: { readonly missing: readonly string[]; readonly hasAptGet: boolean; readonly isRoot: boolean; readonly hasSudo: boolean }): InstallPlan {
  if (machine.missing.length === 0) return { kind: 'present' };
  const names = machine.missing.join(' and ');
  if (!machine.hasAptGet) return { kind: 'skip', reason: `${names} not installed and there is no apt-get to install it; install ${names} to compare with newsboat` };
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...machine.missing];
  if (machine.isRoot) return { kind: 'install', command: install };
  if (machine.hasSudo) return { kind: 'install', command: ['sudo', '-n', ...install] };
  return { kind: 'skip', reason: `${names} not installed, and this user can neither run apt-get (not root) nor sudo without a password; run \`sudo apt-get install ${machine.missing.join(' ')}\` to compare with newsboat` };
}

/** newsboat's urls file: one feed URL per line. */
export function newsboatUrls(urls: readonly string[]): string {
  for (const url of urls) {
    if (!/^https?:\/\/\S+$/.test(url)) throw new Error(`not a feed URL newsboat can read: ${JSON.stringify(url)}`);
  }
  return `${urls.join('\n')}\n`;
}

/** newsboat's config: as many parallel downloads as Watchfloor's FETCH_CONCURRENCY, nothing else changed. */
export function newsboatConfig(options: { readonly threads: number }): string {
  if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error(`reload-threads must be a positive integer (got ${options.threads})`);
  return `# written by the Watchfloor benchmark\nreload-threads ${options.threads}\n`;
}

/** The command line of one reload: no UI, this run's files only (HOME points into the bench's temporary directory). */
export function newsboatArgs(files: { readonly urls: string; readonly cache: string; readonly config: string }): string[] {
  return ['-q', '-u', files.urls, '-c', files.cache, '-C', files.config, '-x', 'reload'];
}

/** What `/usr/bin/time` prints with {@link TIME_FORMAT}. */
export interface ProcessCost {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

/** GNU time's format: elapsed seconds, user and system CPU seconds, maximum resident set in KB. */
export const TIME_FORMAT = 'wf-time %e %U %S %M';

/** Parses the line {@link TIME_FORMAT} produced (among whatever else the command wrote to the file). */
export function parseTimeOutput(text: string): ProcessCost {
  const match = /^wf-time (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/m.exec(text);
  if (!match) throw new Error(`no measurement from /usr/bin/time in: ${JSON.stringify(text.slice(-300))}`);
  const [, elapsed, user, system, maxKb] = match.map(Number) as [number, number, number, number, number];
  return { wallMs: elapsed * 1000, cpuMs: (user + system) * 1000, peakRssMb: maxKb / 1024 };
}

/** The median of each figure over repeated runs (wall, CPU and peak taken separately). */
export function medianCost(runs: readonly ProcessCost[]): ProcessCost {
  if (runs.length === 0) throw new Error('no runs to take the median of');
  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  };
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)), peakRssMb: median(runs.map((r) => r.peakRssMb)) };
}

/** Targets from the issue (ratios are newsboat's figure over Watchfloor's, so higher is better). */
export const PEER_TARGETS = {
  firstCycleMinSpeedup: 2.5,
  steadyCycleMinSpeedup: 10,
  onceMaxWallMs: 400,
  onceMaxPeakMb: 80,
} as const;

export interface PeerFigures {
  readonly feeds: number;
  readonly first: { readonly watchfloor: ProcessCost; readonly newsboat: ProcessCost };
  readonly steady: { readonly watchfloor: ProcessCost; readonly newsboat: ProcessCost };
  readonly single: { readonly watchfloor: ProcessCost; readonly newsboat: ProcessCost; readonly runs: number };
  /** `node -e 0`, measured the same way: what any Node program pays before its first line. */
  readonly nodeAlone: ProcessCost;
  /**
   * `once` in the same deployment with no feed due (median of the same runs): everything a start
   * loads and opens, and delivery, without the feed. What the one-feed run costs above it is
   * the feed's own work.
   */
  readonly startOnly?: ProcessCost;
  /**
   * The first cycle again with the other parser-thread setting than the default's (a fresh
   * database), measured when the run did not set PARSE_THREADS itself: what the default's choice
   * buys in speed and costs in memory, in this run.
   */
  readonly firstAlternative?: { readonly threads: number; readonly cost: ProcessCost };
  /**
   * Cores this run had (`os.availableParallelism()`) and the parser threads of the default
   * setting on them: how many cores the default can keep busy (the main thread and its threads).
   */
  readonly machine?: { readonly cores: number; readonly defaultThreads: number };
  /** Stories each stored in the first cycle (the same documents: they should be close). */
  readonly stored: { readonly watchfloor: number; readonly newsboat: number };
}

const fmt = (value: number, decimals = 0): string => value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
const secs = (ms: number): string => `${fmt(ms / 1000, 2)} s`;

function cycleRow(step: string, cost: { watchfloor: ProcessCost; newsboat: ProcessCost }, minSpeedup: number, whyMissed = ''): Row {
  const speedup = cost.newsboat.wallMs / cost.watchfloor.wallMs;
  const cpu = cost.newsboat.cpuMs / cost.watchfloor.cpuMs;
  const met = speedup >= minSpeedup;
  return {
    step,
    figure:
      `Watchfloor ${secs(cost.watchfloor.wallMs)} (CPU ${secs(cost.watchfloor.cpuMs)}, peak ${fmt(cost.watchfloor.peakRssMb)} MB); newsboat ${secs(cost.newsboat.wallMs)} (CPU ${secs(cost.newsboat.cpuMs)}, peak ${fmt(cost.newsboat.peakRssMb)} MB) → ` +
      `${fmt(speedup, 1)}× faster, newsboat/Watchfloor CPU ${fmt(cpu, 2)}, Watchfloor/newsboat peak RSS ${fmt(cost.watchfloor.peakRssMb / cost.newsboat.peakRssMb, 1)}×` +
      (met ? '' : `; missed by ${fmt(minSpeedup / speedup, 2)}×${whyMissed}`),
    target: `≥ ${minSpeedup}× faster`,
    status: met ? 'met' : 'missed',
  };
}

/**
 * Why a first cycle is slower than wanted, from this run's figures: the CPU the cycle used against
 * the wall time the target allows (how many cores it would have to keep busy), and the same cycle
 * with the other parser-thread setting (one thread where the default has none, none where it has
 * one).
 */
function firstCycleWhy(figures: PeerFigures, minSpeedup: number): string {
  const { first, machine, stored } = figures;
  let why = '';
  if (machine !== undefined) {
    const allowedMs = first.newsboat.wallMs / minSpeedup;
    const coresNeeded = first.watchfloor.cpuMs / allowedMs;
    const busy = Math.min(machine.cores, 1 + machine.defaultThreads);
    const perStory = (cost: ProcessCost, items: number): string => (items > 0 ? `${fmt((cost.cpuMs * 1000) / items)} µs` : 'n/a');
    why +=
      `; ${minSpeedup}× means ≤ ${secs(allowedMs)}, and the cycle used ${secs(first.watchfloor.cpuMs)} of CPU ` +
      `(${perStory(first.watchfloor, stored.watchfloor)} per stored story; newsboat ${perStory(first.newsboat, stored.newsboat)} per item): ` +
      `${fmt(coresNeeded, 1)} cores busy for the whole cycle, where the default keeps at most ${busy} busy ` +
      `(${machine.defaultThreads === 0 ? 'no parser thread' : machine.defaultThreads === 1 ? 'one parser thread' : `${machine.defaultThreads} parser threads`} on ${machine.cores === 1 ? 'one core' : `${machine.cores} cores`}, shared with the feed server)`;
  }
  const alternative = figures.firstAlternative;
  if (alternative === undefined) return why;
  const { cost } = alternative;
  const speedup = first.newsboat.wallMs / cost.wallMs;
  const setting = alternative.threads > 0 ? `with ${alternative.threads === 1 ? 'one parser thread' : `${alternative.threads} parser threads`}` : 'without a parser thread';
  const otherwise = alternative.threads > 0 ? 'without' : 'with the default parser thread';
  return (
    `${why}; ${setting} (PARSE_THREADS=${alternative.threads}) the same cycle takes ${secs(cost.wallMs)} (CPU ${secs(cost.cpuMs)}) → ${fmt(speedup, 1)}× faster than newsboat, ` +
    `peaking at ${fmt(cost.peakRssMb)} MB against ${fmt(first.watchfloor.peakRssMb)} MB ${otherwise}; ` +
    'the rest is the work per story (parse, normalise, classify, store with its full-text index), itemised in the poll section'
  );
}

/** The table rows of the peer section: ratios measured in this run, and by how much a target was missed. */
export function peerRows(figures: PeerFigures): Row[] {
  const { single } = figures;
  const wallMet = single.watchfloor.wallMs <= PEER_TARGETS.onceMaxWallMs;
  const peakMet = single.watchfloor.peakRssMb <= PEER_TARGETS.onceMaxPeakMb;
  return [
    cycleRow(`first cycle, ${fmt(figures.feeds)} feeds (empty database and cache; stored: Watchfloor ${fmt(figures.stored.watchfloor)}, newsboat ${fmt(figures.stored.newsboat)} items)`, figures.first, PEER_TARGETS.firstCycleMinSpeedup, firstCycleWhy(figures, PEER_TARGETS.firstCycleMinSpeedup)),
    cycleRow('steady cycle (10% of the feeds changed)', figures.steady, PEER_TARGETS.steadyCycleMinSpeedup),
    {
      step: `one feed, wall (median of ${single.runs}; \`once --feed\` vs \`newsboat -x reload\`, both warm)`,
      figure: `Watchfloor ${fmt(single.watchfloor.wallMs)} ms (CPU ${fmt(single.watchfloor.cpuMs)} ms); newsboat ${fmt(single.newsboat.wallMs)} ms (CPU ${fmt(single.newsboat.cpuMs)} ms) → ${fmt(single.watchfloor.wallMs / single.newsboat.wallMs, 1)}× newsboat's` +
        (wallMet ? '' : `; over by ${fmt(single.watchfloor.wallMs - PEER_TARGETS.onceMaxWallMs)} ms, of which Node's own start is ${fmt(figures.nodeAlone.wallMs)} ms (CPU ${fmt(figures.nodeAlone.cpuMs)} ms)` +
          (figures.startOnly ? `; \`once\` with no feed due (loading the modules, opening the database, rules and model, delivery) takes ${fmt(figures.startOnly.wallMs)} ms (CPU ${fmt(figures.startOnly.cpuMs)} ms), so the feed itself costs ${fmt(Math.max(0, single.watchfloor.wallMs - figures.startOnly.wallMs))} ms` : '')),
      target: `≤ ${PEER_TARGETS.onceMaxWallMs} ms`,
      status: wallMet ? 'met' : 'missed',
    },
    {
      step: 'one feed, peak RSS',
      figure: `Watchfloor ${fmt(single.watchfloor.peakRssMb)} MB; newsboat ${fmt(single.newsboat.peakRssMb)} MB → ${fmt(single.watchfloor.peakRssMb / single.newsboat.peakRssMb, 1)}× newsboat's` +
        (peakMet ? '' : `; over by ${fmt(single.watchfloor.peakRssMb - PEER_TARGETS.onceMaxPeakMb)} MB, of which Node alone (\`node -e 0\`) is ${fmt(figures.nodeAlone.peakRssMb)} MB` +
          (figures.startOnly ? ` and \`once\` with no feed due peaks at ${fmt(figures.startOnly.peakRssMb)} MB` : '')),
      target: `≤ ${PEER_TARGETS.onceMaxPeakMb} MB`,
      status: peakMet ? 'met' : 'missed',
    },
  ];
}
