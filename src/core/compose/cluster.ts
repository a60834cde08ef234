/**
 * Near-duplicate clustering for one digest: the same event reported by several outlets
 * becomes one entry ("also reported by …").
 *
 * Why character 3-gram shingles + exact Jaccard, not MinHash: a digest holds tens to a few
 * hundred stories, so comparing each story with each cluster representative is at most a few
 * ten-thousand set intersections of ~60 shingles — well under a millisecond per pair budget.
 * MinHash only pays off with an index over a large window; here it would add estimation error
 * for nothing. Character shingles (rather than words) need no stemmer or word splitter, so
 * "Kyiv's"/"Kyiv", "strikes"/"strike" and Korean text without spaces still overlap.
 */
import { withoutCredit } from '../outlet-credit.js';

/** Shingle length in characters. */
export const SHINGLE_CHARS = 3;
/** Two titles at or above this Jaccard similarity describe the same event. */
export const DUPLICATE_JACCARD = 0.5;
/**
 * Stories further apart in publication time are never merged. Short formulaic headlines
 * ("Seoul stocks close higher" / "… lower", Jaccard 0.61) look alike day after day; half a day
 * keeps consecutive days apart while wire and outlet copies of one event (minutes to hours
 * apart) still meet.
 */
export const DUPLICATE_WINDOW_MS = 12 * 60 * 60 * 1000;

export interface ClusterInput {
  readonly key: string;
  readonly title: string;
  readonly url: string | null;
  readonly publishedAt: number;
  /** Higher is more relevant; the highest-scoring member represents the cluster. */
  readonly score: number;
}

export interface Cluster<T extends ClusterInput> {
  readonly representative: T;
  /** The other members, in the order they joined. */
  readonly others: readonly T[];
}

/** Lower-cased, punctuation-free, single-spaced text (Unicode-aware, NFKC). */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`]s\b/gu, '')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The set of character shingles of a normalised title. */
export function shingles(title: string, size = SHINGLE_CHARS): Set<string> {
  return shinglesOfNormalised(normaliseTitle(title), size);
}

/** {@link shingles} of a title already normalised with {@link normaliseTitle}. */
export function shinglesOfNormalised(text: string, size = SHINGLE_CHARS): Set<string> {
  const out = new Set<string>();
  if (text.length === 0) return out;
  // Without surrogate pairs every character is one UTF-16 unit: cut the string directly.
  if (!/[\uD800-\uDFFF]/u.test(text)) {
    if (text.length <= size) out.add(text);
    else for (let i = 0; i + size <= text.length; i++) out.add(text.substring(i, i + size));
    return out;
  }
  const chars = Array.from(text);
  if (chars.length <= size) {
    out.add(text);
    return out;
  }
  for (let i = 0; i + size <= chars.length; i++) out.add(chars.slice(i, i + size).join(''));
  return out;
}

/** |A ∩ B| / |A ∪ B|; 0 for two empty sets (nothing to compare is not a match). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const s of small) if (large.has(s)) common++;
  return common / (a.size + b.size - common);
}

/**
 * Groups near-duplicates. Stories are taken best first (score, then earliest published); each
 * joins the first cluster whose *representative* it resembles, else starts a new one.
 * Comparing with the representative only (not any member) avoids chaining A~B~C into one
 * cluster when A and C have nothing in common.
 */
export function clusterStories<T extends ClusterInput>(items: readonly T[], threshold = DUPLICATE_JACCARD): Cluster<T>[] {
  const ordered = [...items].sort((a, b) => b.score - a.score || a.publishedAt - b.publishedAt || a.key.localeCompare(b.key));
  const clusters: { representative: T; shingles: Set<string>; others: T[] }[] = [];
  for (const item of ordered) {
    // One story carried by an aggregator under two outlets' credits is still one story.
    const own = shingles(withoutCredit(item.title));
    const home = clusters.find(
      (c) =>
        (item.url !== null && item.url === c.representative.url) ||
        (Math.abs(c.representative.publishedAt - item.publishedAt) <= DUPLICATE_WINDOW_MS && jaccard(own, c.shingles) >= threshold),
    );
    if (home) home.others.push(item);
    else clusters.push({ representative: item, shingles: own, others: [] });
  }
  return clusters.map(({ representative, others }) => ({ representative, others }));
}
