import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { words as STOPWORDS } from 'natural/lib/natural/util/stopwords.js';
import { tokenize } from './text.js';

/**
 * The statistical half of the verdict: one naive Bayes model per topic, trained with natural's
 * BayesClassifier and then flattened into a plain `Map<stem, log-ratio>`. Scoring a story is then
 * a sum over its distinct stems, identical to natural's own `getClassifications` (a test holds
 * us to that) but without its dense vector over the whole vocabulary per call.
 */

/** A labelled example: the eval/training line format. */
export interface TrainingExample {
  readonly title: string;
  readonly summary: string;
  readonly labels: readonly string[];
}

/** One topic's model, ready to score. */
export interface TopicModel {
  /** log(P(yes) / P(no)) before any word. */
  readonly prior: number;
  /** Per stem: log(P(stem | yes) / P(stem | no)). Stems not in the map say nothing. */
  readonly weights: ReadonlyMap<string, number>;
  readonly positives: number;
  readonly negatives: number;
}

export interface Model {
  readonly topics: ReadonlyMap<string, TopicModel>;
}

const STOP = new Set(STOPWORDS);
const ASCII_WORD = /^[a-z]+$/;
const STEM_CACHE_MAX = 200_000;
const stemCache = new Map<string, string>();

/** Porter stem for English words, memoised (stemming is most of natural's cost); other scripts as they are. */
function stemOf(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = ASCII_WORD.test(word) ? PorterStemmer.stem(word) : word;
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

/**
 * The model's features of a story: distinct stems of title and summary, stop words, numbers and
 * the `hidden` words left out. The classifier hides the rules' own names (countries, cities,
 * people): the keyword score already counts them, and a model that sees them only learns to
 * repeat the keywords. Without them it judges the context, which is what tells a story about
 * Ukraine from a Russia story that names Ukraine once.
 */
export function featuresOf(title: string, summary: string, hidden: ReadonlySet<string> = NO_WORDS): string[] {
  const seen = new Set<string>();
  for (const text of [title, summary]) {
    for (const t of tokenize(text)) {
      const w = t.text;
      if (w.length < 2 || STOP.has(w) || hidden.has(w) || /^\d+$/.test(w)) continue;
      seen.add(stemOf(w));
    }
  }
  return [...seen];
}

const NO_WORDS: ReadonlySet<string> = new Set();

const YES = 'yes';
const NO = 'no';

/**
 * Trains one natural BayesClassifier for a topic (examples in the given order: training is
 * deterministic) and returns the natural classifier too, so tests can compare scores.
 */
export function trainTopicBayes(topic: string, examples: readonly TrainingExample[], hidden: ReadonlySet<string> = NO_WORDS): { model: TopicModel; natural: BayesClassifier } {
  const bayes = new BayesClassifier();
  let positives = 0;
  let negatives = 0;
  for (const ex of examples) {
    const features = featuresOf(ex.title, ex.summary, hidden);
    if (features.length === 0) continue;
    const yes = ex.labels.includes(topic);
    if (yes) positives++;
    else negatives++;
    bayes.addDocument(features, yes ? YES : NO);
  }
  if (positives === 0 || negatives === 0) {
    return { model: { prior: positives > 0 ? 5 : -5, weights: new Map(), positives, negatives }, natural: bayes };
  }
  bayes.train();
  return { model: flatten(bayes, positives, negatives), natural: bayes };
}

/** Reads natural's counts into log-ratios, reproducing apparatus' smoothing exactly. */
function flatten(bayes: BayesClassifier, positives: number, negatives: number): TopicModel {
  const { classFeatures, classTotals, smoothing } = bayes.classifier;
  const totalYes = classTotals[YES] ?? 1;
  const totalNo = classTotals[NO] ?? 1;
  const yes = classFeatures[YES] ?? {};
  const no = classFeatures[NO] ?? {};
  const weights = new Map<string, number>();
  Object.keys(bayes.features).forEach((stem, i) => {
    const key = String(i);
    const w = Math.log((yes[key] ?? smoothing) / totalYes) - Math.log((no[key] ?? smoothing) / totalNo);
    // Rounded so a model saved as JSON and loaded again scores exactly as the one trained.
    if (w !== 0) weights.set(stem, Math.round(w * 1e6) / 1e6);
  });
  return { prior: Math.round(Math.log(totalYes / totalNo) * 1e6) / 1e6, weights, positives, negatives };
}

/** Trains a model for each topic from the same examples. */
export function trainModel(topics: readonly string[], examples: readonly TrainingExample[], hidden: ReadonlySet<string> = NO_WORDS): Model {
  const out = new Map<string, TopicModel>();
  for (const topic of topics) out.set(topic, trainTopicBayes(topic, examples, hidden).model);
  return { topics: out };
}

/** Log-odds that a story (as features) belongs to the topic. */
export function logOdds(model: TopicModel, features: readonly string[]): number {
  let sum = model.prior;
  for (const f of features) sum += model.weights.get(f) ?? 0;
  return sum;
}

/**
 * Probability from log-odds, tempered: naive Bayes counts correlated words as independent
 * evidence and is overconfident, so the log-odds are divided by `temperature` first.
 */
export function probability(odds: number, temperature: number): number {
  return 1 / (1 + Math.exp(-odds / temperature));
}
