/**
 * Raw limits: what the machine can do without Watchfloor around it. A bare fetch loop (bytes
 * only), the plainest streaming XML parsers, and bare rss-parser, over the same documents the
 * pipeline reads. The pipeline's figures are printed as ratios to these.
 */
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Parser as HtmlParser } from 'htmlparser2';
import RssParser from 'rss-parser';
import { SaxesParser } from 'saxes';

/** One fetched document, as the raw loops keep it. */
export interface RawResponse {
  readonly url: string;
  readonly status: number;
  /** Decompressed body; null on 304 or failure. */
  readonly body: Buffer | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/** Conditional request headers remembered from a previous response. */
export interface RawValidators {
  readonly etag: string | null;
  readonly lastModified: string | null;
}

/** Wall time and CPU time (user + system) of the measured process, in ms. */
export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Runs `fn` and measures its wall and CPU time. */
export async function measure<T>(fn: () => Promise<T> | T): Promise<{ value: T } & Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Runs `task` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

function conditionalHeaders(validators: RawValidators | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'accept-encoding': 'gzip' };
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

/** Node's fetch (undici), the client the pipeline uses: body read as bytes, nothing else. */
export async function fetchWithNodeFetch(urls: readonly string[], concurrency: number, validators?: ReadonlyMap<string, RawValidators>): Promise<RawResponse[]> {
  return mapConcurrent(urls, concurrency, async (url) => {
    try {
      const res = await fetch(url, { headers: conditionalHeaders(validators?.get(url)) });
      const body = res.status === 304 ? null : Buffer.from(await res.arrayBuffer());
      return { url, status: res.status, body, etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') };
    } catch {
      return { url, status: 0, body: null, etag: null, lastModified: null };
    }
  });
}

/** The floor: bare `node:http` with a keep-alive agent, gunzip when needed, nothing else. */
export async function fetchWithBareHttp(urls: readonly string[], concurrency: number, validators?: ReadonlyMap<string, RawValidators>): Promise<RawResponse[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    return await mapConcurrent(urls, concurrency, (url) =>
      new Promise<RawResponse>((resolve) => {
        const req = request(url, { agent, headers: conditionalHeaders(validators?.get(url)) }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            let body: Buffer | null = status === 304 ? null : raw;
            if (body && res.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
            const etag = res.headers.etag ?? null;
            const lastModified = res.headers['last-modified'] ?? null;
            resolve({ url, status, body, etag, lastModified });
          });
          res.on('error', () => {
            resolve({ url, status: 0, body: null, etag: null, lastModified: null });
          });
        });
        req.on('error', () => {
          resolve({ url, status: 0, body: null, etag: null, lastModified: null });
        });
        req.end();
      }),
    );
  } finally {
    agent.destroy();
  }
}

/** Minimal fields a parser must pull from each item for the comparison to be fair. */
export interface MinimalItem {
  title: string;
  link: string;
  id: string;
  date: string;
  text: string;
}

const ITEM_TAGS = new Set(['item', 'entry']);
const FIELD_OF: Readonly<Record<string, keyof MinimalItem>> = {
  title: 'title', link: 'link', guid: 'id', id: 'id', pubdate: 'date', published: 'date', updated: 'date',
  description: 'text', summary: 'text', 'content:encoded': 'text', content: 'text',
};

/**
 * htmlparser2 in XML mode, pulling title/link/id/date/text from each item: the plainest
 * streaming parse that still yields items. Throws nothing; malformed input yields fewer items.
 */
export function parseWithHtmlparser2(xml: string): MinimalItem[] {
  const items: MinimalItem[] = [];
  let current: MinimalItem | null = null;
  let field: keyof MinimalItem | null = null;
  const parser = new HtmlParser({
    onopentag(name, attrs) {
      const tag = name.toLowerCase();
      if (ITEM_TAGS.has(tag)) current = { title: '', link: '', id: '', date: '', text: '' };
      else if (current) {
        field = FIELD_OF[tag] ?? null;
        if (tag === 'link' && attrs.href) current.link = attrs.href;
      }
    },
    ontext(text) {
      if (current && field) current[field] += text;
    },
    oncdatastart() { /* text arrives through ontext */ },
    onclosetag(name) {
      const tag = name.toLowerCase();
      if (ITEM_TAGS.has(tag) && current) {
        items.push(current);
        current = null;
      }
      field = null;
    },
  }, { xmlMode: true, decodeEntities: true, recognizeCDATA: true });
  parser.end(xml);
  return items;
}

/** saxes (a strict, spec-following streaming XML parser), same extraction. Throws on bad XML. */
export function parseWithSaxes(xml: string): MinimalItem[] {
  const items: MinimalItem[] = [];
  let current: MinimalItem | null = null;
  let field: keyof MinimalItem | null = null;
  const parser = new SaxesParser();
  parser.on('opentag', (node) => {
    const tag = node.name.toLowerCase();
    if (ITEM_TAGS.has(tag)) current = { title: '', link: '', id: '', date: '', text: '' };
    else if (current) {
      field = FIELD_OF[tag] ?? null;
      const href = node.attributes.href;
      if (tag === 'link' && typeof href === 'string') current.link = href;
    }
  });
  const onText = (text: string): void => {
    if (current && field) current[field] += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (node) => {
    if (ITEM_TAGS.has(node.name.toLowerCase()) && current) {
      items.push(current);
      current = null;
    }
    field = null;
  });
  parser.write(xml).close();
  return items;
}

/** Bare rss-parser (`parseString`, default options): what a naive bot does with a document. */
export async function parseWithRssParser(xml: string): Promise<number> {
  const feed = await new RssParser().parseString(xml);
  return feed.items.length;
}

/** sha256 of a body, as a poller keeps it to recognise an unchanged document. */
export function hashBody(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * The same CPU-bound work (tokenising and counting the words of every document) done alone,
 * then by two threads at once: how much two busy threads really get from this machine. Cloud
 * vCPUs are often hyperthreads, or share caches and memory bandwidth, and then two threads
 * at once run well under twice as fast.
 */
export async function measureParallelSpeedup(documents: readonly string[], rounds = 3): Promise<{ aloneMs: number; pairMs: number; speedup: number }> {
  const work = `
    const { parentPort, workerData } = require('node:worker_threads');
    const run = (docs, rounds) => {
      let total = 0;
      for (let r = 0; r < rounds; r++) {
        const counts = new Map();
        for (const doc of docs) for (const word of doc.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
        total += counts.size;
      }
      return total;
    };
    parentPort.once('message', () => {
      const started = performance.now();
      run(workerData.docs, workerData.rounds);
      parentPort.postMessage(performance.now() - started);
    });
    parentPort.postMessage('ready');`;
  const { Worker } = await import('node:worker_threads');
  const timeTogether = async (threads: number): Promise<number> => {
    const workers = Array.from({ length: threads }, () => new Worker(work, { eval: true, workerData: { docs: documents, rounds } }));
    try {
      await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
      const times = await Promise.all(
        workers.map((w) => {
          const done = new Promise<number>((resolve) => {
            w.once('message', (ms: number) => {
              resolve(ms);
            });
          });
          w.postMessage('go');
          return done;
        }),
      );
      return Math.max(...times);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  };
  const aloneMs = await timeTogether(1);
  const pairMs = await timeTogether(2);
  return { aloneMs, pairMs, speedup: (2 * aloneMs) / pairMs };
}
