/**
 * The encoding fixtures (tests/fixtures/feeds/encoding/, written byte-exact by generate.ts) read
 * through the real fetch (a loopback server that sends `application/xml` with no charset) and the
 * real parser: each entry's title and description must come out as written in the expected file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeFetchAgents, fetchFeed, type FetchOptions } from '../../src/feeds/fetch.js';
import { parseFeed } from '../../src/feeds/parse.js';
import { FIXTURE_DIR, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const DIR = join(FIXTURE_DIR, 'encoding');
const NAMES = readdirSync(DIR).filter((name) => name.endsWith('.xml')).map((name) => name.slice(0, -'.xml'.length)).sort();

interface Expected {
  readonly language: string;
  readonly charset: string;
  readonly items: readonly { title: string; description: string }[];
}

const OPTIONS: FetchOptions = {
  timeoutMs: 5000,
  idleTimeoutMs: 5000,
  maxBytes: 256 * 1024,
  userAgent: 'Watchfloor/0.1 (test)',
  blockPrivateAddresses: false,
  baseDir: DIR,
};

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  for (const name of NAMES) {
    const body = readFileSync(join(DIR, `${name}.xml`));
    // As `/plain/NAME` does: a Content-Type without charset, so the bytes must speak for themselves.
    server.route(`/encoding/${name}`, (_req, res) => { res.writeHead(200, { 'content-type': 'application/xml' }).end(body); });
  }
});
afterAll(async () => {
  await server.close();
  await closeFetchAgents();
});

describe('encoding fixtures through fetch and parse', () => {
  it('GIVEN the encoding fixture folder THEN it holds the cases this suite is about', () => {
    expect(NAMES).toEqual(expect.arrayContaining(['undeclared-euc-kr', 'undeclared-koi8-r', 'undeclared-koi8-u', 'undeclared-big5', 'undeclared-shift_jis', 'undeclared-windows-1255', 'utf-32le-bom', 'cp1252-references', 'mojibake']));
  });

  for (const name of NAMES) {
    it(`GIVEN ${name}.xml served without a charset THEN every entry reads as ${name}.expected.json says`, async () => {
      const expected = JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as Expected;
      const fetched = await fetchFeed(server.url(`/encoding/${name}`), { etag: null, lastModified: null, bodyHash: null }, { ...OPTIONS, languageHint: expected.language });
      if (!fetched.ok || fetched.notModified) throw new Error(`fetch failed: ${JSON.stringify(fetched)}`);
      const feed = await parseFeed(fetched.text, fetched.finalUrl);
      if ('ok' in feed) throw new Error(`parse failed: ${feed.message}`);
      expect(feed.items.map((item) => ({ title: item.title, description: item.content }))).toEqual(expected.items);
      expect(fetched.charset.startsWith(expected.charset), `charset ${fetched.charset}`).toBe(true);
    });
  }

  it('GIVEN a local file path THEN the language hint reaches detection too', async () => {
    const fetched = await fetchFeed('undeclared-koi8-u.xml', { etag: null, lastModified: null, bodyHash: null }, { ...OPTIONS, languageHint: 'uk' });
    if (!fetched.ok || fetched.notModified) throw new Error('fetch failed');
    expect(fetched.charset).toMatch(/^koi8-u \(detected/);
    expect(fetched.text).toContain('Її історія');
  });
});
