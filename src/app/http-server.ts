import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { redactText } from '../core/redact.js';
import { dutiesOf, type Role } from '../core/roles.js';
import type { Env } from '../config/env.js';

/**
 * What readiness looks at. Functions, not values, so each probe sees the present state; `now`
 * is injected so tests control the clock.
 */
export interface HealthSources {
  /** The database is open and answers a trivial query. */
  databaseOk(): boolean;
  /** Unix time (ms) the last poll cycle finished, or null if none has finished since start. */
  lastCycleFinishedAt(): number | null;
  /** A finished cycle older than this makes the process unready: polling has stalled. */
  readonly maxCycleAgeMs: number;
  /** Gateway connected; null when no Discord token is configured (the check then passes). */
  discordConnected(): boolean | null;
  /** Why the gateway is not connected (the last login failure), when known. */
  discordProblem?(): string | null;
  /** The clock, Unix ms. */
  now(): number;
  /** When the process started (Unix ms); defaults to `now()` when the server starts. */
  readonly startedAt?: number;
  /** This process's role (`run --role`), reported by `/healthz` and `/readyz`. */
  readonly role?: string;
  /** Whether this process polls (default true); a deliverer or gateway is not judged by poll cycles. */
  readonly polls?: boolean;
}

export interface HttpServerOptions {
  /** Bind address (HTTP_HOST): `127.0.0.1` keeps the probes local (the default); `0.0.0.0` in a container. */
  readonly host: string;
  /** TCP port; 0 picks a free one (tests). */
  readonly port: number;
  readonly metrics: Metrics;
  readonly health: HealthSources;
  readonly log: Logger;
}

export interface HttpServer {
  /** The port actually bound (differs from the option when it was 0). */
  readonly port: number;
  /** Stops accepting, drops idle keep-alive connections and resolves when the socket is closed. */
  close(): Promise<void>;
}

/** One readiness check's result, as served in the `/readyz` body. */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** The `/readyz` body. */
export interface Readiness {
  readonly ready: boolean;
  /** This process's role, when it has one (`run`). */
  readonly role?: string;
  /** Names of the failing checks, empty when ready. */
  readonly failing: readonly string[];
  readonly checks: {
    readonly database: CheckResult;
    readonly poll_cycle: CheckResult & { readonly last_finished_at: string | null; readonly age_ms: number | null; readonly max_age_ms: number };
    readonly discord: CheckResult;
  };
}

/** Probes answer fast or not at all; a client that dawdles must not hold a socket. */
const REQUEST_TIMEOUT_MS = 5_000;
const HEADERS_TIMEOUT_MS = 5_000;

/**
 * Evaluates readiness.
 *
 * Before the first poll cycle has finished, the cycle check passes while the process is younger
 * than `maxCycleAgeMs` (the first cycle may be waiting for its cron slot or still fetching) and
 * fails after that: a process that has never completed a cycle within the window polling is
 * allowed to stall is not doing its job, whatever the reason.
 */
export function evaluateReadiness(health: HealthSources, startedAt: number): Readiness {
  const now = health.now();
  const database = checkDatabase(health);

  const last = health.lastCycleFinishedAt();
  const maxAge = health.maxCycleAgeMs;
  let cycle: CheckResult;
  if (health.polls === false) {
    cycle = { ok: true, detail: `this process does not poll (role ${health.role ?? 'unknown'})` };
  } else if (last === null) {
    const uptime = now - startedAt;
    cycle = uptime < maxAge
      ? { ok: true, detail: `no cycle finished yet; started ${formatSeconds(uptime)} ago, allowed ${formatSeconds(maxAge)}` }
      : { ok: false, detail: `no cycle has finished since start ${formatSeconds(uptime)} ago (allowed ${formatSeconds(maxAge)}); see the log for fetch or database errors` };
  } else {
    const age = now - last;
    cycle = age <= maxAge
      ? { ok: true, detail: `last cycle finished ${formatSeconds(age)} ago` }
      : { ok: false, detail: `last cycle finished ${formatSeconds(age)} ago, more than the allowed ${formatSeconds(maxAge)}: polling has stalled` };
  }

  const connected = health.discordConnected();
  const discord: CheckResult = connected === null
    ? { ok: true, detail: health.role === 'poller' || health.role === 'deliverer' ? `this process holds no gateway connection (role ${health.role})` : 'no token configured' }
    : connected
      ? { ok: true, detail: 'gateway connected' }
      : { ok: false, detail: `gateway not connected${problemOf(health)}` };

  const checks = {
    database,
    poll_cycle: { ...cycle, last_finished_at: last === null ? null : new Date(last).toISOString(), age_ms: last === null ? null : now - last, max_age_ms: maxAge },
    discord,
  };
  const failing = Object.entries(checks).filter(([, c]) => !c.ok).map(([name]) => name);
  return { ready: failing.length === 0, ...(health.role !== undefined ? { role: health.role } : {}), failing, checks };
}

