import type { RatingSource } from '../core/feedback/adjuster.js';
import type { TopicVerdict } from '../core/types.js';
import type { NewRating, Rating, RatingLimits, RecordOutcome } from './feedback.js';
import { settle } from './gateway-store.js';
import type { Store } from './index.js';
import type { StoredSubscription } from './subscriptions.js';

/** A sent message a reaction or a digest menu names: its subscription, kind and story (null for a digest). */
export interface SentMessage {
  readonly subscriptionId: number;
  readonly kind: string;
  readonly storyRowid: number | null;
}

/**
 * What the rating handlers (👍/👎 on alerts, the digests' menus, `watchfloor feedback add`) read
 * and write, on either engine (ADR 16): the SQLite side is the feedback store's calls as they
 * are, settled at once; the PostgreSQL side is store/pg/ratings.ts. Both record a rating with
 * the limits checked and the row written in one transaction, so two processes can never slip a
 * member past a limit or store two ratings of one story and topic.
 */
export interface RatingsPort {
  record(input: NewRating, limits: RatingLimits): Promise<RecordOutcome>;
  /** Takes a member's rating back; with `rating`, only one of that sign. How many were removed. */
  remove(input: { guildId: string; memberId: string; storyRowid: number; topic?: string; rating?: 1 | -1 }): Promise<number>;
  sentMessage(messageId: string): Promise<SentMessage | undefined>;
  /** A story's stored verdicts (none when the story is gone). */
  verdicts(storyRowid: number): Promise<TopicVerdict[]>;
  subscription(id: number): Promise<StoredSubscription | undefined>;
  /** Forgets what a server taught, for one topic or all; how many ratings were removed. */
  reset(guildId: string, topic?: string): Promise<number>;
  /** The ratings as the feedback adjuster reads them, as of now (`/watch tune`). */
  snapshot(): Promise<RatingSource>;
  /** A server's ratings, newest first (`watchfloor feedback list`). */
  list(guildId: string, options: { topic?: string; limit: number }): Promise<Rating[]>;
  /** Deletes one rating of a server by id; false when it has none. */
  removeById(guildId: string, id: number): Promise<boolean>;
  /** A stored story's rowid from its rowid, id or canonical URL. */
  storyRowid(idOrUrl: string): Promise<number | undefined>;
  /** A stored story's title. */
  storyTitle(storyRowid: number): Promise<string | undefined>;
}

/** The SQLite side: the synchronous store's calls. */
export function createSqliteRatingsPort(store: Pick<Store, 'feedback' | 'stories' | 'subscriptions'>): RatingsPort {
  return {
    record: (input, limits) => settle(() => store.feedback.record(input, limits)),
    remove: (input) => settle(() => store.feedback.remove(input)),
    sentMessage: (messageId) => settle(() => store.feedback.sentMessage(messageId)),
    verdicts: (storyRowid) => settle(() => store.stories.verdicts(storyRowid)),
    subscription: (id) => settle(() => store.subscriptions.get(id)),
    reset: (guildId, topic) => settle(() => store.feedback.reset(guildId, topic)),
    // SQLite reads are cheap and current: the store itself is the source.
    snapshot: () => Promise.resolve(store.feedback),
    list: (guildId, options) => settle(() => store.feedback.list(guildId, options)),
    removeById: (guildId, id) => settle(() => store.feedback.removeById(guildId, id)),
    storyRowid: (idOrUrl) => settle(() => store.feedback.storyRowid(idOrUrl)),
    storyTitle: (storyRowid) => settle(() => store.stories.get(storyRowid)?.title),
  };
}
