import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUserAgent, checkPublicUrl, closeFetchAgents, createFetchAgents, fetchFeed, parseRetryAfter, type FetchOptions } from '../../src/feeds/fetch.js';
import { parseFeed } from '../../src/feeds/parse.js';
import type { FetchResult, Validators } from '../../src/feeds/types.js';
import { FIXTURE_DIR, readFixture, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const NONE: Validators = { etag: null, lastModified: null, bodyHash: null };
const OPTIONS: FetchOptions = {
  timeoutMs: 3000,
  idleTimeoutMs: 1000,
  maxBytes: 256 * 1024,
  userAgent: 'Watchfloor/0.1 (+https://watchfloor.example/bot; test)',
  blockPrivateAddresses: false,
  baseDir: FIXTURE_DIR,
};

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
  await closeFetchAgents();
});

function fresh(result: FetchResult) {
  if (!result.ok || result.notModified) throw new Error(`expected a fresh body, got ${JSON.stringify(result.ok ? result : { kind: result.kind, message: result.message })}`);
  return result;
}
function failure(result: FetchResult) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}
function lastRequest(pathPrefix: string) {
  return server.requests.filter((r) => r.path.startsWith(pathPrefix)).at(-1)!;
}

describe('fetchFeed over HTTP', () => {
  it('GIVEN a feed THEN text, validators, hash, an honest User-Agent and compression offered', async () => {
    const result = fresh(await fetchFeed(server.url('/feeds/rss2-full.xml'), NONE, OPTIONS));
    expect(result.text).toBe(readFixture('rss2-full.xml').toString('utf8'));
    expect(result.charset).toBe('utf-8');
    expect(result.validators.etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(result.validators.lastModified).toBe('Mon, 10 Mar 2025 09:00:00 GMT');
    expect(result.validators.bodyHash).toMatch(/^[0-9a-f]{64}$/);
    const request = lastRequest('/feeds/rss2-full.xml');
    expect(request.headers['user-agent']).toBe(OPTIONS.userAgent);
    expect(request.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(request.headers['if-none-match']).toBeUndefined();
  });

  it('GIVEN stored validators THEN a conditional GET gets 304 and nothing to parse', async () => {
    const first = fresh(await fetchFeed(server.url('/feeds/atom-full.atom'), NONE, OPTIONS));
    const second = await fetchFeed(server.url('/feeds/atom-full.atom'), first.validators, OPTIONS);
    expect(second).toMatchObject({ ok: true, notModified: true, reason: 'http-304', status: 304, bytes: 0, validators: first.validators });
    const request = lastRequest('/feeds/atom-full.atom');
    expect(request.headers['if-none-match']).toBe(first.validators.etag);
    expect(request.headers['if-modified-since']).toBe(first.validators.lastModified);
  });

  it('GIVEN a server without validators and an unchanged body THEN same-hash, no re-parse', async () => {
    const first = fresh(await fetchFeed(server.url('/plain/rss1-rdf.rdf'), NONE, OPTIONS));
    expect(first.validators).toMatchObject({ etag: null, lastModified: null });
    const second = await fetchFeed(server.url('/plain/rss1-rdf.rdf'), first.validators, OPTIONS);
    expect(second).toMatchObject({ ok: true, notModified: true, reason: 'same-hash', status: 200, validators: first.validators });
  });

  for (const encoding of ['gzip', 'deflate', 'br']) {
    it(`GIVEN a ${encoding}-encoded body THEN it is decompressed`, async () => {
      const result = fresh(await fetchFeed(server.url(`/${encoding}/rss2-full.xml`), NONE, OPTIONS));
      expect(result.text).toBe(readFixture('rss2-full.xml').toString('utf8'));
      expect(result.bytes).toBe(readFixture('rss2-full.xml').length);
    });
  }

  it('GIVEN raw deflate (no zlib header, as some servers send "deflate") THEN it is decompressed too', async () => {
    const body = readFixture('rss2-full.xml');
    server.route('/raw-deflate.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'deflate' }).end(deflateRawSync(body)); });
    expect(fresh(await fetchFeed(server.url('/raw-deflate.xml'), NONE, OPTIONS)).text).toBe(body.toString('utf8'));
  });

  it('GIVEN stacked codings (gzip, then br) THEN they are undone in reverse order', async () => {
    const body = readFixture('rss2-full.xml');
    server.route('/stacked.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip, br' }).end(brotliCompressSync(gzipSync(body))); });
    expect(fresh(await fetchFeed(server.url('/stacked.xml'), NONE, OPTIONS)).text).toBe(body.toString('utf8'));
  });

  it('GIVEN a gzip body cut short THEN what arrived is kept (the parser salvages or reports it)', async () => {
    const body = readFixture('rss2-full.xml');
    const whole = gzipSync(body);
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    server.route('/cut.xml.gz', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end(cut); });
    const result = fresh(await fetchFeed(server.url('/cut.xml.gz'), NONE, OPTIONS));
    expect(result.text.length).toBeGreaterThan(0);
    expect(body.toString('utf8').startsWith(result.text)).toBe(true);
    expect(result.text.length).toBeLessThan(body.length);
  });

  it('GIVEN a body that is not what its Content-Encoding says THEN one network failure that names the coding and the cause', async () => {
    server.route('/not-gzip.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }).end('<rss>plain text, not gzip</rss>'); });
    const result = failure(await fetchFeed(server.url('/not-gzip.xml'), NONE, OPTIONS));
    expect(result).toMatchObject({ kind: 'network', status: 200, message: expect.stringMatching(/does not decode as its Content-Encoding says \(gzip: .+\); the server or a proxy/) });
  });

  const charsets: [string, string | null, string][] = [
    ['charset-euc-kr.xml', 'text/xml; charset=EUC-KR', '남북 철도 연결 사업 재개 논의'],
    ['charset-windows-1251.xml', 'application/rss+xml', 'В Киеве восстановлено электроснабжение'],
    ['charset-koi8-u.xml', 'application/rss+xml; charset=koi8-u', 'Київ: відновлення енергосистеми триває'],
    ['charset-iso-8859-1.xml', 'text/xml', 'Genève accueille une conférence sur la sécurité alimentaire'],
    ['charset-utf-16le-bom.xml', 'text/xml; charset=utf-8', '북한, 동해상으로 탄도미사일 발사'],
    ['charset-utf-16be-bom.xml', null, '북한, 동해상으로 탄도미사일 발사'],
    ['charset-utf-8-bom.xml', 'text/xml; charset=windows-1251', '북한, 동해상으로 탄도미사일 발사'],
  ];
  for (const [name, type, title] of charsets) {
    it(`GIVEN ${name} served as ${type ?? 'no type'} THEN fetch + parse yields the exact title`, async () => {
      const path = `/feeds/${name}${type === null ? '' : `?type=${encodeURIComponent(type)}`}`;
      const result = fresh(await fetchFeed(server.url(path), NONE, OPTIONS));
      const parsed = await parseFeed(result.text, result.finalUrl);
      expect('items' in parsed && parsed.items[0]?.title).toBe(title);
    });
  }

  it('GIVEN 3 redirects THEN the feed is fetched and finalUrl is the last hop', async () => {
    const result = fresh(await fetchFeed(server.url('/redirect/3/empty.xml'), NONE, OPTIONS));
    expect(result.finalUrl).toBe(server.url('/feeds/empty.xml'));
  });

  it('GIVEN more than 5 redirects THEN too-many-redirects', async () => {
    const result = failure(await fetchFeed(server.url('/redirect/7/empty.xml'), NONE, OPTIONS));
    expect(result.kind).toBe('too-many-redirects');
    expect(result.message).toMatch(/redirected more than 5 times/);
    expect(server.requests.filter((r) => r.path.startsWith('/redirect/')).map((r) => r.path)).toContain('/redirect/2/empty.xml');
  });

  it('GIVEN a redirect loop THEN too-many-redirects naming the loop, after two requests', async () => {
    const before = server.requests.length;
    const result = failure(await fetchFeed(server.url('/loop/a'), NONE, OPTIONS));
    expect(result).toMatchObject({ kind: 'too-many-redirects', status: 301 });
    expect(result.message).toMatch(/redirects in a loop/);
    expect(server.requests.length - before).toBe(2);
  });

  it('GIVEN a server that never answers THEN an idle timeout', async () => {
    const result = failure(await fetchFeed(server.url('/stall-headers'), NONE, OPTIONS));
    expect(result.kind).toBe('timeout');
    expect(result.message).toMatch(/sent nothing for 1000 ms/);
  });

  it('GIVEN a body that stalls half-way THEN an idle timeout', async () => {
    const result = failure(await fetchFeed(server.url('/stall-body'), NONE, OPTIONS));
    expect(result).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/sent nothing/) });
  });

  it('GIVEN a server that drips bytes forever THEN the total timeout stops it', async () => {
    const result = failure(await fetchFeed(server.url('/drip?ms=50'), NONE, { ...OPTIONS, timeoutMs: 1500 }));
    expect(result).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/longer than 1500 ms in total/) });
  });

  it('GIVEN a chunked body over the cap THEN too-large while streaming', async () => {
    const result = failure(await fetchFeed(server.url(`/big?bytes=${2 * 1024 * 1024}`), NONE, OPTIONS));
    expect(result).toMatchObject({ kind: 'too-large', status: 200, message: expect.stringMatching(/more than 256 KiB/) });
  });

  it('GIVEN a Content-Length over the cap THEN too-large before reading', async () => {
    const result = failure(await fetchFeed(server.url(`/big?bytes=${1024 * 1024}&length=1`), NONE, OPTIONS));
    expect(result).toMatchObject({ kind: 'too-large', message: expect.stringMatching(/is 1\.0 MiB, over the 256 KiB cap/) });
  });

  it('GIVEN a gzip bomb small on the wire THEN the decompressed size trips the cap', async () => {
    const result = failure(await fetchFeed(server.url(`/gzip-bomb?bytes=${8 * 1024 * 1024}`), NONE, OPTIONS));
    expect(result).toMatchObject({ kind: 'too-large', message: expect.stringMatching(/after decompression/) });
  });

  it('GIVEN 429 with Retry-After seconds THEN rate-limited with retryAfterMs', async () => {
    const result = failure(await fetchFeed(server.url('/status/429?retry-after=120'), NONE, OPTIONS));
    expect(result).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 120_000 });
    expect(result.message).toMatch(/429 Too Many Requests \(retry after 120 s\)/);
  });

  it('GIVEN 503 with an HTTP-date Retry-After THEN the delay is computed from the date', async () => {
    const at = new Date(Date.now() + 3_600_000).toUTCString();
    const result = failure(await fetchFeed(server.url(`/status/503?retry-after=${encodeURIComponent(at)}`), NONE, OPTIONS));
    expect(result.kind).toBe('rate-limited');
    expect(result.retryAfterMs).toBeGreaterThan(3_590_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('GIVEN 404 and 500 THEN http failures with the status and advice', async () => {
    expect(failure(await fetchFeed(server.url('/nothing-here'), NONE, OPTIONS))).toMatchObject({ kind: 'http', status: 404, message: expect.stringMatching(/HTTP 404 Not Found; the feed has moved/) });
    expect(failure(await fetchFeed(server.url('/status/500'), NONE, OPTIONS))).toMatchObject({ kind: 'http', status: 500, message: expect.stringMatching(/retried with backoff/) });
  });

  it('GIVEN an HTML page served as 200 THEN fetch succeeds and parse says not-a-feed', async () => {
    const result = fresh(await fetchFeed(server.url('/feeds/not-a-feed.html?type=text/html'), NONE, OPTIONS));
    await expect(parseFeed(result.text, result.finalUrl)).resolves.toMatchObject({ ok: false, kind: 'not-a-feed' });
  });

  it('GIVEN truncated XML THEN fetch succeeds and parse says parse', async () => {
    const result = fresh(await fetchFeed(server.url('/feeds/truncated.xml'), NONE, OPTIONS));
    await expect(parseFeed(result.text, result.finalUrl)).resolves.toMatchObject({ ok: false, kind: 'parse' });
  });

  it('GIVEN a refused connection THEN network', async () => {
    const closed = await startFeedServer();
    const url = closed.url('/feeds/empty.xml');
    await closed.close();
    expect(failure(await fetchFeed(url, NONE, OPTIONS))).toMatchObject({ kind: 'network', message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('GIVEN an unsupported scheme THEN invalid-url', async () => {
    expect(failure(await fetchFeed('ftp://127.0.0.1/feed.xml', NONE, OPTIONS))).toMatchObject({ kind: 'invalid-url' });
  });

  it('GIVEN the caller aborts THEN the fetch stops with a cancelled network failure', async () => {
    const controller = new AbortController();
    const pending = fetchFeed(server.url('/stall-headers'), NONE, { ...OPTIONS, idleTimeoutMs: 5000, signal: controller.signal });
    setTimeout(() => { controller.abort(new Error('shutting down')); }, 50);
    expect(failure(await pending)).toMatchObject({ kind: 'network', message: expect.stringMatching(/cancelled \(shutting down\)/) });
  });
});

describe('private addresses', () => {
  const blocking = { ...OPTIONS, blockPrivateAddresses: true };

  it('GIVEN blocking and a loopback IP literal THEN refused before any request', async () => {
    const before = server.requests.length;
    const result = failure(await fetchFeed(server.url('/feeds/empty.xml'), NONE, blocking));
    expect(result).toMatchObject({ kind: 'invalid-url', message: expect.stringMatching(/127\.0\.0\.1 is a loopback address.*ALLOW_PRIVATE_FEEDS/) });
    expect(server.requests.length).toBe(before);
  });

  it('GIVEN blocking and a host NAME resolving to loopback THEN refused at connection time', async () => {
    const before = server.requests.length;
    const result = failure(await fetchFeed(server.url('/feeds/empty.xml').replace('127.0.0.1', 'localhost'), NONE, blocking));
    expect(result).toMatchObject({ kind: 'invalid-url', message: expect.stringMatching(/localhost resolves to .*(loopback).*non-public/) });
    expect(server.requests.length).toBe(before);
  });

  it('GIVEN blocking and a redirect to a loopback literal THEN that hop is refused', async () => {
    const hop = server.url('/feeds/empty.xml');
    server.route('/to-loopback', (_req, res) => { res.writeHead(302, { location: hop }).end(); });
    // The first hop is a host name; injected plain agents let it through (no lookup hook), so
    // only the per-hop literal check can stop the second hop.
    const plain = createFetchAgents();
    try {
      const start = server.url('/to-loopback').replace('127.0.0.1', 'localhost');
      const result = failure(await fetchFeed(start, NONE, { ...blocking, agents: plain }));
      expect(result).toMatchObject({ kind: 'invalid-url', message: expect.stringContaining(`${hop}: 127.0.0.1 is a loopback address`) });
      expect(lastRequest('/to-loopback').headers.host).toMatch(/^localhost:/);
      // Without blocking the same redirect is followed, so the refusal is the check's doing.
      expect(fresh(await fetchFeed(start, NONE, { ...OPTIONS, agents: plain })).finalUrl).toBe(hop);
    } finally {
      plain.http.destroy();
      plain.https.destroy();
    }
  });

  it('GIVEN checkPublicUrl THEN private, loopback, CGNAT and link-local hosts are refused without any connection', async () => {
    for (const [url, range] of [
      ['http://127.0.0.1/feed', 'loopback'],
      ['http://localhost/feed', 'loopback'],
      ['http://10.1.2.3/rss', 'private'],
      ['http://192.168.0.10/rss', 'private'],
      ['http://100.64.0.1/rss', 'carrierGradeNat'],
      ['http://169.254.169.254/latest', 'linkLocal'],
      ['http://[::1]/rss', 'loopback'],
      ['http://[fd00::1]/rss', 'uniqueLocal'],
      ['http://[::ffff:10.0.0.1]/rss', 'private'],
    ] as const) {
      const check = await checkPublicUrl(url);
      expect({ url, check }).toMatchObject({ url, check: { ok: false, message: expect.stringContaining(`(${range})`) } });
    }
  });

  it('GIVEN checkPublicUrl with a public IP literal or a bad scheme THEN ok, or a precise refusal', async () => {
    await expect(checkPublicUrl('https://93.184.216.34/feed.xml')).resolves.toEqual({ ok: true, url: 'https://93.184.216.34/feed.xml' });
    await expect(checkPublicUrl('file:///etc/passwd')).resolves.toMatchObject({ ok: false, message: expect.stringMatching(/only http and https/) });
    await expect(checkPublicUrl('not a url')).resolves.toMatchObject({ ok: false, message: expect.stringMatching(/is not a URL/) });
  });
});

describe('fetchFeed from local files', () => {
  it('GIVEN a path relative to baseDir, an absolute path and a file: URL THEN the same text', async () => {
    const relative = fresh(await fetchFeed('rss1-rdf.rdf', NONE, OPTIONS));
    const absolute = fresh(await fetchFeed(join(FIXTURE_DIR, 'rss1-rdf.rdf'), NONE, OPTIONS));
    const fileUrl = fresh(await fetchFeed(pathToFileURL(join(FIXTURE_DIR, 'rss1-rdf.rdf')).href, NONE, OPTIONS));
    expect(relative.text).toBe(readFixture('rss1-rdf.rdf').toString('utf8'));
    expect(absolute.text).toBe(relative.text);
    expect(fileUrl.finalUrl).toBe(relative.finalUrl);
  });

  it('GIVEN an unchanged local file THEN same-hash', async () => {
    const first = fresh(await fetchFeed('charset-koi8-u.xml', NONE, OPTIONS));
    expect(first.charset).toBe('koi8-u');
    await expect(fetchFeed('charset-koi8-u.xml', first.validators, OPTIONS)).resolves.toMatchObject({ ok: true, notModified: true, reason: 'same-hash' });
  });

  it('GIVEN a missing file THEN file failure naming the resolved path', async () => {
    const result = failure(await fetchFeed('no-such-feed.xml', NONE, OPTIONS));
    expect(result).toMatchObject({ kind: 'file', message: expect.stringContaining(`${join(FIXTURE_DIR, 'no-such-feed.xml')}: no such file`) });
  });

  it('GIVEN a local file over the cap THEN too-large', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watchfloor-fetch-'));
    writeFileSync(join(dir, 'big.xml'), Buffer.alloc(300 * 1024, 0x20));
    expect(failure(await fetchFeed('big.xml', NONE, { ...OPTIONS, baseDir: dir }))).toMatchObject({ kind: 'too-large' });
  });
});

describe('buildUserAgent', () => {
  it('GIVEN a version with and without a contact THEN a product token a publisher can recognise', () => {
    expect(buildUserAgent('0.1.0')).toBe('Watchfloor/0.1.0 (self-hosted news monitor)');
    expect(buildUserAgent('0.1.0', ' ops@example.org ')).toBe('Watchfloor/0.1.0 (self-hosted news monitor; +ops@example.org)');
  });
});

describe('parseRetryAfter', () => {
  it('GIVEN seconds, a date, junk or nothing THEN ms or null', () => {
    const now = Date.UTC(2025, 2, 10, 12, 0, 0);
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 10 Mar 2025 12:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('Mon, 10 Mar 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('secrets in feed URLs', () => {
  /** The user-info of the test URLs, as a person would percent-encode it: `rëader` / `p@ss:w0rd`. */
  const USER_INFO = 'r%C3%ABader:p%40ss%3Aw0rd';
  const EXPECTED_AUTH = `Basic ${Buffer.from('rëader:p@ss:w0rd', 'utf8').toString('base64')}`;
  const withCredentials = (url: string) => url.replace('http://', `http://${USER_INFO}@`);

  it('GIVEN a feed URL with user-info THEN it is fetched with a Basic Authorization header and the URL carries no credentials', async () => {
    server.route('/basic/feed.xml', (req, res) => {
      if (req.headers.authorization !== EXPECTED_AUTH) res.writeHead(401, { 'www-authenticate': 'Basic realm="feeds"' }).end();
      else res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(readFixture('rss2-full.xml'));
    });
    const result = fresh(await fetchFeed(withCredentials(server.url('/basic/feed.xml')), NONE, OPTIONS));
    expect(lastRequest('/basic/feed.xml').headers.authorization).toBe(EXPECTED_AUTH);
    expect(result.finalUrl).toBe(server.url('/basic/feed.xml'));
  });

  it('GIVEN a basic-auth feed that redirects within its origin THEN the header follows, and to another origin THEN it is dropped', async () => {
    const other = await startFeedServer();
    try {
      server.route('/basic/away', (_req, res) => res.writeHead(302, { location: other.url('/feeds/rss2-full.xml') }).end());
      fresh(await fetchFeed(withCredentials(server.url('/basic/away')), NONE, OPTIONS));
      expect(lastRequest('/basic/away').headers.authorization).toBe(EXPECTED_AUTH);
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0]?.headers.authorization).toBeUndefined();

      fresh(await fetchFeed(withCredentials(server.url('/redirect/1/atom-full.atom')), NONE, OPTIONS));
      expect(lastRequest('/redirect/1/atom-full.atom').headers.authorization).toBe(EXPECTED_AUTH);
      expect(lastRequest('/feeds/atom-full.atom').headers.authorization).toBe(EXPECTED_AUTH);
    } finally {
      await other.close();
    }
  });

  it('GIVEN failing feeds whose URLs hold an api key or credentials THEN neither the message nor the URL of the failure holds them', async () => {
    const closed = await startFeedServer();
    const refused = closed.url('/feeds/empty.xml?token=T0KENVALUE');
    await closed.close();
    const failures = [
      failure(await fetchFeed(server.url('/status/500?apikey=SECRETVALUE&lang=en'), NONE, OPTIONS)),
      failure(await fetchFeed(withCredentials(server.url('/status/503?Api_Key=SECRETVALUE')), NONE, OPTIONS)),
      failure(await fetchFeed(withCredentials(server.url('/loop/a?sig=SECRETVALUE')), NONE, OPTIONS)),
      failure(await fetchFeed(withCredentials(refused), NONE, OPTIONS)),
    ];
    expect(failures.map((f) => f.kind)).toEqual(['http', 'rate-limited', 'too-many-redirects', 'network']);
    for (const f of failures) {
      const shown = `${f.message} ${f.url}`;
      for (const secret of ['SECRETVALUE', 'T0KENVALUE', 'p%40ss', 'w0rd', 'ader']) expect(shown).not.toContain(secret);
    }
    expect(failures[0]?.message).toContain(`${server.url('/status/500')}?apikey=[redacted]&lang=en answered HTTP 500`);
    expect(failures[3]?.message).toMatch(/ECONNREFUSED/);
  });
});
