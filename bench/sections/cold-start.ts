/**
 * Cold start: from process start to ready, for the built CLI (`node dist/app/cli.js run`, what
 * `npm start` runs), in console mode against a few loopback feeds. Measured twice: a first start
 * (empty database, no saved model: the model is trained) and a restart (database and model on
 * disk, the everyday case). "Ready" is the `watchfloor running` log line: database open, rules
 * and model loaded, health server listening, schedule set. The first poll cycle is timed too.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { builtCli } from '../built-cli.js';
import { fmt, sectionMain, type Row } from '../child.js';
import { spawnFeedServer } from '../server.js';

/** Feeds in the cold-start configuration: enough for a real first cycle, few enough to be quick. */
const COLD_START_FEEDS = 20;
const START_TIMEOUT_MS = 60_000;

const logLine = z.looseObject({ msg: z.string().optional(), polled: z.number().optional() });

interface StartTiming {
  readonly readyMs: number;
  readonly firstCycleMs: number | null;
  /** Feeds the first cycle polled (none on a restart when no feed is due yet). */
  readonly firstCyclePolled: number | null;
  readonly rssAtReadyMb: number | null;
  readonly shutdownMs: number;
}

function rssOfMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] !== undefined ? Number(match[1]) / 1024 : null;
  } catch {
    return null; // not Linux
  }
}

/** Starts `watchfloor run`, waits for ready and the first cycle, stops it with SIGTERM. */
function startOnce(cli: string, dir: string, rulesDir: string): Promise<StartTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // A clean environment: no token from the caller's shell turns this into a Discord login.
    const env = { PATH: process.env.PATH ?? '', HOME: dir, LOG_FORMAT: 'json', LOG_LEVEL: 'info', HTTP_PORT: '0', HTTP_HOST: '127.0.0.1' };
    const child = spawn(process.execPath, [cli, '--feeds', join(dir, 'feeds.json'), '--db', join(dir, 'watchfloor.db'), '--rules', rulesDir, 'run'], { env, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let readyMs: number | null = null;
    let rssAtReadyMb: number | null = null;
    let stopAt = 0;
    let buffered = '';
    const stop = (): void => {
      if (stopAt === 0) {
        stopAt = performance.now();
        child.kill('SIGTERM');
      }
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`watchfloor run was not ready within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    let firstCycleMs: number | null = null;
    let firstCyclePolled: number | null = null;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let parsed: z.infer<typeof logLine> | null = null;
        try {
          const result = logLine.safeParse(JSON.parse(line));
          parsed = result.success ? result.data : null;
        } catch {
          parsed = null;
        }
        if (parsed?.msg === 'watchfloor running' && readyMs === null) {
          readyMs = performance.now() - started;
          rssAtReadyMb = child.pid !== undefined ? rssOfMb(child.pid) : null;
        }
        if (parsed?.msg === 'poll cycle finished' && firstCycleMs === null) {
          firstCycleMs = performance.now() - started;
          firstCyclePolled = parsed.polled ?? null;
          stop();
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (readyMs === null) {
        reject(new Error(`watchfloor run exited with code ${code} before it was ready: ${buffered.slice(-500)}`));
        return;
      }
      resolve({ readyMs, firstCycleMs, firstCyclePolled, rssAtReadyMb, shutdownMs: performance.now() - stopAt });
    });
  });
}

sectionMain(async (options) => {
  // Measure what `npm start` runs; built first when the compiled output is missing or stale.
  const { cli, buildMs } = builtCli(options.repoDir);
  const server = await spawnFeedServer(COLD_START_FEEDS, Date.now());
  try {
    const dir = join(options.workDir, 'cold-start');
    mkdirSync(dir, { recursive: true });
    const feeds = server.specs.map((spec, i) => ({ id: spec.id, name: `${spec.outlet} ${spec.index}`, url: server.urls[i], language: 'en', kind: 'outlet' }));
    writeFileSync(join(dir, 'feeds.json'), `${JSON.stringify({ feeds }, null, 2)}\n`);
    const rulesDir = join(options.repoDir, 'rules');
    const first = await startOnce(cli, dir, rulesDir);
    const again = await startOnce(cli, dir, rulesDir);
    const describe = (t: StartTiming): string =>
      `ready in ${fmt(t.readyMs)} ms${t.rssAtReadyMb !== null ? ` at ${fmt(t.rssAtReadyMb)} MB RSS` : ''}; first cycle (${t.firstCyclePolled ?? '?'} of ${COLD_START_FEEDS} feeds due) done at ${t.firstCycleMs !== null ? `${fmt(t.firstCycleMs)} ms` : 'n/a'}; SIGTERM to exit ${fmt(t.shutdownMs)} ms`;
    const rows: Row[] = [
      { step: 'restart (database and model on disk)', figure: describe(again), status: 'info' },
      { step: 'first start (empty database, model trained)', figure: describe(first), status: 'info' },
    ];
    if (buildMs !== null) rows.push({ step: 'build before measuring', figure: `dist/ was stale: the build took ${fmt(buildMs / 1000, 1)} s (not part of the figures above)`, status: 'info' });
    return { section: 'Cold start', rows, data: { feeds: COLD_START_FEEDS, restart: again, firstStart: first, buildMs } };
  } finally {
    await server.stop();
  }
});
