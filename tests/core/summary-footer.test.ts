import { describe, expect, it } from 'vitest';
import { normaliseItem, storyId, SUMMARY_MAX_CHARS, truncateText } from '../../src/core/story.js';
import { withoutFooter } from '../../src/core/summary-footer.js';
import type { FeedConfig, RawItem } from '../../src/core/types.js';

describe('publishing platforms\' footers leave the summary', () => {
  it('GIVEN the SEO plugin\'s default footer, in English and the languages it ships THEN it goes, and only it', () => {
    expect(withoutFooter('Kyiv approved the budget. The post Rada passes budget appeared first on Kyiv Post.')).toBe('Kyiv approved the budget.');
    expect(withoutFooter('Kiew stimmt zu. Der Beitrag Haushalt beschlossen erschien zuerst auf Tagesspiegel.')).toBe('Kiew stimmt zu.');
    expect(withoutFooter("Le budget passe. L'article Budget adopté est apparu en premier sur Le Monde.")).toBe('Le budget passe.');
    expect(withoutFooter('El presupuesto pasa. La entrada Presupuesto aprobado se publicó primero en El País.')).toBe('El presupuesto pasa.');
    expect(withoutFooter('Бюджет принят. Сообщение Рада приняла бюджет появились сначала на Новости.')).toBe('Бюджет принят.');
    expect(withoutFooter('The post Only a footer appeared first on Kyiv Post.')).toBe('');
  });

  it('GIVEN the story\'s own "The post office" before a footer THEN the story\'s words stay and the last footer goes', () => {
    expect(withoutFooter('The post office in Kharkiv was hit. The post Strike on Kharkiv appeared first on Kyiv Independent.')).toBe('The post office in Kharkiv was hit.');
  });

  it('GIVEN "Continue reading", "Read more" or "Keep reading" closing the text THEN it goes; a sentence\'s own "read more" stays', () => {
    expect(withoutFooter('He said so… Continue reading →')).toBe('He said so…');
    expect(withoutFooter('Markets fell. Continue reading on Medium »')).toBe('Markets fell.');
    expect(withoutFooter('Markets fell. [...] Read more')).toBe('Markets fell.');
    expect(withoutFooter('Students should read more books, he said.')).toBe('Students should read more books, he said.');
    expect(withoutFooter('Nothing to remove here')).toBe('Nothing to remove here');
  });

  it('GIVEN Reddit\'s line under a post THEN it goes: a link post has no summary left, a text post keeps its text', () => {
    expect(withoutFooter('submitted by /u/seoul_watcher [link] [comments]')).toBe('');
    expect(withoutFooter('Anyone know why the KTX was delayed today? submitted by /u/seoul_watcher [link] [comments]')).toBe('Anyone know why the KTX was delayed today?');
    expect(withoutFooter('submitted by /u/kyiv-daily to r/ukraine [link] [comments]')).toBe('');
    // Words of the post itself stay.
    expect(withoutFooter('Read the [comments] below: I was submitted by my boss for an award.')).toBe('Read the [comments] below: I was submitted by my boss for an award.');
  });

  it('GIVEN an item with neither guid nor link and a footer THEN its id is the one it had before footers were removed: a stored story is not posted again', () => {
    const feed: FeedConfig = { id: 'wp', url: 'https://wp.example/feed', name: 'WP', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };
    const text = 'The board voted 7-2. The post Port approves terminal appeared first on Harbour Ledger.';
    const raw: RawItem = { guid: undefined, link: undefined, title: 'Port approves terminal', content: text, summary: undefined, published: undefined, author: undefined, categories: [] };
    const story = normaliseItem(raw, feed, feed.url, Date.UTC(2025, 2, 10));
    expect(story?.summary).toBe('The board voted 7-2.');
    expect(story?.id).toBe(storyId({ feedId: 'wp', guid: null, url: null, title: 'Port approves terminal', summary: truncateText(text, SUMMARY_MAX_CHARS) }));
  });
});
