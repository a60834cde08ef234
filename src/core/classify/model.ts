import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { words as STOPWORDS } from 'natural/lib/natural/util/stopwords.js';
import { tokenize } from './text.js';

/**
 * The statistical half of the verdict: one naive Bayes model per topic. natural's BayesClassifier
 * does the training (document counts per class); the counts are then flattened into a plain
 * `Map<stem, log-ratio>` of a Bernoulli naive Bayes (see `flatten`). Scoring a story is a sum
 * over its distinct stems, without natural's dense vector over the whole vocabulary per call.
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
export function trainTopicBayes(
  topic: string,
  examples: readonly TrainingExample[],
  hidden: ReadonlySet<string> = NO_WORDS,
  classPrior?: number,
): { model: TopicModel; natural: BayesClassifier } {
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
  return { model: flatten(bayes, positives, negatives, classPrior), natural: bayes };
}

/** Laplace smoothing of the per-class word rates. Chosen by 5-fold cross-validation on rules/training. */
export const BERNOULLI_SMOOTHING = 0.5;
/** Words seen in fewer training stories than this say nothing: one story is an anecdote, not evidence. */
export const MIN_DOC_FREQ = 2;

/**
 * Turns natural's per-class document counts into a Bernoulli naive Bayes: each vocabulary word
 * present or absent is evidence. natural's own `getClassifications` multiplies only the present
 * words and smooths unseen ones by class size, which makes every rare word look like evidence
 * for the smaller class (cross-validated on rules/training it scored below the always-no
 * baseline); the counts are the same, the arithmetic is not. The absent-word terms are summed
 * once into the prior, so scoring still only touches the story's own words.
 */
function flatten(bayes: BayesClassifier, positives: number, negatives: number, classPrior: number | undefined): TopicModel {
  const { classFeatures, smoothing } = bayes.classifier;
  const yes = classFeatures[YES] ?? {};
  const no = classFeatures[NO] ?? {};
  // apparatus stores `1 + smoothing` for a word's first document, then adds one per document.
  const count = (stored: number | undefined): number => (stored === undefined ? 0 : stored - smoothing);
  const a = BERNOULLI_SMOOTHING;
  let prior = classPrior ?? Math.log(positives / negatives);
  const weights = new Map<string, number>();
  Object.keys(bayes.features).forEach((stem, i) => {
    const key = String(i);
    const cy = count(yes[key]);
    const cn = count(no[key]);
    if (cy + cn < MIN_DOC_FREQ) return;
    const py = (cy + a) / (positives + 2 * a);
    const pn = (cn + a) / (negatives + 2 * a);
    const absent = Math.log(1 - py) - Math.log(1 - pn);
    prior += absent;
    const w = Math.log(py) - Math.log(pn) - absent;
    // Rounded so a model saved as JSON and loaded again scores exactly as the one trained.
    if (w !== 0) weights.set(stem, round6(w));
  });
  return { prior: round6(prior), weights, positives, negatives };
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/**
 * Trains a model for each topic from the same examples. `classPriors` (log-odds per topic)
 * replaces the share of positives in the examples: the model is asked only about stories with a
 * keyword hit, where a topic is far more likely than in the training files as a whole.
 */
export function trainModel(
  topics: readonly string[],
  examples: readonly TrainingExample[],
  hidden: ReadonlySet<string> = NO_WORDS,
  classPriors: ReadonlyMap<string, number> = new Map(),
): Model {
  const out = new Map<string, TopicModel>();
  for (const topic of topics) out.set(topic, trainTopicBayes(topic, examples, hidden, classPriors.get(topic)).model);
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
