/**
 * From a fetched document to stories ready to store: parse → normalise → (classify). The poll
 * cycle calls it once per changed document. It runs either in the main thread or in a worker
 * thread (see analyse-pool.ts); both run this same code, so they cannot drift apart.
 */
import type { NormalisedBatch } from '../core/story.js';
import type { Classification, FeedConfig, RawItem } from '../core/types.js';
import type { FetchFailure } from '../feeds/types.js';
import { classifyInputOf } from '../core/classify/home-feed.js';
import type { ClassifyInput } from '../core/classify/topic-classifier.js';

/** One fetched, decoded document and the feed it came from. */
export interface DocumentInput {
  readonly text: string;
  readonly finalUrl: string;
  /** The server's Content-Location, when it sent one: relative references resolve against it. */
  readonly documentUrl?: string | undefined;
  readonly feed: FeedConfig;
  /** The cycle's clock: first-seen time of new stories. */
  readonly now: number;
}

export interface AnalysedDocument {
  readonly batch: NormalisedBatch;
  /**
   * Verdicts by story, in the order of `batch.stories`, when the analyser classified them (the
   * worker does, off the main thread). When absent the poll cycle classifies the stories that are
   * new and only those.
   */
  readonly classifications?: readonly Classification[] | undefined;
  /** What was repaired so the document could be read at all (see src/feeds/salvage.ts); absent when nothing. */
  readonly repairs?: readonly string[] | undefined;
}

export type Analyse = (input: DocumentInput) => Promise<AnalysedDocument | FetchFailure>;

export interface AnalyserParts {
  readonly parse: (text: string, finalUrl: string, documentUrl?: string) => Promise<{ readonly link: string | undefined; readonly items: readonly RawItem[]; readonly repairs?: readonly string[] | undefined } | FetchFailure>;
  /** Normalises all items of one document (drops items with neither title nor link, and repeated ids). */
  readonly normalise: (raws: readonly RawItem[], feed: FeedConfig, baseUrl: string, now: number) => NormalisedBatch;
  /** When given, every story is classified here; else the poll cycle classifies the new ones. */
  readonly classify?: ((input: ClassifyInput) => Classification) | undefined;
}

/** The analysis in the calling thread, from its parts. */
export function createAnalyser(parts: AnalyserParts): Analyse {
  return async ({ text, finalUrl, documentUrl, feed, now }) => {
    const parsed = await parts.parse(text, finalUrl, documentUrl);
    if ('ok' in parsed) return parsed;
    const batch = parts.normalise(parsed.items, feed, baseUrlFor(parsed.link, finalUrl), now);
    const repaired = parsed.repairs === undefined ? {} : { repairs: parsed.repairs };
    const classify = parts.classify;
    if (!classify) return { batch, ...repaired };
    return { batch, ...repaired, classifications: batch.stories.map((story) => classify(classifyInputOf(story, feed))) };
  };
}

/**
 * Relative item links resolve against the site's own link when the feed gives an absolute one
 * (feeds are often served from another host than the articles), else against the feed URL.
 */
export function baseUrlFor(channelLink: string | undefined, feedUrl: string): string {
  if (channelLink && /^https?:\/\//i.test(channelLink.trim())) return channelLink.trim();
  return feedUrl;
}
