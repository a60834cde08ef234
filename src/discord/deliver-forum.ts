import { forumPostOf } from '../core/compose/forum.js';
import type { DeliveryOutbox, OutboxRow } from '../store/outbox.js';
import type { SendOptions } from './sinks/sink.js';

/**
 * What a row becomes should its channel be a forum (only the bot sink looks; other targets ignore
 * it): a post titled by its headline (a digest: its heading and time), tagged by its topics; or a
 * message in a post that exists already: a 🚨 Developing notice goes into its event's post, a
 * digest's later parts into its first part's. Rows of one subscription are sent in order, so the
 * post is there (or its row settled) before these are claimed.
 *
 * `resumeSince`: an earlier try may have created the post (its send began and was never recorded,
 * or failed after the request went out), so the sink looks for it before creating one.
 */
export async function forumOptionsFor(outbox: Pick<DeliveryOutbox, 'eventAlert' | 'firstDigestPart' | 'listing'>, row: OutboxRow): Promise<Pick<SendOptions, 'forum' | 'resumeSince'>> {
  let inPost: string | undefined;
  if (row.kind === 'developing' && row.eventId !== null) {
    const alert = await outbox.eventAlert(row.subscriptionId, row.eventId);
    if (alert?.status === 'sent' && alert.messageId !== null) inPost = alert.messageId;
  }
  if (row.kind === 'digest' && row.part > 1 && row.digestUntil !== null) {
    const first = await outbox.firstDigestPart(row.subscriptionId, row.digestUntil);
    const listing = first === null ? undefined : await outbox.listing(first);
    if (listing?.status === 'sent' && listing.messageId !== null) inPost = listing.messageId;
  }
  const suffix = row.kind === 'digest' && row.digestUntil !== null ? `${new Date(row.digestUntil).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  const post = forumPostOf(row.payload, suffix);
  const resumeSince = row.sendStartedAt ?? (row.attempts > 0 ? row.createdAt : undefined);
  return { forum: { ...post, ...(inPost !== undefined ? { inPost } : {}) }, ...(resumeSince !== undefined ? { resumeSince } : {}) };
}
