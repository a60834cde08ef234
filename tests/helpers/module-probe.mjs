// Preloaded into a CLI child (NODE_OPTIONS=--import=<this file>) by tests/app/module-loading.test.ts:
// appends to the file named by WATCHFLOOR_MODULE_PROBE the package of every module the process
// loads. ES modules are seen by a resolve hook (it runs in the loader thread and writes there);
// CommonJS modules (discord.js, natural, rss-parser, pino-pretty, prom-client…) by the require
// cache at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.WATCHFLOOR_MODULE_PROBE;
if (out) {
  register(
    `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from 'node:fs';
      let out;
      export function initialize(data) { out = data.out; }
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        appendFileSync(out, result.url + '\\n');
        return result;
      }
    `)}`,
    { data: { out } },
  );
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    appendFileSync(out, `${Object.keys(require.cache).join('\n')}\n`);
  });
}
