import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { fitPlatt, type Calibration, type CalibrationPoint } from './calibration.js';
import { createTopicClassifier, hiddenWords } from './classifier.js';
import { isUnnamedWarCue } from './context.js';
import { featuresOf, logOdds, NO_WORDS, type Model, type TopicModel, type TrainingExample } from './model.js';
import type { RuleSet } from './rules.js';
import { readStory } from './read-story.js';
import { weakLabels } from './weak-labels.js';

/**
 * Training the topic model. natural's BayesClassifier does the counting (documents per class);
 * the counts are then flattened into the Bernoulli naive Bayes that `model.ts` scores with (see
 * `flatten`). Its own module, so that a start with a saved model never loads natural's
 * classifier (and the parallel trainer it requires): the app imports it only to train.
 */

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
  return trainFromFeatures(topic, prepare(examples.map((ex) => ({ features: featuresOf(ex.title, ex.summary, hidden), labels: ex.labels }))), classPrior);
}

/** A training example as the model sees it: its features (featuresOf) and its labels. */
interface FeatureDocument {
  readonly features: readonly string[];
  readonly labels: readonly string[];
}

/**
 * Documents as natural is given them, prepared once for every topic trained on the same set:
 * words seen in fewer than MIN_DOC_FREQ documents are left out (they get no weight anyway, see
 * `flatten`, and natural's per-document work grows with the vocabulary), and so are documents
 * with no features at all. A document whose words the filter leaves empty still counts in its
 * class (natural skips it; the counts in `trainFromFeatures` do not). The labels differ by topic,
 * the words do not, so three topics (and each calibration fold) count and filter the words once
 * instead of once each.
 */
interface PreparedDocuments {
  readonly documents: readonly { readonly words: readonly string[]; readonly labels: readonly string[] }[];
  /** Each document's vocabulary positions, built by the first topic's training and reused (vectoriseSparse). */
  sparse: SparseDocuments | null;
}

interface SparseDocuments {
  readonly vocabulary: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly positions: ReadonlyMap<readonly string[], Record<number, number>>;
}

function prepare(documents: readonly FeatureDocument[]): PreparedDocuments {
  const frequency = new Map<string, number>();
  for (const ex of documents) for (const f of ex.features) frequency.set(f, (frequency.get(f) ?? 0) + 1);
  const out: { words: readonly string[]; labels: readonly string[] }[] = [];
  for (const ex of documents) {
    if (ex.features.length === 0) continue;
    out.push({ words: ex.features.filter((f) => (frequency.get(f) ?? 0) >= MIN_DOC_FREQ), labels: ex.labels });
  }
  return { documents: out, sparse: null };
}

/**
 * Makes natural's BayesClassifier count a document by its own words only. natural's
 * `textToFeatures` enumerates the vocabulary and looks each word up in the document (vocabulary ×
 * document length per document), and a dense 0/1 vector makes apparatus (the counting below
 * natural) walk the whole vocabulary again. Called once the vocabulary is complete (after the last
 * addDocument), this hands apparatus its sparse form instead: the vocabulary positions of the
 * document's words, which it counts exactly as it counts a dense vector's ones (same positions,
 * same smoothing), so the model is the same, in time that grows with the words, not with
 * vocabulary × documents. The positions are worked out once per prepared set: every topic adds
 * the same words in the same order, so natural builds the same vocabulary (checked, not assumed).
 * Text (a string) still goes through natural's own.
 */
function vectoriseSparse(bayes: BayesClassifier, prepared: PreparedDocuments): void {
  const vocabulary = Object.keys(bayes.features);
  if (!prepared.sparse || !sameWords(prepared.sparse.vocabulary, vocabulary)) prepared.sparse = sparseDocuments(vocabulary, prepared);
  const { index, positions } = prepared.sparse;
  const original = bayes.textToFeatures.bind(bayes);
  bayes.textToFeatures = (observation: string | string[]): number[] => {
    if (typeof observation === 'string') return original(observation);
    // apparatus takes anything that is not an Array as sparse: { k: position }.
    return (positions.get(observation) ?? sparseOf(index, observation)) as unknown as number[];
  };
}

