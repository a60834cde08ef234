import type { Logger } from 'pino';
import { nextPollAt } from '../core/backoff.js';
import type { Target } from '../core/types.js';
import type { OutboxRow, OutboxStore } from '../store/outbox.js';
import { classifySendError, SinkError, type Sink } from './sinks/sink.js';
import { describeWebhook } from './sinks/webhook-url.js';

/** How the deliverer retries. */
export interface RetryPolicy {
  /** Tries per message before it becomes a dead letter. */
  readonly maxAttempts: number;
  /** First retry delay; doubles per failure (with jitter), capped by the backoff module. */
  readonly baseDelayMs: number;
  /** How long one drain keeps waiting for retries that come due (0: return at once). */
  readonly waitMs: number;
}

export interface DrainDeps {
  readonly outbox: OutboxStore;
  /** The target of a subscription, or undefined when it was deleted meanwhile. */
  readonly targetOf: (subscriptionId: number) => Target | undefined;
  /** The sink for a target, or null when none is configured (e.g. a channel without a token). */
  readonly sinkFor: (target: Target) => Sink | null;
  readonly clock: () => number;
  /** [0, 1) for backoff jitter. */
  readonly random: () => number;
  readonly log: Logger;
  readonly retry: RetryPolicy;
  /** Waits `ms` or until aborted (injected so tests need not sleep for real). */
  readonly sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Observers (metrics). */
  readonly onSent?: (row: OutboxRow) => void;
  readonly onError?: (error: SinkError) => void;
}

export interface DrainReport {
  readonly sent: number;
  readonly retried: number;
  readonly dead: number;
  /** Still pending after the drain (due later, or waiting behind an earlier message). */
  readonly pending: number;
}

/** Rows fetched per query; a drain loops until nothing is due. */
const BATCH = 50;

/** What logs may say about a target: never a webhook token. */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'channel':
      return `channel ${target.channelId}`;
    case 'webhook':
      return describeWebhook(target.url);
    case 'console':
      return 'console';
  }
}

function labelOf(row: OutboxRow): string {
  return row.kind === 'alert' ? 'alert' : row.total > 1 ? `digest ${row.part}/${row.total}` : 'digest';
}

/**
 * Sends what the outbox holds, oldest first: counts the attempt, sends with the row's nonce,
 * records Discord's message id. Network errors and 5xx are retried with exponential backoff
 * (discord.js itself already waits out 429s and retries 5xx a few times); after
 * `maxAttempts`, or at once for a permanent error, the row becomes a dead letter, logged with
 * its reason. Rows left pending by a crash are simply due again: the same nonce makes Discord
 * return the first message instead of posting a second one.
 */
export async function drainOutbox(deps: DrainDeps, signal?: AbortSignal): Promise<DrainReport> {
  const { outbox, log } = deps;
  let sent = 0;
  let retried = 0;
  let dead = 0;
  const deadline = deps.clock() + deps.retry.waitMs;
  while (!signal?.aborted) {
    // One reading of the clock per pass: asking "what is due" and "what comes due next" at two
    // different times could miss a row that became due in between.
    const now = deps.clock();
    const due = outbox.due(now, BATCH, (error) => {
      dead++;
      log.error({ outbox_id: error.rowId, reason: error.message }, 'dead letter');
    });
    // Subscriptions that failed in this pass wait for their retry, keeping their order.
    const blocked = new Set<number>();
    let handled = 0;
    for (const row of due) {
      if (signal?.aborted) break;
      if (blocked.has(row.subscriptionId)) continue;
      handled++;
      const outcome = await deliverRow(deps, row);
      if (outcome === 'sent') sent++;
      else if (outcome === 'dead') dead++;
      else {
        retried++;
        blocked.add(row.subscriptionId);
      }
    }
    if (handled > 0) continue;
    // Nothing could be sent now: wait for the next retry if it comes due within the window.
    const next = outbox.nextDueAfter(now);
    if (next === null || next > deadline) break;
    await deps.sleep(Math.max(0, next - deps.clock()), signal);
  }
  const pending = outbox.counts().pending;
  if (sent + retried + dead > 0) log.info({ sent, retried, dead, pending }, 'outbox drained');
  return { sent, retried, dead, pending };
}

async function deliverRow(deps: DrainDeps, row: OutboxRow): Promise<'sent' | 'retry' | 'dead'> {
  const { outbox, log } = deps;
  const target = deps.targetOf(row.subscriptionId);
  const context = { outbox_id: row.id, subscription_id: row.subscriptionId, kind: row.kind, nonce: row.nonce };
  if (!target) {
    outbox.markDead(row.id, 'subscription no longer exists');
    log.warn(context, 'dead letter: subscription no longer exists');
    return 'dead';
  }
  const where = describeTarget(target);
  const sink = deps.sinkFor(target);
  if (!sink) {
    const reason = target.kind === 'channel' ? `${where}: no DISCORD_TOKEN is set, so the bot cannot post; set it or subscribe a webhook instead` : `${where}: no sink configured`;
    outbox.markDead(row.id, reason);
    log.error({ ...context, target: where, reason }, 'dead letter');
    return 'dead';
  }
  outbox.recordAttempt(row.id, deps.clock());
  const attempts = row.attempts + 1;
  try {
    const { messageId } = await sink.send(row.payload, { target, nonce: row.nonce, label: labelOf(row) });
    outbox.markSent(row.id, messageId, deps.clock());
    deps.onSent?.(row);
    log.debug({ ...context, target: where, message_id: messageId, attempts }, 'message sent');
    return 'sent';
  } catch (caught) {
    const error = caught instanceof SinkError ? caught : classifySendError(caught, where);
    deps.onError?.(error);
    if (error.kind === 'permanent' || attempts >= deps.retry.maxAttempts) {
      const reason = error.kind === 'permanent' ? error.message : `gave up after ${attempts} attempts: ${error.message}`;
      outbox.markDead(row.id, reason);
      log.error({ ...context, target: where, attempts, status: error.status, code: error.code, reason }, 'dead letter');
      return 'dead';
    }
    const next = nextPollAt({ now: deps.clock(), intervalMs: deps.retry.baseDelayMs, consecutiveFailures: attempts, retryAfterMs: null, jitter: deps.random() });
    outbox.scheduleRetry(row.id, error.message, next);
    log.warn({ ...context, target: where, attempts, status: error.status, retry_in_ms: next - deps.clock(), err: error.message }, 'send failed, will retry');
    return 'retry';
  }
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
