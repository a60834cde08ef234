import { nextPollAt } from '../core/backoff.js';
import type { Target } from '../core/types.js';
import { isDeadLocalOwner } from '../store/claims.js';
import { asyncOutbox, type OutboxRow } from '../store/outbox.js';
import { deliverOnAlert } from './deliver-event.js';
import { forumOptionsFor } from './deliver-forum.js';
import { describeTarget, labelOf, recorded, UNAUTHORIZED_RETRY_MS, type DrainDeps, type PortDeps, type RowOutcome } from './deliver-shared.js';
import { classifySendError, SinkError, type Sink } from './sinks/sink.js';
import { describeWebhook } from './sinks/webhook-url.js';

export interface DrainReport {
  readonly sent: number;
  readonly retried: number;
  readonly dead: number;
  /** Webhook messages that may have been posted and could not be checked: held, never resent blindly. */
  readonly uncertain: number;
  /** Still pending after the drain (due later, waiting behind an earlier message, or held by another process). */
  readonly pending: number;
  /** Discord refused DISCORD_TOKEN: bot messages wait, pending, until it is fixed. */
  readonly tokenRejected?: true;
}

/** Rows fetched per query; a drain loops until nothing is due. */
const BATCH = 50;

export { describeTarget, UNAUTHORIZED_RETRY_MS, type DrainDeps, type MaybeSentPolicy, type RetryPolicy } from './deliver-shared.js';

/**
 * Sends what the outbox holds, oldest first: claims due rows for this process, marks each send
 * as begun, sends with the row's nonce, records Discord's message id. Network errors and 5xx are
 * retried with exponential backoff (discord.js itself waits out 429s; it retries nothing else
 * for webhooks, and this is the one owner of retries); after `maxAttempts`, or at once for a
 * permanent error, the row becomes a dead letter, logged with its reason.
 *
 * A row whose earlier send began and never got an outcome (a crash, a lost claim) is claimed
 * again: a bot message is resent with the same nonce, so Discord returns the first message
 * instead of posting a second one; a webhook message is looked up in its channel first, and held
 * as `uncertain` when that cannot be done.
 */
export async function drainOutbox(input: DrainDeps, signal?: AbortSignal): Promise<DrainReport> {
  const deps: PortDeps = { ...input, outbox: 'engine' in input.outbox ? input.outbox : asyncOutbox(input.outbox) };
  const { outbox, log } = deps;
  const counts = { sent: 0, retried: 0, dead: 0, uncertain: 0 };
  let retried = 0;
  const sinksDown = new Set<Sink>();
  const deadline = deps.clock() + deps.retry.waitMs;
  // A holder of this host that died mid-send (killed, crashed) need not be waited for.
  const freed = await outbox.expireClaimsOf((owner) => isDeadLocalOwner(owner, deps.claim.owner), deps.clock());
  if (freed > 0) log.info({ messages: freed }, 'took over the messages of a process that is gone');
  while (!signal?.aborted) {
    // One reading of the clock per pass: asking "what is due" and "what comes due next" at two
    // different times could miss a row that became due in between.
    const now = deps.clock();
    const { rows, corrupt } = await outbox.claimDue(now, BATCH, deps.claim);
    for (const error of corrupt) {
      counts.dead++;
      log.error({ outbox_id: error.rowId, reason: error.message }, 'dead letter: the stored message cannot be read');
    }
    // Subscriptions that failed in this pass wait for their retry, keeping their order.
    const blocked = new Set<number>();
    let handled = 0;
    for (const row of rows) {
      const target = deps.targetOf(row.subscriptionId);
      const sink = target ? deps.sinkFor(target) : null;
      if (signal?.aborted || blocked.has(row.subscriptionId) || (sink && sinksDown.has(sink))) {
        await outbox.release(row.id, deps.claim);
        continue;
      }
      handled++;
      const outcome = row.kind === 'event-edit' || row.kind === 'event-report' ? await deliverOnAlert(deps, row, target, sink) : await deliverRow(deps, row, target, sink);
      if (outcome === 'lost' || outcome === 'superseded') continue;
      if (outcome === 'unauthorized') {
        // One refusal of the token is enough: the sink's other messages wait without trying.
        if (sink) sinksDown.add(sink);
        retried++;
        continue;
      }
      counts[outcome === 'retry' ? 'retried' : outcome]++;
      if (outcome === 'retry') blocked.add(row.subscriptionId);
    }
    if (handled > 0) continue;
    // Nothing could be sent now: wait for the next retry if it comes due within the window.
    const next = await outbox.nextDueAfter(now);
    if (next === null || next > deadline) break;
    await deps.sleep(Math.max(0, next - deps.clock()), signal);
  }
  const pending = (await outbox.counts()).pending;
  const { sent, dead, uncertain } = counts;
  retried += counts.retried;
  const unauthorized = sinksDown.size > 0;
  if (sent + retried + dead + uncertain > 0) log.info({ sent, retried, dead, uncertain, pending }, 'outbox drained');
  return { sent, retried, dead, uncertain, pending, ...(unauthorized ? { tokenRejected: true } : {}) };
}

