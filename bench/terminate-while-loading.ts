/**
 * The Node behaviour behind issue 20, on its own: a worker thread that `require()`s an ES module
 * graph (what piscina's worker does with our task file; `require(esm)` on Node ≥ 20.19) and is
 * terminated while the graph is being linked aborts the whole process with
 * `FATAL ERROR: v8::Module::IsGraphAsync … must be used on an instantiated module` (exit 134).
 * The generated graph is slow to link on purpose (a long chain of `export *` and thousands of
 * imported names), so that a terminate a few seconds in lands inside the linking every time.
 *
 *   npx tsx bench/terminate-while-loading.ts [delay ms, default 3000]
 *
 * Prints the child's exit code and the first line of its stderr. On a Node that has fixed the
 * bug the child exits 0; the analyse pool does not rely on that (it never terminates a loading
 * thread, see ADR 9).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHAIN = 300;
const NAMES = 3000;
const delayMs = Number(process.argv[2] ?? 3000);

const dir = mkdtempSync(join(tmpdir(), 'watchfloor-terminate-'));
try {
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  for (let i = 0; i < CHAIN; i++) writeFileSync(join(dir, `c${i}.js`), `export * from './c${i + 1}.js';\n`);
  writeFileSync(join(dir, `c${CHAIN}.js`), Array.from({ length: NAMES }, (_, j) => `export const v${j} = ${j};\n`).join(''));
  const names = Array.from({ length: NAMES }, (_, j) => `v${j}`).join(', ');
  writeFileSync(join(dir, 'entry.js'), `import { ${names} } from './c0.js';\nexport default () => v0 + v${NAMES - 1};\n`);
  const child = `
    const { Worker } = require('node:worker_threads');
    const worker = new Worker(${JSON.stringify(`require(${JSON.stringify(join(dir, 'entry.js'))}); require('node:worker_threads').parentPort.postMessage('loaded');`)}, { eval: true });
    let loaded = false;
    worker.on('message', () => { loaded = true; });
    setTimeout(() => { void worker.terminate().then(() => console.log(loaded ? 'terminated after loading' : 'terminated while loading')); }, ${delayMs});
  `;
  const result = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8' });
  const exit = result.status ?? result.signal ?? 'unknown';
  process.stdout.write(`node ${process.version}: terminate after ${delayMs} ms → exit ${exit}; ${result.stdout.trim() || '(no output)'}\n`);
  const firstError = result.stderr.split('\n').find((line) => line.trim() !== '');
  if (firstError) process.stdout.write(`stderr: ${firstError}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
