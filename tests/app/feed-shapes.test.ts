import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnalyser } from '../../src/app/analyse.js';
import { loadClassifier } from '../../src/app/classifier.js';
import { silentLogger } from '../../src/app/logger.js';
import { normaliseItems } from '../../src/core/story.js';
import type { Classification, FeedConfig, Story, TopicVerdict } from '../../src/core/types.js';
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

  it('GIVEN a Google News item whose outlet has no media word in its name ("AmCham Korea") THEN its <source> names the credit exactly, as a cycle reads the document', async () => {
    const classifier = await loadClassifier({ rulesDir: RULES_DIR, modelPath: join(tempDir(), 'model.json'), log: silentLogger() });
    const analyse = createAnalyser({ parse: parseFeed, normalise: normaliseItems, classify: (input) => classifier.classify(input) });
    const text = decodeBody(readFileSync(join(FIXTURES, 'google-news.xml')), null).text;
    const analysed = await analyse({ text, finalUrl: 'https://shapes.example/google-news.xml', feed: FEED, now: NOW });
    if ('ok' in analysed) throw new Error(analysed.message);
    const amcham = analysed.batch.stories.findIndex((s) => s.title.endsWith('AmCham Korea'));
    const story = analysed.batch.stories[amcham];
    expect(story?.outlet).toBe('AmCham Korea');
    const southKorea = (c: Classification | undefined): TopicVerdict | undefined => c?.verdicts.find((v) => v.topic === 'south-korea');
    const read = southKorea(analysed.classifications?.[amcham]);
    expect(analysed.classifications?.[amcham]?.matched).toEqual([]);
    expect(read?.keywordScore).toBe(0);
    expect(read?.reasons).toContainEqual({ kind: 'note', text: 'the headline\'s credit "AmCham Korea" names the outlet, not the story: not read' });
    // Without <source>, the outlet's name counts as the story's own "Korea".
    expect(southKorea(classifier.classify({ title: story?.title ?? '', summary: story?.summary ?? '' }))?.keywordScore).toBeGreaterThan(0);
    // The stored title keeps the credit: it tells the reader who wrote the story.
    expect(story?.title).toBe('Fed holds rates steady as inflation cools - AmCham Korea');
  });

  it('GIVEN Google News descriptions (the headline and its outlet in grey; a top story\'s list of coverage) THEN the summary holds the other outlets\' headlines without outlets, and outlets named for a topic are no evidence', async () => {
    const classifier = await loadClassifier({ rulesDir: RULES_DIR, modelPath: join(tempDir(), 'model.json'), log: silentLogger() });
    const stories = await storiesOf('google-news.xml');
    // A search feed's item lists only its own headline, which the title already says.
    expect(stories[0]?.summary).toBe('');
    const oil = stories.find((s) => s.title.startsWith('Oil prices'));
    expect(oil?.summary).toBe('OPEC+ surprises markets with deeper cuts; Oil surges as OPEC+ trims supply');
    const verdicts = classifier.classify({ title: oil?.title ?? '', summary: oil?.summary ?? '', outlet: oil?.outlet }).verdicts;
    expect(verdicts.filter((v) => v.keywordScore > 0 || v.matched)).toEqual([]);
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

  it('GIVEN a Reddit feed THEN "submitted by /u/… [link] [comments]" leaves the summary: a link post has none, a text post keeps its text', async () => {
    const [linkPost, textPost] = await storiesOf('reddit.atom');
    expect(linkPost?.title).toBe('Ferry service to Jeju resumes after storm');
    expect(linkPost?.summary).toBe('');
    expect(textPost?.summary).toBe('Trains from Busan were held for two hours this morning. Does anyone know why?');
  });
});
