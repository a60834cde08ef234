/**
 * When two headlines report one event, and an index that finds the candidates without looking
 * at every cluster in the window. Pure: time is a parameter.
 */
import { DUPLICATE_JACCARD, jaccard } from '../compose/cluster.js';
import { indexTerms, type Signature } from './signature.js';

/**
 * Reports further apart than this (from the event's first report) are never one event; also
 * how long an alert lives: a report after it starts a new event and a new alert. The digest's
 * window (ADR 7).
 */
export const EVENT_WINDOW_MS = 12 * 60 * 60 * 1000;
/** Shared entity/concept keys that make two headlines in different scripts one event. */
export const CROSS_SCRIPT_KEYS = 3;
/** Shared keys (at least one a named entity) that, with shared words, make two headlines one event. */
export const SAME_SCRIPT_KEYS = 2;
/** Overlap coefficient of content words that, with shared keys, makes two headlines one event. */
export const WORD_OVERLAP = 0.34;
/** Of an index term carried by many events, only this many of the most recent are looked at. */
export const MAX_POSTING = 64;
/**
 * Candidates need this much shared evidence (a shared word counts 1, a shared entity or concept
 * 2): every rule of {@link sameEvent} needs at least two shared words or one shared key.
 */
export const MIN_VOTES = 2;
/** Candidates scored exactly per story, the best by shared index terms. */
export const MAX_CANDIDATES = 16;

function common<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): T[] {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out: T[] = [];
  for (const x of small) if (large.has(x)) out.push(x);
  return out;
}

/**
 * Whether two headlines report one event:
 * - the digest's rule: character 3-gram Jaccard ≥ 0.5 (same wording, ADR 7); else
 * - never when both name specific people or places (not just countries) and none in common
 *   ("drone attack on Odesa" / "… on Kharkiv"); else
 * - the same specific person or place and the same kind of event (missile, drone, strike …); or
 * - ≥ 3 shared entity/concept keys, one of them an entity (also across scripts: a Korean and an
 *   English report); or
 * - in one script, ≥ 2 shared keys with an entity and a third of the shorter headline's content
 *   words in common.
 * Shared words alone ("Seoul stocks close higher" / "… lower") are left to the first rule, and
 * one shared place ("Kyiv") never merges two events.
 */
export function sameEvent(a: Signature, b: Signature): boolean {
  // The key rules first: small sets, cheap. The shingle comparison only when they say no.
  // Jaccard is at most the smaller set's size over the larger's: most pairs need no intersection.
  const sizes = Math.min(a.shingles.size, b.shingles.size) / Math.max(a.shingles.size, b.shingles.size, 1);
  return sameByKeys(a, b) || (sizes >= DUPLICATE_JACCARD && jaccard(a.shingles, b.shingles) >= DUPLICATE_JACCARD);
}

function sameByKeys(a: Signature, b: Signature): boolean {
  const sharedSpecific = common(a.specific, b.specific).length;
  if (a.specific.size > 0 && b.specific.size > 0 && sharedSpecific === 0) return false;
  const keys = common(a.keys, b.keys);
  if (!keys.some((k) => !k.startsWith('c:'))) return false;
  if (sharedSpecific > 0 && keys.some((k) => k.startsWith('c:'))) return true;
  if (keys.length >= CROSS_SCRIPT_KEYS) return true;
  if (a.script !== b.script || keys.length < SAME_SCRIPT_KEYS) return false;
  const smaller = Math.min(a.words.size, b.words.size);
  return smaller > 0 && common(a.words, b.words).length / smaller >= WORD_OVERLAP;
}

/** One cluster as the index holds it: its first report's signature and time. */
export interface IndexedEvent {
  readonly id: number;
  readonly startedAt: number;
  readonly signature: Signature;
}

/**
 * Recent events by their signature terms: an inverted index (term → events), so a new story is
 * compared only with the events that share a rarer term with it, never with every event in the
 * window. Terms carried by more than {@link MAX_POSTING} events are not used to find candidates.
 * Events older than the window are dropped as the clock moves (oldest first, kept in insertion
 * order, which is start order).
 */
