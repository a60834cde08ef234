import { z } from 'zod';
import type { OutboundMessage } from '../../core/compose/message.js';
import type { Target } from '../../core/types.js';
import { discordRest } from '../lazy.js';

export interface SendOptions {
  /** Where the message goes. */
  readonly target: Target;
  /** Derived from the outbox row; with `enforce_nonce` Discord posts it at most once. */
  readonly nonce: string;
  /** What the message is, for people: `alert`, `digest 2/3`. */
  readonly label: string;
  /** Files sent with it (multipart `files[n]`): the digest's chart. */
  readonly files?: readonly { readonly name: string; readonly data: Buffer }[];
  /**
   * In a forum or media channel (the bot sink finds out; other channels ignore it): the post the
   * message becomes, or `inPost`, the post (thread id) it goes into instead (a developing notice
   * into its event's post, a digest's later parts into its first part's).
   */
  readonly forum?: { readonly title: string; readonly topics: readonly string[]; readonly inPost?: string | undefined };
  /**
   * An earlier try of this row may have created its forum post (it began at or after this time
   * and its outcome was never recorded): Discord takes no nonce when creating a post, so the sink
   * looks for the post first (docs/adr/0012-living-alerts-and-developing-events.md).
   */
  readonly resumeSince?: number | undefined;
}

export interface SendResult {
  /** Discord's message id (console: a local id). */
  readonly messageId: string;
}

export interface EditOptions {
  readonly target: Target;
  /** The message to edit (the id Discord gave the alert). */
  readonly messageId: string;
  /** The nonce of the message being edited: the webhook sink keeps its marker in the new state. */
  readonly nonce: string;
  readonly label: string;
}

/** One way out: the bot, a webhook, or the console. */
export interface Sink {
  readonly name: 'bot' | 'webhook' | 'console';
  send(message: OutboundMessage, options: SendOptions): Promise<SendResult>;
  /**
   * Replaces a message it posted with `message` (the full new state: an idempotent PATCH, safe
   * to repeat). Absent: the sink cannot edit.
   */
  edit?(message: OutboundMessage, options: EditOptions): Promise<SendResult>;
  /**
   * Posts `message` in the thread under the message `options.messageId` (its alert), starting
   * the thread first when there is none: once, whatever crashes in between (a thread started
   * from a message has that message's id, and Discord refuses a second one). Sent with the row's
   * nonce. Absent: the sink has no threads.
   */
  reply?(message: OutboundMessage, options: EditOptions & { readonly threadName: string }): Promise<SendResult>;
  /** Releases connections the sink opened itself. */
  close(): Promise<void>;
}

/**
 * A failed send, sorted for the deliverer: `retryable` (network, timeout, 5xx, 429) is tried
 * again with backoff; `permanent` (missing access, unknown channel or webhook, invalid body,
 * bad token, no sink configured) goes straight to the dead letters.
 */
export class SinkError extends Error {
  override readonly name = 'SinkError';
  constructor(
    /**
     * `unauthorized`: the bot token itself was refused (401, or discord.js dropped it after a 401):
     * no message of the sink can go out until the operator fixes DISCORD_TOKEN, so its messages
     * wait, pending, instead of spending their attempts and dying one by one.
     */
    readonly kind: 'retryable' | 'permanent' | 'unauthorized',
    message: string,
    readonly status: number | null = null,
    /** Discord's JSON error code, e.g. 10003 Unknown Channel, 50001 Missing Access. */
    readonly code: number | string | null = null,
    options?: { cause?: unknown; delivery?: SendFate },
  ) {
    super(message, options);
    this.delivery = options?.delivery ?? 'not-sent';
  }

  /**
   * Whether Discord may have posted the message anyway: `maybe-sent` when the request went out
   * and no clear refusal came back (a timeout, a reset connection, a 5xx from a proxy after
   * Discord accepted it). A message without a nonce (webhooks) must not be resent blindly then.
   */
  readonly delivery: SendFate;
}

/** See {@link SinkError.delivery}. */
export type SendFate = 'not-sent' | 'maybe-sent';

