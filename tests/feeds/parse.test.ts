import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig } from '../../src/core/types.js';
import { decodeBody } from '../../src/feeds/charset.js';
import { parseFeed } from '../../src/feeds/parse.js';
import type { FetchFailure, ParsedFeed } from '../../src/feeds/types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/feeds');
const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);
const FEED: FeedConfig = { id: 'fixture', url: 'https://fixtures.example/feed.xml', name: 'Fixture', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

const fixtureNames = readdirSync(FIXTURES).filter((name) => /\.(xml|atom|rdf|html)$/.test(name)).sort();

async function parseFixture(name: string) {
  const decoded = decodeBody(readFileSync(join(FIXTURES, name)), null);
  const finalUrl = `https://fixtures.example/feeds/${name}`;
  return { decoded, finalUrl, result: await parseFeed(decoded.text, finalUrl) };
}

function expectFeed(result: ParsedFeed | FetchFailure): ParsedFeed {
  if ('ok' in result) throw new Error(`expected a feed, got ${result.kind}: ${result.message}`);
  return result;
}

describe('golden: every fixture parses and normalises to its committed expected JSON', () => {
  it('GIVEN the fixture directory THEN it holds every format and charset', () => {
    expect(fixtureNames).toEqual(expect.arrayContaining(['rss2-full.xml', 'atom-full.atom', 'rss1-rdf.rdf', 'rss091.xml', 'charset-euc-kr.xml', 'charset-koi8-u.xml']));
  });

  for (const name of fixtureNames) {
    it(`GIVEN ${name} THEN the output equals ${name}.expected.json (UPDATE_GOLDEN=1 rewrites it)`, async () => {
      const { decoded, finalUrl, result } = await parseFixture(name);
      const actual =
        'ok' in result
          ? { charset: decoded.charset, failure: { kind: result.kind, message: result.message } }
          : { charset: decoded.charset, feed: result, stories: normaliseItems(result.items, FEED, finalUrl, NOW) };
      const goldenPath = join(FIXTURES, `${name}.expected.json`);
      const json = `${JSON.stringify(actual, null, 2)}\n`;
      if (UPDATE_GOLDEN) writeFileSync(goldenPath, json);
      expect(json).toBe(readFileSync(goldenPath, 'utf8'));
    });
  }
});

describe('parseFeed: formats', () => {
  it('GIVEN RSS 2.0 with content:encoded, dc:creator and media THEN each lands in its field', async () => {
    const feed = expectFeed((await parseFixture('rss2-full.xml')).result);
    expect(feed.format).toBe('rss');
    const [first, second] = feed.items;
    expect(first?.author).toBe('Ha-eun Park & Tom Reyes');
    expect(first?.content).toContain('<figure>');
    expect(first?.summary).toContain('set a timetable');
    expect(first?.imageUrl).toBe('https://cdn.harbourline.example/img/busan-1200.jpg');
    expect(first?.categories).toEqual(['South Korea', 'Japan']);
    expect(second?.imageUrl).toBe('https://cdn.harbourline.example/img/kharkiv.jpg');
  });

  it('GIVEN Atom whose first link is rel="related" THEN the alternate (no rel) link is used', async () => {
    const feed = expectFeed((await parseFixture('atom-full.atom')).result);
    expect(feed.format).toBe('atom');
    expect(feed.link).toBe('https://easterndesk.example/');
    expect(feed.items[0]?.link).toBe('https://easterndesk.example/2025/03/grain-convoy?utm_campaign=atom');
    expect(feed.items[0]?.categories).toEqual(['Ukraine', 'shipping']);
  });

  it('GIVEN an Atom entry with an invalid <published> THEN the feed still parses and <updated> is kept as a fallback, not put in its place', async () => {
    const feed = expectFeed((await parseFixture('atom-full.atom')).result);
    expect(feed.items).toHaveLength(3);
    expect(feed.items[1]?.published).toBe('sometime last week');
    expect(feed.items[1]?.otherDates).toEqual(['2025-03-09T18:20:00Z']);
    expect(feed.items[2]?.published).toBe('2025-03-08T12:00:00Z');
  });

  it('GIVEN RSS 1.0 (RDF) THEN items outside <channel> are read with dc:date and rdf:about', async () => {
    const feed = expectFeed((await parseFixture('rss1-rdf.rdf')).result);
    expect(feed.format).toBe('rdf');
    expect(feed.items.map((i) => [i.guid, i.published])).toEqual([
      ['https://peninsula-monitor.example/notes/2025-03-launch', '2025-03-09T22:10:00+09:00'],
      ['https://peninsula-monitor.example/notes/2025-03-rail', '2025-03-07'],
    ]);
    expect(feed.items[0]?.categories).toEqual(['North Korea']);
  });

  it('GIVEN RSS 0.91 with HTML entities from its DTD THEN the text is decoded', async () => {
    const feed = expectFeed((await parseFixture('rss091.xml')).result);
    expect(feed.items[0]?.title).toBe('Café owners welcome the new tram line');
  });

  it('GIVEN a media:group-only item THEN its title and description come from the group', async () => {
    const feed = expectFeed((await parseFixture('media-only.xml')).result);
    expect(feed.items[0]).toMatchObject({ title: 'Morning briefing from Seoul', content: 'Today: the budget vote and the weather on the coast.', imageUrl: 'https://video.example/thumbs/seoul-0310.jpg' });
  });

  it('GIVEN bare ampersands ("Q&A") THEN the feed is repaired instead of lost', async () => {
    const feed = expectFeed((await parseFixture('bare-ampersand.xml')).result);
    expect(feed.items[0]?.title).toBe('Shipbuilders & steelmakers lead gains');
    expect(feed.items[0]?.link).toBe('https://trade.example/story?id=7&lang=en');
  });

  it('GIVEN an aggregator\'s <source> (RSS text with a url, Atom a feed\'s title) THEN the outlet is read as the item\'s source; an empty or over-long one is none', async () => {
    const rss = expectFeed(await parseFeed(`<rss version="2.0"><channel><title>t</title>
      <item><title>Fed holds rates - 38 North</title><link>https://a.example/1</link><source url="https://www.38north.org">  38
        North </source></item>
      <item><title>Two</title><link>https://a.example/2</link><source url="https://x.example"> </source></item>
      <item><title>Three</title><link>https://a.example/3</link><source>${'A'.repeat(101)}</source></item>
      </channel></rss>`, 'https://a.example/feed'));
    expect(rss.items.map((i) => i.source)).toEqual(['38 North', undefined, undefined]);
    const atom = expectFeed(await parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:t</id>
      <entry><title>Fed holds rates - Sino-NK</title><id>urn:1</id><link href="https://a.example/1"/>
        <source><id>urn:sino</id><title>Sino-NK</title><updated>2025-03-10T00:00:00Z</updated></source></entry>
      </feed>`, 'https://a.example/feed'));
    expect(atom.items[0]?.source).toBe('Sino-NK');
  });

  it('GIVEN an empty channel THEN a feed with no items, not a failure', async () => {
    const feed = expectFeed((await parseFixture('empty.xml')).result);
    expect(feed).toEqual({ format: 'rss', title: 'Quiet Desk', link: 'https://quiet.example/', items: [] });
  });
});

describe('parseFeed: charsets end to end (bytes → decodeBody → parseFeed)', () => {
  const cases: [string, string, string][] = [
    ['charset-euc-kr.xml', 'euc-kr', '남북 철도 연결 사업 재개 논의'],
    ['charset-windows-1251.xml', 'windows-1251', 'В Киеве восстановлено электроснабжение'],
    ['charset-koi8-u.xml', 'koi8-u', 'Київ: відновлення енергосистеми триває'],
    ['charset-iso-8859-1.xml', 'windows-1252', 'Genève accueille une conférence sur la sécurité alimentaire'],
    ['charset-utf-16le-bom.xml', 'utf-16le', '북한, 동해상으로 탄도미사일 발사'],
    ['charset-utf-16be-bom.xml', 'utf-16be', '북한, 동해상으로 탄도미사일 발사'],
    ['charset-utf-8-bom.xml', 'utf-8', '북한, 동해상으로 탄도미사일 발사'],
  ];
  for (const [name, charset, title] of cases) {
    it(`GIVEN ${name} THEN it decodes as ${charset} and the first title is exact`, async () => {
      const { decoded, result } = await parseFixture(name);
      expect(decoded.charset).toBe(charset);
      expect(expectFeed(result).items[0]?.title).toBe(title);
    });
  }
});

describe('parseFeed: failures', () => {
  it('GIVEN an HTML page THEN not-a-feed with advice', async () => {
    const { result } = await parseFixture('not-a-feed.html');
    expect(result).toMatchObject({ ok: false, kind: 'not-a-feed' });
    expect('ok' in result && result.message).toMatch(/returned an HTML page, not a feed.*RSS\/Atom link/);
  });

  it('GIVEN truncated XML THEN a parse failure with line, column and a truncation hint', async () => {
    const { result } = await parseFixture('truncated.xml');
    expect(result).toMatchObject({ ok: false, kind: 'parse' });
    expect('ok' in result && result.message).toMatch(/not well-formed XML at line \d+, column \d+: .*truncated/);
  });

  it('GIVEN an empty or whitespace body THEN not-a-feed', async () => {
    for (const text of ['', '  \n', '\uFEFF']) {
      const result = await parseFeed(text, 'https://e.example/feed');
      expect(result).toMatchObject({ ok: false, kind: 'not-a-feed', url: 'https://e.example/feed' });
    }
  });

  it('GIVEN JSON, plain text or a non-feed XML root THEN not-a-feed naming what it was', async () => {
    await expect(parseFeed('{"version":"https://jsonfeed.org/version/1"}', 'u')).resolves.toMatchObject({ kind: 'not-a-feed', message: expect.stringMatching(/JSON Feed is not supported/) });
    await expect(parseFeed('Service Unavailable', 'u')).resolves.toMatchObject({ kind: 'not-a-feed', message: expect.stringMatching(/not XML \("Service Unavailable…"\)/) });
    const { result } = await parseFixture('opml.xml');
    expect(result).toMatchObject({ kind: 'not-a-feed', message: expect.stringMatching(/root <opml>, not RSS or Atom/) });
  });

  it('GIVEN <rss version="3.0"> with a broken tag THEN parse, and a valid unknown version parses as 2.0', async () => {
    await expect(parseFeed('<rss version="3.0"><channel><title>x</title><item><title>a</title></item></channel></rss>', 'u')).resolves.toMatchObject({ format: 'rss', items: [{ title: 'a' }] });
    await expect(parseFeed('<rss><channel><title>x</ti></channel></rss>', 'u')).resolves.toMatchObject({ kind: 'parse' });
  });

  it('GIVEN a parse after a failed parse THEN the second document is unaffected', async () => {
    await parseFeed('<rss version="2.0"><channel><title>broken', 'u');
    const feed = expectFeed(await parseFeed('<rss version="2.0"><channel><title>ok</title></channel></rss>', 'u'));
    expect(feed.title).toBe('ok');
  });
});

describe('parseFeed + normalise: every date element, in order of preference (issue 14, dates)', () => {
  /** [published as written, otherDates as written, publishedAt ISO or 'estimated'] per item. */
  type Row = [string | undefined, string[], string];
  const cases: [string, string, Row[]][] = [
    ['dates-atom03.atom', 'en', [
      ['2025-03-09T18:30:00+09:00', ['2025-03-09T09:00:00Z', '2025-03-10T07:00:00Z'], '2025-03-09T09:30:00.000Z'],
      ['2025-03-08T12:15:00Z', [], '2025-03-08T12:15:00.000Z'],
      ['2025-03-07T06:45:00', [], '2025-03-07T06:45:00.000Z'],
      ['the day before yesterday', ['2025-03-06T21:00:00-05:00'], '2025-03-07T02:00:00.000Z'],
    ]],
    ['dates-atom-updated-multiple.atom', 'en', [
      ['2025-03-09T19:00:00+09:00', ['2025-03-08T22:00:00Z', '2025-03-08T10:00:00Z'], '2025-03-09T10:00:00.000Z'],
      ['2025-03-07T08:00:00Z', ['2025-03-09T08:00:00Z'], '2025-03-07T08:00:00.000Z'],
    ]],
    ['dates-rss1-dcterms.rdf', 'en', [
      ['2025-03-05T14:20:00+02:00', ['2025-03-10T06:00:00Z'], '2025-03-05T12:20:00.000Z'],
      ['2025-03-04', [], '2025-03-04T00:00:00.000Z'],
      ['2025-03-03T11:00:00Z', ['2025-03-09T00:00:00Z'], '2025-03-03T11:00:00.000Z'],
      ['2025-03-02T10:00:00Z', ['2025-03-01T00:00:00Z'], '2025-03-02T10:00:00.000Z'],
    ]],
    ['dates-rss2-zones.xml', 'en', [
      ['Sun, 09 Mar 2025 11:30:00 MEST', [], '2025-03-09T09:30:00.000Z'],
      ['Sun, 09 Mar 2025 18:30:00 Etc/GMT-9', [], '2025-03-09T09:30:00.000Z'],
      ['Sun, 09 Mar 2025 04:30:00 ET', [], '2025-03-09T09:30:00.000Z'],
      ['Sunday, 09 March 2025 09:30:00 GMT', [], '2025-03-09T09:30:00.000Z'],
      ['Sun Mar  9 09:30:00 2025', [], '2025-03-09T09:30:00.000Z'],
      ['09 Mar 2025', [], '2025-03-09T00:00:00.000Z'],
      ['2025-003-09T09:30:00Z', [], '2025-03-09T09:30:00.000Z'],
      ['-03-09', [], 'estimated'],
      ['soon', ['2025-03-09T09:30:00Z'], '2025-03-09T09:30:00.000Z'],
    ]],
    ['dates-korean.xml', 'ko', [
      ['2025-03-09 오후 11:23:17', [], '2025-03-09T14:23:17.000Z'],
      ['2025년 3월 9일 (일) 14:03', [], '2025-03-09T05:03:00.000Z'],
      ['2025. 3. 9. 오전 9:05:00', [], '2025-03-09T00:05:00.000Z'],
      ['2025.03.09 14:03', [], '2025-03-09T05:03:00.000Z'],
      ['2025년 03월 09일 오후 2시 3분', [], '2025-03-09T05:03:00.000Z'],
    ]],
    ['dates-ukrainian.xml', 'uk', [
      ['9 березня 2025 р. о 14:03', [], '2025-03-09T14:03:00.000Z'],
      ['неділя, 9 березня 2025, 14:03 +0200', [], '2025-03-09T12:03:00.000Z'],
      ['9 марта 2025 г., 14:03 MSK', [], '2025-03-09T11:03:00.000Z'],
      ['09.03.2025 14:03', [], '2025-03-09T14:03:00.000Z'],
    ]],
  ];
  for (const [name, language, rows] of cases) {
    it(`GIVEN ${name} (feed language ${language}) THEN each entry's dates and publication instant are exact`, async () => {
      const { finalUrl, result } = await parseFixture(name);
      const feed = expectFeed(result);
      const { stories } = normaliseItems(feed.items, { ...FEED, language }, finalUrl, NOW);
      const actual = feed.items.map((item, index): Row => {
        const story = stories[index];
        return [item.published, [...(item.otherDates ?? [])], story === undefined || story.publishedEstimated ? 'estimated' : new Date(story.publishedAt).toISOString()];
      });
      expect(actual).toEqual(rows);
    });
  }

  it('GIVEN an Atom entry whose <published> is unreadable THEN the story takes its <updated>, not the first-seen time', async () => {
    const { finalUrl, result } = await parseFixture('atom-full.atom');
    const { stories } = normaliseItems(expectFeed(result).items, FEED, finalUrl, NOW);
    expect(stories[1]).toMatchObject({ publishedAt: Date.UTC(2025, 2, 9, 18, 20), publishedEstimated: false });
  });
});
