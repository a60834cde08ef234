import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadFeeds } from '../../config/feeds.js';
import type { FeedConfig } from '../../core/types.js';
import { commandContext, type GlobalOptions } from '../context.js';
import { startDemoServer } from '../demo-server.js';
import { table } from '../format.js';
import { createLogger } from '../logger.js';
import { createRuntime } from '../runtime.js';
import { renderReport } from './once.js';
import { say } from '../output.js';

/**
 * The installed package's root: the nearest folder above this module with a package.json (this
 * code is in src/app/commands/ from source, in a chunk in dist/app/ when built).
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const PACKAGE_ROOT = packageRoot();

/**
 * `watchfloor demo`: the whole pipeline on the bundled example feeds, served from a loopback
 * HTTP server, with a temporary database and console delivery. Proof that it works with no
 * internet and no Discord.
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('serve the example feeds on 127.0.0.1 and run the pipeline on them: stories, verdicts, alerts and a digest on the console')
    .option('--keep', 'keep the temporary database and print its path')
    .action(async (options: { keep?: boolean }, command: Command) => {
      const { env, paths } = commandContext(command);
      const globals = command.optsWithGlobals<GlobalOptions>();
      const examples = join(PACKAGE_ROOT, 'examples');
      const workDir = mkdtempSync(join(tmpdir(), 'watchfloor-demo-'));
      const rules = globals.rules !== undefined || process.env.WATCHFLOOR_RULES || existsSync(paths.rules) ? paths.rules : join(PACKAGE_ROOT, 'rules');
      const db = globals.db ?? join(workDir, 'watchfloor.db');
      const log = createLogger({ level: process.env.LOG_LEVEL ? env.LOG_LEVEL : 'warn', format: env.LOG_FORMAT });
      const now = Date.now();
      const server = await startDemoServer(join(examples, 'feeds'), now);
      const out = (text: string): void => {
        say(`${text}\n`);
      };
      try {
        // The example feeds.json names local files; the demo fetches them over HTTP instead,
        // so conditional GET and the whole fetch path are exercised.
        const feeds: FeedConfig[] = loadFeeds(join(examples, 'feeds.json')).map((feed) => ({ ...feed, url: `${server.baseUrl}/${basename(feed.url)}` }));
        const runtime = await createRuntime({
          env,
          paths: { ...paths, rules, db, model: join(workDir, 'model.json'), feeds: join(examples, 'feeds.json') },
          log,
          feeds,
          consoleOnly: true,
        });
        try {
          out(`Watchfloor demo: ${feeds.length} example feeds served from ${server.baseUrl}, database ${db}\n`);
          out('== Cycle 1: first poll of every feed');
          const first = await runtime.poller.runCycle(runtime.feeds, { force: true });
          out(renderReport(first, Date.now()));

          out('\n== Stored stories and their verdicts');
          const stories = runtime.store.stories.latest({ limit: 100, matchedOnly: false });
          out(table([
            ['TOPICS', 'SCORE', 'SOURCE', 'TITLE'],
            ...stories.map((s) => [s.matchedTopics.length > 0 ? s.matchedTopics.join(',') : '—', s.maxScore > 0 ? s.maxScore.toFixed(1) : '', s.sources.join('+'), truncate(s.title, 90)]),
          ]));
          const matched = stories.filter((s) => s.matchedTopics.length > 0).length;
          out(`\n${stories.length} stories stored, ${matched} matched a topic, ${stories.length - matched} left alone.`);

          out('\n== Delivery (console): instant alerts, then the digest');
          const digests = runtime.delivery.runDueDigests(Date.now(), { force: true });
          const drained = await runtime.delivery.drain();
          out(`\n${drained.sent} message(s) delivered (${digests} digest(s) composed).`);

          out('\n== Cycle 2: the same feeds again (conditional GET)');
          const second = await runtime.poller.runCycle(runtime.feeds, { force: true });
          out(renderReport(second, Date.now()));
          out(`\nThe server answered ${server.requests()} requests in all. Try: watchfloor explain "North Korea fires a missile"`);
        } finally {
          await runtime.close();
        }
      } finally {
        await server.close();
        if (options.keep) out(`\nKept: ${workDir}`);
        else rmSync(workDir, { recursive: true, force: true });
      }
    });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
