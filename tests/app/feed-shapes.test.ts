import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/app/classifier.js';
import { silentLogger } from '../../src/app/logger.js';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig, Story } from '../../src/core/types.js';
import { decodeBody } from '../../src/feeds/charset.js';
import { parseFeed } from '../../src/feeds/parse.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Feed shapes that carry text which is not the story: an aggregator's outlet credit (Google
 * News) and a publishing platform's footer (WordPress's SEO plugin). Through the real parser,
 * normaliser and the shipped classifier, as `run` reads a feed.
 */
const tempDir = useTempDir('watchfloor-feed-shapes-');
const RULES_DIR = join(import.meta.dirname, '../../rules');
const FIXTURES = join(import.meta.dirname, '../fixtures/feeds');
const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);
const FEED: FeedConfig = { id: 'shapes', url: 'https://shapes.example/feed.xml', name: 'Shapes', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };

async function storiesOf(name: string): Promise<readonly Story[]> {
  const decoded = decodeBody(readFileSync(join(FIXTURES, name)), null);
  const parsed = await parseFeed(decoded.text, `https://shapes.example/${name}`);
  if ('ok' in parsed) throw new Error(`${name}: ${parsed.message}`);
  return normaliseItems(parsed.items, FEED, `https://shapes.example/${name}`, NOW).stories;
}

describe('feed shapes whose extra text is not the story', () => {
  it('GIVEN a Google News feed THEN a Fed story credited to "Kyiv Post" is no Ukraine story, and a strike on Kharkiv credited to "The Kyiv Independent" is one', async () => {
    const classifier = await loadClassifier({ rulesDir: RULES_DIR, modelPath: join(tempDir(), 'model.json'), log: silentLogger() });
    const [fed, kharkiv] = await storiesOf('google-news.xml');
    expect(fed?.title).toBe('Fed holds rates steady as inflation cools - Kyiv Post');
    expect(classifier.classify({ title: fed?.title ?? '', summary: fed?.summary ?? '' }).matched).toEqual([]);
    expect(classifier.classify({ title: kharkiv?.title ?? '', summary: kharkiv?.summary ?? '' }).matched).toEqual(['ukraine']);
  });

  it('GIVEN a WordPress feed THEN its "The post … appeared first on Kyiv Post." footer and "Continue reading" leave the summary, and a story of the text is not matched by the footer', async () => {
    const classifier = await loadClassifier({ rulesDir: RULES_DIR, modelPath: join(tempDir(), 'model.json'), log: silentLogger() });
    const [terminal, ferries, postOffice] = await storiesOf('wordpress-footer.xml');
    expect(terminal?.summary).toBe('The board voted 7-2 for the expansion, which will double capacity by 2029.');
    expect(ferries?.summary).toBe('Weekend sailings return from April, the operator said.');
    // The story's own "The post office …" and "read more" stay.
    expect(postOffice?.summary).toMatch(/^The post office, open since 1911, .* read more about its history in our archive\.$/);
    expect(classifier.classify({ title: terminal?.title ?? '', summary: terminal?.summary ?? '' }).matched).toEqual([]);
  });
});
