import type { Reason, TopicInfo, TopicVerdict } from '../types.js';
import { applyContext, hasContextTrigger } from './context.js';
import { compileMatcher, type FieldText } from './matcher.js';
import { featuresOf, logOdds, probability, trainModel, type Model, type TrainingExample } from './model.js';
import type { RuleSet } from './rules.js';
import { scoreKeywords } from './score.js';
import { tokenize } from './text.js';
import type { TopicClassifier } from './topic-classifier.js';
import { weakLabels } from './weak-labels.js';

export type { ClassifyInput, TopicClassifier } from './topic-classifier.js';

/**
 * Naive Bayes treats correlated words as independent evidence and is overconfident; its
 * log-odds are divided by this before they become a probability.
 */
export const MODEL_TEMPERATURE = 3;

/**
 * The model adds nothing while it is unsure: when |2p − 1| is at most this (p between 0.35 and
 * 0.65) its contribution is 0. Measured on holdouts 1–5 (issue 15): the decisions it changed
 * from inside that band were right about half the time; outside it, mostly right.
 */
export const MODEL_DEAD_BAND = 0.3;

/** The model's contribution to a topic's score: `weight × (2p − 1)`, or 0 inside the dead band. */
export function modelContribution(weight: number, p: number): number {
  const lean = 2 * p - 1;
  return Math.abs(lean) <= MODEL_DEAD_BAND ? 0 : weight * lean;
}

/**
 * Words the model does not see (see featuresOf): every word of a one-word term, and the
 * capitalised words (names) of longer terms, of every topic. "war in Ukraine" hides Ukraine
 * but keeps "war".
 */
export function hiddenWords(rules: RuleSet): ReadonlySet<string> {
  const out = new Set<string>();
  for (const topic of rules.topics) {
    for (const p of topic.patterns) {
      for (const term of p.terms) {
        const tokens = tokenize(term.replace(/\*\s*$/, ''));
        for (const t of tokens) {
          if (tokens.length === 1 || t.cased !== t.text) out.add(t.text);
        }
      }
    }
  }
  return out;
}

/**
 * Log-odds that a candidate story (one with a keyword hit for the topic) belongs to the topic,
 * counted on labelled examples with the keyword rules alone, with add-one smoothing: the prior
 * the model should start from, since it is consulted only for candidates.
 */
export function candidatePriors(rules: RuleSet, examples: readonly { title: string; summary: string; labels: readonly string[] }[]): Map<string, number> {
  const keywordsOnly = createTopicClassifier(rules, null);
  const counts = new Map(rules.topics.map((t) => [t.id, { yes: 1, no: 1 }]));
  for (const ex of examples) {
    for (const v of keywordsOnly.classify(ex).verdicts) {
      if (v.keywordScore <= 0) continue;
      const c = counts.get(v.topic);
      if (!c) continue;
      if (ex.labels.includes(v.topic)) c.yes++;
      else c.no++;
    }
  }
  return new Map([...counts].map(([topic, c]) => [topic, Math.log(c.yes / c.no)]));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Builds the classifier from rules and an optional trained model, without any file I/O (the
 * shell in src/app/classifier.ts does the loading). The model is consulted only for candidate
 * stories (at least one keyword hit for the topic): most of a feed never reaches it.
 */
export function createTopicClassifier(rules: RuleSet, model: Model | null): TopicClassifier {
  const matcher = compileMatcher(rules);
  const topics: TopicInfo[] = rules.topics.map((t) => Object.freeze({ id: t.id, label: t.label, color: t.color }));
  const topicModels = rules.topics.map((t) => (t.model.enabled ? model?.topics.get(t.id) ?? null : null));
  const hidden = hiddenWords(rules);

  return {
    topics,
    rules,
    model,
    classify(input) {
      const fields: FieldText[] = [
        { field: 'title', text: input.title, tokens: tokenize(input.title) },
        { field: 'summary', text: input.summary, tokens: tokenize(input.summary) },
      ];
      const raw = scoreKeywords(rules, matcher, fields);
      const keywords = raw.some((k) => k.hits > 0 || k.excluded) || hasContextTrigger(fields) ? applyContext(rules, fields, raw) : raw;
      let features: string[] | null = null;
      const verdicts: TopicVerdict[] = rules.topics.map((topic, i) => {
        const kw = keywords[i];
        const keywordScore = kw?.score ?? 0;
        const reasons: Reason[] = [...(kw?.reasons ?? [])];
        const topicModel = topicModels[i] ?? null;
        let modelProbability: number | null = null;
        let score = keywordScore;
        if (topicModel && kw?.decided === true) {
          reasons.push({ kind: 'note', text: 'model not consulted: a context feature decided the verdict' });
        } else if (topicModel && kw && kw.hits > 0) {
          features ??= featuresOf(input.title, input.summary, hidden);
          const p = probability(logOdds(topicModel, features), MODEL_TEMPERATURE);
          const contribution = modelContribution(topic.model.weight, p);
          modelProbability = round(p);
          score += contribution;
          reasons.push({ kind: 'model', probability: round(p), weight: round(contribution) });
        }
        score = round(score);
        return {
          topic: topic.id,
          matched: score >= topic.threshold,
          score,
          threshold: topic.threshold,
          keywordScore,
          modelProbability,
          reasons,
        };
      });
      return { verdicts, matched: verdicts.filter((v) => v.matched).map((v) => v.topic) };
    },
  };
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
  const weak = weakLabels(createTopicClassifier(rules, null), stored);
  const all = [...examples, ...weak];
  const model = trainModel(
    rules.topics.map((t) => t.id),
    all,
    hiddenWords(rules),
    candidatePriors(rules, all),
  );
  return { model, weak: weak.length };
}
