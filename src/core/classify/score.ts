import type { MatchField, Reason } from '../types.js';
import type { FieldText, Hit, Matcher } from './matcher.js';
import type { ExclusionRule, RuleSet, TopicRule } from './rules.js';
import { ARTICLES, bareDateline, contextKey } from './text.js';

/** The keyword side of a verdict for one topic. */
export interface KeywordScore {
  readonly score: number;
  /** Pattern hits that counted (after exclusions and context rules). */
  readonly hits: number;
  /** True when the score was capped as a passing mention. */
  readonly passing: boolean;
  readonly reasons: readonly Reason[];
  /** The pattern hits that counted, for the context features (src/core/classify/context.ts). */
  readonly kept: readonly Hit[];
  /** True when an exclusion of the topic matched (masked a hit or cost points). */
  readonly excluded: boolean;
  /** True when a decisive context feature set the verdict: the model is not consulted. */
  readonly decided?: boolean;
  /** True when a context cue made the topic a candidate without a keyword hit: the model is consulted. */
  readonly candidate?: boolean;
  /** True when a roundup's item decided the verdict: the model, which reads every item's words, is not heard even for its surest no. */
  readonly sealed?: boolean;
}

/**
 * A summary that opens with a topic as its subject ("Ukraine's energy ministry said…", "The
 * streets of Ukraine's capital…") is about it, as much as a headline is: news summaries lead
 * with what the story is about and name other countries later ("…to fund its war in Ukraine").
 * Such a lead mention (first word, or a possessive within the first LEAD_WORDS words) gets the
 * title weight and is never a passing mention. A plain mention there ("Police in Seoul said")
 * is not enough: it is as often a place or a source.
 */
export const LEAD_WORDS = 5;

const EMPTY: KeywordScore = Object.freeze({ score: 0, hits: 0, passing: false, reasons: Object.freeze([]), kept: Object.freeze([]), excluded: false });

