import type { Classification, Reason, TopicVerdict } from '../types.js';
import { adjustClassification, adjustVerdicts, feedbackFeatures, learnServer, type FeedbackExample, type ServerAdjustment } from './learn.js';

/** A rating with its story's text and stored verdict, as the store reads it. */
export interface RatedStoryInput {
  readonly memberId: string;
  readonly topic: string;
  readonly rating: 1 | -1;
  readonly scoreThen: number;
  readonly threshold: number | null;
  readonly title: string;
  readonly summary: string;
  readonly reasons: readonly Reason[];
}

/** What the adjuster reads: a server's rated stories, and each server's fingerprint (see the store). */
export interface RatingSource {
  ratedStories(guildId: string): readonly RatedStoryInput[];
  fingerprints(): ReadonlyMap<string, string>;
}

/** Each server's learned adjustment, per process, rebuilt when that server's ratings change. */
export interface FeedbackAdjuster {
  /** What a server taught; null when it has no ratings. */
  adjustmentFor(guildId: string | null): ServerAdjustment | null;
  /** A story's classification as a server decides it (the shared one for null or no ratings). */
  classificationFor(guildId: string | null, story: { readonly title: string; readonly summary: string }, classification: Classification): Classification;
  /** Stored verdicts of a story as a server decides them. */
  verdictsFor(guildId: string | null, story: { readonly title: string; readonly summary: string }, verdicts: readonly TopicVerdict[]): TopicVerdict[];
}

/**
 * Rated stories as the learner reads them: the margin from the score and threshold the story was
 * classified with. A story without evidence for the topic (no stored verdict) teaches nothing:
 * the adjustment never raises a story without a rule hit, and it cannot lower one that did not match.
 */
export function examplesOf(rated: readonly RatedStoryInput[]): FeedbackExample[] {
  const out: FeedbackExample[] = [];
  for (const r of rated) {
    if (r.threshold === null) continue;
    out.push({ memberId: r.memberId, topic: r.topic, rating: r.rating, margin: r.scoreThen - r.threshold, features: feedbackFeatures(r.title, r.summary, r.reasons) });
  }
  return out;
}

/**
 * The adjuster over the store (no I/O of its own: `feedback` is the store's). Ratings may be written by another process (`watchfloor feedback
 * add` beside `run`): each use compares the server's fingerprint (one small aggregate query) and
 * relearns when it changed.
 */
export function createFeedbackAdjuster(feedback: RatingSource): FeedbackAdjuster {
  const cache = new Map<string, { fingerprint: string; adjustment: ServerAdjustment }>();
  function adjustmentFor(guildId: string | null): ServerAdjustment | null {
    if (guildId === null) return null;
    const fingerprint = feedback.fingerprints().get(guildId);
    if (fingerprint === undefined) {
      cache.delete(guildId);
      return null;
    }
    const cached = cache.get(guildId);
    if (cached?.fingerprint === fingerprint) return cached.adjustment;
    const adjustment = learnServer(guildId, examplesOf(feedback.ratedStories(guildId)));
    cache.set(guildId, { fingerprint, adjustment });
    return adjustment;
  }
  return {
    adjustmentFor,
    classificationFor: (guildId, story, classification) => adjustClassification(adjustmentFor(guildId), story, classification),
    verdictsFor: (guildId, story, verdicts) => adjustVerdicts(adjustmentFor(guildId), story, verdicts),
  };
}
