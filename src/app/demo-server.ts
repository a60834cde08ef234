import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The newest example story is shown as this old, so the demo's alerts fall inside max age. */
const NEWEST_STORY_AGE_MS = 20 * 60_000;

const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/rss+xml; charset=utf-8',
  '.rdf': 'application/rdf+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
};

/**
 * Serves the example feeds from a loopback HTTP server, with their dates moved so the newest
 * story is 20 minutes old, and ETags so a second poll gets 304 like a well-behaved server.
 */
export async function startDemoServer(feedsDir: string, now: number): Promise<{ baseUrl: string; files: string[]; close(): Promise<void>; requests: () => number }> {
  const bodies = new Map<string, { body: Buffer; etag: string; type: string }>();
  for (const name of readdirSync(feedsDir).sort()) {
    const ext = name.slice(name.lastIndexOf('.'));
    const type = CONTENT_TYPES[ext];
    if (!type) continue;
    const body = Buffer.from(shiftDates(readFileSync(join(feedsDir, name), 'utf8'), now));
    bodies.set(`/${name}`, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
  }
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const file = bodies.get(req.url ?? '');
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { etag: file.etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, etag: file.etag, 'content-length': file.body.length }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { resolve(); }));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    files: [...bodies.keys()].map((k) => k.slice(1)),
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

const DATE_ELEMENT = /<(pubDate|dc:date|updated|published)>([^<]+)<\/\1>/g;

/** Moves every date in a feed by the same amount so the newest one is NEWEST_STORY_AGE_MS old. */
export function shiftDates(xml: string, now: number): string {
  const dates = [...xml.matchAll(DATE_ELEMENT)].map((m) => Date.parse(m[2] ?? '')).filter((t) => Number.isFinite(t));
  if (dates.length === 0) return xml;
  const shift = now - NEWEST_STORY_AGE_MS - Math.max(...dates);
  return xml.replace(DATE_ELEMENT, (whole, tag: string, value: string) => {
    const t = Date.parse(value);
    if (!Number.isFinite(t)) return whole;
    const shifted = new Date(t + shift);
    return `<${tag}>${tag === 'pubDate' ? shifted.toUTCString() : shifted.toISOString()}</${tag}>`;
  });
}
