import { describe, expect, it } from 'vitest';
import { canonicalUrl, htmlToPlainText, normaliseItem, normaliseItemDetailed, normaliseItems, parseFeedDate, storyId, SUMMARY_MAX_CHARS, truncateText } from '../../src/core/story.js';
import type { FeedConfig, RawItem } from '../../src/core/types.js';

const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);
const FEED: FeedConfig = { id: 'example-wire', url: 'https://news.example.org/rss.xml', name: 'Example Wire', language: 'en', kind: 'wire', intervalMinutes: undefined, enabled: true, topics: [] };
const FEED_URL = 'https://news.example.org/feeds/world/rss.xml';

function raw(over: Partial<RawItem> = {}): RawItem {
  return { guid: undefined, link: undefined, title: undefined, content: undefined, summary: undefined, published: undefined, author: undefined, categories: [], ...over };
}

describe('canonicalUrl', () => {
  it('GIVEN a relative link THEN it resolves against the feed URL', () => {
    expect(canonicalUrl('../politics/summit.html', FEED_URL)).toBe('https://news.example.org/feeds/politics/summit.html');
    expect(canonicalUrl('/a/1', FEED_URL)).toBe('https://news.example.org/a/1');
  });

  it('GIVEN tracking parameters and a fragment THEN they are removed and the rest sorted', () => {
    expect(canonicalUrl('https://News.Example.org:443/a?utm_source=x&z=2&fbclid=abc&a=1&UTM_Medium=y&gclid=q&ref_src=tw&_ga=1&spm=3#comments', null)).toBe('https://news.example.org/a?a=1&z=2');
  });

  it('GIVEN only tracking parameters THEN no "?" is left', () => {
    expect(canonicalUrl('http://example.com:80/story?mc_cid=1&mc_eid=2&igshid=3&yclid=4&ref=rss', null)).toBe('http://example.com/story');
  });

  it('GIVEN credentials in the URL THEN they are dropped', () => {
    expect(canonicalUrl('https://user:secret@example.com/x', null)).toBe('https://example.com/x');
  });

  it('GIVEN non-http schemes or junk THEN null', () => {
    expect(canonicalUrl('javascript:alert(1)', FEED_URL)).toBeNull();
    expect(canonicalUrl('mailto:desk@example.org', FEED_URL)).toBeNull();
    expect(canonicalUrl('   ', FEED_URL)).toBeNull();
    expect(canonicalUrl(undefined, FEED_URL)).toBeNull();
    expect(canonicalUrl('relative/only', null)).toBeNull();
  });

  it('GIVEN a local-path base THEN absolute links still work and relative ones are refused', () => {
    expect(canonicalUrl('https://example.com/a', '/srv/feeds/local.xml')).toBe('https://example.com/a');
    expect(canonicalUrl('a.html', 'file:///srv/feeds/local.xml')).toBeNull();
  });
});

describe('htmlToPlainText', () => {
  it('GIVEN an XHTML-style self-closed iframe or script THEN the text after it is kept, and what an open one holds is still skipped', () => {
    expect(htmlToPlainText('Talks resume <iframe src="https://player.example/1"/> in Panmunjom.')).toBe('Talks resume in Panmunjom.');
    expect(htmlToPlainText('Before <script src="x.js" /> after')).toBe('Before after');
    expect(htmlToPlainText('Before <iframe src="p">fallback text</iframe> after')).toBe('Before after');
  });

  it('GIVEN HTML with links, images and entities THEN plain text with folded whitespace comes out', () => {
    const html = '<p>Seoul &amp; Pyongyang&nbsp;talk   <a href="https://x.example/">again</a>.</p>\n<img src="a.png" alt="photo"><p>Second&#x2014;para</p>';
    expect(htmlToPlainText(html)).toBe('Seoul & Pyongyang talk again. Second—para');
  });

  it('GIVEN headings and scripts THEN headings keep their case and scripts vanish', () => {
    expect(htmlToPlainText('<h2>Kyiv update</h2><script>alert(1)</script><style>p{}</style>ok')).toBe('Kyiv update ok');
  });

  it('GIVEN control and bidi-override characters THEN they are removed', () => {
    expect(htmlToPlainText('A\u0007B\u202eC')).toBe('ABC');
  });

  it('GIVEN plain text with "<" THEN it survives', () => {
    expect(htmlToPlainText('Growth < 2% & falling')).toBe('Growth < 2% & falling');
  });
});

