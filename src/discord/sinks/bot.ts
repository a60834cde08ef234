import { Routes, type Client } from 'discord.js';
import { sendForMessageId, SinkError, type SendOptions, type SendResult, type Sink } from './sink.js';
import type { OutboundMessage } from '../../core/compose/message.js';
import { RATING_EMOJIS } from '../feedback.js';

/**
 * Posts into channels as the bot. Uses the client's REST manager (which queues per route and
 * honours rate limits) rather than `channel.send`, so a send needs no gateway cache and no
 * extra channel fetch — the same code works for `once` (token only) and `run` (logged in).
 *
 * With `rateAlerts`, the bot adds 👍 and 👎 under each alert it posts (docs/feedback.md), so a
 * member rates with one click. Best effort: a missing Add Reactions permission loses the
 * buttons, never the alert.
 */
export function createBotSink(client: Client, options: { readonly rateAlerts?: boolean } = {}): Sink {
  return {
    name: 'bot',
    async send(message: OutboundMessage, { target, nonce, label }: SendOptions): Promise<SendResult> {
      if (target.kind !== 'channel') throw new SinkError('permanent', `bot sink cannot send to a ${target.kind} target`);
      const result = await sendForMessageId(`channel ${target.channelId}`, () =>
        client.rest.post(Routes.channelMessages(target.channelId), {
          body: {
            ...(message.content ? { content: message.content } : {}),
            embeds: message.embeds,
            ...(message.components ? { components: message.components } : {}),
            allowed_mentions: { parse: message.allowedMentions.parse, roles: message.allowedMentions.roles },
            nonce,
            enforce_nonce: true,
          },
        }),
      );
      if (options.rateAlerts === true && label === 'alert') {
        for (const emoji of RATING_EMOJIS) {
          try {
            await client.rest.put(Routes.channelMessageOwnReaction(target.channelId, result.messageId, encodeURIComponent(emoji)));
          } catch {
            // The alert is out; without Add Reactions members can still add 👍/👎 themselves.
          }
        }
      }
      return result;
    },
    close(): Promise<void> {
      // The client belongs to whoever created it (it may also serve slash commands).
      return Promise.resolve();
    },
  };
}