function overlaps(a: Hit, b: Hit): boolean {
  return a.field === b.field && a.from < b.to && b.from < a.to;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

interface Working {
  kept: readonly Hit[];
  reasons: Reason[];
  penalty: number;
}

/** Applies the exclusions of one topic that `applies` selects: masks overlapping hits, adds penalties. */
function applyExclusions(topic: TopicRule, t: number, hits: readonly Hit[], exclusionHits: readonly Hit[], applies: (rule: ExclusionRule) => boolean): Working {
  const reasons: Reason[] = [];
  let penalty = 0;
  let kept = hits;
  // A penalty counts once per distinct word matched: four signs of a parish festival abroad
  // weigh more than one.
  const seen = new Set<string>();
  for (const x of exclusionHits) {
    if (x.topic !== t) continue;
    const rule = topic.exclusions[x.rule];
    if (!rule) continue;
    if (!applies(rule)) continue;
    const before = kept.length;
    kept = kept.filter((h) => !overlaps(h, x));
    const masked = before - kept.length;
    if (masked === 0 && rule.penalty === 0) continue;
    const key = `${x.rule}:${x.matched.toLowerCase()}`;
    if (!seen.has(key)) {
      seen.add(key);
      penalty += rule.penalty;
      reasons.push({ kind: 'exclusion', pattern: rule.name, matched: x.matched, field: x.field, weight: -rule.penalty });
    }
  }
  return { kept, reasons, penalty };
}

function fieldWeight(topic: TopicRule, field: MatchField, lead: boolean): number {
  return field === 'title' || lead ? topic.titleWeight : topic.summaryWeight;
}

/**
 * Feature ledes open by setting the scene: "In Pyongyang, where cars are still few, …", "In a
 * Kharkiv metro station turned classroom, …". The place in that opening phrase is where the whole
 * story happens, so it leads like a subject does. The phrase must start the summary with "In",
 * name the place within its first SCENE_LEAD_WORDS words and close with a comma soon after:
 * "In a speech in Seoul, Biden said…" names the place too late to count.
 */
export const SCENE_LEAD_WORDS = 4;
const SCENE_PHRASE_TAIL_WORDS = 4;

function isSceneLead(hit: Hit, summary: FieldText): boolean {
  const { tokens, text } = summary;
  const first = tokens[0];
  const last = tokens[hit.to - 1];
  if (first?.text !== 'in' || hit.from < 1 || hit.from >= SCENE_LEAD_WORDS || !last) return false;
  if (/[,.;:]/u.test(text.slice(first.end, last.end))) return false;
  const tailEnd = tokens[hit.to + SCENE_PHRASE_TAIL_WORDS]?.start ?? text.length;
  return text.slice(last.end, tailEnd).includes(',');
}

/** The state after the country's adjective: what makes "The South Korean …" the country itself. */
const LEAD_STATE_NOUNS: ReadonlySet<string> = new Set(
  'president government military army navy parliament economy currency capital leader leadership presidency ministry minister cabinet authorities central'.split(' '),
);

/** True for a summary hit that is the summary's grammatical lead (see LEAD_WORDS). */
function isLead(hit: Hit, fields: readonly FieldText[]): boolean {
  if (hit.field !== 'summary' || hit.from >= LEAD_WORDS) return false;
  const summary = fields.find((f) => f.field === 'summary');
  if (!summary) return false;
  // "SEOUL — About 100 North Korean soldiers…": a dateline is where the story was filed.
  if (hit.from === 0) return !bareDateline(summary.text, summary.tokens, hit.from, hit.to);
  const tokens = summary.tokens;
  // "The South Korean president, on his first trip abroad, …": the article opens the subject, when
  // that is the state; "The South Korean captain scored twice" only labels a person.
  if (hit.from === 1 && ARTICLES.has(tokens[0]?.text ?? '') && LEAD_STATE_NOUNS.has(tokens[hit.to]?.text ?? '')) return true;
  // "Ukraine's …", including terms that contain the possessive ("Ukraine's capital").
  if (tokens[hit.to]?.text === 's' || tokens[hit.from + 1]?.text === 's') return true;
  return isSceneLead(hit, summary);
}

/** Sums hits per (pattern, field) with diminishing returns for repeats. */
function sumHits(topic: TopicRule, hits: readonly Hit[], fields: readonly FieldText[]): { score: number; reasons: Reason[] } {
  const groups = new Map<string, Hit[]>();
  for (const h of hits) {
    const key = `${h.rule}:${h.field}`;
    const list = groups.get(key);
    if (list) list.push(h);
    else groups.set(key, [h]);
  }
  let score = 0;
  const reasons: Reason[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    const rule = first ? topic.patterns[first.rule] : undefined;
    if (!first || !rule) continue;
    let factor = 0;
    for (let k = 0; k < list.length; k++) factor += topic.repeatDecay ** k;
    const weight = rule.weight * fieldWeight(topic, first.field, isLead(first, fields)) * factor;
    score += weight;
    const matched = [...new Set(list.map((h) => h.matched))].join(', ');
    reasons.push({ kind: 'pattern', pattern: rule.name, matched, field: first.field, weight: round(weight) });
  }
  reasons.sort((a, b) => (b.kind === 'pattern' && a.kind === 'pattern' ? b.weight - a.weight : 0));
  return { score, reasons };
}

/** Whether a context word (a `requires` or `unless` term, as written) is in the story, from its auxiliary hits. */
export function contextTest(matcher: Matcher, aux: readonly Hit[]): (term: string) => boolean {
  const contexts = new Set<number>();
  for (const h of aux) if (h.kind === 'context') contexts.add(h.rule);
  return (term) => {
    const id = matcher.contextIdsByTerm.get(term) ?? matcher.contextIds.get(contextKey(term));
    return id !== undefined && contexts.has(id);
  };
}

/** The exclusion hits among auxiliary hits that apply: an exclusion with `requires` needs one of its words in the story. */
export function applicableExclusions(rules: RuleSet, aux: readonly Hit[], present: (term: string) => boolean): Hit[] {
  return aux.filter((h) => {
    if (h.kind !== 'exclusion') return false;
    const requires = rules.topics[h.topic]?.exclusions[h.rule]?.requires ?? [];
    return requires.length === 0 || requires.some(present);
  });
}

/** The weight a pattern needs to anchor, or be anchored by, another of its topic's names. */
export const ANCHOR_WEIGHT = 2;

/**
 * Keyword scores for every topic. Order of work: longest-match pattern hits; mask hits inside
 * exclusions; drop hits whose `requires`/`unless` context says otherwise; sum with title weight
 * and repeat decay; apply exclusions that depend on another topic (`onlyWith`); cap a lone
 * summary mention as passing.
 */
export function scoreKeywords(rules: RuleSet, matcher: Matcher, fields: readonly FieldText[]): KeywordScore[] {
  const patternHits: Hit[] = [];
  for (const f of fields) patternHits.push(...matcher.matchPatterns(f));
  if (patternHits.length === 0) return rules.topics.map(() => EMPTY);

  const topicsHit = new Set<number>();
  for (const h of patternHits) topicsHit.add(h.topic);
  const aux: Hit[] = [];
  for (const f of fields) aux.push(...matcher.matchAux(f, topicsHit));
  const present = contextTest(matcher, aux);
  const exclusionHits = applicableExclusions(rules, aux, present);

  const stage1 = rules.topics.map((topic, t) => {
    const notes: Reason[] = [];
    const own = patternHits.filter((h) => h.topic === t);
    // Exclusions first, so "Kim Kardashian" is reported as the exclusion it is.
    const unconditional = applyExclusions(topic, t, own, exclusionHits, (rule) => rule.onlyWith === undefined);
    // Another of the topic's names (weight 2 or more, another pattern) is context enough for a
    // name that needs one: "Supreme Court" and "Yoon", each ambiguous alone, anchor each other.
    const anchoredBy = (h: Hit): Hit | undefined =>
      unconditional.kept.find((o) => o.rule !== h.rule && (topic.patterns[o.rule]?.weight ?? 0) >= ANCHOR_WEIGHT && o.matched.toLowerCase() !== h.matched.toLowerCase());
    const hits = unconditional.kept.filter((h) => {
      const rule = topic.patterns[h.rule];
      if (!rule) return false;
      if (rule.requires.length > 0 && !rule.requires.some(present)) {
        const anchor = rule.weight >= ANCHOR_WEIGHT ? anchoredBy(h) : undefined;
        if (!anchor) {
          notes.push({ kind: 'note', text: `"${h.matched}" (${rule.name}) ignored: none of ${rule.requires.join(', ')} in the story` });
          return false;
        }
        notes.push({ kind: 'note', text: `"${h.matched}" (${rule.name}) counted: "${anchor.matched}" (${topic.patterns[anchor.rule]?.name ?? 'another name'}) is its context` });
      }
      const blocker = rule.unless.find(present);
      if (blocker !== undefined) {
        notes.push({ kind: 'note', text: `"${h.matched}" (${rule.name}) ignored: "${blocker}" in the story` });
        return false;
      }
      return true;
    });
    const summed = sumHits(topic, hits, fields);
    return { notes, hits, unconditional, score: summed.score - unconditional.penalty };
  });

  const reached = (topicId: string): boolean => {
    const i = rules.topics.findIndex((t) => t.id === topicId);
    const topic = rules.topics[i];
    const s = stage1[i];
    return topic !== undefined && s !== undefined && s.score >= topic.threshold;
  };

  return rules.topics.map((topic, t) => {
    const s = stage1[t];
    if (!s || (s.hits.length === 0 && s.notes.length === 0 && s.unconditional.reasons.length === 0)) return EMPTY;
    const final = applyExclusions(topic, t, s.hits, exclusionHits, (rule) => rule.onlyWith !== undefined && reached(rule.onlyWith));
    const summed = sumHits(topic, final.kept, fields);
    let score = summed.score - s.unconditional.penalty - final.penalty;
    const reasons: Reason[] = [...summed.reasons, ...s.unconditional.reasons, ...final.reasons, ...s.notes];
    const only = final.kept[0];
    const passing =
      topic.passingMentionCap && final.kept.length === 1 && only !== undefined && only.field === 'summary' && !isLead(only, fields) && score >= topic.threshold - 1;
    if (passing) {
      score = topic.threshold - 1;
      reasons.push({ kind: 'note', text: `passing mention: one summary hit only, keyword score capped at ${round(score)}` });
    }
    const excluded = s.unconditional.reasons.length > 0 || final.reasons.length > 0;
    return { score: round(score), hits: final.kept.length, passing, reasons, kept: final.kept, excluded };
  });
}
