import { WebhookClient } from 'discord.js';
import type { OutboundMessage } from '../../core/compose/message.js';
import type { RestOverrides } from '../client.js';
import { sendForMessageId, SinkError, type SendOptions, type SendResult, type Sink } from './sink.js';
import { describeWebhook, parseWebhookUrl } from './webhook-url.js';

/**
 * Posts through Discord webhooks, no bot needed. One discord.js WebhookClient per webhook
 * (each with its own rate-limit state); `send` asks with `?wait=true`, so the message id comes
 * back.
 *
 * Discord's Execute Webhook takes no `nonce`, so this sink cannot make Discord deduplicate: a
 * crash after Discord accepted a message and before the outbox recorded it re-sends it once
 * (at-least-once). See docs/delivery.md.
 */
export function createWebhookSink(options: { apiBase?: string | undefined; rest?: RestOverrides } = {}): Sink {
  const clients = new Map<string, WebhookClient>();

  const clientFor = (url: string): WebhookClient => {
    const existing = clients.get(url);
    if (existing) return existing;
    const parts = parseWebhookUrl(url);
    if (!parts) throw new SinkError('permanent', `${describeWebhook(url)}: not a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)`);
    const client = new WebhookClient(parts, { rest: { ...(options.apiBase ? { api: options.apiBase } : {}), ...options.rest }, allowedMentions: { parse: [] } });
    clients.set(url, client);
    return client;
  };

  return {
    name: 'webhook',
    async send(message: OutboundMessage, { target }: SendOptions): Promise<SendResult> {
      if (target.kind !== 'webhook') throw new SinkError('permanent', `webhook sink cannot send to a ${target.kind} target`);
      const client = clientFor(target.url);
      return sendForMessageId(describeWebhook(target.url), () =>
        client.send({
          ...(message.content ? { content: message.content } : {}),
          embeds: message.embeds,
          allowedMentions: { parse: message.allowedMentions.parse, roles: message.allowedMentions.roles },
        }),
      );
    },
    close(): Promise<void> {
      for (const client of clients.values()) client.destroy();
      clients.clear();
      return Promise.resolve();
    },
  };
}
