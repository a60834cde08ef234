/**
 * The links-and-text fixtures (tests/fixtures/feeds/links-text/): each document goes through the
 * real parser and the real normalisation, with the base the app uses, and every entry's title,
 * link, guid and summary text (and image, where the expected file names one) must come out as its
 * `.expected.json` says. Covers `xml:base` at every level, Content-Location, links written as
 * text, Atom 0.3 base64/escaped/inline-XHTML text and the extra summary elements (issue 14,
 * items 5 to 7).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlFor, createAnalyser } from '../../src/app/analyse.js';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig } from '../../src/core/types.js';
import { closeFetchAgents, fetchFeed, type FetchOptions } from '../../src/feeds/fetch.js';
import { parseFeed } from '../../src/feeds/parse.js';
import { decodeBase64Text, isAbsoluteRef, joinBase, prepareForParser, resolveRef } from '../../src/feeds/links-text.js';
import type { ParsedFeed } from '../../src/feeds/types.js';
import { FIXTURE_DIR, startFeedServer, type FeedServer } from '../helpers/feed-server.js';

const DIR = join(FIXTURE_DIR, 'links-text');
const NAMES = readdirSync(DIR).filter((name) => /\.(xml|atom)$/.test(name)).sort();
const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);
const FEED: FeedConfig = { id: 'links-text', url: 'https://fixtures.example/feed.xml', name: 'Links and text', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };

interface ExpectedItem {
  readonly title: string;
  readonly link: string | null;
  readonly guid: string | null;
  readonly summary: string;
  readonly imageUrl?: string;
}
interface Expected {
  /** The Content-Location the document is served with, when the case is about it. */
  readonly documentUrl?: string;
  readonly items: readonly ExpectedItem[];
}

function expectedFor(name: string): Expected {
  return JSON.parse(readFileSync(join(DIR, `${name.replace(/\.(xml|atom)$/, '')}.expected.json`), 'utf8')) as Expected;
}

/** What a reader sees of each entry, through parse and normalise as the poll cycle runs them. */
function entries(feed: ParsedFeed, finalUrl: string, withImages: boolean): ExpectedItem[] {
  const { stories, skipped } = normaliseItems(feed.items, FEED, baseUrlFor(feed.link, finalUrl), NOW);
  expect(skipped).toEqual([]);
  return stories.map((story, index) => {
    const imageUrl = feed.items[index]?.imageUrl;
    return { title: story.title, link: story.url, guid: story.guid, summary: story.summary, ...(withImages && imageUrl !== undefined ? { imageUrl } : {}) };
  });
}

async function parsed(text: string, finalUrl: string, documentUrl?: string): Promise<ParsedFeed> {
  const result = await parseFeed(text, finalUrl, documentUrl);
  if ('ok' in result) throw new Error(`expected a feed, got ${result.kind}: ${result.message}`);
  return result;
}