describe('truncateText', () => {
  it('GIVEN long text with spaces THEN it is cut on a word boundary with an ellipsis', () => {
    const out = truncateText('alpha beta gamma delta epsilon', 15);
    expect(out).toBe('alpha beta…');
    expect(out.length).toBeLessThanOrEqual(15);
  });

  it('GIVEN text without spaces THEN it is cut on a grapheme boundary, never inside an emoji', () => {
    const out = truncateText('한국어뉴스👨‍👩‍👧속보입니다', 7);
    expect(out).toBe('한국어뉴스…');
    // A flag is 4 UTF-16 units: with room for 4 it fits, with room for 3 it is dropped whole.
    expect(truncateText('🇺🇦🇺🇦🇺🇦', 5)).toBe('🇺🇦…');
    expect(truncateText('🇺🇦🇺🇦🇺🇦', 4)).toBe('…');
  });
});

describe('parseFeedDate', () => {
  it('GIVEN RFC 822 and ISO 8601 dates THEN epoch ms', () => {
    expect(parseFeedDate('Mon, 10 Mar 2025 09:30:00 GMT')).toBe(Date.UTC(2025, 2, 10, 9, 30));
    expect(parseFeedDate('Mon, 10 Mar 2025 18:30:00 +0900')).toBe(Date.UTC(2025, 2, 10, 9, 30));
    expect(parseFeedDate('2025-03-10T09:30:00Z')).toBe(Date.UTC(2025, 2, 10, 9, 30));
    expect(parseFeedDate('2025-03-10T11:30:00+02:00')).toBe(Date.UTC(2025, 2, 10, 9, 30));
  });

  it('GIVEN zone abbreviations V8 does not know THEN they are mapped', () => {
    expect(parseFeedDate('Mon, 10 Mar 2025 18:30:00 KST')).toBe(Date.UTC(2025, 2, 10, 9, 30));
    expect(parseFeedDate('Mon, 10 Mar 2025 12:30:00 MSK')).toBe(Date.UTC(2025, 2, 10, 9, 30));
  });

  it('GIVEN a time without a zone THEN it is read as UTC, not local time', () => {
    expect(parseFeedDate('2025-03-10 09:30:00')).toBe(Date.UTC(2025, 2, 10, 9, 30));
    expect(parseFeedDate('10 Mar 2025 09:30')).toBe(Date.UTC(2025, 2, 10, 9, 30));
  });

  it('GIVEN garbage THEN null', () => {
    expect(parseFeedDate('yesterday-ish')).toBeNull();
    expect(parseFeedDate('')).toBeNull();
  });
});

