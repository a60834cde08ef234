/**
 * When to poll a feed next. Pure: the clock and the random jitter are parameters.
 */

/** No feed waits longer than this between attempts because of failures. */
export const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;
/** A server may ask for a pause with Retry-After, but not for more than a day. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
/** Jitter stretches a delay by up to this fraction, so feeds that failed together spread out. */
export const JITTER_FRACTION = 0.1;

export interface NextPollInput {
  /** Epoch ms of the attempt that just finished. */
  readonly now: number;
  /** The feed's normal interval in ms. */
  readonly intervalMs: number;
  /** Failures in a row including the one just recorded; 0 after a success. */
  readonly consecutiveFailures: number;
  /** From Retry-After (429/503), or null. */
  readonly retryAfterMs: number | null;
  /** A random number in [0, 1), passed in to keep this function pure. */
  readonly jitter: number;
}

/**
 * Epoch ms of the next poll. Success: `now + interval`. Failure n: `interval × 2^(n-1)`,
 * stretched by up to 10 % jitter and capped at {@link MAX_BACKOFF_MS}; never sooner than
 * Retry-After (itself capped at {@link MAX_RETRY_AFTER_MS}).
 */
export function nextPollAt(input: NextPollInput): number {
  const { now, intervalMs, consecutiveFailures, retryAfterMs, jitter } = input;
  if (!Number.isFinite(now) || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`nextPollAt: now and a positive intervalMs are required (got now=${now}, intervalMs=${intervalMs})`);
  }
  const failures = Number.isFinite(consecutiveFailures) ? Math.max(0, Math.floor(consecutiveFailures)) : 0;
  const spread = Number.isFinite(jitter) ? Math.min(Math.max(jitter, 0), 1) : 0;

  let delayMs: number;
  if (failures === 0) {
    delayMs = intervalMs;
  } else {
    // 2^(n-1) overflows to Infinity for absurd n; Math.min still caps it.
    const exponential = intervalMs * 2 ** (failures - 1);
    delayMs = Math.min(exponential * (1 + JITTER_FRACTION * spread), Math.max(MAX_BACKOFF_MS, intervalMs));
  }
  if (retryAfterMs !== null && Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
    delayMs = Math.max(delayMs, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
  }
  return now + Math.round(delayMs);
}
