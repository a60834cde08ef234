import { featuresOf } from '../classify/model.js';
import { readStory } from '../classify/read-story.js';
import type { Classification, Reason, TopicVerdict } from '../types.js';

/**
 * What a server taught, learned from its members' ratings: per topic, a small L2-regularised
 * logistic regression over the story's features, fitted on top of the shared classifier's own
 * margin (score − threshold). Its output is a shift of the topic's score for this server only,
 * so stories like the ones the server rated 👎 fall below the threshold, and stories like the
 * ones it rated 👍 rise. Pure: no I/O, no clock; the shell reads the ratings and caches the result.
 */

/** The numbers the learner works with; documented in docs/feedback.md and ADR 14. */
export const FEEDBACK_LEARNING = Object.freeze({
  /** A topic's adjustment acts only with at least this many ratings… */
  minRatings: 10,
  /** …from at least this many members (one member alone never changes a server's decisions), with
   * both verdicts present (only 👍 or only 👎 teaches no boundary). */
  minMembers: 2,
  /** A member's ratings of one topic weigh at most this many ratings together. */
  memberWeightCap: 10,
  /** L2 penalty on every weight (and on the intercept): keeps a few ratings from saying much. */
  l2: 0.5,
  /** Score units per unit of log-odds: the shared margin (score − threshold) is divided by it. */
  marginScale: 4,
  /** The shift of a score is clamped to ±this. */
  maxShift: 16,
  iterations: 300,
  learningRate: 1,
});

/**
 * Features of a story as the learner sees them: words (stems) of the story as the classifier reads
 * it (an aggregator's outlet credit set aside: it names who wrote the story, and every story of
 * that outlet would share its words), the rules that fired, signals.
 */
export function feedbackFeatures(title: string, summary: string, reasons: readonly Reason[]): string[] {
  const read = readStory({ title, summary });
  const out = new Set<string>(featuresOf(read.title, read.summary).map((w) => `word:${w}`));
  let titleHit = false;
  for (const r of reasons) {
    if (r.kind === 'pattern') {
      out.add(`rule:${r.pattern}`);
      if (r.field === 'title') titleHit = true;
    } else if (r.kind === 'exclusion') {
      out.add(`exclusion:${r.pattern}`);
    } else if (r.kind === 'note' && r.text.startsWith('passing mention')) {
      out.add('signal:passing-mention');
    }
  }
  if (reasons.some((r) => r.kind === 'pattern')) out.add(titleHit ? 'signal:named-in-title' : 'signal:summary-only');
  return [...out];
}

/** One rating as the learner needs it. */
export interface FeedbackExample {
  readonly memberId: string;
  readonly topic: string;
  readonly rating: 1 | -1;
  /** The shared classifier's margin for the story (score − threshold). */
  readonly margin: number;
  readonly features: readonly string[];
}

/** Counts behind a topic's adjustment, for `/watch tune` and `explain`. */
export interface FeedbackCounts {
  readonly up: number;
  readonly down: number;
  readonly members: number;
}

/** What one server taught about one topic. */
export interface TopicAdjustment {
  readonly topic: string;
  readonly counts: FeedbackCounts;
  /** False until the evidence is enough (see FEEDBACK_LEARNING); `why` says what is missing. */
  readonly active: boolean;
  readonly why: string | null;
  /** Feature → weight in log-odds; empty when inactive. */
  readonly weights: ReadonlyMap<string, number>;
  readonly bias: number;
}

