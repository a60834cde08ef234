/**
 * Fetching one feed: over HTTP(S) with Node's own client (node:http, node:https, node:zlib), or
 * from a local file. Conditional GET, timeouts,
 * a size cap enforced while streaming (after decompression), counted redirects, Retry-After,
 * and an optional refusal of private addresses checked at connection time. Every failure is
 * one {@link FetchFailureKind} with a one-line message saying what, where and how to fix it.
 *
 * Feed URLs may hold secrets (`https://user:pass@…`, `?apikey=…`). Credentials in the URL are
 * sent as an Authorization header instead (only to the origin they were given for), and every message,
 * failure URL and final URL this module returns is redacted here, at the source: they are
 * stored, logged, printed and shown in Discord.
 *
 * Why not `fetch` (undici): measured in the benchmark's same run, a response through undici's
 * fetch costs ~1.9 ms of CPU against ~0.8 ms through node:http (WHATWG Headers, Response and web
 * streams around each body), and loading undici (~550 KB of JavaScript and a WebAssembly HTTP
 * parser to compile) was the largest single cost of a one-feed `once` (ADR 15). node:http parses
 * with the same llhttp, built into node.
 */
import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { open } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { constants as zlib, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { redactText, redactUrl } from '../core/redact.js';
import { decodeFeedBody } from './charset.js';
import type { FetchFailure, FetchFailureKind, FetchResult, Validators } from './types.js';

/** RFC 9110 leaves the limit to clients; browsers use 20, feed readers 5–10. */
export const MAX_REDIRECTS = 5;

const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5';
const PRIVATE_ADDRESS_CODE = 'EWATCHFLOOR_PRIVATE_ADDRESS';

/**
 * An honest User-Agent: the product, its version and, when the operator gives one, where to
 * reach them (a URL or e-mail), so a publisher who sees our polls can ask us to change them.
 */
export function buildUserAgent(version: string, contact?: string): string {
  const extra = contact === undefined || contact.trim() === '' ? 'self-hosted news monitor' : `self-hosted news monitor; +${contact.trim()}`;
  return `Watchfloor/${version} (${extra})`;
}

export interface FetchOptions {
  /** The whole fetch, redirects and body included. */
  readonly timeoutMs: number;
  /** Longest wait for the next bytes (headers or body). */
  readonly idleTimeoutMs: number;
  /** Body size cap in bytes, after decompression. */
  readonly maxBytes: number;
  /** Sent as User-Agent; say who you are and where to complain. */
  readonly userAgent: string;
  readonly signal?: AbortSignal | undefined;
  /** Refuse hosts that resolve to loopback, private, link-local, CGNAT … addresses. */
  readonly blockPrivateAddresses: boolean;
  /** Folder that relative local paths are resolved against (the folder of feeds.json). */
  readonly baseDir: string;
  /** Overrides {@link MAX_REDIRECTS}. */
  readonly maxRedirects?: number | undefined;
  /**
   * Connection pools to use instead of the shared ones (tests). They bypass the connection-time
   * address check; IP literals are still refused when blocking.
   */
  readonly agents?: FetchAgents | undefined;
  /**
   * The feed's configured language (`feed.language`, BCP 47): weights charset detection for a
   * body that declares no charset and is not UTF-8 (`ko` prefers EUC-KR, `uk` KOI8-U/windows-1251 …).
   */
  readonly languageHint?: string | undefined;
}

/** The ipaddr.js range of an address, or 'invalid'. Only 'unicast' is public. */
export function addressRange(address: string): string {
  try {
    return ipaddr.process(address).range();
  } catch {
    return 'invalid';
  }
}

function privateAddressError(hostname: string, address: string, range: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${address} (${range})`);
  error.code = PRIVATE_ADDRESS_CODE;
  return error;
}

/**
 * A `lookup` for net.connect that refuses non-public addresses. Checking here, at connection
 * time, rather than before the request, is what stops DNS rebinding: the address checked is
 * the address connected to.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    for (const { address } of addresses) {
      const range = addressRange(address);
      if (range !== 'unicast') {
        callback(privateAddressError(hostname, address, range), '', 0);
        return;
      }
    }
    if (options.all === true) {
      // Node's own callback type for `all` is the array form; LookupFunction does not model it.
      (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses);
      return;
    }
    const first = addresses[0];
    if (first === undefined) callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), '', 0);
    else callback(null, first.address, first.family);
  });
};

/** One connection pool per scheme. */
export interface FetchAgents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

/**
 * Idle keep-alive connections are closed after this long: long enough for a cycle's many feeds
 * on one host, short enough not to hold sockets between cycles (undici's default is 4 s).
 */
const KEEP_ALIVE_MS = 4000;

/** Keep-alive pools (one per scheme), as undici's Agent was: connections reused within a cycle. */
export function createFetchAgents(lookup?: LookupFunction): FetchAgents {
  const options = { keepAlive: true, timeout: KEEP_ALIVE_MS, scheduling: 'lifo' as const, ...(lookup === undefined ? {} : { lookup }) };
  return { http: new HttpAgent(options), https: new HttpsAgent(options) };
}

let publicAgents: FetchAgents | undefined;
let defaultAgents: FetchAgents | undefined;

function agentsFor(options: FetchOptions): FetchAgents {
  if (options.agents) return options.agents;
  if (options.blockPrivateAddresses) return (publicAgents ??= createFetchAgents(publicOnlyLookup));
  return (defaultAgents ??= createFetchAgents());
}

/** Closes the shared connection pools (graceful shutdown). */
export function closeFetchAgents(): Promise<void> {
  for (const agents of [publicAgents, defaultAgents]) {
    agents?.http.destroy();
    agents?.https.destroy();
  }
  publicAgents = undefined;
  defaultAgents = undefined;
  return Promise.resolve();
}

/** Result of {@link checkPublicUrl}. */
export type PublicUrlCheck = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly message: string };

/**
 * Checks, before saving a feed added from Discord, that `url` is http(s) and that its host
 * resolves only to public addresses. The fetch checks again at connection time.
 */
export async function checkPublicUrl(url: string): Promise<PublicUrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: redactText(`"${url}" is not a URL; give the full feed address starting with https://`) };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, message: redactText(`${url}: only http and https feeds can be added (got ${parsed.protocol})`) };
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (await dnsLookupAsync(host, { all: true })).map((a) => a.address);
    } catch (error) {
      return { ok: false, message: redactText(`${url}: the host ${host} does not resolve (${codeOf(error) ?? 'DNS error'}); check the spelling`) };
    }
  }
  for (const address of addresses) {
    const range = addressRange(address);
    if (range !== 'unicast') {
      return { ok: false, message: redactText(`${url}: ${host} resolves to ${address} (${range}), a non-public address; feeds added from Discord must be public (an operator can set ALLOW_PRIVATE_FEEDS=true)`) };
    }
  }
  return { ok: true, url: parsed.toString() };
}

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** The innermost error with a `code` (an abort wraps the socket error it caused). */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    if (codeOf(current) !== undefined) return current;
    if (typeof current === 'object' && current !== null && 'cause' in current && current.cause !== undefined) current = current.cause;
    else break;
  }
  return current;
}

