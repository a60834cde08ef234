import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, EXTERNAL } from '../../scripts/build.js';
import { createAnalyser } from '../../src/app/analyse.js';
import { createAnalysePool } from '../../src/app/analyse-pool.js';
import { loadClassifier } from '../../src/app/classifier.js';
import { silentLogger } from '../../src/app/logger.js';
import { validatorFingerprint } from '../../src/config/rules-cache.js';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig } from '../../src/core/types.js';
import { parseFeed } from '../../src/feeds/parse.js';
import { runCli } from '../helpers/cli.js';
import { routeThreeKyivStories, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { HEAVY_PACKAGES, moduleProbe, modulesIn, packageOf } from '../helpers/module-probe.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * The built CLI (`npm run build`: esbuild, a few ES modules in dist/app/; ADR 15) works as the
 * sources do and keeps their lazy loading. The bundle is built here, from this tree, into a
 * temporary package (package.json, rules/, examples/ and node_modules beside it, as installed)
 * and run on bare Node, with the module probe preloaded. Code bundled into a chunk is not a file
 * in node_modules, so the packages a run used are read from both: the files it loaded from
 * node_modules, and the packages esbuild put into each chunk it loaded.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const tempDir = useTempDir();
let pkg: string;
let cli: string;
let meta: Metafile;
let feeds: FeedServer;

beforeAll(async () => {
  pkg = mkdtempSync(join(tmpdir(), 'watchfloor-bundle-'));
  meta = await buildCli({ outdir: join(pkg, 'dist') });
  cli = join(pkg, 'dist', 'app', 'cli.js');
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  for (const dir of ['node_modules', 'rules', 'examples']) symlinkSync(join(ROOT, dir), join(pkg, dir));
  feeds = await startFeedServer();
  routeThreeKyivStories(feeds, '/b.xml', 'b');
}, 60_000);
afterAll(async () => {
  await feeds.close();
  rmSync(pkg, { recursive: true, force: true });
});

/** Output file (absolute) → the npm packages esbuild bundled into it. */
function packagesPerOutput(): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const [output, { inputs }] of Object.entries(meta.outputs)) {
    const names = new Set(Object.keys(inputs).map(packageOf).filter((name): name is string => name !== null));
    map.set(resolve(ROOT, output), names);
  }
  return map;
}

interface Loaded {
  /** Every package whose code ran: loaded from node_modules, or bundled into a chunk that was loaded. */
  readonly packages: Set<string>;
  /** Packages loaded as files from node_modules. */
  readonly fromNodeModules: Set<string>;
  /** Files of the bundle that were loaded. */
  readonly bundleFiles: string[];
}

function loadedBy(out: string): Loaded {
  const perOutput = packagesPerOutput();
  const fromNodeModules = new Set<string>();
  const bundleFiles: string[] = [];
  for (const module of modulesIn(out)) {
    const path = module.startsWith('file:') ? fileURLToPath(module) : module;
    if (perOutput.has(path)) bundleFiles.push(path);
    const name = packageOf(path);
    if (name !== null) fromNodeModules.add(name);
  }
  const packages = new Set(fromNodeModules);
  for (const file of bundleFiles) for (const name of perOutput.get(file) ?? []) packages.add(name);
  return { packages, fromNodeModules, bundleFiles };
}

/** Whether a package name is one the build leaves in node_modules (EXTERNAL, `@scope/*` patterns included). */
function isExternal(name: string): boolean {
  return EXTERNAL.some((pattern) => (pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

/** The packages an external package may load from node_modules: its dependencies, transitively. */
function dependenciesOf(names: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...names];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const file = join(ROOT, 'node_modules', name, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return seen;
}

async function runBuilt(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; loaded: Loaded }> {
  const { out, probeEnv } = moduleProbe(tempDir());
  const result = await runCli(args, { ...env, ...probeEnv }, { builtCli: cli, cwd: pkg, timeoutMs: 90_000 });
  return { ...result, loaded: loadedBy(out) };
}

function deployment(): Record<string, string> {
  const dir = tempDir();
  const feedsFile = join(dir, 'feeds.json');
  writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'kyiv', name: 'Kyiv', url: feeds.url('/b.xml'), language: 'en', kind: 'outlet' }] }));
  return { WATCHFLOOR_FEEDS: feedsFile, WATCHFLOOR_DB: join(dir, 'w.db'), WATCHFLOOR_RULES: join(ROOT, 'rules') };
}