function sparseDocuments(vocabulary: readonly string[], prepared: PreparedDocuments): SparseDocuments {
  const index = new Map<string, number>();
  for (const word of vocabulary) index.set(word, index.size);
  return { vocabulary, index, positions: new Map(prepared.documents.map((doc) => [doc.words, sparseOf(index, doc.words)])) };
}

function sparseOf(index: ReadonlyMap<string, number>, words: readonly string[]): Record<number, number> {
  const positions: Record<number, number> = {};
  let n = 0;
  for (const word of new Set(words)) {
    const i = index.get(word);
    if (i !== undefined) positions[n++] = i;
  }
  return positions;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, i) => word === b[i]);
}

/**
 * Runs natural's training. apparatus's sparse counting assigns an undeclared `value`: a new global
 * where its module runs in sloppy mode, a ReferenceError where it is bundled into strict code (the
 * built app). So the global is declared for the training and whatever it held before is put back:
 * training works in both and leaves no trace.
 */
function trainWithoutLeak(bayes: BayesClassifier): void {
  const scope = globalThis as Record<string, unknown>;
  const had = Object.prototype.hasOwnProperty.call(scope, 'value');
  const before = scope.value;
  scope.value = undefined;
  try {
    bayes.train();
  } finally {
    if (had) scope.value = before;
    else delete scope.value;
  }
}

function trainFromFeatures(topic: string, prepared: PreparedDocuments, classPrior: number | undefined): { model: TopicModel; natural: BayesClassifier } {
  const bayes = new BayesClassifier();
  let positives = 0;
  let negatives = 0;
  for (const doc of prepared.documents) {
    const yes = doc.labels.includes(topic);
    if (yes) positives++;
    else negatives++;
    bayes.addDocument(doc.words as string[], yes ? YES : NO);
  }
  if (positives === 0 || negatives === 0) {
    return { model: { prior: positives > 0 ? 5 : -5, weights: new Map(), positives, negatives }, natural: bayes };
  }
  vectoriseSparse(bayes, prepared);
  trainWithoutLeak(bayes);
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
  // Each story's features are read once for all topics.
  return trainModelFrom(topics, examples.map((ex) => ({ features: featuresOf(ex.title, ex.summary, hidden), labels: ex.labels })), classPriors);
}

function trainModelFrom(topics: readonly string[], documents: readonly FeatureDocument[], classPriors: ReadonlyMap<string, number>): Model {
  const prepared = prepare(documents);
  const out = new Map<string, TopicModel>();
  for (const topic of topics) out.set(topic, trainFromFeatures(topic, prepared, classPriors.get(topic)).model);
  return { topics: out };
}

/**
 * Log-odds that a candidate story (one with a keyword hit for the topic) belongs to the topic,
 * counted on labelled examples with the keyword rules alone, with add-one smoothing: the prior
 * the model should start from, since it is consulted only for candidates.
 */
export function candidatePriors(rules: RuleSet, examples: readonly { title: string; summary: string; labels: readonly string[] }[]): Map<string, number> {
  const keywordsOnly = createTopicClassifier(rules, null);
  return priorsOf(rules, examples.map((ex) => ({ labels: ex.labels, candidateFor: candidateTopics(keywordsOnly, ex) })));
}

/**
 * The topics an example is a candidate for: a keyword hit, so the model would be asked. The
 * unnamed war's cue (no hit at all) is not counted: the priors and the calibration stay those of
 * the stories with a hit, the population the model weighs against keyword scores.
 */
function candidateTopics(keywordsOnly: ReturnType<typeof createTopicClassifier>, ex: { title: string; summary: string }): ReadonlySet<string> {
  return new Set(keywordsOnly.classify(ex).verdicts.filter((v) => v.keywordScore > 0 && !v.reasons.some(isUnnamedWarCue)).map((v) => v.topic));
}

