import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/feeds/charset.js';
import { parseFeed } from '../../src/feeds/parse.js';
import { salvageFeed } from '../../src/feeds/salvage.js';
import type { FetchFailure, ParsedFeed } from '../../src/feeds/types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/feeds/salvage');
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';
const fixtureNames = readdirSync(FIXTURES).filter((name) => /\.(xml|atom|rdf)$/.test(name)).sort();

function expectFeed(result: ParsedFeed | FetchFailure): ParsedFeed {
  if ('ok' in result) throw new Error(`expected a feed, got ${result.kind}: ${result.message}`);
  return result;
}

/** The entry fields a reader relies on, so the golden files follow salvage, not every mapping detail. */
function summary(feed: ParsedFeed) {
  return {
    format: feed.format,
    title: feed.title,
    link: feed.link,
    repairs: feed.repairs,
    items: feed.items.map((item) => ({ guid: item.guid, link: item.link, title: item.title, published: item.published, content: item.content, author: item.author, imageUrl: item.imageUrl })),
  };
}

const rss = (items: string, doctype = '') =>
  `<?xml version="1.0"?>${doctype}<rss version="2.0"><channel><title>T</title><link>https://x.example/</link>${items}</channel></rss>`;

describe('golden: every salvage fixture is read after repair, with the entry fields in its expected JSON', () => {
  it('GIVEN the salvage fixtures THEN there is one per repair', () => {
    expect(fixtureNames).toEqual(['cut-in-last-tag.xml', 'dtd-entities.xml', 'html-entities.xml', 'no-channel.xml', 'prefixed-root.xml', 'rss1-prefixed.rdf', 'truncated-item.xml']);
  });

  for (const name of fixtureNames) {
    it(`GIVEN ${name} THEN the feed is read and equals ${name}.expected.json (UPDATE_GOLDEN=1 rewrites it)`, async () => {
      const decoded = decodeBody(readFileSync(join(FIXTURES, name)), null);
      const feed = expectFeed(await parseFeed(decoded.text, `https://fixtures.example/feeds/salvage/${name}`));
      expect(feed.repairs?.length).toBeGreaterThan(0);
      const json = `${JSON.stringify(summary(feed), null, 2)}\n`;
      const goldenPath = join(FIXTURES, `${name}.expected.json`);
      if (UPDATE_GOLDEN) writeFileSync(goldenPath, json);
      expect(json).toBe(readFileSync(goldenPath, 'utf8'));
    });
  }
});

describe('salvageFeed: prefixes', () => {
  it('GIVEN <r:rss> THEN the r: prefix goes from every r: element and other namespaces stay', () => {
    const text = '<r:rss xmlns:r="u" xmlns:dc="d" xmlns:media="m" xmlns:atom="a"><r:channel><atom:link href="s" rel="self"/><r:item><r:title>A</r:title><dc:date>2025</dc:date><media:content url="i"/></r:item></r:channel></r:rss>';
    const { text: out, repairs } = salvageFeed(text);
    expect(out).toBe('<rss xmlns:r="u" xmlns:dc="d" xmlns:media="m" xmlns:atom="a"><channel><atom:link href="s" rel="self"/><item><title>A</title><dc:date>2025</dc:date><media:content url="i"/></item></channel></rss>');
    expect(repairs).toEqual(['removed namespace prefix r: from the root (8 tags)']);
  });

  it('GIVEN RSS 1.0 with rss:-prefixed elements THEN only the prefix bound to the RSS 1.0 namespace goes', () => {
    const text = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/" xmlns:dc="d"><rss:channel rdf:about="x"><rss:title>T</rss:title></rss:channel><rss:item rdf:about="y"><rss:title>A</rss:title><dc:date>2025</dc:date></rss:item></rdf:RDF>';
    const { text: out, repairs } = salvageFeed(text);
    expect(out).toBe('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/" xmlns:dc="d"><channel rdf:about="x"><title>T</title></channel><item rdf:about="y"><title>A</title><dc:date>2025</dc:date></item></rdf:RDF>');
    expect(repairs).toEqual(['removed the RSS 1.0 namespace prefix rss: from 8 tags']);
  });

  it('GIVEN RSS 2.0 with atom:link and media:content THEN nothing is renamed', () => {
    const text = rss('<atom:link href="s" rel="self"/><item><title>A</title><media:content url="i"/></item>');
    expect(salvageFeed(text)).toEqual({ text, repairs: [] });
  });

  it('GIVEN a prefixed element name inside CDATA THEN it is text and is left alone', () => {
    const text = '<r:rss xmlns:r="u"><r:channel><r:item><r:title><![CDATA[<r:item> is markup]]></r:title></r:item></r:channel></r:rss>';
    expect(salvageFeed(text).text).toBe('<rss xmlns:r="u"><channel><item><title><![CDATA[<r:item> is markup]]></title></item></channel></rss>');
  });
});

