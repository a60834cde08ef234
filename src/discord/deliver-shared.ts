/**
 * What the deliverer and its row handlers share (deliver.ts drains the outbox; deliver-event.ts
 * handles the rows that act on an event's alert): the dependencies, the outcomes, and how a row
 * and its target are named in logs. Its own module so that neither handler imports the other's.
 */
import type { Logger } from 'pino';
import type { Target } from '../core/types.js';
import type { Claim, DeliveryOutbox, OutboxRow, OutboxStore } from '../store/outbox.js';
import type { Sink, SinkError } from './sinks/sink.js';
import type { WebhookLookup } from './sinks/webhook-lookup.js';
import { describeWebhook } from './sinks/webhook-url.js';

/**
 * What to do with a webhook message that may have been posted (a timeout or 5xx after the
 * request went out) and cannot be looked up in its channel: `hold` marks it `uncertain`, shown by
 * `status` and `/metrics` and resent only by `watchfloor outbox retry` (the default: no
 * duplicate ever); `resend` retries it like any failure (no message ever missing, at the risk of
 * one duplicate).
 */
export type MaybeSentPolicy = 'hold' | 'resend';

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
  /** The SQLite outbox, or any engine's asynchronous port. */
  readonly outbox: OutboxStore | DeliveryOutbox;
  /** This process's claim on the rows it sends: only the holder sends a row and records its outcome. */
  readonly claim: Claim;
  /** Looks for a webhook message in its channel (needs a bot); absent without one. */
  readonly lookup?: WebhookLookup | undefined;
  readonly maybeSent?: MaybeSentPolicy | undefined;
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
  readonly onUncertain?: (row: OutboxRow) => void;
}

/** How long messages of a sink whose token was refused wait before it is tried again. */
export const UNAUTHORIZED_RETRY_MS = 10 * 60_000;

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

export function labelOf(row: OutboxRow): string {
  if (row.kind === 'event-edit') return 'alert update';
  if (row.kind === 'event-report') return 'report in thread';
  if (row.kind === 'developing') return 'developing';
  if (row.kind === 'surge') return 'surge';
  return row.kind === 'alert' ? 'alert' : row.total > 1 ? `digest ${row.part}/${row.total}` : 'digest';
}

/** {@link DrainDeps} with the outbox as the asynchronous port, as the row handlers use it. */
export type PortDeps = Omit<DrainDeps, 'outbox'> & { readonly outbox: DeliveryOutbox };

export type RowOutcome = 'sent' | 'retry' | 'dead' | 'uncertain' | 'lost' | 'unauthorized' | 'superseded';

/** An outcome that could not be recorded means the claim expired and another process took the row. */
export function recorded(ok: boolean, deps: Pick<DrainDeps, 'log'>, context: Record<string, unknown>): void {
  if (!ok) deps.log.warn(context, 'claim expired before the outcome was recorded: the process now holding this message decides (see ADR 11)');
}
