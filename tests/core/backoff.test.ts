import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS, nextPollAt } from '../../src/core/backoff.js';

const NOW = 1_700_000_000_000;
const MINUTE_MS = 60_000;
const base = { now: NOW, intervalMs: 5 * MINUTE_MS, consecutiveFailures: 0, retryAfterMs: null, jitter: 0 };

describe('nextPollAt', () => {
  it('GIVEN a success THEN the next poll is one interval later', () => {
    expect(nextPollAt(base)).toBe(NOW + 5 * MINUTE_MS);
  });

  it('GIVEN n failures THEN the delay doubles each time, starting at one interval', () => {
    const delays = [1, 2, 3, 4].map((n) => nextPollAt({ ...base, consecutiveFailures: n }) - NOW);
    expect(delays).toEqual([5, 10, 20, 40].map((m) => m * MINUTE_MS));
  });

  it('GIVEN many failures THEN the delay is capped at 6 hours', () => {
    expect(nextPollAt({ ...base, consecutiveFailures: 30 }) - NOW).toBe(MAX_BACKOFF_MS);
    expect(nextPollAt({ ...base, consecutiveFailures: 5000, jitter: 0.99 }) - NOW).toBe(MAX_BACKOFF_MS);
  });

  it('GIVEN jitter THEN a failure delay grows by at most 10 % and stays deterministic', () => {
    const plain = nextPollAt({ ...base, consecutiveFailures: 2 }) - NOW;
    const jittered = nextPollAt({ ...base, consecutiveFailures: 2, jitter: 0.5 }) - NOW;
    expect(jittered).toBe(Math.round(plain * 1.05));
    expect(nextPollAt({ ...base, consecutiveFailures: 2, jitter: 0.5 })).toBe(NOW + jittered);
  });

  it('GIVEN Retry-After longer than the backoff THEN the next poll waits for Retry-After', () => {
    expect(nextPollAt({ ...base, consecutiveFailures: 1, retryAfterMs: 2 * 60 * MINUTE_MS }) - NOW).toBe(2 * 60 * MINUTE_MS);
  });

  it('GIVEN Retry-After shorter than the backoff THEN the backoff wins', () => {
    expect(nextPollAt({ ...base, consecutiveFailures: 3, retryAfterMs: 1000 }) - NOW).toBe(20 * MINUTE_MS);
  });

  it('GIVEN an absurd Retry-After THEN it is honoured only up to a day', () => {
    expect(nextPollAt({ ...base, consecutiveFailures: 1, retryAfterMs: 365 * 24 * 60 * MINUTE_MS }) - NOW).toBe(MAX_RETRY_AFTER_MS);
  });

  it('GIVEN an interval longer than the cap THEN failures never poll sooner than the interval', () => {
    const dayMs = 24 * 60 * MINUTE_MS;
    expect(nextPollAt({ ...base, intervalMs: dayMs, consecutiveFailures: 3 }) - NOW).toBe(dayMs);
  });

  it('GIVEN a non-positive interval THEN it throws a RangeError naming the value', () => {
    expect(() => nextPollAt({ ...base, intervalMs: 0 })).toThrow(/intervalMs=0/);
  });
});
