import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors, LISTED_PROBLEMS, summariseProblems } from '../../src/config/errors.js';
import { feedHomeErrors, loadFeeds, parseFeeds } from '../../src/config/feeds.js';
import { loadRules } from '../../src/config/rules.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();

const good = { id: 'yonhap-en', name: 'Yonhap', url: 'https://en.yna.co.kr/RSS/news.xml', language: 'en', kind: 'wire' };

function messagesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors.map((e) => e.message);
    if (error instanceof ConfigError) return [error.message];
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('feeds.json', () => {
  it('GIVEN the repository feeds.json THEN it is valid and lists at least 20 sources covering all kinds of source', () => {
    const feeds = loadFeeds(join(import.meta.dirname, '../../feeds.json'));
    expect(feeds.length).toBeGreaterThanOrEqual(20);
    expect(new Set(feeds.map((f) => f.kind))).toEqual(new Set(['wire', 'outlet', 'government', 'state-media', 'specialist']));
    expect(feeds.some((f) => f.language === 'ko')).toBe(true);
    expect(feeds.some((f) => f.language === 'uk')).toBe(true);
  });

  it('GIVEN the repository feeds.json THEN its home feeds name topics of the repository rules, and a home is kept as written', () => {
    const feeds = loadFeeds(join(import.meta.dirname, '../../feeds.json'));
    const topics = loadRules(join(import.meta.dirname, '../../rules')).topics.map((t) => t.id);
    expect(feeds.filter((f) => f.home !== undefined).length).toBeGreaterThan(0);
    expect(feedHomeErrors(feeds, topics, 'feeds.json')).toEqual([]);
    const [feed] = parseFeeds(JSON.stringify({ feeds: [{ ...good, home: 'south-korea' }] }), '/x/feeds.json');
    expect(feed?.home).toBe('south-korea');
    expect(() => parseFeeds(JSON.stringify({ feeds: [{ ...good, home: '' }] }), '/x/feeds.json')).toThrow(/home\): must be a topic id from rules\//);
  });

  it('GIVEN a valid entry THEN defaults are filled and the result is frozen', () => {
    const [feed] = parseFeeds(JSON.stringify({ feeds: [good] }), '/x/feeds.json');
    expect(feed).toEqual({ ...good, url: 'https://en.yna.co.kr/RSS/news.xml', enabled: true, intervalMinutes: undefined, topics: [] });
    expect(Object.isFrozen(feed)).toBe(true);
  });

  it('GIVEN a relative local path THEN it resolves against the folder of feeds.json', () => {
    const [feed] = parseFeeds(JSON.stringify([{ ...good, url: 'examples/a.xml' }]), '/srv/watch/feeds.json');
    expect(feed?.url).toBe('/srv/watch/examples/a.xml');
  });

  it('GIVEN a wrong kind, a typo in a field name and a missing name THEN each error names the entry, the field and the fix', () => {
    const messages = messagesOf(() =>
      parseFeeds(JSON.stringify({ feeds: [good, { ...good, id: 'kyiv-post', kind: 'newspaper' }, { ...good, id: 'b', intervall: 5 }, { id: 'c', url: 'https://c.example/rss', language: 'en', kind: 'outlet' }] }), 'feeds.json'),
    );
    expect(messages).toEqual([
      'feeds.json (feeds[1] "kyiv-post".kind): must be one of wire, outlet, government, state-media, specialist',
      expect.stringMatching(/^feeds\.json \(feeds\[2\] "b"\): unknown field\(s\) "intervall"; allowed: .*interval.* Check the spelling\.$/),
      expect.stringMatching(/^feeds\.json \(feeds\[3\] "c"\.name\): is required/),
    ]);
  });

  it('GIVEN 1,000 broken entries THEN every problem is kept, the message lists the first ones and counts the rest by kind', () => {
    const feeds = Array.from({ length: 1000 }, (_, i) => ({ id: `f${i}`, url: `https://example.org/${i}.xml` }));
    let caught: unknown;
    try {
      parseFeeds(JSON.stringify({ feeds }), '/srv/watch/feeds.json');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigErrors);
    const error = caught as ConfigErrors;
    expect(error.errors).toHaveLength(3000); // name, language and kind of each entry
    const lines = error.message.split('\n');
    expect(lines.length).toBeLessThan(40);
    expect(lines[0]).toBe(error.errors[0]?.message);
    expect(lines[LISTED_PROBLEMS]).toBe(`… and ${(3000 - LISTED_PROBLEMS).toLocaleString('en-US')} more problems (3,000 in all; \`watchfloor check\` lists every one), most often:`);
    const kindLine = lines.slice(LISTED_PROBLEMS).find((line) => line.includes('must be one of wire, outlet'));
    expect(kindLine).toMatch(/^ {2}99\d × \/srv\/watch\/feeds\.json: must be one of wire, outlet/);
  });

  it('GIVEN a few problems THEN the message is every one of them, one per line', () => {
    const errors = [new ConfigError('a.json', 'x', 'one'), new ConfigError('a.json', '', 'two')];
    expect(summariseProblems(errors)).toBe('a.json (x): one\na.json: two');
    expect(summariseProblems(errors, 1)).toBe('a.json (x): one\n… and 1 more problems (2 in all; `watchfloor check` lists every one), most often:\n  1 × a.json: two');
  });

  it('GIVEN two feeds with the same id THEN the second is reported as a duplicate', () => {
    expect(messagesOf(() => parseFeeds(JSON.stringify([good, good]), 'feeds.json'))).toEqual([
      expect.stringContaining('feeds[1] "yonhap-en".id): duplicate id "yonhap-en" (also feeds[0])'),
    ]);
  });

  it('GIVEN an unsupported URL scheme or a bad interval THEN the message says what is allowed', () => {
    const messages = messagesOf(() => parseFeeds(JSON.stringify([{ ...good, url: 'ftp://x/feed' }, { ...good, id: 'z', interval: 0 }]), 'feeds.json'));
    expect(messages[0]).toContain('neither an http(s) URL nor a file path');
    expect(messages[1]).toContain('feeds[1] "z".interval): must be at least 1 minute');
  });

  it('GIVEN broken JSON THEN the error gives the line and column', () => {
    const dir = tempDir();
    const path = join(dir, 'feeds.json');
    writeFileSync(path, '{\n  "feeds": [\n    { "id": "a", }\n  ]\n}\n');
    const [message] = messagesOf(() => loadFeeds(path));
    expect(message).toMatch(/\(line 3, column \d+\): not valid JSON/);
  });

  it('GIVEN a missing file THEN the error says how to point at one', () => {
    const [message] = messagesOf(() => loadFeeds(join(tempDir(), 'nope.json')));
    expect(message).toContain('file not found');
    expect(message).toContain('--feeds');
  });
});