function priorsOf(rules: RuleSet, examples: readonly { labels: readonly string[]; candidateFor: ReadonlySet<string> }[]): Map<string, number> {
  const counts = new Map(rules.topics.map((t) => [t.id, { yes: 1, no: 1 }]));
  for (const ex of examples) {
    for (const topic of ex.candidateFor) {
      const c = counts.get(topic);
      if (!c) continue;
      if (ex.labels.includes(topic)) c.yes++;
      else c.no++;
    }
  }
  return new Map([...counts].map(([topic, c]) => [topic, Math.log(c.yes / c.no)]));
}

/** Folds of the cross-validation that fits each topic's calibration. */
export const CALIBRATION_FOLDS = 5;

/** A training story as features, labels and the topics it is a candidate for (a keyword hit). */
interface CandidateDocument extends FeatureDocument {
  readonly candidateFor: ReadonlySet<string>;
}

/** Each example read once: its features and, by the keyword rules alone, the topics it is a candidate for. */
function candidateDocuments(keywordsOnly: ReturnType<typeof createTopicClassifier>, examples: readonly TrainingExample[], hidden: ReadonlySet<string>): CandidateDocument[] {
  return examples.map((ex) => {
    // Features of the story as the classifier reads it, so training and classifying agree.
    const read = readStory(ex);
    return { features: featuresOf(read.title, read.summary, hidden), labels: ex.labels, candidateFor: candidateTopics(keywordsOnly, ex) };
  });
}

/**
 * Each topic's calibration (calibration.ts), fitted on out-of-fold log-odds: the labelled
 * documents are split into {@link CALIBRATION_FOLDS} folds by position; a model trained without a
 * fold (same features, same candidate priors, counted on the rest) judges that fold's candidates.
 * Only labelled examples count: weak labels are the rules' own opinion, not the truth.
 */
function calibrationsOf(rules: RuleSet, documents: readonly CandidateDocument[]): Map<string, Calibration> {
  const points = new Map<string, CalibrationPoint[]>(rules.topics.map((t) => [t.id, []]));
  for (let fold = 0; fold < CALIBRATION_FOLDS; fold++) {
    const train = documents.filter((_, i) => i % CALIBRATION_FOLDS !== fold);
    const test = documents.filter((_, i) => i % CALIBRATION_FOLDS === fold);
    const priors = priorsOf(rules, train);
    const prepared = prepare(train);
    for (const topic of rules.topics) {
      const model = trainFromFeatures(topic.id, prepared, priors.get(topic.id)).model;
      const list = points.get(topic.id) ?? [];
      for (const doc of test) {
        if (doc.candidateFor.has(topic.id)) list.push({ logOdds: logOdds(model, doc.features), onTopic: doc.labels.includes(topic.id) });
      }
    }
  }
  const out = new Map<string, Calibration>();
  for (const [topic, list] of points) {
    const fitted = fitPlatt(list);
    if (fitted) out.set(topic, fitted);
  }
  return out;
}

/**
 * Trains the topic model from labelled examples plus, optionally, weak labels from stored
 * stories (keyword-confident positives and zero-hit negatives). Pure and deterministic for
 * given inputs; with `createTopicClassifier(rules, model)` it builds a classifier with no file
 * I/O (benchmarks, tests).
 */
export function trainTopicModel(
  rules: RuleSet,
  examples: readonly TrainingExample[],
  stored: readonly { title: string; summary: string }[] = [],
): { model: Model; weak: number } {
  // One keyword-only classifier (one compiled matcher) for the weak labels and the candidates.
  const keywordsOnly = createTopicClassifier(rules, null);
  const weak = weakLabels(keywordsOnly, stored);
  const hidden = hiddenWords(rules);
  // Every story is classified by the keyword rules and read for features once: the priors, the
  // model and the calibration all use the same documents.
  const labelled = candidateDocuments(keywordsOnly, examples, hidden);
  const all = [...labelled, ...candidateDocuments(keywordsOnly, weak, hidden)];
  const trained = trainModelFrom(
    rules.topics.map((t) => t.id),
    all,
    priorsOf(rules, all),
  );
  const fitted = calibrationsOf(rules, labelled);
  const model: Model = { topics: new Map([...trained.topics].map(([topic, m]) => [topic, { ...m, calibration: fitted.get(topic) }])) };
  return { model, weak: weak.length };
}
