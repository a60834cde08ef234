/**
 * A real HTTP server on 127.0.0.1 (port 0) serving the fixture feeds, with scripted routes for
 * the awkward cases a fetcher must survive. Every request is recorded with its headers.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/feeds');

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface FeedServer {
  readonly origin: string;
  readonly requests: RecordedRequest[];
  url(path: string): string;
  /** Adds or replaces a scripted route (exact path match, checked before the built-ins). */
  route(path: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

export function readFixture(name: string): Buffer {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`bad fixture name ${name}`);
  return readFileSync(join(FIXTURE_DIR, name));
}

/**
 * Built-in routes:
 * - `/feeds/NAME[?type=CONTENT-TYPE]` a fixture with ETag and Last-Modified; 304 on a match.
 * - `/plain/NAME` a fixture with no validators at all.
 * - `/gzip|deflate|br/NAME` a fixture compressed with that Content-Encoding.
 * - `/redirect/N/NAME` N hops of 302 before `/feeds/NAME`; `/loop/a` ⇄ `/loop/b`.
 * - `/status/CODE[?retry-after=V]` an empty response with that status.
 * - `/stall-headers` never answers; `/stall-body` sends headers and half a feed, then stalls.
 * - `/drip?ms=N` sends a byte every N ms forever (beats the idle timeout, not the total one).
 * - `/big?bytes=N[&length=1]` N bytes of XML-ish filler, chunked (or with Content-Length).
 * - `/gzip-bomb?bytes=N` gzip of N zero bytes (a few KiB on the wire).
 */
export async function startFeedServer(): Promise<FeedServer> {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, RouteHandler>();
  const stalled = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const LAST_MODIFIED = 'Mon, 10 Mar 2025 09:00:00 GMT';

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers });
    const scripted = routes.get(url.pathname);
    if (scripted) {
      scripted(req, res, url);
      return;
    }
    const [, kind = '', a = '', b = ''] = url.pathname.split('/');
    try {
      switch (kind) {
        case 'feeds': {
          const body = readFixture(a);
          const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
          if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === LAST_MODIFIED) {
            res.writeHead(304, { etag, 'last-modified': LAST_MODIFIED }).end();
            return;
          }
          res.writeHead(200, { 'content-type': url.searchParams.get('type') ?? 'application/rss+xml', etag, 'last-modified': LAST_MODIFIED }).end(body);
          return;
        }
        case 'plain':
          res.writeHead(200, { 'content-type': 'application/xml' }).end(readFixture(a));
          return;
        case 'gzip':
        case 'deflate':
        case 'br': {
          const body = readFixture(a);
          const encoded = kind === 'gzip' ? gzipSync(body) : kind === 'deflate' ? deflateSync(body) : brotliCompressSync(body);
          res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': kind }).end(encoded);
          return;
        }
        case 'redirect': {
          const hops = Number(a);
          res.writeHead(302, { location: hops <= 1 ? `/feeds/${b}` : `/redirect/${hops - 1}/${b}` }).end();
          return;
        }
        case 'loop':
          res.writeHead(301, { location: a === 'a' ? '/loop/b' : '/loop/a' }).end();
          return;
        case 'status': {
          const headers: Record<string, string> = {};
          const retryAfter = url.searchParams.get('retry-after');
          if (retryAfter !== null) headers['retry-after'] = retryAfter;
          res.writeHead(Number(a), headers).end();
          return;
        }
        case 'stall-headers':
          stalled.add(res);
          return;
        case 'stall-body': {
          const body = readFixture('rss2-full.xml');
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.write(body.subarray(0, body.length >> 1));
          stalled.add(res);
          return;
        }
        case 'drip': {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.write('<rss version="2.0"><channel>');
          const timer = setInterval(() => res.write(' '), Number(url.searchParams.get('ms') ?? '50'));
          timers.add(timer);
          res.on('close', () => { clearInterval(timer); });
          return;
        }
        case 'big': {
          const total = Number(url.searchParams.get('bytes') ?? '0');
          const headers: Record<string, string | number> = { 'content-type': 'application/rss+xml' };
          if (url.searchParams.get('length') === '1') headers['content-length'] = total;
          res.writeHead(200, headers);
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const pump = () => {
            while (sent < total) {
              const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
              sent += piece.length;
              if (!res.write(piece)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          res.on('error', () => undefined);
          pump();
          return;
        }
        case 'gzip-bomb': {
          const body = gzipSync(Buffer.alloc(Number(url.searchParams.get('bytes') ?? '0')));
          res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
          return;
        }
        default:
          res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not found</body></html>');
      }
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    requests,
    url: (path: string) => `${origin}${path}`,
    route: (path, handler) => { routes.set(path, handler); },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}

/**
 * Serves at `path` an RSS feed of three fresh on-topic (Ukraine) stories, published a minute
 * apart, with guids `<prefix>-0..2`: what a one-feed `once` polls and alerts on.
 */
export function routeThreeKyivStories(server: FeedServer, path: string, prefix: string): void {
  const items = [0, 1, 2].map((n) =>
    `<item><title>Kyiv story ${n}: Ukraine reports shelling near Kharkiv, ${n} hurt</title><link>https://ukr.example/${prefix}/${n}</link>` +
    `<guid>${prefix}-${n}</guid><pubDate>${new Date(Date.now() - n * 60_000).toUTCString()}</pubDate>` +
    `<description>Ukrainian officials in Kyiv said Russian forces shelled the region overnight (report ${n}).</description></item>`).join('');
  server.route(path, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Kyiv</title><link>https://ukr.example/</link><description>d</description>${items}</channel></rss>`);
  });
}

/**
 * Serves at `path` a home-news section (host `host`): one story naming no country ("Pension
 * reform bill passes National Assembly", home news only a feed's `home` can place) and one
 * abroad ("Floods kill 12 in Ivory Coast"). Returns its URL.
 */
export function routeHomeNewsFeed(server: FeedServer, path: string, host = 'nation.example.org'): string {
  server.route(path, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Nation desk</title><link>https://${host}/</link>
<item><title>Pension reform bill passes National Assembly</title><link>https://${host}/a/1</link><description>Lawmakers voted 180-100 to raise contributions from 9 to 13 percent.</description></item>
<item><title>Floods kill 12 in Ivory Coast</title><link>https://${host}/a/2</link><description>Rescuers searched for the missing.</description></item>
</channel></rss>`);
  });
  return server.url(path);
}
