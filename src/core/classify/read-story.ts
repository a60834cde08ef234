import { splitCredit, splitNamedCredit, type OutletCredit } from '../outlet-credit.js';
import type { ClassifyInput } from './topic-classifier.js';
import { isCutFromSummary, tokenize, unshout, withoutHeadlineEcho, type Token } from './text.js';

/** A story as the classifier reads it (docs/rules.md, "Scoring"). */
export interface ReadStory {
  readonly title: string;
  readonly titleTokens: readonly Token[];
  readonly summary: string;
  /** The outlet's credit set aside from the headline, if it had one. */
  readonly credit: OutletCredit | null;
}

/**
 * The story as the classifier reads it: an outlet's credit set aside (outlet-credit.ts; the
 * outlet the feed names in `<source>` when it gives one), a headline cut from the summary (a
 * feed without titles) dropped, a shouted headline in title case, and the summary without a
 * repeat of the headline. The classifier scores this; the model is trained on the same reading
 * of its documents and the feedback learner reads it too, so what they learn from a stored
 * story credited "… - The Kyiv Independent" is what they are later asked about: the story
 * without the credit.
 */
export function readStory(input: ClassifyInput): ReadStory {
  // The outlet the feed names, exactly, when the headline ends with it; else the credit as read.
  const credit = (input.outlet === undefined ? null : splitNamedCredit(input.title, input.summary, input.outlet)) ?? splitCredit(input.title, input.summary);
  const title = isCutFromSummary(input.title, input.summary) ? '' : unshout(credit?.title ?? input.title);
  const titleTokens = tokenize(title);
  const summary = withoutHeadlineEcho(title, unshout(credit?.summary ?? input.summary), titleTokens);
  return { title, titleTokens, summary, credit };
}
