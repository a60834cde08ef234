import { describe, expect, it } from 'vitest';
import { createHostLimiter, hostKey } from '../../src/feeds/limiter.js';

/** A task that stays open until released, recording how many run at once overall and per host. */
function createProbe() {
  let running = 0;
  let maxRunning = 0;
  const perHost = new Map<string, number>();
  const maxPerHost = new Map<string, number>();
  const releases: (() => void)[] = [];
  return {
    task(host: string) {
      return () =>
        new Promise<string>((resolve) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          const now = (perHost.get(host) ?? 0) + 1;
          perHost.set(host, now);
          maxPerHost.set(host, Math.max(maxPerHost.get(host) ?? 0, now));
          releases.push(() => {
            running--;
            perHost.set(host, (perHost.get(host) ?? 1) - 1);
            resolve(host);
          });
        });
    },
    /** Releases every open task, repeatedly, until all queued work has run. */
    async drain(all: Promise<unknown>) {
      const state = { done: false };
      void all.then(() => {
        state.done = true;
      });
      while (!state.done) {
        await new Promise((r) => setImmediate(r));
        for (const release of releases.splice(0)) release();
      }
    },
    get maxRunning() {
      return maxRunning;
    },
    maxPerHost,
  };
}

describe('createHostLimiter', () => {
  it('GIVEN many tasks for a few hosts THEN at most perHost run per host and at most concurrency overall', async () => {
    const limiter = createHostLimiter({ concurrency: 5, perHost: 2 });
    const probe = createProbe();
    const hosts = ['a.example', 'b.example', 'c.example'];
    const all = Promise.all(Array.from({ length: 30 }, (_, i) => {
      const host = hosts[i % 3]!;
      return limiter.run(`https://${host}/feed/${i}.xml`, probe.task(host));
    }));
    await probe.drain(all);
    const results = await all;
    expect(results).toHaveLength(30);
    expect(probe.maxRunning).toBe(5);
    expect(Math.max(...probe.maxPerHost.values())).toBe(2);
  });

  it('GIVEN a queue for one host THEN other hosts still get global slots', async () => {
    const limiter = createHostLimiter({ concurrency: 4, perHost: 1 });
    const order: string[] = [];
    let releaseSlow!: () => void;
    const slow = limiter.run('https://busy.example/1', () => new Promise<void>((r) => (releaseSlow = r)));
    const queued = Array.from({ length: 5 }, (_, i) => limiter.run(`https://busy.example/${i + 2}`, () => Promise.resolve(order.push(`busy${i + 2}`))));
    await limiter.run('https://quiet.example/x', () => Promise.resolve(order.push('quiet')));
    expect(order).toEqual(['quiet']);
    expect(limiter.pendingCount).toBe(5);
    releaseSlow();
    await Promise.all([slow, ...queued]);
    expect(order).toEqual(['quiet', 'busy2', 'busy3', 'busy4', 'busy5', 'busy6']);
  });

  it('GIVEN a failing task THEN its error reaches the caller and the slot is freed', async () => {
    const limiter = createHostLimiter({ concurrency: 1, perHost: 1 });
    await expect(limiter.run('https://e.example/', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('https://e.example/', () => Promise.resolve(7))).resolves.toBe(7);
    expect(limiter.activeCount).toBe(0);
  });

  it('GIVEN a zero limit THEN it refuses to build, naming the option', () => {
    expect(() => createHostLimiter({ concurrency: 4, perHost: 0 })).toThrow(/perHost must be a positive integer \(got 0\)/);
  });
});

describe('hostKey', () => {
  it('GIVEN URLs and paths THEN host:port lower case, and one key for local files', () => {
    expect(hostKey('https://News.Example.org/rss')).toBe('news.example.org');
    expect(hostKey('http://127.0.0.1:8080/a')).toBe('127.0.0.1:8080');
    expect(hostKey('./feeds/local.xml')).toBe('local-file');
    expect(hostKey('file:///srv/x.xml')).toBe('local-file');
  });
});
