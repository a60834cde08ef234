import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { evaluateReadiness, HttpListenError, startHttpServer, type HealthSources, type HttpServer } from '../../src/app/http-server.js';
import { createMetrics } from '../../src/app/metrics.js';

const MINUTE_MS = 60_000;
const T0 = Date.parse('2025-03-01T12:00:00Z');

/** Mutable health state the tests steer; functions read it at probe time like the real app's. */
interface State {
  db: boolean | 'throw';
  /** The message the database check throws with (default SQLITE_CANTOPEN). */
  dbError?: string;
  last: number | null;
  discord: boolean | null;
  now: number;
}

function healthFrom(state: State, startedAt = T0): HealthSources {
  return {
    databaseOk: () => {
      if (state.db === 'throw') throw new Error(state.dbError ?? 'SQLITE_CANTOPEN');
      return state.db;
    },
    lastCycleFinishedAt: () => state.last,
    maxCycleAgeMs: 15 * MINUTE_MS,
    discordConnected: () => state.discord,
    now: () => state.now,
    startedAt,
  };
}

function captureLog(): { log: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    log: pino({ level: 'debug' }, stream),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(state: State, startedAt?: number) {
  const metrics = createMetrics({ processMetrics: false });
  const { log, lines } = captureLog();
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, metrics, health: healthFrom(state, startedAt), log });
  servers.push(server);
  const base = `http://127.0.0.1:${server.port}`;
  return { server, metrics, lines, base };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('startHttpServer', () => {
  it('GIVEN port 0 WHEN started THEN it reports the real port and /healthz answers 200', async () => {
    const { server, base } = await start({ db: true, last: null, discord: null, now: T0 });
    expect(server.port).toBeGreaterThan(0);
    const res = await getJson(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GIVEN a recent cycle, an open database and no token WHEN /readyz THEN 200 with every check passing', async () => {
    const { base } = await start({ db: true, last: T0 + 2 * MINUTE_MS, discord: null, now: T0 + 5 * MINUTE_MS });
    const res = await getJson(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(res.body.ready).toBe(true);
    expect(res.body.failing).toEqual([]);
    expect(res.body.checks).toMatchObject({
      database: { ok: true },
      poll_cycle: { ok: true, age_ms: 3 * MINUTE_MS, last_finished_at: '2025-03-01T12:02:00.000Z' },
      discord: { ok: true, detail: 'no token configured' },
    });
  });

  it('GIVEN the last cycle is older than the allowed age WHEN /readyz THEN 503 naming poll_cycle', async () => {
    const state: State = { db: true, last: T0, discord: true, now: T0 + 10 * MINUTE_MS };
    const { base } = await start(state);
    expect((await getJson(`${base}/readyz`)).status).toBe(200);
    state.now = T0 + 16 * MINUTE_MS;
    const res = await getJson(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['poll_cycle']);
    expect(JSON.stringify(res.body.checks)).toContain('polling has stalled');
  });

  it('GIVEN no cycle has finished yet WHEN the process is younger than the allowed age THEN ready, and WHEN older THEN 503', async () => {
    const state: State = { db: true, last: null, discord: null, now: T0 + MINUTE_MS };
    const { base } = await start(state, T0);
    const young = await getJson(`${base}/readyz`);
    expect(young.status).toBe(200);
    expect(young.body.checks).toMatchObject({ poll_cycle: { ok: true, last_finished_at: null, age_ms: null } });
    state.now = T0 + 20 * MINUTE_MS;
    const old = await getJson(`${base}/readyz`);
    expect(old.status).toBe(503);
    expect(old.body.failing).toEqual(['poll_cycle']);
  });

  it('GIVEN a token is configured but the gateway is down WHEN /readyz THEN 503 naming discord', async () => {
    const { base } = await start({ db: true, last: T0, discord: false, now: T0 });
    const res = await getJson(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['discord']);
  });

  it('GIVEN the database check throws WHEN /readyz THEN 503 naming database with the error, not a crash', async () => {
    const { base } = await start({ db: 'throw', last: T0, discord: null, now: T0 });
    const res = await getJson(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['database']);
    expect(res.body.checks).toMatchObject({ database: { ok: false, detail: 'query failed: SQLITE_CANTOPEN' } });
  });

  it('GIVEN the database error quotes a connection URL with its password WHEN /readyz THEN the body shows it masked', async () => {
    const { base } = await start({ db: 'throw', dbError: 'connect ECONNREFUSED postgres://watch:hunter2-db-pass@db:5432/watchfloor', last: T0, discord: null, now: T0 });
    const res = await fetch(`${base}/readyz`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(text).not.toContain('hunter2-db-pass');
    expect(text).toContain('postgres://[redacted]@db:5432/watchfloor');
  });

  it('GIVEN readiness flips WHEN probed repeatedly THEN only the transitions are logged', async () => {
    const state: State = { db: true, last: T0, discord: null, now: T0 };
    const { base, lines } = await start(state);
    await fetch(`${base}/readyz`);
    await fetch(`${base}/readyz`);
    state.db = false;
    await fetch(`${base}/readyz`);
    await fetch(`${base}/readyz`);
    const messages = lines().map((l) => l.msg).filter((m) => m === 'ready' || m === 'not ready');
    expect(messages).toEqual(['ready', 'not ready']);
  });

  it('GIVEN metrics were recorded WHEN /metrics THEN Prometheus text with the values', async () => {
    const { base, metrics } = await start({ db: true, last: T0, discord: null, now: T0 });
    metrics.alertsSent.inc(2);
    metrics.setOutboxDepthSource(() => 3);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^watchfloor_alerts_sent_total 2$/m);
    expect(text).toMatch(/^watchfloor_outbox_depth 3$/m);
  });

  it('GIVEN an unknown path or a POST WHEN requested THEN 404 and 405', async () => {
    const { base } = await start({ db: true, last: T0, discord: null, now: T0 });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const post = await fetch(`${base}/readyz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('GIVEN HEAD /readyz WHEN not ready THEN the status is 503 and no body is sent', async () => {
    const { base } = await start({ db: false, last: T0, discord: null, now: T0 });
    const res = await fetch(`${base}/readyz`, { method: 'HEAD' });
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('');
  });

  it('GIVEN a keep-alive client WHEN closed THEN close resolves and the port stops answering', async () => {
    const { server, base } = await start({ db: true, last: T0, discord: null, now: T0 });
    await fetch(`${base}/healthz`); // leaves a pooled keep-alive socket open
    servers.splice(servers.indexOf(server), 1);
    await server.close();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('GIVEN the port is taken WHEN started THEN it rejects naming the port, HTTP_PORT and the fixes, the listen error as its cause', async () => {
    const { server } = await start({ db: true, last: T0, discord: null, now: T0 });
    const again = startHttpServer({
      host: '127.0.0.1', port: server.port, metrics: createMetrics({ processMetrics: false }),
      health: healthFrom({ db: true, last: T0, discord: null, now: T0 }), log: pino({ level: 'silent' }),
    });
    const error: unknown = await again.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpListenError);
    expect((error as Error).message).toBe(`cannot serve health and metrics on 127.0.0.1:${server.port}: port ${server.port} is already in use (HTTP_PORT=${server.port}). Another Watchfloor instance may be running: stop it; or set HTTP_PORT to a free port, or start \`watchfloor run --no-http\` to do without /healthz, /readyz and /metrics.`);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });

  it('GIVEN a deliverer that never polled, long after start THEN ready, its role named, poll_cycle and discord passing because the role does neither; a poller is still judged by its cycles', () => {
    const deliverer = { ...healthFrom({ db: true, last: null, discord: null, now: T0 + 60 * MINUTE_MS }), role: 'deliverer', polls: false };
    expect(evaluateReadiness(deliverer, T0)).toMatchObject({
      ready: true,
      role: 'deliverer',
      checks: { poll_cycle: { ok: true, detail: 'this process does not poll (role deliverer)' }, discord: { ok: true, detail: 'this process holds no gateway connection (role deliverer)' } },
    });
    const poller = { ...healthFrom({ db: true, last: null, discord: null, now: T0 + 60 * MINUTE_MS }), role: 'poller', polls: true };
    expect(evaluateReadiness(poller, T0)).toMatchObject({ ready: false, role: 'poller', failing: ['poll_cycle'] });
  });
});