describe('salvageFeed: a missing <channel>', () => {
  it('GIVEN <rss> holding items directly THEN its content is wrapped in a <channel>', () => {
    const { text, repairs } = salvageFeed('<rss version="2.0"><title>T</title><item><title>A</title></item></rss>');
    expect(text).toBe('<rss version="2.0"><channel><title>T</title><item><title>A</title></item></channel></rss>');
    expect(repairs).toEqual(['wrapped items in a <channel>']);
  });

  it('GIVEN items after a closed <channel> THEN the end tag moves after them', () => {
    const { text, repairs } = salvageFeed('<rss><channel><title>T</title></channel>\n<item><title>A</title></item>\n</rss>');
    expect(text).toBe('<rss><channel><title>T</title>\n<item><title>A</title></item>\n</channel></rss>');
    expect(repairs).toEqual(['moved items after the </channel> into it']);
  });

  it('GIVEN <rss> with a <channel> THEN nothing is wrapped', () => {
    expect(salvageFeed(rss('<item><title>A</title></item>')).repairs).toEqual([]);
  });
});

describe('salvageFeed: entities', () => {
  it('GIVEN HTML entity names THEN they become numeric references and XML ones stay', () => {
    const { text, repairs } = salvageFeed(rss('<item><title>a&nbsp;b &eacute; &starf; &amp; &lt;</title></item>'));
    expect(text).toContain('<title>a&#160;b &#233; &#9733; &amp; &lt;</title>');
    expect(repairs).toEqual(['replaced 3 HTML entities (&nbsp; &eacute; &starf;)']);
  });

  it('GIVEN an HTML entity in CDATA or a comment THEN it is left as written', () => {
    const text = rss('<item><title><![CDATA[a&nbsp;b]]></title><!-- &eacute; --></item>');
    expect(salvageFeed(text)).toEqual({ text, repairs: [] });
  });

  it('GIVEN an unknown name or a legacy prefix of one (&notfoo;) THEN it is kept as literal text', () => {
    const { text, repairs } = salvageFeed(rss('<item><title>&notfoo; &madeup;</title></item>'));
    expect(text).toContain('<title>&amp;notfoo; &amp;madeup;</title>');
    expect(repairs).toEqual(['kept 2 unknown or external entities as literal text (&notfoo; &madeup;)']);
  });

  it('GIVEN references to characters XML forbids (past U+10FFFF, a surrogate, NUL) THEN they become U+FFFD, valid ones stay, and the feed is read', async () => {
    const rss = '<rss version="2.0"><channel><title>T</title><item><title>Bad &#1114112; &#xD800; &#0; good &#233; &#x1F600;</title><link>https://x.example/1</link></item></channel></rss>';
    const { text, repairs } = salvageFeed(rss);
    expect(text).toContain('Bad &#xFFFD; &#xFFFD; &#xFFFD; good &#233; &#x1F600;');
    expect(repairs).toEqual(['replaced 3 references to characters XML forbids with U+FFFD (#1114112 #xD800 #0)']);
    const feed = await parseFeed(rss, 'https://x.example/feed');
    if ('ok' in feed) throw new Error(`refused: ${feed.message}`);
    expect(feed.items[0]?.title).toBe('Bad \uFFFD \uFFFD \uFFFD good é 😀');
  });

  it('GIVEN a small plain-text entity in the internal DTD subset THEN it is substituted, escaped', () => {
    const { text, repairs } = salvageFeed(rss('<item><title>&co;</title><link title="&co;">x</link></item>', `<!DOCTYPE rss [<!ENTITY co 'A "B" > C'>]>`));
    expect(text).toContain('<title>A &quot;B&quot; &gt; C</title><link title="A &quot;B&quot; &gt; C">');
    expect(repairs).toEqual(['substituted 2 entities declared in the DTD (&co;)']);
  });

  it('GIVEN an external entity THEN it is never resolved, only kept as literal text', () => {
    const { text } = salvageFeed(rss('<item><title>&xxe;</title></item>', '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'));
    expect(text).toContain('<title>&amp;xxe;</title>');
  });

  it('GIVEN nested entity definitions THEN the ones referring to other entities are not expanded', () => {
    const doctype = '<!DOCTYPE rss [<!ENTITY a0 "lol"><!ENTITY a1 "&a0;&a0;&a0;">]>';
    const { text } = salvageFeed(rss('<item><title>&a1;</title></item>', doctype));
    expect(text).toContain('<title>&amp;a1;</title>');
  });

  it('GIVEN a declared entity over the size limit, or many references past the total budget THEN the excess is not substituted', () => {
    const big = salvageFeed(rss('<item><title>&big;</title></item>', `<!DOCTYPE rss [<!ENTITY big "${'x'.repeat(2000)}">]>`));
    expect(big.text).toContain('<title>&amp;big;</title>');
    const many = salvageFeed(rss(`<item><title>${'&k;'.repeat(200)}</title></item>`, `<!DOCTYPE rss [<!ENTITY k "${'y'.repeat(1000)}">]>`));
    expect(many.text.length).toBeLessThan(70 * 1024 + 2000);
    expect(many.text).toContain('&amp;k;');
  });
});