export class EventIndex {
  private readonly events = new Map<number, IndexedEvent>();
  /** Term → event ids, oldest first; ids of pruned events are skipped and compacted away now and then. */
  private postings = new Map<string, number[]>();
  private pruned = 0;
  /** Reused by every {@link find}: a fresh map per story is most of its garbage. */
  private readonly votes = new Map<number, number>();

  constructor(readonly windowMs = EVENT_WINDOW_MS) {}

  get size(): number {
    return this.events.size;
  }

  has(id: number): boolean {
    return this.events.has(id);
  }

  add(event: IndexedEvent): void {
    if (this.events.has(event.id)) return;
    this.events.set(event.id, event);
    for (const term of new Set(indexTerms(event.signature))) {
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = []));
      posting.push(event.id);
    }
  }

  /** Forgets events that started before `now - window` (in insertion order, which is about start order). */
  prune(now: number): void {
    const oldest = now - this.windowMs;
    for (const event of this.events.values()) {
      if (event.startedAt >= oldest) break;
      this.events.delete(event.id);
      this.pruned++;
    }
    if (this.pruned > this.events.size + 1000) this.compact();
  }

  private compact(): void {
    const next = new Map<string, number[]>();
    for (const [term, ids] of this.postings) {
      const live = ids.filter((id) => this.events.has(id));
      if (live.length > 0) next.set(term, live);
    }
    this.postings = next;
    this.pruned = 0;
  }

  /**
   * The event a story with this signature, published at `at`, belongs to (the earliest-started
   * match among the best candidates), or null for a new event. A term carried by many events
   * contributes only its {@link MAX_POSTING} most recent ones.
   */
  find(signature: Signature, at: number): number | null {
    const votes = this.votes;
    votes.clear();
    for (const term of new Set(indexTerms(signature))) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const weight = term.startsWith('w:') ? 1 : 2;
      // Pruned ids may still be here until the next compaction: they cost a vote, never a match.
      for (let i = posting.length - 1, end = Math.max(0, posting.length - MAX_POSTING); i >= end; i--) {
        const id = posting[i] ?? 0;
        votes.set(id, (votes.get(id) ?? 0) + weight);
      }
    }
    const candidates = topByVotes(votes, MAX_CANDIDATES, MIN_VOTES);
    let best: IndexedEvent | null = null;
    for (const id of candidates) {
      const event = this.events.get(id);
      if (!event || Math.abs(at - event.startedAt) > this.windowMs) continue;
      if (best && event.startedAt >= best.startedAt) continue;
      if (sameEvent(signature, event.signature)) best = event;
    }
    return best?.id ?? null;
  }
}

/** The `n` ids with most votes (ties: the lower id), without sorting every candidate. */
function topByVotes(votes: ReadonlyMap<number, number>, n: number, min: number): number[] {
  const top: [number, number][] = [];
  for (const entry of votes) {
    if (entry[1] < min) continue;
    if (top.length === n) {
      const last = top[n - 1];
      if (last && (entry[1] < last[1] || (entry[1] === last[1] && entry[0] > last[0]))) continue;
      top.pop();
    }
    let i = top.length;
    while (i > 0 && ((top[i - 1]?.[1] ?? 0) < entry[1] || ((top[i - 1]?.[1] ?? 0) === entry[1] && (top[i - 1]?.[0] ?? 0) > entry[0]))) i--;
    top.splice(i, 0, entry);
  }
  return top.map(([id]) => id);
}

/** Event counts as `status` and `/status` word them. */
export function describeEventCounts(counts: { readonly inWindow: number; readonly living: number; readonly developing: number }): string {
  return `${counts.inWindow} in the last ${EVENT_WINDOW_MS / 3_600_000} h, ${counts.living} with a living alert, ${counts.developing} 🚨 developing`;
}