describe('normaliseItem', () => {
  it('GIVEN a full item THEN a plain-text story with canonical URL and feed date', () => {
    const story = normaliseItem(raw({
      guid: 'urn:example:1', link: '/world/2025/03/summit?utm_source=rss', title: '<b>Summit</b> in Seoul &amp; Busan',
      content: '<p>Leaders met.</p>', published: 'Mon, 10 Mar 2025 09:30:00 GMT', author: ' Kim <i>Min-ji</i> ', categories: ['Politics', 'Politics', ' '],
    }), FEED, FEED_URL, NOW);
    expect(story).toEqual({
      id: storyId({ feedId: FEED.id, guid: 'urn:example:1', url: null, title: '', summary: '' }),
      feedId: 'example-wire', guid: 'urn:example:1', url: 'https://news.example.org/world/2025/03/summit',
      title: 'Summit in Seoul & Busan', summary: 'Leaders met.', author: 'Kim Min-ji',
      publishedAt: Date.UTC(2025, 2, 10, 9, 30), publishedEstimated: false, firstSeenAt: NOW, language: 'en', categories: ['Politics'],
    });
  });

  it('GIVEN a summary and content THEN the summary is preferred and capped', () => {
    const long = 'word '.repeat(400);
    const story = normaliseItem(raw({ title: 't', link: 'https://e.com/1', summary: long, content: 'body' }), FEED, FEED_URL, NOW)!;
    expect(story.summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(story.summary.endsWith('word…')).toBe(true);
  });

  it('GIVEN no date, a bad date or a date two days ahead THEN publishedAt = now, estimated', () => {
    for (const published of [undefined, 'not a date', new Date(NOW + 2 * 86_400_000).toUTCString(), 'Thu, 01 Jan 1970 00:00:00 GMT']) {
      const story = normaliseItem(raw({ title: 't', published }), FEED, FEED_URL, NOW)!;
      expect({ published, at: story.publishedAt, estimated: story.publishedEstimated }).toEqual({ published, at: NOW, estimated: true });
    }
  });

  it('GIVEN an unreadable, implausible or future first date THEN the next of otherDates that is plausible is used', () => {
    const item = raw({ title: 't', published: 'soon', otherDates: ['Thu, 01 Jan 1970 00:00:00 GMT', new Date(NOW + 2 * 86_400_000).toUTCString(), '2025-03-09T18:20:00Z', '2025-03-01T00:00:00Z'] });
    const story = normaliseItem(item, FEED, FEED_URL, NOW)!;
    expect({ at: story.publishedAt, estimated: story.publishedEstimated }).toEqual({ at: Date.UTC(2025, 2, 9, 18, 20), estimated: false });
    const none = normaliseItem(raw({ title: 't', published: undefined, otherDates: ['later', '-03-09'] }), FEED, FEED_URL, NOW)!;
    expect({ at: none.publishedAt, estimated: none.publishedEstimated }).toEqual({ at: NOW, estimated: true });
  });

  it('GIVEN a zone-less time THEN UTC in an en feed and KST in a ko feed', () => {
    const item = raw({ title: 't', published: '2025-03-10 09:30:00' });
    expect(normaliseItem(item, FEED, FEED_URL, NOW)?.publishedAt).toBe(Date.UTC(2025, 2, 10, 9, 30));
    expect(normaliseItem(item, { ...FEED, language: 'ko' }, FEED_URL, NOW)?.publishedAt).toBe(Date.UTC(2025, 2, 10, 0, 30));
  });

  it('GIVEN a date a few hours ahead (zone mistakes) THEN it is kept', () => {
    const story = normaliseItem(raw({ title: 't', published: new Date(NOW + 3_600_000).toISOString() }), FEED, FEED_URL, NOW)!;
    expect(story.publishedAt).toBe(NOW + 3_600_000);
    expect(story.publishedEstimated).toBe(false);
  });

  it('GIVEN neither title nor link THEN null, and the detailed form says why', () => {
    expect(normaliseItem(raw({ summary: 'orphan text' }), FEED, FEED_URL, NOW)).toBeNull();
    const detailed = normaliseItemDetailed(raw({ guid: 'g-9', summary: 'x', link: 'ftp://x/y' }), FEED, FEED_URL, NOW);
    expect(detailed).toEqual({ ok: false, reason: 'no-title-or-link', message: 'item "g-9" of feed example-wire has neither a title nor an http(s) link; skipped' });
  });

  it('GIVEN a link but no title THEN the title comes from the summary', () => {
    const story = normaliseItem(raw({ link: 'https://e.com/a', content: '<p>Kyiv restores power to eastern districts after overnight strikes on the grid</p>' }), FEED, FEED_URL, NOW)!;
    expect(story.title).toBe('Kyiv restores power to eastern districts after overnight strikes on the grid');
  });

  it('GIVEN no link but a permalink guid THEN the guid becomes the URL', () => {
    const story = normaliseItem(raw({ title: 't', guid: 'https://e.com/story/7?utm_campaign=a' }), FEED, FEED_URL, NOW)!;
    expect(story.url).toBe('https://e.com/story/7');
    expect(story.guid).toBe('https://e.com/story/7?utm_campaign=a');
  });
});

describe('storyId', () => {
  it('GIVEN the same inputs THEN the same base64url id (stable across restarts)', () => {
    const id = storyId({ feedId: 'f', guid: 'g', url: null, title: 't', summary: 's' });
    // Pinned: a changed hash recipe would re-alert every stored story after an upgrade.
    expect(id).toBe('4RFbb5Nmc_7LrY2huxGYgYPvyLXFwdninoyLYkmwvCU');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(storyId({ feedId: 'f', guid: 'g', url: 'https://other', title: 'x', summary: 'y' })).toBe(id);
  });

  it('GIVEN a guid THEN the id depends on the feed; GIVEN only a URL THEN it does not', () => {
    expect(storyId({ feedId: 'a', guid: 'g', url: null, title: '', summary: '' })).not.toBe(storyId({ feedId: 'b', guid: 'g', url: null, title: '', summary: '' }));
    expect(storyId({ feedId: 'a', guid: null, url: 'https://e.com/1', title: '', summary: '' })).toBe(storyId({ feedId: 'b', guid: null, url: 'https://e.com/1', title: 'z', summary: '' }));
  });

  it('GIVEN a guid spelled like a URL THEN it cannot collide with the URL-based id', () => {
    expect(storyId({ feedId: 'a', guid: 'https://e.com/1', url: null, title: '', summary: '' })).not.toBe(storyId({ feedId: 'a', guid: null, url: 'https://e.com/1', title: '', summary: '' }));
  });

  it('GIVEN neither guid nor URL THEN title and summary decide', () => {
    expect(storyId({ feedId: 'a', guid: null, url: null, title: 't1', summary: 's' })).not.toBe(storyId({ feedId: 'a', guid: null, url: null, title: 't2', summary: 's' }));
  });
});

describe('normaliseItems', () => {
  it('GIVEN a guid reused for different articles THEN those are identified by URL and all kept', () => {
    const batch = normaliseItems([
      raw({ guid: 'same', link: 'https://e.com/1', title: 'one' }),
      raw({ guid: 'same', link: 'https://e.com/2', title: 'two' }),
      raw({ guid: 'unique', link: 'https://e.com/3', title: 'three' }),
    ], FEED, FEED_URL, NOW);
    expect(batch.stories.map((s) => s.title)).toEqual(['one', 'two', 'three']);
    expect(new Set(batch.stories.map((s) => s.id)).size).toBe(3);
    expect(batch.unreliableGuids).toEqual(['same']);
    expect(batch.stories[0]!.guid).toBeNull();
    expect(batch.stories[2]!.guid).toBe('unique');
  });

  it('GIVEN a true duplicate (same guid and link) THEN it is kept once and reported', () => {
    const batch = normaliseItems([
      raw({ guid: 'g1', link: 'https://e.com/1', title: 'first' }),
      raw({ guid: 'g1', link: 'https://e.com/1?utm_source=x', title: 'first again' }),
      raw({ summary: 'no title or link' }),
    ], FEED, FEED_URL, NOW);
    expect(batch.stories.map((s) => s.title)).toEqual(['first']);
    expect(batch.skipped.map((s) => [s.index, s.reason])).toEqual([[1, 'duplicate-id'], [2, 'no-title-or-link']]);
  });
});
