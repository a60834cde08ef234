/**
 * `npm run build`: the CLI as a few bundled ES modules in dist/app/ (ADR 15, fixed cost).
 *
 * Loading ~130 compiled modules of ours and ~350 files of node_modules one by one made Node's
 * module loader (resolving, reading, compiling) the largest part of a short command's start.
 * esbuild puts them into a few files:
 *   - two entry points, `dist/app/cli.js` (the `bin`, `npm start`, the image's `CMD`) and
 *     `dist/app/analyse-worker.js` (the parser thread's module, which the pool finds beside its
 *     own code);
 *   - code splitting: every `import()` boundary (each command, the slash commands, the YAML
 *     validator…) stays its own chunk, loaded only when that code runs; shared code goes into
 *     shared chunks. All files sit in dist/app/, so paths relative to a module
 *     (`../../package.json`, `./analyse-worker.js`) hold from any of them;
 *   - packages that must stay files stay in node_modules (EXTERNAL below);
 *   - whitespace and syntax minified (less to read and parse, less resident source), names kept
 *     (stack traces and error names read as in the source); a linked source map for
 *     `node --enable-source-maps`.
 * Type checking is `npm run typecheck`; tests run the sources through tsx.
 */
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { validatorFingerprint } from '../src/config/rules-cache.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packages left in node_modules:
 * - native addons (a `.node` binary is loaded from its package): better-sqlite3, @napi-rs/canvas;
 * - packages the code loads on first use through `createRequire` (discord.js and its REST
 *   client, piscina, prom-client, pino-pretty, node-cron, cron-parser, iconv-lite, jschardet): a
 *   bundled copy beside the required one would be a second instance (other classes for
 *   `instanceof`), and they stay out of a start that does not use them;
 * - piscina also starts its own worker file from its package; pg (PostgreSQL stores only) keeps
 *   its optional native binding's lookup.
 */
export const EXTERNAL: readonly string[] = [
  'better-sqlite3',
  '@napi-rs/canvas',
  'discord.js',
  '@discordjs/*',
  'piscina',
  'prom-client',
  'pino-pretty',
  'node-cron',
  'cron-parser',
  'iconv-lite',
  'jschardet',
  'pg',
];

/** The entry points, relative to the repository: the CLI and the parser thread's module. */
export const ENTRY_POINTS: readonly string[] = ['src/app/cli.ts', 'src/app/analyse-worker.ts'];

/**
 * CommonJS packages bundled into ES modules call `require` for Node's built-ins; an ES module has
 * none, so each output file gets one made for its own location.
 */
const REQUIRE_SHIM = "import { createRequire as __watchfloorCreateRequire } from 'node:module';\nconst require = __watchfloorCreateRequire(import.meta.url);";

/**
 * zod's error messages in ~40 languages are half of the zod code in the bundle (~300 KB, read
 * and parsed by every command). Watchfloor never selects a locale (`z.locales`, `z.config`);
 * English, the default, is imported by zod's schemas directly, so `z.locales` keeps only `en`.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}node_modules${sep}zod${sep}`) ? { path: join(dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: "export { default as en } from './en.js';", resolveDir: dirname(args.path), loader: 'js' }));
  },
};

/**
 * rss-parser brings its own copy of `entities` (2.x, its tables as JSON parsed at load: ~7 ms of
 * a start, measured in a CPU profile) only for `contentSnippet`, which Watchfloor never reads.
 * Its `require('entities')` gets the copy the rest of the bundle already has (4.x, the same
 * `decodeHTML`), so the tables are loaded once.
 */
const rssParserSharesEntities: Plugin = {
  name: 'rss-parser-shares-entities',
  setup(b) {
    b.onResolve({ filter: /^entities$/ }, async (args) => {
      if (!args.importer.includes(`${sep}node_modules${sep}rss-parser${sep}`)) return undefined;
      const shared = await b.resolve('entities', { kind: 'import-statement', resolveDir: ROOT });
      return shared.errors.length > 0 ? undefined : { path: shared.path };
    });
  },
};

/** Bundles the CLI into `<outdir>/app/` (emptied first); returns esbuild's record of inputs and outputs. */
export async function buildCli(options: { readonly outdir: string }): Promise<Metafile> {
  rmSync(options.outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [...ENTRY_POINTS],
    outdir: options.outdir,
    outbase: 'src',
    entryNames: '[dir]/[name]',
    chunkNames: 'app/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...EXTERNAL],
    plugins: [zodEnglishOnly, rssParserSharesEntities],
    banner: { js: REQUIRE_SHIM },
    // A bundle has no separate module files for the rules cache to fingerprint: give it the
    // fingerprint of the sources it was built from (src/config/rules-cache.ts).
    define: { WATCHFLOOR_VALIDATOR_FINGERPRINT: JSON.stringify(validatorFingerprint()) },
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  chmodSync(join(options.outdir, 'app', 'cli.js'), 0o755);
  return result.metafile;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outdir = join(ROOT, 'dist');
  const t0 = performance.now();
  const meta = await buildCli({ outdir });
  const files = Object.keys(meta.outputs).filter((f) => f.endsWith('.js'));
  process.stdout.write(`built dist/app/cli.js and dist/app/analyse-worker.js: ${files.length} files from ${Object.keys(meta.inputs).length} modules in ${Math.round(performance.now() - t0)} ms\n`);
}
