/**
 * Each benchmark section runs in its own process, so that its peak RSS and CPU time are its
 * own (not the feed server's, not the previous section's). The parent forks a section file with
 * its options as JSON; the section sends one result message back and exits.
 */
import { fork } from 'node:child_process';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** One line of the printed table. */
export interface Row {
  readonly step: string;
  readonly figure: string;
  /** The target from the issue, when there is one. */
  readonly target?: string;
  /** met / missed against the target; info when there is no target. */
  readonly status?: 'met' | 'missed' | 'info';
}

export interface SectionResult {
  readonly section: string;
  readonly rows: readonly Row[];
  /** Every figure, machine-readable, for bench/results.json. */
  readonly data: Record<string, unknown>;
  /** Why a section could not run (a part of the app that does not exist yet, say). */
  readonly skipped?: string;
}

/** Options every section receives. */
export interface SectionOptions {
  readonly feeds: number;
  readonly rows: readonly number[];
  readonly workDir: string;
  readonly repoDir: string;
  /** Write a V8 CPU profile of each section process into this directory. */
  readonly profileDir?: string | undefined;
}

const rowSchema = z.object({
  step: z.string(),
  figure: z.string(),
  target: z.string().optional(),
  status: z.enum(['met', 'missed', 'info']).optional(),
});
const resultSchema = z.object({
  section: z.string(),
  rows: z.array(rowSchema),
  data: z.record(z.string(), z.unknown()),
  skipped: z.string().optional(),
});
const optionsSchema = z.object({
  feeds: z.number().int().positive(),
  rows: z.array(z.number().int().positive()),
  workDir: z.string(),
  repoDir: z.string(),
  profileDir: z.string().optional(),
});

/**
 * Bundles the section entry points (and the feed server) into plain ES modules under
 * `node_modules/.cache/watchfloor-bench/` (ignored by git and ESLint, and close enough to
 * node_modules for the imports left in them to resolve). Sections then run on bare `node`: no
 * TypeScript loader thread in the process (it adds ~35 MB RSS and its own CPU to the figures).
 */
export async function buildSections(files: readonly string[]): Promise<string> {
  const { build } = await import('esbuild');
  const benchDir = fileURLToPath(new URL('.', import.meta.url));
  const outdir = join(benchDir, '..', 'node_modules', '.cache', 'watchfloor-bench');
  await build({
    // The poll cycle's worker thread loads analyse-worker.mjs from beside the bundle.
    entryPoints: [...files.map((f) => join(benchDir, 'sections', f)), join(benchDir, 'server-process.ts'), join(benchDir, '..', 'src', 'app', 'analyse-worker.ts')],
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    entryNames: '[name]',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    logLevel: 'error',
  });
  return outdir;
}

/** Parent side: runs a section (a bundled `.mjs` from {@link buildSections}) in a child process. */
export function runSection(path: string, options: SectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<SectionResult> {
  return new Promise((resolve, reject) => {
    let result: SectionResult | null = null;
    // Plain node, as a deployment runs: no --expose-gc (memory at rest is what V8 gives back by
    // itself) and no --enable-source-maps (it keeps the bundle's source map on the measured heap).
    const profile = options.profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
    const child = fork(path, [JSON.stringify(options)], { env, execArgv: [...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => {
      const parsed = resultSchema.safeParse(message);
      if (parsed.success) result = parsed.data;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`bench section ${basename(path)} exited with ${signal ?? `code ${code}`} before reporting a result`));
    });
  });
}

/** Child side: runs the section body with its options and reports the result to the parent. */
export function sectionMain(body: (options: SectionOptions) => Promise<SectionResult>): void {
  const options = optionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  body(options).then(
    (result) => {
      process.send?.(result, () => process.exit(0));
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function currentRssMb(): number {
  return process.memoryUsage.rss() / (1024 * 1024);
}

/** Percentiles (0..100) of a list of numbers, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Formats numbers for the table: thousands separators, fixed decimals. */
export function fmt(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
