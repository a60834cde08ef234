import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Preloaded into a CLI child (NODE_OPTIONS=--import=<file>): appends to the file named by
 * WATCHFLOOR_MODULE_PROBE every module the process loads. ES modules are seen by a resolve hook
 * (it runs in the loader thread and writes there); CommonJS modules (discord.js, natural,
 * rss-parser, pino-pretty, prom-client…) by the require cache at exit.
 */
const PROBE_SOURCE = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const out = process.env.WATCHFLOOR_MODULE_PROBE;
if (out) {
  const hooks = [
    "import { appendFileSync } from 'node:fs';",
    "import { EOL } from 'node:os';",
    'let out;',
    'export function initialize(data) { out = data.out; }',
    'export async function resolve(specifier, context, next) {',
    '  const result = await next(specifier, context);',
    '  appendFileSync(out, result.url + EOL);',
    '  return result;',
    '}',
  ].join('\\n');
  register('data:text/javascript,' + encodeURIComponent(hooks), { data: { out } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    appendFileSync(out, Object.keys(require.cache).join('\\n') + '\\n');
  });
}
`;

/** Packages too heavy to load where they are not needed (`--help` loads none of them). */
export const HEAVY_PACKAGES: readonly string[] = ['discord.js', '@discordjs/rest', 'natural', 'rss-parser', 'pino-pretty', 'prom-client', 'zod', 'yaml', 'better-sqlite3', 'undici', 'piscina'];

/** A fresh probe in `dir`: the file it writes to and the environment that preloads it. */
export function moduleProbe(dir: string): { out: string; probeEnv: Record<string, string> } {
  const out = join(dir, 'modules.txt');
  const file = join(dir, 'module-probe.mjs');
  writeFileSync(out, '');
  writeFileSync(file, PROBE_SOURCE);
  return { out, probeEnv: { NODE_OPTIONS: `--import=${pathToFileURL(file).href}`, WATCHFLOOR_MODULE_PROBE: out } };
}

/** Every module (file URL or path) the probe saw, once each. */
export function modulesIn(out: string): string[] {
  return [...new Set(readFileSync(out, 'utf8').split('\n').filter((line) => line !== ''))];
}

/** The npm package (by name) a module path or URL belongs to, or null for one outside node_modules. */
export function packageOf(module: string): string | null {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(module)?.[1] ?? null;
}

/** The npm packages (by name) the probe saw loaded from node_modules. */
export function packagesIn(out: string): Set<string> {
  const packages = new Set<string>();
  for (const module of modulesIn(out)) {
    const name = packageOf(module);
    if (name !== null) packages.add(name);
  }
  return packages;
}
