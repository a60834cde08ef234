/**
 * Calibration of the model's probabilities (issue 15). Naive Bayes log-odds are not
 * probabilities: it counts correlated words as independent evidence, and the model is asked only
 * about candidates (stories with a keyword hit), most of which are on topic. Measured on holdouts
 * 1–7 with the tempered log-odds the verdict uses (`σ(z / 3)`): of the candidates it put between
 * 0.2 and 0.35, 69% were on topic; between 0.35 and 0.5, 84%.
 *
 * Platt scaling fixes that: `p = σ(slope · z + intercept)`, the two numbers fitted per topic on
 * log-odds the model gave to examples it was not trained on (k-fold cross-validation over the
 * labelled training examples), with Platt's smoothed targets so a fold without a miss cannot push
 * the fit to certainty. Pure and deterministic.
 */

/** `p = σ(slope · z + intercept)` for a topic model's log-odds z. */
export interface Calibration {
  readonly slope: number;
  readonly intercept: number;
  /** Cross-validated candidates it was fitted on (positives + negatives). */
  readonly fittedOn: number;
}

/** One cross-validated judgement: the model's log-odds for a candidate, and whether it was on topic. */
export interface CalibrationPoint {
  readonly logOdds: number;
  readonly onTopic: boolean;
}

/** Fewer candidates than this, or none of one kind, and no calibration is fitted. */
export const MIN_CALIBRATION_POINTS = 20;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Platt's fit by Newton's method on the log loss (two parameters, so the Hessian is 2 × 2), with
 * the targets `(positives + 1) / (positives + 2)` and `1 / (negatives + 2)`. Null when there are
 * too few points or only one kind.
 */
export function fitPlatt(points: readonly CalibrationPoint[]): Calibration | null {
  const positives = points.filter((p) => p.onTopic).length;
  const negatives = points.length - positives;
  if (points.length < MIN_CALIBRATION_POINTS || positives === 0 || negatives === 0) return null;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 0;
  let b = Math.log((positives + 1) / (negatives + 1));
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (const point of points) {
      const p = sigmoid(a * point.logOdds + b);
      const error = p - (point.onTopic ? hi : lo);
      const w = p * (1 - p);
      ga += error * point.logOdds;
      gb += error;
      haa += w * point.logOdds * point.logOdds;
      hab += w * point.logOdds;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  return { slope: round6(a), intercept: round6(b), fittedOn: points.length };
}

/** Mean log loss of probabilities against outcomes (clamped away from 0 and 1). */
export function logLoss(items: readonly { p: number; onTopic: boolean }[]): number | null {
  if (items.length === 0) return null;
  let sum = 0;
  for (const { p, onTopic } of items) {
    const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
    sum -= Math.log(onTopic ? q : 1 - q);
  }
  return sum / items.length;
}

/** Mean squared error of probabilities against outcomes (Brier score). */
export function brierScore(items: readonly { p: number; onTopic: boolean }[]): number | null {
  if (items.length === 0) return null;
  return items.reduce((sum, { p, onTopic }) => sum + (p - (onTopic ? 1 : 0)) ** 2, 0) / items.length;
}

/** Edges of the reliability table `eval` prints: stated probability against observed share. */
export const RELIABILITY_EDGES = [0, 0.2, 0.4, 0.6, 0.8, 1] as const;

export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  readonly verdicts: number;
  /** Mean stated probability in the bin; null when empty. */
  readonly meanProbability: number | null;
  /** Share on topic in the bin; null when empty. */
  readonly observed: number | null;
}

export function reliability(items: readonly { p: number; onTopic: boolean }[]): ReliabilityBin[] {
  const bins: ReliabilityBin[] = [];
  for (let i = 0; i + 1 < RELIABILITY_EDGES.length; i++) {
    const from = RELIABILITY_EDGES[i] ?? 0;
    const to = RELIABILITY_EDGES[i + 1] ?? 1;
    const last = i + 2 === RELIABILITY_EDGES.length;
    const inBin = items.filter(({ p }) => p >= from && (last ? p <= to : p < to));
    const n = inBin.length;
    bins.push({
      from,
      to,
      verdicts: n,
      meanProbability: n === 0 ? null : round6(inBin.reduce((s, x) => s + x.p, 0) / n),
      observed: n === 0 ? null : round6(inBin.filter((x) => x.onTopic).length / n),
    });
  }
  return bins;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