function problemOf(health: HealthSources): string {
  const problem = health.discordProblem?.() ?? null;
  return problem ? `: ${problem}` : '';
}

function checkDatabase(health: HealthSources): CheckResult {
  try {
    return health.databaseOk() ? { ok: true, detail: 'open' } : { ok: false, detail: 'not open' };
  } catch (error) {
    return { ok: false, detail: `query failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Starts the health and metrics server:
 * - `GET /healthz` — liveness: 200 while the event loop answers.
 * - `GET /readyz` — readiness: 200 with each check, or 503 naming the failing ones.
 * - `GET /metrics` — Prometheus text format from the metrics' own registry.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { metrics, health, log } = options;
  const startedAt = health.startedAt ?? health.now();
  let lastReady: boolean | null = null;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, path: req.url }, 'http handler failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
        sendJson(res, 200, { status: 'ok', ...(health.role !== undefined ? { role: health.role } : {}) });
        return;
      case '/readyz': {
        const readiness = evaluateReadiness(health, startedAt);
        if (readiness.ready !== lastReady) {
          // Log transitions only: probes arrive every few seconds.
          if (readiness.ready) log.info({ checks: readiness.checks }, 'ready');
          else log.warn({ failing: readiness.failing, checks: readiness.checks }, 'not ready');
          lastReady = readiness.ready;
        }
        sendJson(res, readiness.ready ? 200 : 503, readiness);
        return;
      }
      case '/metrics': {
        const body = await metrics.registry.metrics();
        send(res, 200, metrics.registry.contentType, body);
        return;
      }
      default:
        send(res, 404, 'text/plain; charset=utf-8', 'not found: try /healthz, /readyz or /metrics\n');
    }
  }

  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => { reject(listenError(error, options.host, options.port)); };
    server.once('error', fail);
    server.listen(options.port, options.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', (error) => { log.error({ err: error }, 'http server error'); });
  const address = server.address();
  // A TCP listen always yields an AddressInfo; a string would mean a pipe, which we never ask for.
  if (address === null || typeof address === 'string') throw new Error(`http server bound to an unexpected address: ${String(address)}`);
  log.info({ host: options.host, port: address.port }, 'health and metrics server listening');

  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        // close() waits for keep-alive sockets (a Prometheus scraper holds one); drop them.
        server.closeIdleConnections();
      }),
  };
}

/** Why the server cannot listen, with the setting to change; other errors pass through. */
export class HttpListenError extends Error {
  override readonly name = 'HttpListenError';
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  const off = 'or start `watchfloor run --no-http` to do without /healthz, /readyz and /metrics';
  switch (error.code) {
    case 'EADDRINUSE':
      return new HttpListenError(`cannot serve health and metrics on ${where}: port ${port} is already in use (HTTP_PORT=${port}). Another Watchfloor instance may be running: stop it; or set HTTP_PORT to a free port, ${off}.`, { cause: error });
    case 'EACCES':
      return new HttpListenError(`cannot serve health and metrics on ${where}: permission denied (ports below 1024 need privileges). Set HTTP_PORT to 1024 or above, ${off}.`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HttpListenError(`cannot serve health and metrics on ${where}: ${host} is not an address of this machine (HTTP_HOST=${host}). Set HTTP_HOST to 127.0.0.1 (this machine only) or 0.0.0.0 (every interface, as in a container), ${off}.`, { cause: error });
    default:
      return error;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
}

/** Every body goes through the one redaction: a readiness detail may quote an error with a URL in it. */
function send(res: ServerResponse, status: number, contentType: string, raw: string): void {
  const body = redactText(raw);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Readiness fails when no poll cycle finished within this many schedule periods (plus a fetch timeout). */
const STALL_PERIODS = 3;

/**
 * The health and metrics server of a `run` process, on either engine: HTTP_HOST and HTTP_PORT,
 * its role, and readiness judged by poll cycles only for a role that polls (a cycle may be late
 * by STALL_PERIODS schedule periods and a fetch timeout).
 */
export function startRunHttpServer(options: {
  readonly env: Pick<Env, 'HTTP_HOST' | 'HTTP_PORT' | 'FETCH_TIMEOUT_MS'>;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly role: Role;
  /** The gap between two poll cycles (POLL_SCHEDULE). */
  readonly schedulePeriodMs: number;
  readonly startedAt: number;
  readonly health: Pick<HealthSources, 'databaseOk' | 'lastCycleFinishedAt' | 'discordConnected' | 'discordProblem'>;
}): Promise<HttpServer> {
  const { env, role } = options;
  return startHttpServer({
    host: env.HTTP_HOST,
    port: env.HTTP_PORT,
    metrics: options.metrics,
    log: options.log,
    health: {
      ...options.health,
      maxCycleAgeMs: STALL_PERIODS * options.schedulePeriodMs + env.FETCH_TIMEOUT_MS,
      role,
      polls: dutiesOf(role).polls,
      now: Date.now,
      startedAt: options.startedAt,
    },
  });
}