/**
 * Network error codes that mean the request never reached Discord: nothing was posted, so a
 * resend is safe. Anything else after the request started (reset, timeout) may have been posted.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The first `code` along an error's cause chain (undici nests the socket error). */
function errorCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

/** Whether a failure that is not an answer from Discord may have posted the message. */
export function fateOfNetworkError(error: unknown): SendFate {
  const code = errorCode(error);
  return code !== null && NOT_SENT_CODES.has(code) ? 'not-sent' : 'maybe-sent';
}

/** Turns whatever discord.js threw into a SinkError with a message a person can act on. */
export function classifySendError(error: unknown, where: string): SinkError {
  if (error instanceof SinkError) return error;
  const { DiscordAPIError, HTTPError, RateLimitError } = discordRest();
  if (isTokenRejection(error)) {
    return new SinkError('unauthorized', `${where}: Discord rejected DISCORD_TOKEN (401 Unauthorized): it was reset or mistyped. Copy the bot's token again (developer portal → Bot → Reset Token) into DISCORD_TOKEN and restart; messages to channels wait in the outbox until then`, 401, null, { cause: error });
  }
  if (error instanceof DiscordAPIError) {
    const hint = HINTS[String(error.code)] ?? '';
    const kind = error.status === 429 || error.status >= 500 ? 'retryable' : 'permanent';
    const delivery = error.status >= 500 ? 'maybe-sent' : 'not-sent';
    return new SinkError(kind, `${where}: Discord answered ${error.status} (${error.code} ${error.message})${hint}`, error.status, error.code, { cause: error, delivery });
  }
  if (error instanceof HTTPError) {
    const kind = error.status === 429 || error.status >= 500 ? 'retryable' : 'permanent';
    // A 5xx without Discord's JSON error body comes from a proxy in front of Discord: the
    // request may have been accepted behind it.
    const delivery = error.status >= 500 ? 'maybe-sent' : 'not-sent';
    return new SinkError(kind, `${where}: HTTP ${error.status} ${error.message}`, error.status, null, { cause: error, delivery });
  }
  if (error instanceof RateLimitError) {
    return new SinkError('retryable', `${where}: rate limited for ${error.timeToReset} ms`, 429, null, { cause: error });
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Anything else is the network (refused, reset, DNS, timeout/AbortError): worth another try.
  return new SinkError('retryable', `${where}: ${message}`, null, null, { cause: error, delivery: fateOfNetworkError(error) });
}

/**
 * The bot token was refused: a 401 on a request made with it, or discord.js's own refusal to send
 * once it dropped the token after such a 401 ("Expected token to be set …").
 */
export function isTokenRejection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof discordRest().DiscordAPIError) return error.status === 401 && !/\/webhooks\//.test(error.url);
  const code = (error as Error & { code?: unknown }).code;
  return code === 'TokenInvalid' || /^Expected token to be set for this request/.test(error.message);
}

const HINTS: Record<string, string> = {
  '10003': ': the channel was deleted or the id is wrong; remove the subscription or fix the id',
  '10015': ': the webhook was deleted; create a new one and subscribe again',
  '50001': ': the bot cannot see this channel; give its role View Channel there',
  '50013': ': the bot lacks Send Messages or Embed Links in this channel',
  '0': '',
};

const CREATED_MESSAGE = z.object({ id: z.string().min(1) });

/**
 * Runs one send and reads Discord's message id from its answer: a failed request becomes a
 * classified SinkError, an answer without an id a retryable one. `where` names the target.
 */
export async function sendForMessageId(where: string, post: () => Promise<unknown>): Promise<SendResult> {
  let response: unknown;
  try {
    response = await post();
  } catch (error) {
    throw classifySendError(error, where);
  }
  const parsed = CREATED_MESSAGE.safeParse(response);
  // Discord answered 2xx: it took the message, whatever the answer's body says.
  if (!parsed.success) throw new SinkError('retryable', `${where}: Discord's answer has no message id`, null, null, { delivery: 'maybe-sent' });
  return { messageId: parsed.data.id };
}