/** One claimed row, to its subscription's target (undefined: the subscription is gone) through `sink`. */
async function deliverRow(deps: PortDeps, row: OutboxRow, target: Target | undefined, sink: Sink | null): Promise<RowOutcome> {
  const { outbox, log, claim } = deps;
  const context = { outbox_id: row.id, subscription_id: row.subscriptionId, kind: row.kind, nonce: row.nonce };
  if (!target) {
    await outbox.markDead(row.id, claim, 'subscription no longer exists');
    log.warn(context, 'dead letter: subscription no longer exists');
    return 'dead';
  }
  const where = describeTarget(target);
  if (!sink) {
    const reason = target.kind === 'channel' ? `${where}: no DISCORD_TOKEN is set, so the bot cannot post; set it or subscribe a webhook instead` : `${where}: no sink configured`;
    await outbox.markDead(row.id, claim, reason);
    log.error({ ...context, target: where, reason }, 'dead letter');
    return 'dead';
  }
  // Without a nonce Discord cannot deduplicate: a webhook send that began and never got an
  // outcome (its holder crashed) may be in the channel already. Look before sending again.
  if (target.kind === 'webhook' && row.sendStartedAt !== null) {
    const settled = await settleMaybeSent(deps, row, target.url, `${where}: an earlier send began at ${new Date(row.sendStartedAt).toISOString()} and its outcome was never recorded (the process stopped mid-send)`, row.sendStartedAt);
    if (settled !== 'resend') return settled;
  }
  const startedAt = deps.clock();
  if (!await outbox.beginSend(row.id, claim, startedAt)) {
    log.debug(context, 'claim lost before sending: another process holds this message now');
    return 'lost';
  }
  const attempts = row.attempts + 1;
  try {
    const forum = target.kind === 'channel' ? await forumOptionsFor(outbox, row) : {};
    const { messageId } = await sink.send(row.payload, { target, nonce: row.nonce, label: labelOf(row), files: await outbox.filesOf(row.id), ...forum });
    recorded(await outbox.markSent(row.id, claim, messageId, deps.clock()), deps, context);
    deps.onSent?.(row);
    log.debug({ ...context, target: where, message_id: messageId, attempts }, 'message sent');
    return 'sent';
  } catch (caught) {
    const error = caught instanceof SinkError ? caught : classifySendError(caught, where);
    deps.onError?.(error);
    if (error.kind === 'unauthorized') {
      // Not the message's fault: it keeps its place (and is not made a dead letter) until the
      // token is fixed. The attempt is handed back, so a long outage does not use them up.
      const next = deps.clock() + UNAUTHORIZED_RETRY_MS;
      recorded(await outbox.scheduleRetry(row.id, claim, error.message, next, { refundAttempt: true }), deps, context);
      log.error({ ...context, target: where, retry_in_ms: UNAUTHORIZED_RETRY_MS }, error.message);
      return 'unauthorized';
    }
    if (target.kind === 'webhook' && error.delivery === 'maybe-sent') {
      const settled = await settleMaybeSent(deps, { ...row, attempts }, target.url, error.message, startedAt);
      if (settled !== 'resend') return settled;
    }
    if (error.kind === 'permanent' || attempts >= deps.retry.maxAttempts) {
      const reason = error.kind === 'permanent' ? error.message : `gave up after ${attempts} attempts: ${error.message}`;
      recorded(await outbox.markDead(row.id, claim, reason), deps, context);
      log.error({ ...context, target: where, attempts, status: error.status, code: error.code, reason }, 'dead letter');
      return 'dead';
    }
    const next = nextPollAt({ now: deps.clock(), intervalMs: deps.retry.baseDelayMs, consecutiveFailures: attempts, retryAfterMs: null, jitter: deps.random() });
    recorded(await outbox.scheduleRetry(row.id, claim, error.message, next), deps, context);
    log.warn({ ...context, target: where, attempts, status: error.status, retry_in_ms: next - deps.clock(), err: error.message }, 'send failed, will retry');
    return 'retry';
  }
}

/**
 * A webhook message that may be in its channel: found by its marker → recorded as sent;
 * certainly absent → `resend`; unknown → held as uncertain (or resent, by policy).
 */
async function settleMaybeSent(deps: PortDeps, row: OutboxRow, url: string, why: string, since: number): Promise<RowOutcome | 'resend'> {
  const { outbox, log, claim } = deps;
  const context = { outbox_id: row.id, subscription_id: row.subscriptionId, kind: row.kind, nonce: row.nonce, target: describeWebhook(url) };
  const found = deps.lookup ? await deps.lookup(url, row.nonce, since) : { found: null, reason: 'no DISCORD_TOKEN is set, so the channel cannot be read' };
  if (found.found === true) {
    recorded(await outbox.markSent(row.id, claim, found.messageId, deps.clock()), deps, context);
    log.info({ ...context, message_id: found.messageId }, 'message found in the channel after an unclear send: recorded as sent, not resent');
    deps.onSent?.(row);
    return 'sent';
  }
  if (found.found === false) {
    log.info(context, 'message not in the channel after an unclear send: it will be sent again');
    return 'resend';
  }
  if (deps.maybeSent === 'resend') {
    log.warn({ ...context, reason: found.reason }, 'message may have been posted and cannot be checked; DELIVERY_WEBHOOK_MAYBE_SENT=resend: sending again');
    return 'resend';
  }
  const reason = `${why}; it may have been posted and cannot be checked (${found.reason}). Check the channel, then \`watchfloor outbox retry ${row.id}\` to send it again, or \`watchfloor outbox drop ${row.id}\` if it is there`;
  recorded(await outbox.markUncertain(row.id, claim, reason), deps, context);
  deps.onUncertain?.(row);
  log.warn({ ...context, reason }, 'message held as uncertain: not resent without a person');
  return 'uncertain';
}

/** A sleep that ends early when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