describe('the built CLI (bundle)', () => {
  it('GIVEN the build THEN it has the two entry points, and every import() boundary of the sources is a chunk of its own', () => {
    expect(existsSync(cli)).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'app', 'analyse-worker.js'))).toBe(true);
    // Each command module is reached only through import() in cli.ts: it must not be in cli.js.
    const cliInputs = Object.keys(meta.outputs[Object.keys(meta.outputs).find((o) => resolve(ROOT, o) === cli) ?? '']?.inputs ?? {});
    expect(cliInputs).toContain('src/app/cli.ts');
    expect(cliInputs.filter((input) => input.startsWith('src/app/commands/'))).toEqual([]);
    expect(cliInputs.filter((input) => packageOf(input) === 'zod' || packageOf(input) === 'undici')).toEqual([]);
  });

  it('GIVEN --help THEN it prints every command and loads no heavy package, bundled or not', async () => {
    const { code, stdout, loaded } = await runBuilt(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('once [options]');
    expect(loaded.bundleFiles).toContain(cli);
    expect(loaded.packages.has('commander')).toBe(true); // bundled packages are seen
    expect(HEAVY_PACKAGES.filter((name) => loaded.packages.has(name))).toEqual([]);
  });

  it('GIVEN one feed and no bot WHEN once polls it twice THEN it stores the stories; discord.js, piscina, node-cron, iconv-lite never load; only external packages come from node_modules; the second start reads the rules cache', async () => {
    const env = deployment();
    const first = await runBuilt(['once', '--all'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('3 new stories');
    expect(first.stdout).toContain('Kyiv story 0'); // delivered to the console
    expect(first.loaded.packages.has('rss-parser')).toBe(true); // it did poll, from the bundle
    expect(first.loaded.packages.has('yaml')).toBe(true); // no rules cache yet: validated
    expect(['discord.js', '@discordjs/rest', 'pino-pretty', 'prom-client', 'piscina', 'node-cron', 'iconv-lite'].filter((name) => first.loaded.packages.has(name))).toEqual([]);
    // Everything else came out of the bundle, not out of node_modules one file at a time: from
    // there only the external packages and what they require (better-sqlite3's `bindings`…).
    const externals = [...first.loaded.fromNodeModules].filter(isExternal);
    const dependencies = dependenciesOf(externals);
    expect([...first.loaded.fromNodeModules].filter((name) => !isExternal(name) && !dependencies.has(name))).toEqual([]);
    expect(first.loaded.fromNodeModules.has('better-sqlite3')).toBe(true);
    // No saved model: the bundle trained one with natural, whose counting runs as strict code here.
    expect(existsSync(join(dirname(env.WATCHFLOOR_DB ?? ''), 'model.json'))).toBe(true);

    const second = await runBuilt(['once'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.loaded.packages.has('yaml')).toBe(false); // the rules came from the cache
    expect(existsSync(join(dirname(env.WATCHFLOOR_DB ?? ''), 'rules-cache.json'))).toBe(true);
  });

  it('GIVEN the build THEN it carries the fingerprint of the rule validator it was built from (for the rules cache key)', () => {
    const fingerprint = validatorFingerprint();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const outputs = Object.keys(meta.outputs).filter((o) => o.endsWith('.js')).map((o) => readFileSync(resolve(ROOT, o), 'utf8'));
    expect(outputs.filter((text) => text.includes(`"${fingerprint}"`))).toHaveLength(1);
  });

  it('GIVEN the bundled parser-thread entry THEN the pool finds it beside its own chunk, and a document analysed in that thread gives the main thread\'s verdicts', async () => {
    // The pool looks for ./analyse-worker.js beside the module it is in: in the bundle, a chunk.
    const poolChunk = Object.entries(meta.outputs).find(([, o]) => 'src/app/analyse-pool.ts' in o.inputs)?.[0];
    expect(poolChunk).toBeDefined();
    expect(existsSync(join(dirname(resolve(ROOT, poolChunk ?? '')), 'analyse-worker.js'))).toBe(true);

    const classifier = await loadClassifier({ rulesDir: join(ROOT, 'rules'), modelPath: join(tempDir(), 'model.json'), log: silentLogger() });
    const pool = createAnalysePool({
      threads: 1,
      rules: classifier.rules,
      model: classifier.model,
      fallback: createAnalyser({ parse: parseFeed, normalise: normaliseItems }),
      log: silentLogger(),
      entry: { filename: pathToFileURL(join(pkg, 'dist', 'app', 'analyse-worker.js')).href, execArgv: [] },
    });
    try {
      expect(await pool.warm()).toBe(true);
      const feed: FeedConfig = { id: 'fixture', url: 'https://news.example.org/feed.xml', name: 'Fixture', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };
      const text = readFileSync(join(ROOT, 'tests/fixtures/feeds/rss2-full.xml'), 'utf8');
      const input = { text, finalUrl: feed.url, feed, now: Date.UTC(2025, 2, 10, 12) };
      const inThread = await pool.analyse(input);
      expect(pool.stats().inWorker).toBe(1);
      const inMain = await createAnalyser({ parse: parseFeed, normalise: normaliseItems, classify: (i) => classifier.classify(i) })(input);
      expect(inThread).toEqual(inMain);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('GIVEN demo THEN the built CLI finds the package\'s example feeds and rules from its chunk', async () => {
    const { code, stdout, stderr } = await runBuilt(['demo']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/4 feeds polled/);
  }, 90_000);
});
