import type { Client } from 'discord.js';
import { discordJs } from '../lazy.js';
import { sendForMessageId, SinkError, type SendOptions, type SendResult, type Sink } from './sink.js';
import type { OutboundMessage } from '../../core/compose/message.js';

/**
 * Posts into channels as the bot. Uses the client's REST manager (which queues per route and
 * honours rate limits) rather than `channel.send`, so a send needs no gateway cache and no
 * extra channel fetch — the same code works for `once` (token only) and `run` (logged in).
 */
export function createBotSink(client: Client): Sink {
  return {
    name: 'bot',
    async send(message: OutboundMessage, { target, nonce }: SendOptions): Promise<SendResult> {
      if (target.kind !== 'channel') throw new SinkError('permanent', `bot sink cannot send to a ${target.kind} target`);
      return sendForMessageId(`channel ${target.channelId}`, () =>
        client.rest.post(discordJs().Routes.channelMessages(target.channelId), {
          body: {
            ...(message.content ? { content: message.content } : {}),
            embeds: message.embeds,
            allowed_mentions: { parse: message.allowedMentions.parse, roles: message.allowedMentions.roles },
            nonce,
            enforce_nonce: true,
          },
        }),
      );
    },
    close(): Promise<void> {
      // The client belongs to whoever created it (it may also serve slash commands).
      return Promise.resolve();
    },
  };
}
