import type { Classification, TopicInfo } from '../types.js';
import type { Model } from './model.js';
import type { RuleSet } from './rules.js';

/**
 * The classifier's interface, in a module of its own: classifier.ts builds one and weak-labels.ts
 * uses one (to label stored stories for training), so neither imports the other.
 */

/** What the classifier reads from a story. */
export interface ClassifyInput {
  readonly title: string;
  readonly summary: string;
  /** The outlet the feed names as the story's origin (RSS `<source>`), when it does: its credit is set aside exactly. */
  readonly outlet?: string | undefined;
  /**
   * The story's feed, when feeds.json (or `/feeds add home:`) gives it a home topic
   * (`"home": "south-korea"`): a feed of that country's home news, whose stories count for the
   * topic when nothing else claims them (home-feed.ts).
   */
  readonly home?: HomeFeed | undefined;
}

/** The feed a story came from, when it has a home topic. */
export interface HomeFeed {
  readonly topic: string;
  /** The feed's id, named in the reason's note. */
  readonly feed: string;
  /** Added from Discord (`/feeds add home:`) rather than set in feeds.json: the note says which. */
  readonly added?: boolean | undefined;
}

/** A ready classifier: rules compiled once, model flattened once. Pure and synchronous. */
export interface TopicClassifier {
  readonly topics: readonly TopicInfo[];
  readonly rules: RuleSet;
  readonly model: Model | null;
  classify(input: ClassifyInput): Classification;
}