describe('salvageFeed: a truncated tail', () => {
  it('GIVEN a document cut inside its last end tag THEN the half tag is dropped and the root closed', () => {
    const { text, repairs } = salvageFeed('<rss><channel><item><title>A</title></item></channel></rs');
    expect(text).toBe('<rss><channel><item><title>A</title></item></channel></rss>');
    expect(repairs).toEqual(['closed 1 element cut off at the end']);
  });

  it('GIVEN an item whose children are all complete THEN the item is kept and closed', () => {
    const { text, repairs } = salvageFeed('<rss><channel><item><title>A</title><link>u</link>\n  </it');
    expect(text).toBe('<rss><channel><item><title>A</title><link>u</link></item></channel></rss>');
    expect(repairs).toEqual(['closed 3 elements cut off at the end']);
  });

  it('GIVEN an item cut in the middle of its content THEN that item is dropped and the rest closed', () => {
    for (const tail of ['<description>half', '<description><![CDATA[<p>ha', '<link href="ht', '<titl']) {
      const { text, repairs } = salvageFeed(`<rss><channel><item><title>A</title></item>\n<item><title>B</title>${tail}`);
      expect(text).toBe('<rss><channel><item><title>A</title></item></channel></rss>');
      expect(repairs).toEqual(['dropped a half-written last item', 'closed 2 elements cut off at the end']);
    }
  });

  it('GIVEN a channel element cut in its text THEN the text is kept and everything closed', () => {
    expect(salvageFeed('<feed><title>Par').text).toBe('<feed><title>Par</title></feed>');
  });

  it('GIVEN a well-formed document THEN nothing changes', () => {
    const text = rss('<item><title>A &amp; B</title><description><![CDATA[<p>x</p>]]></description></item>');
    expect(salvageFeed(text)).toEqual({ text, repairs: [] });
  });
});

describe('parseFeed: salvage and its reports', () => {
  it('GIVEN a prefixed Atom root, an HTML entity, a bare ampersand and a cut last entry together THEN the complete entry is read and each repair named', async () => {
    const text = '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>T</a:title><a:entry><a:title>A&hyphen;B</a:title><a:link href="https://x.example/a?x=1&y=2"/><a:id>1</a:id></a:entry><a:entry><a:title>B</a:title><a:summary>cu';
    const feed = expectFeed(await parseFeed(text, 'https://x.example/feed'));
    expect(feed.format).toBe('atom');
    expect(feed.items.map((item) => [item.title, item.link])).toEqual([['A\u2010B', 'https://x.example/a?x=1&y=2']]);
    expect(feed.repairs).toEqual(['removed namespace prefix a: from the root (14 tags)', 'replaced 1 HTML entity (&hyphen;)', 'dropped a half-written last item', 'closed 1 element cut off at the end']);
  });

  it('GIVEN a feed that parses THEN it carries no repairs', async () => {
    const feed = expectFeed(await parseFeed(rss('<item><title>A</title><link>https://x.example/a</link></item>'), 'https://x.example/feed'));
    expect(feed.repairs).toBeUndefined();
  });

  it('GIVEN items after the <channel> closed (which rss-parser reads silently as none) THEN they are moved in and read', async () => {
    const text = '<rss version="2.0"><channel><title>T</title></channel><item><title>A</title><link>https://x.example/a</link></item></rss>';
    const feed = expectFeed(await parseFeed(text, 'https://x.example/feed'));
    expect(feed.items.map((item) => item.title)).toEqual(['A']);
    expect(feed.repairs).toEqual(['moved items after the </channel> into it']);
  });

  it('GIVEN an empty feed with no item anywhere THEN it stays an empty feed with no repairs', async () => {
    const feed = expectFeed(await parseFeed(rss(''), 'https://x.example/feed'));
    expect(feed.items).toEqual([]);
    expect(feed.repairs).toBeUndefined();
  });

  it('GIVEN a document cut inside its only item THEN it is still reported as truncated, not as an empty feed', async () => {
    const result = await parseFeed('<rss version="2.0"><channel><title>T</title><item><title>A</title><description>hal', 'https://x.example/feed');
    expect('ok' in result && result.message).toMatch(/not well-formed XML.*looks truncated/);
  });

  it("GIVEN RSS 1.0 with neither channel nor item THEN rss-parser's TypeError is reported as a structure problem, not as malformed XML", async () => {
    const result = await parseFeed('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><title>x</title></rdf:RDF>', 'https://x.example/feed');
    if (!('ok' in result)) throw new Error('expected a failure');
    expect(result.kind).toBe('parse');
    expect(result.message).toMatch(/^https:\/\/x\.example\/feed: rss-parser could not read this feed's structure \(root <rdf:RDF>, no <channel>, no <item> or <entry>\): /);
    expect(result.message).not.toMatch(/well-formed/);
  });
});