function fail(kind: FetchFailureKind, url: string, message: string, extra: { status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {}): FetchFailure {
  return {
    ok: false,
    kind,
    // Messages quote the URL (and Node's own messages may too): redacted once, here.
    message: redactText(message),
    status: extra.status ?? null,
    retryAfterMs: extra.retryAfterMs ?? null,
    url: redactUrl(url),
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
  };
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; null if absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Why the internal controller aborted. */
class FetchTimeout extends Error {
  constructor(readonly which: 'total' | 'idle') {
    super(which);
  }
}

class TooLarge extends Error {}

class Undecodable extends Error {}

/** Reads a response body up to `maxBytes`, calling `onProgress` on each chunk (idle timer). */
async function readCapped(body: IncomingMessage, maxBytes: number, onProgress: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // pipeline destroys the response (and so the connection) when the sink throws: a body over
  // the cap stops downloading at once.
  await pipeline(body, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      onProgress();
      total += chunk.byteLength;
      if (total > maxBytes) throw new TooLarge();
      chunks.push(chunk);
    }
  });
  return Buffer.concat(chunks, total);
}

const ZLIB_TOLERANT = { finishFlush: zlib.Z_SYNC_FLUSH };
const BROTLI_TOLERANT = { finishFlush: zlib.BROTLI_OPERATION_FLUSH };

