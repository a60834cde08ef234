import type { Client } from 'discord.js';
import { discordJs } from '../lazy.js';
import { classifySendError, sendForMessageId, SinkError, type EditOptions, type SendOptions, type SendResult, type Sink } from './sink.js';
import type { OutboundMessage } from '../../core/compose/message.js';
import { RATING_EMOJIS } from '../../core/feedback/topics.js';
import { createForums } from './forum.js';
import { withMarker } from './webhook.js';

/**
 * Posts into channels as the bot. Uses the client's REST manager (which queues per route and
 * honours rate limits) rather than `channel.send`, so a send needs no gateway cache and no
 * extra channel fetch — the same code works for `once` (token only) and `run` (logged in).
 *
 * With `rateAlerts`, the bot adds 👍 and 👎 under each alert it posts (docs/feedback.md), so a
 * member rates with one click. Best effort: a missing Add Reactions permission loses the
 * buttons, never the alert.
 *
 * A forum or media channel gets posts instead of messages (./forum.ts): a message becomes a post
 * (its id is its starter message's), edits and replies go to the starter message in the post.
 */
/** Discord's answer to a message posted in a channel that takes none (a forum): 50008. */
const NON_TEXT_CHANNEL = 50008;

export function createBotSink(client: Client, options: { readonly rateAlerts?: boolean } = {}): Sink {
  const forums = createForums(client);
  return {
    name: 'bot',
    async send(message: OutboundMessage, sendOptions: SendOptions): Promise<SendResult> {
      const { target, nonce, files, label } = sendOptions;
      if (target.kind !== 'channel') throw new SinkError('permanent', `bot sink cannot send to a ${target.kind} target`);
      // A channel not known to be a forum is posted in as a text channel first (no extra request);
      // Discord answers 50008 in a forum, and the message then becomes a post (its id the result's).
      let forum = forums.knownForum(target.channelId) ?? null;
      const plain = () => sendForMessageId(`channel ${target.channelId}`, () =>
        client.rest.post(discordJs().Routes.channelMessages(target.channelId), {
          body: {
            ...(message.content ? { content: message.content } : {}),
            embeds: message.embeds,
            ...(message.components ? { components: message.components } : {}),
            allowed_mentions: { parse: message.allowedMentions.parse, roles: message.allowedMentions.roles },
            nonce,
            enforce_nonce: true,
          },
          ...(files && files.length > 0 ? { files: files.map((f) => ({ name: f.name, data: f.data })) } : {}),
        }),
      );
      let result: SendResult;
      if (forum) {
        result = await forums.send(message, target.channelId, forum, sendOptions);
      } else {
        try {
          result = await plain();
        } catch (error) {
          if (!(error instanceof SinkError && error.code === NON_TEXT_CHANNEL)) throw error;
          forum = await forums.forumOf(target.channelId);
          if (!forum) throw error;
          result = await forums.send(message, target.channelId, forum, sendOptions);
        }
      }
      if (options.rateAlerts === true && label === 'alert') {
        for (const emoji of RATING_EMOJIS) {
          try {
            const channelId = forum ? (sendOptions.forum?.inPost ?? result.messageId) : target.channelId;
            await client.rest.put(discordJs().Routes.channelMessageOwnReaction(channelId, result.messageId, encodeURIComponent(emoji)));
          } catch {
            // The alert is out; without Add Reactions members can still add 👍/👎 themselves.
          }
        }
      }
      return result;
    },
    /** PATCH /channels/:channel/messages/:message with the full new state; mentions only as the message allows. */
    async edit(message: OutboundMessage, { target, messageId, nonce }: EditOptions): Promise<SendResult> {
      if (target.kind !== 'channel') throw new SinkError('permanent', `bot sink cannot edit in a ${target.kind} target`);
      // A forum post's starter message is in the post, with the post's id; it keeps its marker.
      const forum = await forums.forumOf(target.channelId);
      const state = forum ? withMarker(message, nonce) : message;
      return sendForMessageId(forum ? `post ${messageId} in forum ${target.channelId}` : `channel ${target.channelId}`, () =>
        client.rest.patch(discordJs().Routes.channelMessage(forum ? messageId : target.channelId, messageId), {
          body: {
            content: state.content ?? '',
            embeds: state.embeds,
            allowed_mentions: { parse: message.allowedMentions.parse, roles: message.allowedMentions.roles },
          },
        }),
      );
    },
    async reply(message: OutboundMessage, { target, messageId, nonce, threadName }: EditOptions & { threadName: string }): Promise<SendResult> {
      if (target.kind !== 'channel') throw new SinkError('permanent', `bot sink cannot reply in a ${target.kind} target`);
      const where = `thread under message ${messageId} in channel ${target.channelId}`;
      const post = () =>
        client.rest.post(discordJs().Routes.channelMessages(messageId), {
          body: { embeds: message.embeds, allowed_mentions: { parse: [], roles: [] }, nonce, enforce_nonce: true },
        });
      try {
        return await sendForMessageId(where, post);
      } catch (error) {
        // 10003 Unknown Channel: no thread yet. Start it from the alert (its id is the alert's).
        if (!(error instanceof SinkError) || error.code !== 10003) throw error;
      }
      try {
        await client.rest.post(discordJs().Routes.threads(target.channelId, messageId), { body: { name: threadName, auto_archive_duration: 1440 } });
      } catch (error) {
        // 160004: the thread exists already (another try got there first): use it.
        if (!(error instanceof discordJs().DiscordAPIError && error.code === 160004)) throw classifySendError(error, where);
      }
      return sendForMessageId(where, post);
    },
    close(): Promise<void> {
      // The client belongs to whoever created it (it may also serve slash commands).
      return Promise.resolve();
    },
  };
}
