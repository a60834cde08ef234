import type { Reason, TopicInfo, TopicVerdict } from '../types.js';
import { applyContext, hasContextTrigger } from './context.js';
import { countryNamesFor, withHomeFeed, type CountryNames } from './home-feed.js';
import { compileMatcher, type FieldText, type Matcher } from './matcher.js';
import { baselineProbability, certainNoFactorOf, featuresOf, isCertainNo, logOdds, MODEL_CONFIDENT_FACTOR, modelContribution, probability, shownProbability, type Model, type TopicModel } from './model.js';
import type { RuleSet } from './rules.js';
import { scoreKeywords, type KeywordScore } from './score.js';
import { readStory } from './read-story.js';
import { tokenize } from './text.js';
import type { TopicClassifier } from './topic-classifier.js';

export type { ClassifyInput, TopicClassifier } from './topic-classifier.js';
export { MODEL_CERTAIN_LEAN, MODEL_CONFIDENT_FACTOR, MODEL_CONFIDENT_LEAN, MODEL_DEAD_BAND, modelContribution } from './model.js';

/**
 * Naive Bayes treats correlated words as independent evidence and is overconfident; its
 * log-odds are divided by this before they become a probability. 4 since the name-context pairs
 * (featuresOf) joined the stems: more features, more overconfidence (3 before; 3.5–4.5 scored
 * alike, ADR 3).
 */
export const MODEL_TEMPERATURE = 4;

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

/** Whether a topic hears the model's surest no past a lift that decided: it weighs one above a confident no, and the lift reached the threshold. */
function hearsCertainNo(topic: RuleSet['topics'][number], keywordScore: number): boolean {
  return certainNoFactorOf(topic.model) > MODEL_CONFIDENT_FACTOR && keywordScore >= topic.threshold;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * An outlet's credit at the headline's end ("… - The Kyiv Independent") is read apart from the
 * story (outlet-credit.ts) and is no evidence: the story is judged by its own words, as it would be
 * from the outlet's own feed. A topic the credit names gets a note saying it was set aside.
 */
function withCredit(matcher: Matcher, outlet: string, keywords: readonly KeywordScore[]): readonly KeywordScore[] {
  const named = new Set(matcher.matchPatterns({ field: 'title', text: outlet, tokens: tokenize(outlet) }).map((h) => h.topic));
  if (named.size === 0) return keywords;
  const note: Reason = { kind: 'note', text: `the headline's credit "${outlet}" names the outlet, not the story: not read` };
  return keywords.map((k, i) => (named.has(i) ? { ...k, reasons: [...k.reasons, note] } : k));
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
  // The countries' names, for stories of a home feed only: built on the first such story.
  let countries: CountryNames | null = null;
  const countryNames = (): CountryNames => (countries ??= countryNamesFor(matcher));

  return {
    topics,
    rules,
    model,
    classify(input) {
      const { title, titleTokens, summary, credit } = readStory(input);
      const fields: FieldText[] = [
        { field: 'title', text: title, tokens: titleTokens },
        { field: 'summary', text: summary, tokens: tokenize(summary) },
      ];
      const raw = scoreKeywords(rules, matcher, fields);
      const read = raw.some((k) => k.hits > 0 || k.excluded) || hasContextTrigger(fields) ? applyContext(rules, fields, raw) : raw;
      const credited = credit ? withCredit(matcher, credit.outlet, read) : read;
      const keywords = input.home === undefined ? credited : withHomeFeed(rules, matcher, fields, credited, input.home, countryNames);
      let features: string[] | null = null;
      // The model's say, from the tempered log-odds; the probability shown is the calibrated
      // one, with the point where the contribution changes sign. The story's features are read
      // once, for the first topic that asks.
      const consult = (topic: RuleSet['topics'][number], m: TopicModel): { p: number; shown: number; contribution: number; reason: Reason } => {
        features ??= featuresOf(title, summary, hidden);
        const odds = logOdds(m, features);
        const p = probability(odds, MODEL_TEMPERATURE);
        const contribution = modelContribution(topic.model, p);
        const shown = round(shownProbability(m, odds, MODEL_TEMPERATURE));
        const baseline = baselineProbability(m);
        return { p, shown, contribution, reason: { kind: 'model', probability: shown, ...(baseline !== null ? { baseline: round(baseline) } : {}), weight: round(contribution) } };
      };
      const verdicts: TopicVerdict[] = rules.topics.map((topic, i) => {
        const kw = keywords[i];
        const keywordScore = kw?.score ?? 0;
        const reasons: Reason[] = [...(kw?.reasons ?? [])];
        const topicModel = topicModels[i] ?? null;
        let modelProbability: number | null = null;
        let score = keywordScore;
        if (topicModel && kw?.decided === true) {
          // A lift that decides stands against any model but its surest no, in a topic that
          // weighs such a no above a confident one (certain_no_factor); a sealed one (a roundup's
          // item, whose summary's words are the other items') stands against that no too.
          const said = kw.sealed !== true && hearsCertainNo(topic, keywordScore) ? consult(topic, topicModel) : null;
          if (said && isCertainNo(said.p)) {
            modelProbability = said.shown;
            score += said.contribution;
            reasons.push({ kind: 'note', text: "a context feature lifted the verdict, but the model's surest no overrules it" }, said.reason);
          } else if (said) {
            // Asked, but only for its surest no, and it was not that sure: its say is not taken.
            reasons.push({ kind: 'note', text: 'model heard only for its surest no, which it did not give: a context feature decided the verdict' });
          } else {
            reasons.push({ kind: 'note', text: 'model not consulted: a context feature decided the verdict' });
          }
        } else if (topicModel && kw && (kw.hits > 0 || kw.candidate === true)) {
          const said = consult(topic, topicModel);
          modelProbability = said.shown;
          score += said.contribution;
          reasons.push(said.reason);
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
