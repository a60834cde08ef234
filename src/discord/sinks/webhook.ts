import type { REST } from '@discordjs/rest';
import { totalEmbedChars, type OutboundMessage } from '../../core/compose/message.js';
import { MAX_CONTENT_CHARS, MAX_EMBED_TOTAL_CHARS, MAX_FOOTER_TEXT_CHARS } from '../../core/compose/limits.js';
import type { RestOverrides } from '../client.js';
import { discordRest } from '../lazy.js';
import { sendForMessageId, SinkError, type EditOptions, type SendOptions, type SendResult, type Sink } from './sink.js';
import { describeWebhook, parseWebhookUrl } from './webhook-url.js';

/**
 * Posts through Discord webhooks, no bot needed. One REST client of @discordjs/rest per webhook
 * (each with its own rate-limit state; discord.js's WebhookClient is this REST client and
 * Execute Webhook, and loading discord.js for it would cost ~0.5 s and ~15 MB more: ADR 15);
 * `send` asks with `?wait=true`, so the message id comes back.
 *
 * Discord's Execute Webhook takes no `nonce`, so Discord cannot deduplicate a resend. Two rules
 * follow (docs/delivery.md, ADR 11):
 * - discord.js must not retry a webhook POST by itself (`retries: 0`): a 5xx or a timeout after
 *   Discord accepted the message would post it again, and the deliverer retries on top. The
 *   deliverer is the one owner of retries; it resends only what was certainly not sent.
 * - every message carries a marker (`ref <nonce>` in its last embed's footer), so a send whose
 *   fate is unknown can be looked up in the channel before anything is resent.
 */
export function createWebhookSink(options: { apiBase?: string | undefined; rest?: RestOverrides } = {}): Sink {
  const clients = new Map<string, { readonly rest: REST; readonly route: `/${string}` }>();

  const clientFor = (url: string): { readonly rest: REST; readonly route: `/${string}` } => {
    const existing = clients.get(url);
    if (existing) return existing;
    const parts = parseWebhookUrl(url);
    if (!parts) throw new SinkError('permanent', `${describeWebhook(url)}: not a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)`);
    const { REST } = discordRest();
    const rest = new REST({ ...(options.apiBase ? { api: options.apiBase } : {}), ...options.rest, retries: 0 });
    const client = { rest, route: `/webhooks/${parts.id}/${parts.token}` as const };
    clients.set(url, client);
    return client;
  };

  return {
    name: 'webhook',
    async send(message: OutboundMessage, { target, nonce, files }: SendOptions): Promise<SendResult> {
      if (target.kind !== 'webhook') throw new SinkError('permanent', `webhook sink cannot send to a ${target.kind} target`);
      const client = clientFor(target.url);
      const marked = withMarker(message, nonce);
      return sendForMessageId(describeWebhook(target.url), () =>
        client.rest.post(client.route, {
          body: {
            ...(marked.content ? { content: marked.content } : {}),
            embeds: marked.embeds,
            allowed_mentions: { parse: marked.allowedMentions.parse, roles: marked.allowedMentions.roles },
          },
          ...(files && files.length > 0 ? { files: files.map((f) => ({ name: f.name, data: f.data })) } : {}),
          query: new URLSearchParams({ wait: 'true' }),
          // The token is in the URL; the bot's token (if any) is never sent to a webhook.
          auth: false,
        }),
      );
    },
    /** PATCH /webhooks/:id/:token/messages/:message with the full new state, still carrying the message's marker. */
    async edit(message: OutboundMessage, { target, messageId, nonce }: EditOptions): Promise<SendResult> {
      if (target.kind !== 'webhook') throw new SinkError('permanent', `webhook sink cannot edit in a ${target.kind} target`);
      const client = clientFor(target.url);
      const marked = withMarker(message, nonce);
      return sendForMessageId(describeWebhook(target.url), () =>
        client.rest.patch(`${client.route}/messages/${messageId}`, {
          body: {
            content: marked.content ?? '',
            embeds: marked.embeds,
            allowed_mentions: { parse: marked.allowedMentions.parse, roles: marked.allowedMentions.roles },
          },
          auth: false,
        }),
      );
    },
    close(): Promise<void> {
      for (const { rest } of clients.values()) {
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      }
      clients.clear();
      return Promise.resolve();
    },
  };
}

/** The text that identifies a message of one outbox row in its channel. */
export function markerFor(nonce: string): string {
  return `ref ${nonce}`;
}

/**
 * The message with its marker: appended to the last embed's footer (or, without embeds, to the
 * content), within Discord's limits. When no room is left the message goes unmarked, and a
 * send of unknown fate cannot be looked up (it is held as uncertain instead).
 */
export function withMarker(message: OutboundMessage, nonce: string): OutboundMessage {
  const marker = markerFor(nonce);
  const last = message.embeds.at(-1);
  if (!last) {
    const content = message.content ? `${message.content}\n-# ${marker}` : `-# ${marker}`;
    return content.length <= MAX_CONTENT_CHARS ? { ...message, content } : message;
  }
  const footer = last.footer?.text ? `${last.footer.text} · ${marker}` : marker;
  const added = footer.length - (last.footer?.text.length ?? 0);
  const total = totalEmbedChars(message.embeds);
  if (footer.length > MAX_FOOTER_TEXT_CHARS || total + added > MAX_EMBED_TOTAL_CHARS) return message;
  return { ...message, embeds: [...message.embeds.slice(0, -1), { ...last, footer: { ...last.footer, text: footer } }] };
}

/** Whether a message as Discord returns it carries the marker of `nonce`. */
export function hasMarker(message: { content?: string; embeds?: readonly { footer?: { text?: string } }[] }, nonce: string): boolean {
  const marker = markerFor(nonce);
  if (message.content?.endsWith(marker)) return true;
  return (message.embeds ?? []).some((e) => e.footer?.text?.endsWith(marker) === true);
}
