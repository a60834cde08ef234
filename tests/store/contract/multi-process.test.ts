/**
 * Two real deliverer processes (tsx children) claim from one database at once: their claims are
 * disjoint and every message is marked sent exactly once, also when one is SIGKILLed mid-claim
 * (its messages are taken over when their lease runs out). Run on PostgreSQL and on SQLite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeAlert } from '../../../src/core/compose/alert.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { classified, makeStory } from '../../helpers/stories.js';
import { postgresDb, sqliteDb, type EngineDb } from './engines.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const WORKER = fileURLToPath(new URL('./claim-worker.ts', import.meta.url));
const MESSAGES = 120;

let server: TestPostgres;
beforeAll(async () => { server = await startPostgres(); });
afterAll(async () => { await server.stop(); });

interface Worker {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly done: Promise<number | null>;
  /** Resolves at the first `claimed` line. */
  readonly firstClaim: Promise<void>;
  /** Resolves when the process is connected and waits for {@link go}. */
  readonly ready: Promise<void>;
}

/** Writes one line to each worker: the start signal, or the continue after a paused first claim. */
function go(...workers: Worker[]): void {
  for (const w of workers) w.child.stdin!.write('go\n');
}

function startWorker(location: string, owner: string, leaseMs: number, workMs: number, pause = false): Worker {
  const args = [WORKER, location, owner, String(leaseMs), String(workMs), ...(pause ? ['pause'] : [])];
  const child = spawn(process.execPath, ['--import', TSX, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let onClaim: () => void = () => undefined;
  const firstClaim = new Promise<void>((resolve) => { onClaim = resolve; });
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (line.startsWith('claimed ')) onClaim();
      if (line === 'ready') onReady();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`worker ${owner} exited ${code}: ${stderr}\n`);
    resolve(code);
  }));
  return { child, lines, done, firstClaim, ready };
}

const ids = (w: Worker, verb: 'claimed' | 'sent') => w.lines.filter((l) => l.startsWith(`${verb} `)).map((l) => Number(l.slice(verb.length + 1)));

const engines: [string, () => Promise<EngineDb>][] = [
  ['postgres', () => postgresDb(server)],
  ['sqlite', sqliteDb],
];

describe.each(engines)('two deliverer processes on one %s database', (_engine, makeDb) => {
  let db: EngineDb;
  const workers: Worker[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await db.dispose();
  });

  /** Queues MESSAGES alerts over four subscriptions; their ids. */
  const fill = async (): Promise<number[]> => {
    db = await makeDb();
    const store = await db.open();
    const subs = [await db.seedSubscription(), await db.seedSubscription(), await db.seedSubscription(), await db.seedSubscription()];
    for (let i = 0; i < MESSAGES; i++) {
      const story = makeStory();
      const stored = await store.insertStory(story);
      const payload = composeAlert({ story, verdicts: classified({ ukraine: 5 }).verdicts, topics: new Map(), source: undefined, mentionRoleId: null });
      expect(await store.enqueueAlert({ subscriptionId: subs[i % subs.length]!, storyRowid: stored.rowid, payload })).toBe(true);
    }
    const claimedAll = await store.claimMessages({ owner: 'probe', leaseMs: 0 }, MESSAGES); // lease 0: released at once
    expect(claimedAll).toHaveLength(MESSAGES);
    return claimedAll.map((m) => m.id);
  };

  it('claim disjoint messages and mark every one sent exactly once', async () => {
    const all = await fill();
    // Each pauses after its first claim until both hold one: the two claims are live at the same
    // time, however the machine schedules the processes.
    const a = startWorker(db.location, 'host-a:1:aaaaaa', 60_000, 2, true);
    const b = startWorker(db.location, 'host-b:2:bbbbbb', 60_000, 2, true);
    workers.push(a, b);
    await Promise.all([a.ready, b.ready]);
    go(a, b);
    await Promise.all([a.firstClaim, b.firstClaim]);
    go(a, b);
    expect(await a.done).toBe(0);
    expect(await b.done).toBe(0);
    const claimedA = ids(a, 'claimed');
    const claimedB = ids(b, 'claimed');
    expect(claimedA.length > 0 && claimedB.length > 0).toBe(true);
    expect(claimedA.filter((id) => claimedB.includes(id))).toEqual([]);
    const sent = [...ids(a, 'sent'), ...ids(b, 'sent')].sort((x, y) => x - y);
    expect(sent).toEqual([...all].sort((x, y) => x - y));
    const store = await db.open();
    for (const id of all) expect((await store.message(id))?.status).toBe('sent');
  });

  it('still send every message exactly once when one process is killed mid-claim', async () => {
    const all = await fill();
    // A short lease: the killed process's messages are taken over once it runs out.
    const a = startWorker(db.location, 'host-a:1:aaaaaa', 1_000, 50);
    const b = startWorker(db.location, 'host-b:2:bbbbbb', 1_000, 5);
    workers.push(a, b);
    await Promise.all([a.ready, b.ready]);
    go(a);
    await a.firstClaim;
    go(b);
    a.child.kill('SIGKILL');
    await a.done;
    expect(await b.done).toBe(0);
    const sentByA = ids(a, 'sent');
    const sentByB = ids(b, 'sent');
    expect(sentByA.filter((id) => sentByB.includes(id))).toEqual([]);
    expect([...sentByA, ...sentByB].sort((x, y) => x - y)).toEqual([...all].sort((x, y) => x - y));
    // What A claimed but never recorded was taken over by B, and B knows when A's send had begun.
    const orphaned = ids(a, 'claimed').filter((id) => !sentByA.includes(id));
    expect(orphaned.length).toBeGreaterThan(0);
    const store = await db.open();
    for (const id of all) {
      const state = await store.message(id);
      expect(state?.status).toBe('sent');
      expect(state?.messageId).toBe(`${sentByA.includes(id) ? 'host-a:1:aaaaaa' : 'host-b:2:bbbbbb'}/${id}`);
    }
  });
});
