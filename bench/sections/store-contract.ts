/**
 * The exactly-once store contract (ADR 16): outbox messages claimed and completed per second.
 * Each message is one claim (in batches of 5, as the contract worker takes them), one beginSend
 * and one markSent.
 *   - baseline: the synchronous SQLite outbox calls, as the app makes them today;
 *   - the asynchronous SQLite adapter over those same calls (its cost is the promise wrapping);
 *   - PostgreSQL (a throwaway local server, fsync off) with one and with two claiming processes.
 * Every figure is a ratio against the baseline of the same run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { composeAlert } from '../../src/core/compose/alert.js';
import type { OutboundMessage } from '../../src/core/compose/message.js';
import type { ExactlyOnceStore } from '../../src/store/contract.js';
import { openDatabase } from '../../src/store/db.js';
import { createOutboxStore } from '../../src/store/outbox.js';
import { openPgExactlyOnceStore } from '../../src/store/pg/exactly-once.js';
import { createSqliteExactlyOnceStore } from '../../src/store/sqlite-contract.js';
import { startPostgres } from '../../tests/helpers/postgres.js';
import { classified, makeStory } from '../../tests/helpers/stories.js';
import { fmt, sectionMain, type Row } from '../child.js';

const BATCH = 5;
const SUBSCRIPTIONS = 50;
const SUBSCRIPTION = `INSERT INTO subscriptions (target_kind, topics, mode, created_at, created_by) VALUES ('console', '["ukraine"]', 'instant', 0, 'bench')`;

const PAYLOAD: OutboundMessage = (() => {
  const story = makeStory();
  return composeAlert({ story, verdicts: classified({ ukraine: 5 }).verdicts, topics: new Map(), source: undefined, mentionRoleId: null });
})();

/** Fills a store with `n` alerts over SUBSCRIPTIONS subscriptions. */
async function fill(store: ExactlyOnceStore, subs: readonly number[], n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const stored = await store.insertStory(makeStory());
    await store.enqueueAlert({ subscriptionId: subs[i % subs.length]!, storyRowid: stored.rowid, payload: PAYLOAD });
  }
}

function sqliteFile(dir: string, name: string) {
  const path = join(dir, `${name}.db`);
  const db = openDatabase(path);
  const subs = Array.from({ length: SUBSCRIPTIONS }, () => Number(db.prepare(SUBSCRIPTION).run().lastInsertRowid));
  return { path, db, subs };
}

/** Messages per second through the raw synchronous outbox calls. */
async function rawSqlite(dir: string, n: number, name: string): Promise<number> {
  const { db, subs } = sqliteFile(dir, name);
  await fill(createSqliteExactlyOnceStore(db), subs, n);
  const outbox = createOutboxStore(db);
  const holder = { owner: 'bench:1:raw', leaseMs: 60_000 };
  const start = performance.now();
  let done = 0;
  for (;;) {
    const { rows } = outbox.claimDue(Date.now(), BATCH, holder);
    if (rows.length === 0) break;
    for (const r of rows) {
      outbox.beginSend(r.id, holder, Date.now());
      if (outbox.markSent(r.id, holder, `m${r.id}`, Date.now())) done++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  if (done !== n) throw new Error(`raw SQLite sent ${done} of ${n}`);
  return n / seconds;
}

/** Messages per second through the asynchronous contract, in this process. */
async function throughContract(store: ExactlyOnceStore, n: number): Promise<number> {
  const holder = { owner: 'bench:1:adapter', leaseMs: 60_000 };
  const start = performance.now();
  let done = 0;
  for (;;) {
    const claimed = await store.claimMessages(holder, BATCH);
    if (claimed.length === 0) break;
    for (const m of claimed) {
      await store.beginSend(m.id, holder);
      if (await store.markSent(m.id, holder, `m${m.id}`)) done++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  if (done !== n) throw new Error(`the contract sent ${done} of ${n}`);
  return n / seconds;
}

async function adapterSqlite(dir: string, n: number, name: string): Promise<number> {
  const { db, subs } = sqliteFile(dir, name);
  const store = createSqliteExactlyOnceStore(db, { close: true });
  await fill(store, subs, n);
  const rate = await throughContract(store, n);
  await store.close();
  return rate;
}

/** Messages per second with `processes` contract workers (tests/store/contract/claim-worker.ts) on one database. */
async function workers(location: string, processes: number, n: number, repoDir: string): Promise<number> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const worker = join(repoDir, 'tests/store/contract/claim-worker.ts');
  const children = Array.from({ length: processes }, (_, i) => {
    const child = spawn(process.execPath, ['--import', tsx, worker, location, `bench:${i}:w`, '60000', '0'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let sent = 0;
    let buffer = '';
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line === 'ready') resolve();
          else if (line.startsWith('sent ')) sent++;
        }
      });
    });
    const done = new Promise<void>((resolve, reject) => child.on('exit', (code) => { if (code === 0) resolve(); else reject(new Error(`worker exited ${code}`)); }));
    return { child, ready, done, sent: () => sent };
  });
  await Promise.all(children.map((c) => c.ready));
  const start = performance.now();
  for (const c of children) c.child.stdin.write('go\n');
  await Promise.all(children.map((c) => c.done));
  const seconds = (performance.now() - start) / 1000;
  const sent = children.reduce((sum, c) => sum + c.sent(), 0);
  if (sent !== n) throw new Error(`${processes} PostgreSQL workers sent ${sent} of ${n}`);
  return n / seconds;
}

