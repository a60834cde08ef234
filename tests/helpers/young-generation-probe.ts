/**
 * Run in a child process (`node --import tsx`): the main thread's young generation before a
 * parser thread starts and after, each time once the main thread has allocated objects that
 * survive a scavenge or two, as a poll cycle's do. Then, as a control in the same process, the
 * size V8 grows it to when the growth factor is left at V8's default over the same churn.
 * Prints one JSON line: the new space's size before, after and in the control, and whether the
 * thread loaded. A process of its own: the growth factor is one flag for the whole process, and
 * vitest's own threads would move it.
 *
 * The factor is lowered before anything else is loaded, as the CLI does (src/app/v8-settings.ts):
 * the rest comes through dynamic imports, which a static import would evaluate first.
 */
import { join } from 'node:path';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { keepYoungGenerationSmall } from '../../src/app/young-generation.js';

keepYoungGenerationSmall();

const { createAnalysePool } = await import('../../src/app/analyse-pool.js');
const { silentLogger } = await import('../../src/app/logger.js');
const { loadRules } = await import('../../src/config/rules.js');
type AnalysedDocument = import('../../src/app/analyse.js').AnalysedDocument;

const newSpaceBytes = (): number => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? -1;

/** Allocates objects that live through a few scavenges, then drops them. */
function churn(rounds: number): number {
  let kept: { readonly i: number; readonly s: string }[] = [];
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    kept.push({ i, s: `story ${i}` });
    if (kept.length > 100_000) {
      total += kept.length;
      kept = [];
    }
  }
  return total + kept.length;
}

churn(2_000_000);
const before = newSpaceBytes();
const rules = loadRules(join(import.meta.dirname, '../../rules'));
const pool = createAnalysePool({
  threads: 1,
  rules,
  model: null,
  fallback: () => Promise.resolve(null as unknown as AnalysedDocument),
  log: silentLogger(),
  // From sources, as the tests run: the thread needs the TypeScript loader too.
  entry: { filename: new URL('../../src/app/analyse-worker.ts', import.meta.url).href, execArgv: ['--import', 'tsx'] },
});
const loaded = await pool.warm();
// As a poll cycle does once its thread has loaded.
churn(2_000_000);
const after = newSpaceBytes();
await pool.close();
// The control: V8's default factor, as a thread's start leaves it, over the same churn.
setFlagsFromString('--semi-space-growth-factor=2');
churn(2_000_000);
churn(2_000_000);
const grown = newSpaceBytes();
process.stdout.write(`${JSON.stringify({ before, after, grown, loaded })}\n`);