/** What one server taught, per topic. */
export interface ServerAdjustment {
  readonly guildId: string;
  /** All of the server's ratings together; `why` says what evidence is missing, null when it acts. */
  readonly counts: FeedbackCounts;
  readonly why: string | null;
  readonly topics: ReadonlyMap<string, TopicAdjustment>;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Why a topic's ratings are not enough yet, or null when they are. */
function missingEvidence(counts: FeedbackCounts): string | null {
  const total = counts.up + counts.down;
  const need: string[] = [];
  if (total < FEEDBACK_LEARNING.minRatings) need.push(`${FEEDBACK_LEARNING.minRatings - total} more rating${FEEDBACK_LEARNING.minRatings - total === 1 ? '' : 's'}`);
  if (counts.members < FEEDBACK_LEARNING.minMembers) need.push(`ratings from ${FEEDBACK_LEARNING.minMembers - counts.members} more member${FEEDBACK_LEARNING.minMembers - counts.members === 1 ? '' : 's'}`);
  if (counts.up === 0 || counts.down === 0) need.push(counts.up === 0 ? 'at least one 👍' : 'at least one 👎');
  return need.length > 0 ? `needs ${need.join(', ')}` : null;
}

/** Counts of a set of examples. */
function countOf(examples: readonly FeedbackExample[]): FeedbackCounts {
  return { up: examples.filter((e) => e.rating > 0).length, down: examples.filter((e) => e.rating < 0).length, members: new Set(examples.map((e) => e.memberId)).size };
}

/**
 * Fits one L2-regularised logistic regression over all of a server's ratings, on top of the shared
 * margin. Each feature appears twice: as itself (shared by every topic: a server that dislikes
 * roundups dislikes them under every topic) and prefixed with the topic (what holds for one topic
 * only), so a topic with few ratings still learns from the others. Deterministic.
 */
function fit(examples: readonly FeedbackExample[]): Map<string, number> {
  const perMember = new Map<string, number>();
  for (const e of examples) perMember.set(`${e.memberId}|${e.topic}`, (perMember.get(`${e.memberId}|${e.topic}`) ?? 0) + 1);
  // A member who rated many stories of a topic weighs as much as memberWeightCap ratings, not more.
  const weightOf = (e: FeedbackExample): number => Math.min(1, FEEDBACK_LEARNING.memberWeightCap / (perMember.get(`${e.memberId}|${e.topic}`) ?? 1));
  const { l2, marginScale, iterations, learningRate } = FEEDBACK_LEARNING;
  const rows = examples.map((e) => ({ e, c: weightOf(e), features: [BIAS, `${e.topic}|${BIAS}`, ...e.features, ...e.features.map((f) => `${e.topic}|${f}`)] }));
  const weights = new Map<string, number>();
  for (const r of rows) for (const f of r.features) weights.set(f, 0);
  const total = rows.reduce((n, r) => n + r.c, 0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Map<string, number>();
    for (const r of rows) {
      let z = r.e.margin / marginScale;
      for (const f of r.features) z += weights.get(f) ?? 0;
      const err = (sigmoid(z) - (r.e.rating > 0 ? 1 : 0)) * r.c;
      for (const f of r.features) grad.set(f, (grad.get(f) ?? 0) + err);
    }
    for (const [f, w] of weights) weights.set(f, w - (learningRate * ((grad.get(f) ?? 0) + l2 * w)) / total);
  }
  return weights;
}

const BIAS = '(bias)';

/** One topic's view of a server's fitted weights: shared and topic-specific added up. */
function topicView(topic: string, counts: FeedbackCounts, weights: ReadonlyMap<string, number>): TopicAdjustment {
  const merged = new Map<string, number>();
  const prefix = `${topic}|`;
  for (const [f, w] of weights) {
    if (f.includes('|') && !f.startsWith(prefix)) continue;
    const name = f.startsWith(prefix) ? f.slice(prefix.length) : f;
    merged.set(name, (merged.get(name) ?? 0) + w);
  }
  const bias = round(merged.get(BIAS) ?? 0);
  merged.delete(BIAS);
  const kept = new Map<string, number>();
  for (const [f, w] of merged) if (Math.abs(w) >= 0.01) kept.set(f, round(w));
  return { topic, counts, active: true, why: null, weights: kept, bias };
}

/**
 * Learns what a server taught. The evidence rule (FEEDBACK_LEARNING) applies to the server's
 * ratings as a whole; every topic it rated, or that shares its features, gets an adjustment.
 */
export function learnServer(guildId: string, examples: readonly FeedbackExample[], topicIds: readonly string[] = []): ServerAdjustment {
  const topics = [...new Set([...examples.map((e) => e.topic), ...topicIds])].sort();
  const all = countOf(examples);
  const why = missingEvidence(all);
  if (why !== null) {
    return { guildId, counts: all, why, topics: new Map(topics.map((t) => [t, { topic: t, counts: countOf(examples.filter((e) => e.topic === t)), active: false, why, weights: new Map(), bias: 0 }])) };
  }
  const weights = fit(examples);
  return { guildId, counts: all, why: null, topics: new Map(topics.map((t) => [t, topicView(t, countOf(examples.filter((e) => e.topic === t)), weights)])) };
}

/** The shift (in score units) a topic's adjustment gives a story with these features, clamped. */
export function scoreShift(adjustment: TopicAdjustment, features: readonly string[]): number {
  if (!adjustment.active) return 0;
  let z = adjustment.bias;
  for (const f of features) z += adjustment.weights.get(f) ?? 0;
  const shift = z * FEEDBACK_LEARNING.marginScale;
  return round(Math.max(-FEEDBACK_LEARNING.maxShift, Math.min(FEEDBACK_LEARNING.maxShift, shift)));
}

/**
 * Whether a verdict may be raised at all: it needs a rule hit of its own, and no exclusion may
 * have fired. A story the rules excluded (Odessa, Texas; chicken Kiev) stays out whatever a server
 * taught; a story with no keyword for the topic is never pulled in by words alone.
 */
export function mayRaise(verdict: Pick<TopicVerdict, 'reasons'>): boolean {
  return verdict.reasons.some((r) => r.kind === 'pattern') && !verdict.reasons.some((r) => r.kind === 'exclusion');
}

/** The note an adjusted verdict carries, shown in alerts and `explain`. */
export function feedbackNote(adjustment: TopicAdjustment, shift: number): string {
  const c = adjustment.counts;
  return `server feedback: ${shift >= 0 ? '+' : ''}${shift} (learned from ${c.up} 👍 and ${c.down} 👎 by ${c.members} members)`;
}

/** One verdict as this server decides it; the verdict itself when nothing applies. */
export function adjustVerdict(server: ServerAdjustment | null, verdict: TopicVerdict, features: () => readonly string[]): TopicVerdict {
  const adjustment = server?.topics.get(verdict.topic);
  if (!adjustment?.active) return verdict;
  let shift = scoreShift(adjustment, features());
  if (shift > 0 && !mayRaise(verdict)) shift = 0;
  if (shift === 0) return verdict;
  const score = round(verdict.score + shift);
  return { ...verdict, score, matched: score >= verdict.threshold, reasons: [...verdict.reasons, { kind: 'note', text: feedbackNote(adjustment, shift) }] };
}

/** Verdicts of one story as this server decides them. */
export function adjustVerdicts(server: ServerAdjustment | null, story: { readonly title: string; readonly summary: string }, verdicts: readonly TopicVerdict[]): TopicVerdict[] {
  if (!server || server.topics.size === 0) return [...verdicts];
  return verdicts.map((v) => adjustVerdict(server, v, () => feedbackFeatures(story.title, story.summary, v.reasons)));
}

/** A classification as this server decides it. */
export function adjustClassification(server: ServerAdjustment | null, story: { readonly title: string; readonly summary: string }, classification: Classification): Classification {
  if (!server || server.topics.size === 0) return classification;
  const verdicts = adjustVerdicts(server, story, classification.verdicts);
  return { verdicts, matched: verdicts.filter((v) => v.matched).map((v) => v.topic) };
}

/** The features that moved a topic most, strongest first: for `/watch tune`. */
export function strongestFeatures(adjustment: TopicAdjustment, limit: number): { feature: string; shift: number }[] {
  return [...adjustment.weights]
    .map(([feature, w]) => ({ feature, shift: round(w * FEEDBACK_LEARNING.marginScale) }))
    .sort((a, b) => Math.abs(b.shift) - Math.abs(a.shift) || a.feature.localeCompare(b.feature))
    .slice(0, limit);
}

/** A feature as people read it: `word:brief` → "brief" (word), `rule:Kyiv` → rule "Kyiv". */
export function describeFeature(feature: string): string {
  const [kind, ...rest] = feature.split(':');
  const value = rest.join(':');
  switch (kind) {
    case 'word':
      return `word "${value}"`;
    case 'rule':
      return `rule "${value}"`;
    case 'exclusion':
      return `exclusion "${value}"`;
    default:
      return value;
  }
}

/**
 * Ratings as training examples for the shared model (`watchfloor train --with-feedback`): one
 * per rated story, labelled with the topics it matched, plus the topics rated 👍 on balance, minus
 * those rated 👎 on balance, over every server. A tie leaves the topic as the rules had it.
 */
export function trainingExamplesFromRatings(
  rated: readonly { readonly storyRowid: number; readonly title: string; readonly summary: string; readonly topic: string; readonly rating: 1 | -1 }[],
  matchedTopicsOf: (storyRowid: number) => readonly string[],
): { title: string; summary: string; labels: string[] }[] {
  const byStory = new Map<number, { title: string; summary: string; votes: Map<string, number> }>();
  for (const r of rated) {
    const entry = byStory.get(r.storyRowid) ?? { title: r.title, summary: r.summary, votes: new Map<string, number>() };
    entry.votes.set(r.topic, (entry.votes.get(r.topic) ?? 0) + r.rating);
    byStory.set(r.storyRowid, entry);
  }
  return [...byStory].map(([rowid, e]) => {
    const labels = new Set(matchedTopicsOf(rowid));
    for (const [topic, sum] of e.votes) {
      if (sum > 0) labels.add(topic);
      else if (sum < 0) labels.delete(topic);
    }
    return { title: e.title, summary: e.summary, labels: [...labels].sort() };
  });
}