/** Runs one zlib stream over a whole buffer, its output capped at `maxBytes` (a zip bomb stops there). */
async function inflateCapped(stream: Transform, input: Buffer, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  await pipeline([input], stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new TooLarge();
      chunks.push(chunk);
    }
  });
  return Buffer.concat(chunks, total);
}

/**
 * Undoes a Content-Encoding (gzip, deflate, br, or a list of them, applied in order), as fetch
 * does: tolerant of a truncated stream (what was decoded is kept), the output capped at
 * `maxBytes`. "deflate" is the zlib format by the standard but raw deflate from some servers;
 * the first byte tells them apart. An unknown coding leaves the body as it is (the charset
 * decoder and the parser then say what is wrong with it).
 */
async function decodeContent(body: Buffer, contentEncoding: string | null, maxBytes: number): Promise<Buffer> {
  const codings = (contentEncoding ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
  let out = body;
  for (const coding of codings.reverse()) {
    if (out.byteLength === 0) break;
    const stream =
      coding === 'gzip' || coding === 'x-gzip' ? createGunzip(ZLIB_TOLERANT)
      : coding === 'deflate' ? ((out[0] ?? 0) & 0x0f) === 0x08 ? createInflate(ZLIB_TOLERANT) : createInflateRaw(ZLIB_TOLERANT)
      : coding === 'br' ? createBrotliDecompress(BROTLI_TOLERANT)
      : null;
    if (stream === null) return out;
    try {
      out = await inflateCapped(stream, out, maxBytes);
    } catch (error) {
      if (error instanceof TooLarge) throw error;
      throw new Undecodable(`${coding}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return out;
}

/** A response header as one string (repeated ones joined), or null. */
function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** Sends one GET; resolves with the response once its head has arrived (the body not yet read). */
function get(target: URL, headers: Record<string, string>, agents: FetchAgents, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const https = target.protocol === 'https:';
    const options: RequestOptions = { method: 'GET', headers, agent: https ? agents.https : agents.http, signal };
    const request = (https ? httpsRequest : httpRequest)(target, options, resolve);
    // Later errors (a reset while the body streams) reach the response; this one settles nothing then.
    request.on('error', reject);
    request.end();
  });
}

/** Throws the response away without reading it; the connection is not reused. */
function discard(response: IncomingMessage): void {
  response.destroy();
}

function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/**
 * Fetches a feed and returns its decoded text, a not-modified marker (HTTP 304, or a body whose
 * sha256 equals `validators.bodyHash`), or a failure. Never throws for network or server
 * problems. `url` may be http(s), a file: URL, or a local path (relative to `options.baseDir`).
 */
export async function fetchFeed(url: string, validators: Validators, options: FetchOptions): Promise<FetchResult> {
  if (/^file:/i.test(url) || !/^[a-z][a-z0-9+.-]*:/i.test(url) || /^[a-z]:[\\/]/i.test(url)) {
    return fetchLocalFile(url, validators, options);
  }
  if (!isHttpUrl(url)) {
    return fail('invalid-url', url, `${url}: unsupported scheme; feeds must be http(s) URLs or local file paths`);
  }
  return fetchHttp(url, validators, options);
}

async function fetchHttp(url: string, validators: Validators, options: FetchOptions): Promise<FetchResult> {
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  const controller = new AbortController();
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const totalTimer = setTimeout(() => { abort(new FetchTimeout('total')); }, options.timeoutMs);
  let idleTimer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => { abort(new FetchTimeout('idle')); }, options.idleTimeoutMs);
  };
  const onCallerAbort = () => { abort(options.signal?.reason); };
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (options.signal?.aborted === true) onCallerAbort();

  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (validators.etag !== null) headers['if-none-match'] = validators.etag;
  if (validators.lastModified !== null) headers['if-modified-since'] = validators.lastModified;

  let current = url;
  const visited = new Set<string>([url]);
  let credentials: BasicCredentials | null = null;
  try {
    for (let hop = 0; ; hop++) {
      let target: URL;
      try {
        target = new URL(current);
      } catch (cause) {
        return fail('invalid-url', url, `${current}: not a valid URL; fix the feed's address`, { cause });
      }
      if (target.username !== '' || target.password !== '') {
        credentials = basicCredentials(target);
        target.username = '';
        target.password = '';
        current = target.href;
        visited.add(current);
      }
      if (options.blockPrivateAddresses) {
        // IP literals never reach the lookup hook, so check them here.
        const host = target.hostname.replace(/^\[|\]$/g, '');
        if (isIP(host) !== 0 && addressRange(host) !== 'unicast') {
          return fail('invalid-url', url, `${current}: ${host} is a ${addressRange(host)} address and private addresses are refused for this feed (set ALLOW_PRIVATE_FEEDS=true to allow)`);
        }
      }
      touch();
      // The credentials belong to the origin they were given for: a redirect elsewhere (another
      // host, port, or http after https) does not get them, as curl and browsers do.
      const hopHeaders = credentials !== null && credentials.origin === target.origin ? { ...headers, authorization: credentials.header } : headers;
      const response = await get(target, hopHeaders, agentsFor(options), controller.signal);
      touch();
      const status = response.statusCode ?? 0;
      const location = header(response, 'location');
      if (status >= 300 && status < 400 && status !== 304 && location !== null) {
        discard(response);
        let next: string;
        try {
          next = new URL(location, current).toString();
        } catch (cause) {
          return fail('http', url, `${current} redirects to an invalid Location "${location.slice(0, 100)}"; ask the publisher for the current feed URL`, { status, cause });
        }
        if (!isHttpUrl(next)) {
          return fail('invalid-url', url, `${current} redirects to ${next.slice(0, 100)}, which is not http(s); update the feed URL`, { status });
        }
        if (visited.has(next)) {
          return fail('too-many-redirects', url, `${url} redirects in a loop (${current} → ${next}); the site is misconfigured: try the feed URL in a browser and update it`, { status });
        }
        if (hop + 1 > maxRedirects) {
          return fail('too-many-redirects', url, `${url} redirected more than ${maxRedirects} times (last: ${next}); update feeds.json to the final URL`, { status });
        }
        visited.add(next);
        current = next;
        continue;
      }
      // The final URL is shown in messages and is the base for relative links: without secrets.
      return await handleResponse(url, redactUrl(current), response, validators, options, touch);
    }
  } catch (error) {
    return mapError(url, error, controller.signal.reason, options);
  } finally {
    clearTimeout(totalTimer);
    clearTimeout(idleTimer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** An Authorization header made from a URL's user-info, and the origin it may be sent to. */
interface BasicCredentials {
  readonly origin: string;
  readonly header: string;
}

function decodeUserInfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** RFC 7617 Basic credentials from `https://user:pass@host/` (percent-decoded, UTF-8). */
function basicCredentials(url: URL): BasicCredentials {
  const pair = `${decodeUserInfo(url.username)}:${decodeUserInfo(url.password)}`;
  return { origin: url.origin, header: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
}

async function handleResponse(
  url: string,
  finalUrl: string,
  response: IncomingMessage,
  validators: Validators,
  options: FetchOptions,
  touch: () => void,
): Promise<FetchResult> {
  const status = response.statusCode ?? 0;
  const etag = header(response, 'etag');
  const lastModified = header(response, 'last-modified');
  if (status === 304) {
    // No body: the connection goes back to the pool.
    response.resume();
    return {
      ok: true,
      notModified: true,
      reason: 'http-304',
      status,
      // A 304 may omit validators it does not change (RFC 9110 §15.4.5).
      validators: { etag: etag ?? validators.etag, lastModified: lastModified ?? validators.lastModified, bodyHash: validators.bodyHash },
      finalUrl,
      bytes: 0,
    };
  }
  if (status === 429 || status === 503) {
    discard(response);
    const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), Date.now());
    const wait = retryAfterMs === null ? 'no Retry-After given; backing off' : `retry after ${Math.ceil(retryAfterMs / 1000)} s`;
    return fail('rate-limited', url, `${finalUrl} answered ${status} ${status === 429 ? 'Too Many Requests' : 'Service Unavailable'} (${wait}); poll this feed less often if it persists`, { status, retryAfterMs });
  }
  if (status < 200 || status > 299) {
    discard(response);
    const hint =
      status === 404 || status === 410 ? 'the feed has moved or been removed: find its new URL'
      : status === 401 || status === 403 ? 'the server refuses us (login, paywall or bot block): check the URL in a browser'
      : status >= 500 ? 'the server is failing: it is retried with backoff'
      : 'check the feed URL';
    return fail('http', url, `${finalUrl} answered HTTP ${status} ${response.statusMessage ?? ''}; ${hint}`, { status });
  }

  const declared = Number(header(response, 'content-length') ?? Number.NaN);
  const encoded = header(response, 'content-encoding');
  const identity = encoded === null || encoded.trim().toLowerCase() === 'identity';
  if (Number.isFinite(declared) && declared > options.maxBytes && identity) {
    discard(response);
    return fail('too-large', url, `${finalUrl} is ${formatBytes(declared)}, over the ${formatBytes(options.maxBytes)} cap; raise FETCH_MAX_BYTES if this feed is legitimately large`, { status });
  }
  let bytes: Uint8Array;
  try {
    // On the wire a compressed body may be a little larger than what it decodes to.
    const wireCap = identity ? options.maxBytes : options.maxBytes + Math.ceil(options.maxBytes / 64) + 1024;
    bytes = await decodeContent(await readCapped(response, wireCap, touch), encoded, options.maxBytes);
  } catch (error) {
    if (error instanceof TooLarge) {
      return fail('too-large', url, `${finalUrl} sent more than ${formatBytes(options.maxBytes)} (after decompression); raise FETCH_MAX_BYTES if this feed is legitimately large`, { status });
    }
    if (error instanceof Undecodable) {
      return fail('network', url, `${finalUrl} sent a body that does not decode as its Content-Encoding says (${error.message}); the server or a proxy in front of it is misconfigured, retried later`, { status, cause: error });
    }
    throw error;
  }
  const fetched = finish({ status, bytes, contentType: header(response, 'content-type'), finalUrl, validators, fresh: { etag, lastModified }, languageHint: options.languageHint });
  const contentLocation = contentLocationOf(header(response, 'content-location'), finalUrl);
  return fetched.ok && !fetched.notModified && contentLocation !== undefined ? { ...fetched, contentLocation } : fetched;
}

/** Content-Location as an absolute http(s) URL (RFC 9110 §8.7: relative to the request URL), or undefined. */
function contentLocationOf(header: string | null, finalUrl: string): string | undefined {
  const value = header?.trim();
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value, finalUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function finish(p: { status: number; bytes: Uint8Array; contentType: string | null; finalUrl: string; validators: Validators; fresh: { etag: string | null; lastModified: string | null }; languageHint: string | undefined }): FetchResult {
  const bodyHash = sha256Hex(p.bytes);
  const validators: Validators = { etag: p.fresh.etag, lastModified: p.fresh.lastModified, bodyHash };
  if (p.validators.bodyHash !== null && p.validators.bodyHash === bodyHash) {
    return { ok: true, notModified: true, reason: 'same-hash', status: p.status, validators, finalUrl: p.finalUrl, bytes: p.bytes.byteLength };
  }
  const { text, charset } = decodeFeedBody(p.bytes, p.contentType, { languageHint: p.languageHint });
  return { ok: true, notModified: false, status: p.status, text, charset, validators, finalUrl: p.finalUrl, bytes: p.bytes.byteLength };
}

function mapError(url: string, error: unknown, abortReason: unknown, options: FetchOptions): FetchFailure {
  if (abortReason instanceof FetchTimeout) {
    return abortReason.which === 'total'
      ? fail('timeout', url, `${url} took longer than ${options.timeoutMs} ms in total; the server is slow or the body huge (FETCH_TIMEOUT_MS)`, { cause: error })
      : fail('timeout', url, `${url} sent nothing for ${options.idleTimeoutMs} ms; the server stalled (FETCH_IDLE_TIMEOUT_MS)`, { cause: error });
  }
  if (abortReason !== undefined) {
    return fail('network', url, `${url}: fetch cancelled (${abortReason instanceof Error ? abortReason.message : 'aborted by the caller'})`, { cause: error });
  }
  const cause = rootCause(error);
  const code = codeOf(cause);
  const detail = cause instanceof Error ? cause.message : String(cause);
  switch (code) {
    case PRIVATE_ADDRESS_CODE:
      return fail('invalid-url', url, `${url}: ${detail}, a non-public address; refused for this feed (set ALLOW_PRIVATE_FEEDS=true to allow)`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return fail('dns', url, `${url}: the host name does not resolve (${code}); check the spelling, or the site is gone`, { cause: error });
    case 'ETIMEDOUT':
      return fail('timeout', url, `${url}: ${code}; the server is too slow, retried later`, { cause: error });
    default:
      if (code !== undefined && /CERT|SSL|TLS/i.test(code)) {
        return fail('network', url, `${url}: TLS problem (${code}); the site's certificate is invalid or expired`, { cause: error });
      }
      return fail('network', url, `${url}: ${code ?? 'network error'} (${detail}); the server is unreachable, retried later`, { cause: error });
  }
}

async function fetchLocalFile(url: string, validators: Validators, options: FetchOptions): Promise<FetchResult> {
  let path: string;
  try {
    path = /^file:/i.test(url) ? fileURLToPath(url) : isAbsolute(url) ? url : resolvePath(options.baseDir, url);
  } catch (cause) {
    return fail('invalid-url', url, `${url}: not a valid file URL; use an absolute path or a path relative to feeds.json`, { cause });
  }
  const finalUrl = pathToFileURL(path).href;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    const code = codeOf(cause);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'cannot open');
    return fail('file', url, `${path}: ${why}; fix the feed's path (relative paths start from ${options.baseDir})`, { cause });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return fail('file', url, `${path} is not a regular file; point the feed at an RSS/Atom file`);
    if (stat.size > options.maxBytes) {
      return fail('too-large', url, `${path} is ${formatBytes(stat.size)}, over the ${formatBytes(options.maxBytes)} cap; raise FETCH_MAX_BYTES`);
    }
    // Read at most one byte past the cap: the file may grow between stat and read.
    const buffer = Buffer.alloc(Math.min(stat.size, options.maxBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > options.maxBytes) {
      return fail('too-large', url, `${path} grew past the ${formatBytes(options.maxBytes)} cap while being read; raise FETCH_MAX_BYTES`);
    }
    return finish({ status: 200, bytes: buffer.subarray(0, bytesRead), contentType: null, finalUrl, validators, fresh: { etag: null, lastModified: null }, languageHint: options.languageHint });
  } catch (cause) {
    return fail('file', url, `${path}: cannot read (${codeOf(cause) ?? String(cause)}); check permissions`, { cause });
  } finally {
    await handle.close();
  }
}
