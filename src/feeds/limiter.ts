/**
 * Concurrency for the poll cycle: a global cap on requests in flight, and a smaller cap per
 * host so that one outlet listing many feeds is never hit by a burst.
 */
import pLimit, { type LimitFunction } from 'p-limit';

export interface HostLimiterOptions {
  /** Requests in flight across all hosts. */
  readonly concurrency: number;
  /** Requests in flight to any one host. */
  readonly perHost: number;
}

export interface HostLimiter {
  /** Runs `fn` once both a global slot and a slot for `url`'s host are free. */
  run<T>(url: string, fn: () => Promise<T>): Promise<T>;
  /** Requests running now, and waiting (for tests, metrics and `status`). */
  readonly activeCount: number;
  readonly pendingCount: number;
}

/**
 * The key a URL is limited under: scheme-less host and port, lower case. Local files share one
 * key so a directory of offline feeds is read a few at a time.
 */
export function hostKey(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.host.toLowerCase();
  } catch {
    // Not a URL: a local path.
  }
  return 'local-file';
}

/** Creates the limiter; see {@link HostLimiter}. */
export function createHostLimiter(options: HostLimiterOptions): HostLimiter {
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new RangeError(`createHostLimiter: ${name} must be a positive integer (got ${String(value)})`);
    }
  }
  const global = pLimit(options.concurrency);
  const hosts = new Map<string, LimitFunction>();

  return {
    async run<T>(url: string, fn: () => Promise<T>): Promise<T> {
      const key = hostKey(url);
      let host = hosts.get(key);
      if (host === undefined) {
        host = pLimit(options.perHost);
        hosts.set(key, host);
      }
      const hostLimit = host;
      try {
        // Host slot first, global slot inside: a task queued behind its host must not hold one
        // of the global slots that other hosts could use.
        return await hostLimit(() => global(fn));
      } finally {
        // Forget idle hosts so polling thousands of hosts does not grow the map forever.
        if (hostLimit.activeCount === 0 && hostLimit.pendingCount === 0) hosts.delete(key);
      }
    },
    get activeCount() {
      return global.activeCount;
    },
    get pendingCount() {
      let waiting = global.pendingCount;
      for (const host of hosts.values()) waiting += host.pendingCount;
      return waiting;
    },
  };
}
