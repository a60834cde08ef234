import type { OutboundMessage } from '../core/compose/message.js';
import type { Story } from '../core/types.js';
import type { OutboxStatus } from './outbox.js';
import type { InsertOutcome } from './stories.js';

/**
 * The asynchronous store interface of the exactly-once core (ADR 16): the calls whose guarantees
 * must hold with any number of pollers and deliverers on one database. Two implementations pass
 * the same contract suite (tests/store/contract/): SQLite (./sqlite-contract.ts, over the
 * synchronous store, unchanged) and PostgreSQL (./pg/exactly-once.ts).
 *
 * Every duration is relative (`leaseMs`, `delayMs`): each implementation times leases by the
 * database's clock (PostgreSQL: the server's; SQLite: the one machine's), never by a caller's.
 */

/** Who holds a claim or lease, and how long it lasts without renewal (ADR 11). */
export interface Holder {
  readonly owner: string;
  readonly leaseMs: number;
}

/** An outbox row claimed for sending. */
export interface ClaimedMessage {
  readonly id: number;
  readonly subscriptionId: number;
  readonly payload: OutboundMessage;
  /** Attempts counted so far (a send that began counts). */
  readonly attempts: number;
  /** Set when a send of this row began and no outcome was recorded: it may be in the channel. */
  readonly sendStartedAt: number | null;
}

/** The state of one outbox row, for status and tests. */
export interface MessageState {
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly messageId: string | null;
  readonly claimedBy: string | null;
}

export interface ExactlyOnceStore {
  readonly engine: 'sqlite' | 'postgres';

  /** Creates the poll state of a feed if missing (due at once). */
  ensureFeed(feedId: string, url: string): Promise<void>;
  /**
   * Leases up to `limit` due feeds that nobody else holds (or whose lease ran out) for
   * `holder`, most overdue first. Two holders never get the same feed while its lease runs.
   */
  claimDueFeeds(holder: Holder, limit: number): Promise<string[]>;
  /** Records a successful poll and ends the lease; false (nothing recorded) when the lease was lost. */
  finishPoll(feedId: string, holder: Holder, p: { readonly status: number; readonly nextPollInMs: number; readonly newStories: number }): Promise<boolean>;

  /** Stores a story once: the same id, or the same canonical URL from another feed (recorded as a source), is not stored again. */
  insertStory(story: Story): Promise<InsertOutcome>;

  /** Queues an alert; false when this story was already routed to this subscription. */
  enqueueAlert(p: { readonly subscriptionId: number; readonly storyRowid: number; readonly payload: OutboundMessage }): Promise<boolean>;
  /** Claims due messages, oldest first in per-subscription order (ADR 11); a row with an unreadable payload becomes a dead letter. */
  claimMessages(holder: Holder, limit: number): Promise<ClaimedMessage[]>;
  /** Counts an attempt and marks the send begun, before it leaves; false when the claim was lost (do not send). */
  beginSend(id: number, holder: Holder): Promise<boolean>;
  /** The outcomes: recorded only by the holder of the claim, and end it; false when the claim was lost. */
  markSent(id: number, holder: Holder, messageId: string): Promise<boolean>;
  scheduleRetry(id: number, holder: Holder, error: string, delayMs: number): Promise<boolean>;
  markDead(id: number, holder: Holder, error: string): Promise<boolean>;

  message(id: number): Promise<MessageState | null>;
  /** Messages still pending (due or not). */
  pendingCount(): Promise<number>;
  close(): Promise<void>;
}
