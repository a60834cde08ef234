import type { Client } from 'discord.js';
import { discordJs } from '../lazy.js';
import { z } from 'zod';
import { hasMarker } from './webhook.js';
import { parseWebhookUrl } from './webhook-url.js';

/** What looking for one webhook message in its channel found. */
export type LookupResult =
  | { readonly found: true; readonly messageId: string }
  | { readonly found: false }
  /** The channel could not be read (no bot access, Discord down, too busy a channel): fate still unknown. */
  | { readonly found: null; readonly reason: string };

/** Looks in a webhook's channel for the message of one outbox row (by its marker). */
export type WebhookLookup = (webhookUrl: string, nonce: string, sentSince: number) => Promise<LookupResult>;

const WEBHOOK = z.object({ channel_id: z.string() });
const MESSAGES = z.array(
  z.object({
    id: z.string(),
    content: z.string().optional(),
    embeds: z.array(z.object({ footer: z.object({ text: z.string().optional() }).optional() })).optional(),
  }),
);

/** Messages read per lookup: one page. A channel busier than this since the send is not searched further. */
const PAGE = 100;
/** Discord's epoch, for turning a time into a message id to read after. */
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Read from this long before the send began: clocks of two machines differ. */
const CLOCK_SLACK_MS = 60_000;

/**
 * A lookup through the bot: the webhook's channel (GET /webhooks/:id/:token), then the messages
 * posted there since the send began (GET /channels/:id/messages, which needs View Channel and
 * Read Message History). Anything that stops it answers "unknown", never "absent".
 */
export function createWebhookLookup(client: Client): WebhookLookup {
  return async (webhookUrl, nonce, sentSince) => {
    const { Routes } = discordJs();
    const parts = parseWebhookUrl(webhookUrl);
    if (!parts) return { found: null, reason: 'not a Discord webhook URL' };
    try {
      const webhook = WEBHOOK.parse(await client.rest.get(Routes.webhook(parts.id, parts.token), { auth: false }));
      const after = ((BigInt(Math.max(0, sentSince - CLOCK_SLACK_MS)) - DISCORD_EPOCH) << 22n).toString();
      const query = new URLSearchParams({ after, limit: String(PAGE) });
      const messages = MESSAGES.parse(await client.rest.get(Routes.channelMessages(webhook.channel_id), { query }));
      const match = messages.find((m) => hasMarker(m, nonce));
      if (match) return { found: true, messageId: match.id };
      if (messages.length >= PAGE) return { found: null, reason: `more than ${PAGE} messages in the channel since the send; not searched further` };
      return { found: false };
    } catch (error) {
      return { found: null, reason: `the channel could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}