describe('links and text fixtures through parse and normalise', () => {
  it('GIVEN the links-text folder THEN it holds the cases this suite is about', () => {
    expect(NAMES).toEqual(['atom03-modes.atom', 'atom10-base64-ids.atom', 'link-as-text.atom', 'relative-base.atom', 'summary-fallbacks.xml', 'xml-base-atom.atom', 'xml-base-rss.xml']);
  });

  for (const name of NAMES) {
    it(`GIVEN ${name} THEN every entry reads as its expected file says`, async () => {
      const expected = expectedFor(name);
      const finalUrl = `https://fixtures.example/feeds/links-text/${name}`;
      const feed = await parsed(readFileSync(join(DIR, name), 'utf8'), finalUrl, expected.documentUrl);
      const withImages = expected.items.some((item) => item.imageUrl !== undefined);
      expect(entries(feed, finalUrl, withImages)).toEqual(expected.items);
    });
  }

  it('GIVEN a relative xml:base and no Content-Location THEN it resolves against the final URL', async () => {
    const finalUrl = 'https://origin.example/feeds/world.atom';
    const feed = await parsed(readFileSync(join(DIR, 'relative-base.atom'), 'utf8'), finalUrl);
    expect(feed.items[0]?.link).toBe('https://origin.example/world/harbour-strike.html');
  });

  it('GIVEN a document with no xml:base THEN relative links stay as written for the feed-link fallback', async () => {
    const text = '<rss version="2.0"><channel><title>T</title><link>https://site.example/news/</link><item><title>A</title><link>a.html</link><guid>a.html</guid></item></channel></rss>';
    const feed = await parsed(text, 'https://feeds.example/rss.xml');
    expect(feed.items[0]).toMatchObject({ link: 'a.html', guid: 'a.html' });
    expect(entries(feed, 'https://feeds.example/rss.xml', false)[0]?.link).toBe('https://site.example/news/a.html');
  });

  it('GIVEN a guid marked isPermaLink="false" and no link THEN the guid is kept as the id but not used as the URL', async () => {
    const text = '<rss version="2.0"><channel><title>T</title><item><title>A</title><guid isPermaLink="false">https://x.example/internal/17</guid></item><item><title>B</title><guid>https://x.example/b</guid></item></channel></rss>';
    const feed = await parsed(text, 'https://x.example/rss.xml');
    expect(entries(feed, 'https://x.example/rss.xml', false).map((e) => [e.guid, e.link])).toEqual([
      ['https://x.example/internal/17', null],
      ['https://x.example/b', 'https://x.example/b'],
    ]);
  });

  it('GIVEN inline XHTML inside an RSS CDATA description THEN the description is left as written', async () => {
    const text = '<rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://x.example/a</link><description><![CDATA[<title type="xhtml"><b>x</b></title> and more]]></description></item></channel></rss>';
    const feed = await parsed(text, 'https://x.example/rss.xml');
    expect(feed.items[0]?.content).toBe('<title type="xhtml"><b>x</b></title> and more');
  });
});

describe('Content-Location through fetch', () => {
  const OPTIONS: FetchOptions = { timeoutMs: 5000, idleTimeoutMs: 5000, maxBytes: 256 * 1024, userAgent: 'Watchfloor/0.1 (test)', blockPrivateAddresses: false, baseDir: DIR };
  let server: FeedServer;
  beforeAll(async () => {
    server = await startFeedServer();
    const body = readFileSync(join(DIR, 'relative-base.atom'));
    server.route('/links-text/with-location', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/atom+xml', 'content-location': 'http://mirror.example.net/feeds/world.atom' }).end(body);
    });
    server.route('/links-text/relative-location', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/atom+xml', 'content-location': '/elsewhere/world.atom' }).end(body);
    });
    server.route('/links-text/without-location', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(body);
    });
  });
  afterAll(async () => {
    await server.close();
    await closeFetchAgents();
  });

  async function fetchAndParse(path: string): Promise<{ feed: ParsedFeed; contentLocation: string | undefined; finalUrl: string }> {
    const fetched = await fetchFeed(server.url(path), { etag: null, lastModified: null, bodyHash: null }, OPTIONS);
    if (!fetched.ok || fetched.notModified) throw new Error(`fetch failed: ${JSON.stringify(fetched)}`);
    return { feed: await parsed(fetched.text, fetched.finalUrl, fetched.contentLocation), contentLocation: fetched.contentLocation, finalUrl: fetched.finalUrl };
  }

  it('GIVEN a server that sends Content-Location THEN a relative xml:base resolves against it', async () => {
    const { feed, contentLocation } = await fetchAndParse('/links-text/with-location');
    expect(contentLocation).toBe('http://mirror.example.net/feeds/world.atom');
    expect(feed.items[0]?.link).toBe('http://mirror.example.net/world/harbour-strike.html');
  });

  it('GIVEN a relative Content-Location THEN it is resolved against the final URL first', async () => {
    const { feed, contentLocation, finalUrl } = await fetchAndParse('/links-text/relative-location');
    expect(contentLocation).toBe(new URL('/elsewhere/world.atom', finalUrl).href);
    expect(feed.items[0]?.link).toBe(new URL('/world/harbour-strike.html', finalUrl).href);
  });

  it('GIVEN Content-Location THEN the analyser (as the poll cycle calls it) hands it to the parser', async () => {
    const fetched = await fetchFeed(server.url('/links-text/with-location'), { etag: null, lastModified: null, bodyHash: null }, OPTIONS);
    if (!fetched.ok || fetched.notModified) throw new Error('fetch failed');
    const analyse = createAnalyser({ parse: parseFeed, normalise: normaliseItems });
    const analysed = await analyse({ text: fetched.text, finalUrl: fetched.finalUrl, documentUrl: fetched.contentLocation, feed: FEED, now: NOW });
    if ('ok' in analysed) throw new Error(analysed.message);
    expect(analysed.batch.stories.map((story) => story.url)).toEqual(['http://mirror.example.net/world/harbour-strike.html']);
  });

  it('GIVEN no Content-Location THEN the fetch result has none and the final URL is the base', async () => {
    const { feed, contentLocation, finalUrl } = await fetchAndParse('/links-text/without-location');
    expect(contentLocation).toBeUndefined();
    expect(feed.items[0]?.link).toBe(new URL('/world/harbour-strike.html', finalUrl).href);
  });
});

