/**
 * The surge check on PostgreSQL (ADR 16), run by the deliverer: the same counts, the same
 * robust z-score rule and the same notices as after a poll cycle on SQLite (./surges.ts); a
 * surge is recorded with its notices under the surge lock (store/pg/surges.ts), so with any
 * number of deliverers each surge is announced once per subscription.
 */
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { HOUR_MS } from '../core/news.js';
import type { FeedConfig, TopicInfo } from '../core/types.js';
import type { PgSurges } from '../store/pg/surges.js';
import type { StoredSurge } from '../store/trends.js';
import { logSurge, SURGE_NOTICE_STORIES, surgeCountWindow, surgeDue, surgeNotices, surgeOptionsFrom, surgingHours, type SurgeCheckReport } from './surges.js';

export function createPgSurgeCheck(input: {
  readonly surges: PgSurges;
  readonly env: Pick<Env, 'SURGE_THRESHOLD' | 'SURGE_MIN_STORIES' | 'SURGE_COOLDOWN_HOURS'>;
  readonly topics: readonly TopicInfo[];
  /** Source names and servers of the feeds (read when a surge is found). */
  readonly feeds: () => Promise<ReadonlyMap<string, FeedConfig>>;
  readonly log: Logger;
}) {
  const { surges, log } = input;
  const { settings, cooldownMs } = surgeOptionsFrom(input.env);
  /** The newest story and the hour at the last check: the counts it scored change only with either. */
  let checked: { story: number; hour: number } | null = null;

  return {
    /** Scores the current and the previous hour of every topic; records and announces what surges. */
    async check(now: number): Promise<SurgeCheckReport> {
      const story = await surges.lastStory();
      const hour = Math.floor(now / HOUR_MS);
      if (checked && checked.story === story && checked.hour === hour) return { surges: [], notices: 0 };
      const dataSince = await surges.dataSince();
      if (dataSince === null) return { surges: [], notices: 0 };
      const topicIds = input.topics.map((t) => t.id);
      const { from, until } = surgeCountWindow(now, settings);
      const counts = await surges.hourlyCounts(topicIds, from, until);
      let notices = 0;
      const recorded: StoredSurge[] = [];
      const candidates = surgingHours(counts, dataSince, topicIds, now, settings);
      const feedsById = candidates.length > 0 ? await input.feeds() : new Map<string, FeedConfig>();
      for (const candidate of candidates) {
        const outcome = await surges.record({ ...candidate, hourMs: HOUR_MS, storyLimit: SURGE_NOTICE_STORIES * 4, now }, {
          due: (last) => surgeDue(last, candidate.hour, cooldownMs),
          compose: ({ surge, stories, subscriptions }) => surgeNotices({ surge, stories, subscriptions, topics: input.topics, feedsById, now, log }),
        });
        if (!outcome) continue;
        recorded.push(outcome.surge);
        notices += outcome.notices;
        logSurge(log, outcome.surge, candidate.score, outcome.notices);
      }
      checked = { story, hour };
      return { surges: recorded, notices };
    },
  };
}
