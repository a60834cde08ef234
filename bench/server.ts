/**
 * The benchmark's feed server: every generated feed on loopback, spread over several loopback
 * addresses (127.0.0.x) so that per-host limits behave as they do against many outlets. ~30% of
 * feeds send validators and answer 304; the rest send none (the poller must recognise an
 * unchanged body by its hash). Some gzip, a few are slow or fail.
 */
import { fork } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { createRng, generateFeedSpecs, INITIAL_HEAD, renderFeed, type FeedSpec } from './generate.js';

/** How long a slow feed waits before answering (slow next to ~1 ms on loopback, yet short enough not to hide the throughput figures behind one wait). */
export const SLOW_FEED_DELAY_MS = 400;
/** Feeds per loopback address: a real list of 1,000 feeds spans a few hundred outlets. */
const FEEDS_PER_HOST = 10;
const MAX_HOSTS = 100;

interface Served {
  head: number;
  body: Buffer;
  gzipped: Buffer | null;
  etag: string;
  lastModified: string;
}

export interface ServerStats {
  requests: number;
  notModified: number;
  ok: number;
  failed: number;
  bytesSent: number;
}

export interface FeedServer {
  readonly specs: readonly FeedSpec[];
  readonly port: number;
  urlOf(spec: FeedSpec): string;
  /** Publishes 1–3 new items in about `fraction` of the feeds; returns how many changed. */
  advance(fraction: number, seed: number): number;
  stats(): ServerStats;
  resetStats(): void;
  close(): Promise<void>;
}

function hostOf(index: number, hosts: number): string {
  return `127.0.0.${1 + (index % hosts)}`;
}

/** Starts the feed server for `count` feeds. */
export async function startFeedServer(count: number, anchorMs: number): Promise<FeedServer> {
  const specs = generateFeedSpecs(count);
  const hostCount = Math.max(1, Math.min(MAX_HOSTS, Math.ceil(count / FEEDS_PER_HOST)));
  const served = new Map<string, Served>();
  let clock = anchorMs;

  const render = (spec: FeedSpec, head: number): Served => {
    const body = Buffer.from(renderFeed(spec, head, anchorMs), 'utf8');
    return {
      head,
      body,
      gzipped: spec.gzip ? gzipSync(body, { level: 6 }) : null,
      etag: `"${spec.id}-${head}"`,
      lastModified: new Date(clock).toUTCString(),
    };
  };
  for (const spec of specs) served.set(spec.id, render(spec, INITIAL_HEAD));
  const byId = new Map(specs.map((s) => [s.id, s]));

  const stats: ServerStats = { requests: 0, notModified: 0, ok: 0, failed: 0, bytesSent: 0 };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    stats.requests++;
    const match = /^\/feeds\/([\w-]+)\.xml$/.exec(req.url ?? '');
    const spec = match?.[1] !== undefined ? byId.get(match[1]) : undefined;
    const doc = spec ? served.get(spec.id) : undefined;
    if (!spec || !doc) {
      stats.failed++;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such feed');
      return;
    }
    switch (spec.behaviour) {
      case 'http-500':
        stats.failed++;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      case 'html-page':
        stats.ok++;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><head><title>Maintenance</title></head><body><h1>We will be back soon</h1></body></html>');
        return;
      case 'truncated': {
        stats.ok++;
        const cut = doc.body.subarray(0, Math.floor(doc.body.length / 2));
        stats.bytesSent += cut.length;
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': cut.length }).end(cut);
        return;
      }
      default:
        break;
    }
    const send = (): void => {
      const headers: Record<string, string | number> = { 'content-type': spec.format === 'atom' ? 'application/atom+xml; charset=utf-8' : 'application/rss+xml; charset=utf-8' };
      if (spec.conditional) {
        headers.etag = doc.etag;
        headers['last-modified'] = doc.lastModified;
        const inm = req.headers['if-none-match'];
        const ims = req.headers['if-modified-since'];
        const fresh = inm !== undefined ? inm === doc.etag : ims !== undefined && Date.parse(ims) >= Date.parse(doc.lastModified);
        if (fresh) {
          stats.notModified++;
          res.writeHead(304, headers).end();
          return;
        }
      }
      const gzip = doc.gzipped !== null && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      const body = gzip && doc.gzipped ? doc.gzipped : doc.body;
      if (gzip) headers['content-encoding'] = 'gzip';
      headers['content-length'] = body.length;
      stats.ok++;
      stats.bytesSent += body.length;
      res.writeHead(200, headers).end(body);
    };
    if (spec.behaviour === 'slow') setTimeout(send, SLOW_FEED_DELAY_MS);
    else send();
  };

  const servers: Server[] = [];
  let port = 0;
  for (let h = 0; h < hostCount; h++) {
    const server = createServer(handle);
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostOf(h, hostCount), () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('feed server has no TCP address');
    port = address.port;
    servers.push(server);
  }

  return {
    specs,
    port,
    urlOf: (spec) => `http://${hostOf(spec.index, hostCount)}:${port}/feeds/${spec.id}.xml`,
    advance(fraction, seed) {
      const rng = createRng(seed);
      // Time moves on between cycles: changed feeds get a later Last-Modified.
      clock += 10 * 60_000;
      let changed = 0;
      for (const spec of specs) {
        if (rng() >= fraction) continue;
        const current = served.get(spec.id);
        if (!current) continue;
        served.set(spec.id, render(spec, current.head + 1 + Math.floor(rng() * 3)));
        changed++;
      }
      return changed;
    },
    stats: () => ({ ...stats }),
    resetStats() {
      stats.requests = 0;
      stats.notModified = 0;
      stats.ok = 0;
      stats.failed = 0;
      stats.bytesSent = 0;
    },
    async close() {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => {
          resolve();
        });
      })));
    },
  };
}

const fromChildSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), urls: z.array(z.string()) }),
  z.object({ type: z.literal('reply'), id: z.number(), value: z.unknown() }),
]);
const statsSchema = z.object({ requests: z.number(), notModified: z.number(), ok: z.number(), failed: z.number(), bytesSent: z.number() });

/** The feed server in its own process (so its CPU is not the pipeline's), driven over IPC. */
export interface FeedServerProcess {
  /** Feed URLs, in spec order. */
  readonly urls: readonly string[];
  readonly specs: readonly FeedSpec[];
  advance(fraction: number, seed: number): Promise<number>;
  stats(): Promise<ServerStats>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `bench/server-process.ts` for `count` feeds and waits until it listens. */
export async function spawnFeedServer(count: number, anchorMs: number): Promise<FeedServerProcess> {
  // Bundled sections (.mjs, see buildSections) start the bundled server; under tsx, the source.
  const entry = import.meta.url.endsWith('.mjs') ? './server-process.mjs' : './server-process.ts';
  const child = fork(fileURLToPath(new URL(entry, import.meta.url)), [String(count), String(anchorMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  const urls = await new Promise<string[]>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`feed server exited with code ${code} before listening`));
    });
    child.on('message', (message) => {
      const parsed = fromChildSchema.safeParse(message);
      if (!parsed.success) return;
      if (parsed.data.type === 'ready') resolve(parsed.data.urls);
      else waiting.get(parsed.data.id)?.(parsed.data.value);
    });
  });
  const call = (cmd: string, args: Record<string, number> = {}): Promise<unknown> =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, (value) => {
        waiting.delete(id);
        resolve(value);
      });
      child.send({ id, cmd, ...args });
    });
  return {
    urls,
    specs: generateFeedSpecs(count),
    advance: async (fraction, seed) => z.number().parse(await call('advance', { fraction, seed })),
    stats: async () => statsSchema.parse(await call('stats')),
    resetStats: async () => {
      await call('reset-stats');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
