import { nextPollAt } from '../core/backoff.js';
import { threadNameOf } from '../core/compose/event.js';
import type { Target } from '../core/types.js';
import type { OutboxRow } from '../store/outbox.js';
import { describeTarget, labelOf, recorded, UNAUTHORIZED_RETRY_MS, type PortDeps, type RowOutcome } from './deliver-shared.js';
import { classifySendError, SinkError, type Sink } from './sinks/sink.js';

/** Discord's answers that mean "no thread here": missing access or permission, a channel type without threads. */
const NO_THREAD_CODES = new Set(['50001', '50013', '50024', '160002']);

/**
 * One claimed row that acts on an event's alert (docs/adr/0012-living-alerts-and-developing-events.md):
 * an `event-edit` (the full desired state: an idempotent PATCH, so no nonce, no lookup, and a crash
 * mid-send simply sends it again; a newer pending edit of the same alert makes it moot, so only the
 * newest state is sent) or an `event-report` (posted in the thread under the alert with its own
 * nonce; settled without a thread where the channel allows none). Both wait until the alert has
 * its message id (the claim skips them while it is pending); an alert that was never posted takes
 * them down with it.
 */
export async function deliverOnAlert(deps: PortDeps, row: OutboxRow, target: Target | undefined, sink: Sink | null): Promise<RowOutcome> {
  const { outbox, log, claim } = deps;
  const context = { outbox_id: row.id, subscription_id: row.subscriptionId, kind: row.kind, event_id: row.eventId };
  const alert = row.refOutboxId === null ? undefined : await outbox.listing(row.refOutboxId);
  if (alert?.status === 'pending') {
    await outbox.release(row.id, claim);
    return 'lost';
  }
  if (!alert || alert.status !== 'sent' || alert.messageId === null) {
    const reason = `the alert this update edits (row ${row.refOutboxId ?? '?'}) was never posted${alert ? ` (${alert.status})` : ' (it is gone)'}`;
    recorded(await outbox.markDead(row.id, claim, reason), deps, context);
    log.warn({ ...context, reason }, 'dead letter');
    return 'dead';
  }
  const reply = row.kind === 'event-report';
  if (reply && (!sink?.reply || target?.kind !== 'channel')) {
    recorded(await outbox.skip(row.id, claim, 'no thread: only the bot can start threads in a channel', deps.clock()), deps, context);
    return 'superseded';
  }
  const newer = reply ? null : await outbox.newerEdit(row);
  if (newer !== null) {
    recorded(await outbox.supersede(row.id, claim, newer, alert.messageId, deps.clock()), deps, context);
    log.debug({ ...context, newer }, 'alert update superseded by a newer one: only the newest state is sent');
    return 'superseded';
  }
  if (!target || !sink || (!reply && !sink.edit)) {
    const reason = !target ? 'subscription no longer exists' : `${describeTarget(target)}: this way out cannot edit messages`;
    recorded(await outbox.markDead(row.id, claim, reason), deps, context);
    log.warn({ ...context, reason }, 'dead letter');
    return 'dead';
  }
  const where = describeTarget(target);
  if (!await outbox.beginSend(row.id, claim, deps.clock())) return 'lost';
  const attempts = row.attempts + 1;
  try {
    const options = { target, messageId: alert.messageId, nonce: alert.nonce, label: labelOf(row) };
    const done = reply && sink.reply
      ? await sink.reply(row.payload, { ...options, nonce: row.nonce, threadName: alert.payload ? threadNameOf(alert.payload) : 'Reports' })
      : await sink.edit?.(row.payload, options);
    const messageId = done?.messageId ?? alert.messageId;
    recorded(await outbox.markSent(row.id, claim, messageId, deps.clock()), deps, context);
    deps.onSent?.(row);
    log.debug({ ...context, target: where, message_id: messageId, attempts }, reply ? 'report posted in the thread under the alert' : 'alert updated');
    return 'sent';
  } catch (caught) {
    const error = caught instanceof SinkError ? caught : classifySendError(caught, where);
    deps.onError?.(error);
    if (reply && (error.status === 403 || NO_THREAD_CODES.has(String(error.code)))) {
      // The channel does not allow threads (no permission, a channel type without them): the
      // alert's edits carry the reports anyway.
      recorded(await outbox.skip(row.id, claim, `no thread: ${error.message}`, deps.clock()), deps, context);
      log.info({ ...context, target: where, reason: error.message }, 'report not posted in a thread: the channel does not allow it');
      return 'superseded';
    }
    if (error.kind === 'permanent' || attempts >= deps.retry.maxAttempts) {
      const reason = error.kind === 'permanent' ? error.message : `gave up after ${attempts} attempts: ${error.message}`;
      recorded(await outbox.markDead(row.id, claim, reason), deps, context);
      log.error({ ...context, target: where, attempts, reason }, 'dead letter');
      return 'dead';
    }
    // An edit is idempotent: whatever Discord did with the last try, trying again is safe.
    const delay = error.kind === 'unauthorized' ? UNAUTHORIZED_RETRY_MS : null;
    const next = delay !== null ? deps.clock() + delay : nextPollAt({ now: deps.clock(), intervalMs: deps.retry.baseDelayMs, consecutiveFailures: attempts, retryAfterMs: null, jitter: deps.random() });
    recorded(await outbox.scheduleRetry(row.id, claim, error.message, next, { refundAttempt: error.kind === 'unauthorized' }), deps, context);
    log.warn({ ...context, target: where, attempts, status: error.status, err: error.message }, 'alert update failed, will retry');
    return error.kind === 'unauthorized' ? 'unauthorized' : 'retry';
  }
}