describe('links-text helpers', () => {
  it('GIVEN nested bases THEN each resolves against the one around it; a bad or unanchored base is ignored', () => {
    expect(joinBase(joinBase('https://a.example/feed.xml', '/world/'), 'asia/')).toBe('https://a.example/world/asia/');
    expect(joinBase(undefined, 'asia/')).toBeUndefined();
    expect(joinBase('https://a.example/x/', 'http://[bad')).toBe('https://a.example/x/');
    expect(joinBase('https://a.example/x/', '  ')).toBe('https://a.example/x/');
  });

  it('GIVEN a reference THEN it resolves to http(s) only, else stays as written', () => {
    expect(resolveRef('a.html', 'https://a.example/x/')).toBe('https://a.example/x/a.html');
    expect(resolveRef('a.html', 'file:///srv/feeds/')).toBe('a.html');
    expect(resolveRef('mailto:desk@a.example', 'https://a.example/')).toBe('mailto:desk@a.example');
    expect(isAbsoluteRef('urn:uuid:1')).toBe(true);
    expect(isAbsoluteRef('2025/a.html')).toBe(false);
  });

  it('GIVEN base64 text THEN UTF-8 is decoded; text that is not base64 or not UTF-8 stays as written', () => {
    expect(decodeBase64Text(Buffer.from('Київ', 'utf8').toString('base64'))).toBe('Київ');
    expect(decodeBase64Text('not base64!')).toBe('not base64!');
    expect(decodeBase64Text(Buffer.from([0xff, 0xfe, 0xfd]).toString('base64'))).toBe('//79');
  });

  it('GIVEN inline XHTML THEN it is wrapped in CDATA; CDATA, comments, self-closing and plain constructs are left alone', () => {
    expect(prepareForParser('<title type="xhtml"><div>A <b>B</b> C</div></title>')).toBe('<title type="xhtml"><![CDATA[<div>A <b>B</b> C</div>]]></title>');
    expect(prepareForParser('<xhtml:body><xhtml:p>A</xhtml:p></xhtml:body>')).toBe('<xhtml:body><![CDATA[<p>A</p>]]></xhtml:body>');
    const untouched = ['<!-- <title type="xhtml"><b>x</b></title> -->', '<content type="xhtml" src="x"/><title>t</title>', '<summary type="text">a</summary>', '<title type="xhtml">plain</title>'];
    for (const text of untouched) expect(prepareForParser(text)).toBe(text);
  });

  it('GIVEN many unclosed inline-markup tags (a hostile document) THEN the scan still finishes and changes nothing', () => {
    const text = `<feed>${'<body><p>x</p>'.repeat(50_000)}</feed>`;
    expect(prepareForParser(text)).toBe(text);
    const links = `<feed>${'<link><link rel="a">'.repeat(50_000)}</feed>`;
    expect(prepareForParser(links)).toBe(links);
  });
});
