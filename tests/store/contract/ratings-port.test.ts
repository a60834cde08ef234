/**
 * The ratings port (what 👍/👎, the digests' menus and `feedback add` write), one contract on two
 * engines: SQLite over the synchronous store and a real PostgreSQL server, each on a fresh
 * database, including members who rate from two processes at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RatingLimits } from '../../../src/store/feedback.js';
import { createSqliteGatewayStore, type GatewayStore } from '../../../src/store/gateway-store.js';
import { createStore } from '../../../src/store/index.js';
import { openPgDatabase } from '../../../src/store/pg/db.js';
import { createPgGatewayStore } from '../../../src/store/pg/gateway-store.js';
import { createPgPollStore } from '../../../src/store/pg/poll-store.js';
import { createPgRatingsPort } from '../../../src/store/pg/ratings.js';
import { createSqlitePollStore, type PollStore } from '../../../src/store/poll-store.js';
import { createSqliteRatingsPort, type RatingsPort } from '../../../src/store/ratings-port.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { classified, makeStory } from '../../helpers/stories.js';

let server: TestPostgres;
beforeAll(async () => { server = await startPostgres(); });
afterAll(async () => { await server.stop(); });

interface Engine {
  /** Two handles on one database, as two processes would have. */
  readonly ratings: readonly [RatingsPort, RatingsPort];
  readonly poll: PollStore;
  readonly gateway: GatewayStore;
  dispose(): Promise<void>;
}

function sqliteEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-ratings-'));
  const file = join(dir, 'watchfloor.db');
  const one = createStore(file);
  const two = createStore(file);
  return Promise.resolve({
    ratings: [createSqliteRatingsPort(one), createSqliteRatingsPort(two)],
    poll: createSqlitePollStore(one),
    gateway: createSqliteGatewayStore(one),
    dispose() {
      one.close();
      two.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}

let databases = 0;
async function postgresEngine(): Promise<Engine> {
  databases++;
  const url = await server.createDatabase(`wf_ratings_${process.pid}_${databases}`);
  const one = await openPgDatabase(url, { max: 8 });
  const two = await openPgDatabase(url, { max: 8 });
  return {
    ratings: [createPgRatingsPort(one, createPgGatewayStore(one)), createPgRatingsPort(two, createPgGatewayStore(two))],
    poll: createPgPollStore(one, { owner: 'test', location: 'test database' }),
    gateway: createPgGatewayStore(one),
    dispose: async () => { await one.end(); await two.end(); },
  };
}

const NOW = Date.now();
const LIMITS: RatingLimits = { maxPerMember: 4, maxPerWindow: 3, rateWindowMs: 3_600_000 };
const rate = (storyRowid: number, rating: 1 | -1, member = 'm1', now = NOW) => ({ guildId: 'g1', memberId: member, storyRowid, topic: 'ukraine', rating, matchedThen: true, scoreThen: 6, source: 'reaction' as const, now });

describe.each([['sqlite', sqliteEngine], ['postgres', postgresEngine]] as const)('ratings port contract on %s', (_engine, open) => {
  let db: Engine;
  afterEach(async () => { await db.dispose(); });

  const stories = async (n: number): Promise<number[]> => {
    const items = Array.from({ length: n }, () => ({ story: makeStory({ firstSeenAt: NOW }), classification: classified({ ukraine: 6 }) }));
    const batch = await db.poll.storeStories(items, NOW);
    expect(batch.inserted).toBe(n);
    const rowids: number[] = [];
    for (const { story } of items) rowids.push((await db.gateway.storyByUrl(story.url ?? ''))?.rowid ?? -1);
    expect(rowids.every((r) => r > 0)).toBe(true);
    return rowids;
  };

  it('stores, leaves unchanged, replaces and removes one member\'s rating of a story and topic', async () => {
    db = await open();
    const [a] = await stories(1);
    const [port] = db.ratings;
    expect(await port.record(rate(a ?? 0, 1), LIMITS)).toBe('stored');
    expect(await port.record(rate(a ?? 0, 1), LIMITS)).toBe('unchanged');
    expect(await port.record(rate(a ?? 0, -1), LIMITS)).toBe('replaced');
    expect(await port.remove({ guildId: 'g1', memberId: 'm1', storyRowid: a ?? 0, rating: 1 })).toBe(0);
    expect(await port.remove({ guildId: 'g1', memberId: 'm1', storyRowid: a ?? 0, rating: -1 })).toBe(1);
    expect((await port.verdicts(a ?? 0)).map((v) => v.topic)).toEqual(['ukraine']);
    expect(await port.record(rate(a ?? 0, 1, 'm2'), LIMITS)).toBe('stored');
    const listed = await port.list('g1', { limit: 10 });
    expect(listed.map((r) => [r.memberId, r.rating, r.topic])).toEqual([['m2', 1, 'ukraine']]);
    expect(await port.list('g1', { topic: 'north-korea', limit: 10 })).toEqual([]);
    expect(await port.storyRowid(String(a))).toBe(a);
    expect(await port.storyTitle(a ?? 0)).toMatch(/^Russia strikes Kyiv power grid/u);
    expect(await port.removeById('other-server', listed[0]?.id ?? 0)).toBe(false);
    expect(await port.removeById('g1', listed[0]?.id ?? 0)).toBe(true);
    expect(await port.record(rate(a ?? 0, 1, 'm3'), LIMITS)).toBe('stored');
    expect(await port.reset('g1', 'ukraine')).toBe(1);
    expect(await port.sentMessage('no-such-message')).toBeUndefined();
    expect(await port.subscription(999)).toBeUndefined();
  });

  it('refuses past the hourly limit and the cap, even when two processes record at once', async () => {
    db = await open();
    const rowids = await stories(16);
    const [one, two] = db.ratings;
    // Sixteen ratings of sixteen stories, half from each process, all at once: the hourly limit (3) holds.
    const outcomes = await Promise.all(rowids.map((rowid, i) => (i % 2 === 0 ? one : two).record(rate(rowid, 1), LIMITS)));
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'rate-limited')).toHaveLength(13);
    // An hour later the cap (4 held) refuses the fifth.
    const later = NOW + 2 * 3_600_000;
    const free = rowids.filter((_, i) => outcomes[i] !== 'stored');
    expect(await one.record(rate(free[0] ?? 0, 1, 'm1', later), LIMITS)).toBe('stored');
    expect(await two.record(rate(free[1] ?? 0, 1, 'm1', later), LIMITS)).toBe('over-cap');
    // Another member is not affected.
    expect(await two.record(rate(free[1] ?? 0, 1, 'm2', later), LIMITS)).toBe('stored');
  });
});
