import { describe, expect, it } from 'vitest';
import { googleNewsHeadlines, googleNewsSummary } from '../../src/core/google-news.js';
import { htmlToPlainText } from '../../src/core/story.js';

const pair = (headline: string, outlet: string): string =>
  `<a href="https://news.google.com/rss/articles/CBMi?oc=5" target="_blank">${headline}</a>&nbsp;&nbsp;<font color="#6f6f6f">${outlet}</font>`;

describe('Google News descriptions', () => {
  it('GIVEN a search feed\'s description (the headline, then its outlet in grey) THEN the headline alone', () => {
    expect(googleNewsHeadlines(pair('Fed holds rates steady', 'Kyiv Post'), htmlToPlainText)).toEqual(['Fed holds rates steady']);
  });

  it('GIVEN a top story\'s list of coverage THEN each headline once, in order, without outlets or the "View Full Coverage" link', () => {
    const html = `<ol><li>${pair('Fed holds rates steady', 'Reuters')}</li><li>${pair('Fed keeps rates unchanged, signals patience', 'The Korea Times')}</li>` +
      `<li>${pair('Fed holds rates steady', 'Kyiv Post')}</li><li>${pair('Q&amp;A: what the pause means', 'Korea JoongAng Daily')}</li>` +
      '<li><strong><a href="https://news.google.com/stories/CAAq?oc=5" target="_blank">View Full Coverage on Google News</a></strong></li></ol>';
    expect(googleNewsHeadlines(html, htmlToPlainText)).toEqual(['Fed holds rates steady', 'Fed keeps rates unchanged, signals patience', 'Q&A: what the pause means']);
  });

  it('GIVEN any other description THEN null: links, grey text alone and prose are left to the normaliser', () => {
    expect(googleNewsHeadlines('<p>Seoul said on Monday <a href="https://x.example">the talks</a> would resume.</p>', htmlToPlainText)).toBeNull();
    expect(googleNewsHeadlines('<font color="#6f6f6f">Kyiv Post</font>', htmlToPlainText)).toBeNull();
    expect(googleNewsHeadlines('The colour #6f6f6f is grey.', htmlToPlainText)).toBeNull();
  });

  it('GIVEN an item\'s title THEN its summary is the other outlets\' headlines: its own, with or without the credit, is left out', () => {
    const html = `<ol><li>${pair('Fed holds rates steady', 'Reuters')}</li><li>${pair('Fed keeps rates unchanged', 'The Korea Times')}</li></ol>`;
    expect(googleNewsSummary(html, 'Fed holds rates steady - Reuters', htmlToPlainText)).toBe('Fed keeps rates unchanged');
    expect(googleNewsSummary(html, 'Fed holds rates steady', htmlToPlainText)).toBe('Fed keeps rates unchanged');
    expect(googleNewsSummary(pair('Fed holds rates steady', 'Kyiv Post'), 'Fed holds rates steady - Kyiv Post', htmlToPlainText)).toBe('');
    // A headline that only begins like the title is another outlet's.
    expect(googleNewsSummary(html, 'Fed holds rates steady as inflation cools', htmlToPlainText)).toBe('Fed holds rates steady; Fed keeps rates unchanged');
    expect(googleNewsSummary('<p>Prose.</p>', 'Title', htmlToPlainText)).toBeNull();
  });
});
