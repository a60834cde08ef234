/**
 * Precision / recall / F1 per topic and micro-averaged, from gold labels and predictions.
 * Pure arithmetic, shared by `watchfloor eval` and the tests.
 */

export interface Counts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export interface Scores extends Counts {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface Evaluation {
  readonly items: number;
  readonly topics: Readonly<Record<string, Scores>>;
  readonly micro: Scores;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** Scores from counts; an empty denominator counts as perfect (nothing to find, nothing wrongly found). */
export function scoresOf(c: Counts): Scores {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: round(precision), recall: round(recall), f1: round(f1), tp: c.tp, fp: c.fp, fn: c.fn };
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