sectionMain(async (options) => {
  const n = Math.max(500, options.feeds * 5);
  const dir = mkdtempSync(join(options.workDir, 'store-contract-'));
  // Alternating, best of two each: the adapter's cost is small beside the run-to-run noise.
  const raw = await rawSqlite(dir, n, 'raw1');
  const adapter1 = await adapterSqlite(dir, n, 'adapter1');
  const raw2 = await rawSqlite(dir, n, 'raw2');
  const adapter2 = await adapterSqlite(dir, n, 'adapter2');
  const baseline = Math.max(raw, raw2);
  const adapter = Math.max(adapter1, adapter2);
  rmSync(dir, { recursive: true, force: true });

  const server = await startPostgres();
  const pgRates: number[] = [];
  try {
    for (const processes of [1, 2]) {
      const url = await server.createDatabase(`bench_${processes}`);
      const store = await openPgExactlyOnceStore(url, { max: 2 });
      const subs: number[] = [];
      for (let i = 0; i < SUBSCRIPTIONS; i++) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        subs.push(Number((await client.query<{ id: string }>(`${SUBSCRIPTION} RETURNING id`)).rows[0]!.id));
        await client.end();
      }
      await fill(store, subs, n);
      await store.close();
      pgRates.push(await workers(url, processes, n, options.repoDir));
    }
  } finally {
    await server.stop();
  }
  const [pg1 = Number.NaN, pg2 = Number.NaN] = pgRates;
  const rows: Row[] = [
    { step: `baseline: sync SQLite outbox calls (${fmt(n)} messages, claim ${BATCH} + begin + sent)`, figure: `${fmt(baseline)} msg/s`, status: 'info' },
    { step: 'SQLite through the async contract adapter', figure: `${fmt(adapter)} msg/s = ${fmt(adapter / baseline, 2)}× baseline`, status: 'info' },
    { step: 'PostgreSQL, 1 claiming process', figure: `${fmt(pg1)} msg/s = ${fmt(pg1 / baseline, 2)}× baseline`, status: 'info' },
    { step: 'PostgreSQL, 2 claiming processes', figure: `${fmt(pg2)} msg/s = ${fmt(pg2 / baseline, 2)}× baseline, ${fmt(pg2 / pg1, 2)}× one process`, status: 'info' },
  ];
  return { section: 'store-contract', rows, data: { messages: n, rawSqlitePerSec: baseline, adapterSqlitePerSec: adapter, pgOnePerSec: pg1, pgTwoPerSec: pg2 } };
});
