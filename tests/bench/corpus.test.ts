import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeedSpecs, generateStory, INITIAL_HEAD, renderFeed } from '../../bench/generate.js';
import { startFeedServer, type FeedServer } from '../../bench/server.js';
import { parseFeed } from '../../src/feeds/parse.js';

// The benchmark's figures are only as good as its corpus: these tests keep the generated feeds
// parseable by the real parser, deterministic, and the server's 304s honest.

const ANCHOR_MS = Date.UTC(2026, 10, 20, 12);

describe('bench corpus', () => {
  it('GIVEN the same seed THEN the same feeds and stories are generated', () => {
    expect(generateFeedSpecs(50)).toEqual(generateFeedSpecs(50));
    expect(generateStory(3, 1234)).toEqual(generateStory(3, 1234));
    const spec = generateFeedSpecs(5)[2];
    if (!spec) throw new Error('no spec');
    expect(renderFeed(spec, INITIAL_HEAD, ANCHOR_MS)).toBe(renderFeed(spec, INITIAL_HEAD, ANCHOR_MS));
  });

  it('GIVEN 1,000 specs THEN the mix is the one the README states (RSS/Atom, 304s, failures)', () => {
    const specs = generateFeedSpecs(1000);
    const share = (pred: (s: (typeof specs)[number]) => boolean): number => specs.filter(pred).length / specs.length;
    expect(share((s) => s.format === 'atom')).toBeGreaterThan(0.2);
    expect(share((s) => s.format === 'atom')).toBeLessThan(0.4);
    expect(share((s) => s.conditional)).toBeGreaterThan(0.25);
    expect(share((s) => s.conditional)).toBeLessThan(0.35);
    expect(share((s) => s.behaviour !== 'ok')).toBeGreaterThan(0.01);
    expect(share((s) => s.behaviour !== 'ok')).toBeLessThan(0.05);
  });

  it('GIVEN generated RSS and Atom documents THEN the real parser reads every item with title, link and date', async () => {
    const specs = generateFeedSpecs(40);
    const rss = specs.find((s) => s.format === 'rss' && s.behaviour === 'ok');
    const atom = specs.find((s) => s.format === 'atom' && s.behaviour === 'ok');
    for (const spec of [rss, atom]) {
      if (!spec) throw new Error('seed gave no feed of this format');
      const parsed = await parseFeed(renderFeed(spec, INITIAL_HEAD, ANCHOR_MS), `https://www.${spec.outlet}.example.com/feed.xml`);
      if ('ok' in parsed) throw new Error(parsed.message);
      expect(parsed.items).toHaveLength(spec.items);
      for (const item of parsed.items) {
        expect(item.title).toBeTruthy();
        expect(item.link).toMatch(/^https:\/\//);
        expect(item.published).toBeTruthy();
      }
    }
  });

  it('GIVEN a stream of stories THEN a minority is written on-topic', () => {
    const stories = Array.from({ length: 5000 }, (_, n) => generateStory(1, n));
    const onTopic = stories.filter((s) => s.topic !== null).length / stories.length;
    expect(onTopic).toBeGreaterThan(0.04);
    expect(onTopic).toBeLessThan(0.11);
  });

  describe('feed server', () => {
    let server: FeedServer;
    beforeAll(async () => {
      server = await startFeedServer(30, ANCHOR_MS);
    });
    afterAll(async () => {
      await server.close();
    });

    it('GIVEN a conditional feed WHEN asked again with its ETag THEN 304 until it publishes, then 200', async () => {
      const spec = server.specs.find((s) => s.conditional && s.behaviour === 'ok');
      if (!spec) throw new Error('no conditional feed in the first 30');
      const first = await fetch(server.urlOf(spec));
      await first.arrayBuffer();
      const etag = first.headers.get('etag');
      expect(first.status).toBe(200);
      expect(etag).toBeTruthy();
      const again = await fetch(server.urlOf(spec), { headers: { 'if-none-match': etag ?? '' } });
      expect(again.status).toBe(304);
      server.advance(1, 5);
      const after = await fetch(server.urlOf(spec), { headers: { 'if-none-match': etag ?? '' } });
      await after.arrayBuffer();
      expect(after.status).toBe(200);
      expect(after.headers.get('etag')).not.toBe(etag);
    });

    it('GIVEN a feed without validators THEN it never answers 304 and sends no ETag', async () => {
      const spec = server.specs.find((s) => !s.conditional && s.behaviour === 'ok');
      if (!spec) throw new Error('no plain feed in the first 30');
      const res = await fetch(server.urlOf(spec), { headers: { 'if-none-match': '"anything"', 'if-modified-since': new Date().toUTCString() } });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBeNull();
    });
  });
});
