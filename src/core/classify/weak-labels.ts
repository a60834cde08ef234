import type { TrainingExample } from './model.js';
import type { TopicClassifier } from './topic-classifier.js';

/** Limits on weak labels, so stored stories add to the hand-written data without drowning it. */
export interface WeakLabelLimits {
  /** Keyword score needed, as a multiple of the topic threshold, to call a story a positive. */
  readonly confidentFactor: number;
  readonly maxPositivesPerTopic: number;
  readonly maxNegatives: number;
}

export const DEFAULT_WEAK_LABEL_LIMITS: WeakLabelLimits = Object.freeze({ confidentFactor: 1.5, maxPositivesPerTopic: 300, maxNegatives: 600 });

/**
 * Labels stored stories with the keyword rules alone (`classifier` should have no model):
 * a story whose keywords clear a topic's threshold by `confidentFactor` is a positive for that
 * topic; a story with no keyword hit for any topic is a negative. Everything in between is left
 * out: the model learns only from what the rules are sure about. Order is kept: deterministic.
 */
export function weakLabels(classifier: TopicClassifier, stories: readonly { title: string; summary: string }[], limits: WeakLabelLimits = DEFAULT_WEAK_LABEL_LIMITS): TrainingExample[] {
  const out: TrainingExample[] = [];
  const positives = new Map<string, number>();
  let negatives = 0;
  for (const story of stories) {
    const { verdicts } = classifier.classify(story);
    if (verdicts.every((v) => v.keywordScore === 0 && v.reasons.length === 0)) {
      if (negatives < limits.maxNegatives) {
        negatives++;
        out.push({ title: story.title, summary: story.summary, labels: [] });
      }
      continue;
    }
    const sure = verdicts.filter((v) => v.keywordScore >= v.threshold * limits.confidentFactor).map((v) => v.topic);
    const unsure = verdicts.some((v) => v.keywordScore > 0 && !sure.includes(v.topic));
    if (sure.length === 0 || unsure) continue;
    if (sure.every((t) => (positives.get(t) ?? 0) >= limits.maxPositivesPerTopic)) continue;
    for (const t of sure) positives.set(t, (positives.get(t) ?? 0) + 1);
    out.push({ title: story.title, summary: story.summary, labels: sure });
  }
  return out;
}
