/**
 * Precision / recall / F1 per topic and micro-averaged, from gold labels and predictions.
 * Pure arithmetic, shared by `watchfloor eval` and the tests.
 */
import { brierScore, logLoss, reliability, type ReliabilityBin } from './calibration.js';

export interface Counts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/**
 * A ratio with an empty denominator is undefined, not perfect: `null` (shown as `n/a`). Precision
 * is null when nothing was predicted (tp + fp = 0), recall when nothing was to be found
 * (tp + fn = 0), F1 when both (tp + fp + fn = 0).
 */
export interface Scores extends Counts {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
}

export interface Evaluation {
  readonly items: number;
  readonly topics: Readonly<Record<string, Scores>>;
  readonly micro: Scores;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : round(num / den);
}

/**
 * Scores from counts. An empty denominator gives `null`: a topic with no gold item and no
 * prediction has not been measured, and must not read as 1.000. F1 is 2tp / (2tp + fp + fn), the
 * harmonic mean of precision and recall where both exist, and 0 when one of them is 0 or null
 * while the other side has errors (nothing predicted but items missed).
 */
export function scoresOf(c: Counts): Scores {
  return {
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    tp: c.tp,
    fp: c.fp,
    fn: c.fn,
  };
}

/** Evaluates predictions against gold labels for the given topics (labels outside them are ignored). */
export function evaluate(topics: readonly string[], items: readonly { gold: readonly string[]; predicted: readonly string[] }[]): Evaluation {
  const counts = new Map(topics.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  for (const item of items) {
    for (const [topic, c] of counts) {
      const g = item.gold.includes(topic);
      const p = item.predicted.includes(topic);
      if (g && p) c.tp++;
      else if (p) c.fp++;
      else if (g) c.fn++;
    }
  }
  const total = { tp: 0, fp: 0, fn: 0 };
  const perTopic: Record<string, Scores> = {};
  for (const [topic, c] of counts) {
    perTopic[topic] = scoresOf(c);
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
  }
  return { items: items.length, topics: perTopic, micro: scoresOf(total) };
}

/** One verdict the model turned: matched with the model, not without it, or the reverse. */
export interface ModelChange {
  readonly index: number;
  readonly topic: string;
  /** The verdict with the model. */
  readonly matched: boolean;
  /** True when the model's side agrees with the gold label. */
  readonly right: boolean;
}

export interface ModelChanges {
  /** Verdicts (story × topic) the model was consulted for. */
  readonly consulted: number;
  readonly changed: number;
  readonly right: number;
  readonly wrong: number;
  readonly changes: readonly ModelChange[];
}

/**
 * The decisions the model changed: a verdict whose score without the model's contribution falls
 * on the other side of the threshold. Right when the final verdict agrees with the gold label.
 */
export function modelChanges(
  topics: readonly string[],
  items: readonly { gold: readonly string[]; verdicts: readonly { topic: string; matched: boolean; score: number; threshold: number; reasons: readonly { kind: string; weight?: number }[] }[] }[],
): ModelChanges {
  let consulted = 0;
  const changes: ModelChange[] = [];
  items.forEach((item, index) => {
    for (const v of item.verdicts) {
      if (!topics.includes(v.topic)) continue;
      const model = v.reasons.find((r) => r.kind === 'model');
      if (!model) continue;
      consulted++;
      const without = Math.round((v.score - (model.weight ?? 0)) * 1000) / 1000 >= v.threshold;
      if (without === v.matched) continue;
      changes.push({ index, topic: v.topic, matched: v.matched, right: item.gold.includes(v.topic) === v.matched });
    }
  });
  const right = changes.filter((c) => c.right).length;
  return { consulted, changed: changes.length, right, wrong: changes.length - right, changes };
}

/** How well the model's stated probabilities match what the labels say, over the verdicts it was asked about. */
export interface ModelCalibration {
  readonly verdicts: number;
  /** Mean log loss of the shown probability; null without verdicts. */
  readonly logLoss: number | null;
  /** Mean squared error of the shown probability (Brier score); null without verdicts. */
  readonly brier: number | null;
  readonly bins: readonly ReliabilityBin[];
}

export function modelCalibration(
  topics: readonly string[],
  items: readonly { gold: readonly string[]; verdicts: readonly { topic: string; modelProbability: number | null }[] }[],
): ModelCalibration {
  const judged: { p: number; onTopic: boolean }[] = [];
  for (const item of items) {
    for (const v of item.verdicts) {
      if (!topics.includes(v.topic) || v.modelProbability === null) continue;
      judged.push({ p: v.modelProbability, onTopic: item.gold.includes(v.topic) });
    }
  }
  const round = (n: number | null): number | null => (n === null ? null : Math.round(n * 1e4) / 1e4);
  return { verdicts: judged.length, logLoss: round(logLoss(judged)), brier: round(brierScore(judged)), bins: reliability(judged) };
}

/** A score's ratios without its counts: what `eval --json` prints as `micro`. */
export type Ratios = Pick<Scores, 'precision' | 'recall' | 'f1'>;

/** The ratios of a score, in the order `eval --json` prints them. */
export function ratiosOf(s: Scores): Ratios {
  return { precision: s.precision, recall: s.recall, f1: s.f1 };
}

/** A title as compared with the training text's: case and runs of spaces folded. */
export function titleKey(title: string): string {
  return title.toLowerCase().replace(/\s+/gu, ' ').trim();
}

/**
 * How many items of a set the training text holds under the very same title, and the micro
 * scores on those and on the rest. Writers asked for news of a desk repeat famous headlines,
 * and the model has seen those verbatim: a set's score is only as new as its unseen part.
 */
export interface TrainingOverlap {
  readonly seen: number;
  readonly unseen: number;
  /** Micro precision, recall and F1 on each part; null for an empty part. */
  readonly micro: { readonly seen: Ratios | null; readonly unseen: Ratios | null };
}

export function trainingOverlap(
  topics: readonly string[],
  items: readonly { title: string; gold: readonly string[]; predicted: readonly string[] }[],
  trainingTitles: ReadonlySet<string>,
): TrainingOverlap {
  const seen = items.filter((i) => trainingTitles.has(titleKey(i.title)));
  const unseen = items.filter((i) => !trainingTitles.has(titleKey(i.title)));
  const micro = (part: typeof items): Ratios | null => (part.length === 0 ? null : ratiosOf(evaluate(topics, part).micro));
  return { seen: seen.length, unseen: unseen.length, micro: { seen: micro(seen), unseen: micro(unseen) } };
}
