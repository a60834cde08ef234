import type { DigestStory } from '../core/compose/digest.js';
import { publishedInWindow, requestedTopicIds, toDigestStory, type DigestRequest } from '../core/news.js';
import type { TopicInfo, TopicVerdict } from '../core/types.js';
import type { SearchHit, StoredStory, StoryStore } from './stories.js';

/**
 * The reads behind `/news latest|search|digest` and `watchfloor latest|search|digest`, so that a
 * server and the operator get their stories by the same rules. Scoped once: the stories that only
 * `hiddenFeeds` carried are never read (see core/news.ts hiddenFeedsFor).
 */
export interface NewsReader {
  /** Newest matched stories by published time, of one topic or all, published since `sinceMs`. */
  latest(options: { readonly topic: string | undefined; readonly sinceMs: number; readonly limit: number }): StoredStory[];
  /** One page of a full-text search (`match` from core/search-query.ts), stories first seen since `sinceMs`. */
  search(options: { readonly match: string; readonly topic: string | undefined; readonly sinceMs: number; readonly limit: number; readonly offset?: number }): { hits: SearchHit[]; total: number; ranked: boolean };
  /** The stories of an on-demand digest, with the scores of the topics it covers. */
  digestStories(request: DigestRequest, topics: readonly TopicInfo[]): DigestStory[];
  /** The matched verdicts of a story, best first. */
  matchedVerdicts(story: Pick<StoredStory, 'rowid'>): TopicVerdict[];
}

export function createNewsReader(stories: StoryStore, hiddenFeeds: readonly string[]): NewsReader {
  return {
    latest: (options) => stories.latest({ ...options, hiddenFeeds }),
    search: (options) => stories.search({ ...options, hiddenFeeds }),
    digestStories(request, topics) {
      const out: DigestStory[] = [];
      for (const story of stories.matchedBetween(request.from, request.until, requestedTopicIds(request, topics), hiddenFeeds)) {
        if (!publishedInWindow(story, request)) continue;
        const entry = toDigestStory(story, stories.verdicts(story.rowid), { topics: request.topics, minScore: 0 });
        if (entry) out.push(entry);
      }
      return out;
    },
    matchedVerdicts: (story) => stories.verdicts(story.rowid).filter((v) => v.matched).sort((a, b) => b.score - a.score),
  };
}
