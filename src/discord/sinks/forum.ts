import type { Client } from 'discord.js';
import { z } from 'zod';
import { matchForumTags } from '../../core/compose/forum.js';
import type { OutboundMessage } from '../../core/compose/message.js';
import { discordJs } from '../lazy.js';
import { classifySendError, sendForMessageId, SinkError, type SendOptions, type SendResult } from './sink.js';
import { hasMarker, withMarker } from './webhook.js';

/** Discord's forum (15) and media (16) channel types: no messages of their own, only posts. */
export const FORUM_TYPES: ReadonlySet<number> = new Set([15, 16]);

/** A forum or media channel as the sink needs it. */
export interface ForumInfo {
  readonly guildId: string | null;
  readonly tags: readonly { readonly id: string; readonly name: string }[];
}

const CHANNEL = z.object({
  type: z.number(),
  guild_id: z.string().optional(),
  available_tags: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
});
const ACTIVE_THREADS = z.object({ threads: z.array(z.object({ id: z.string(), parent_id: z.string().nullish(), owner_id: z.string().nullish() })) });
const STARTER = z.object({
  content: z.string().optional(),
  embeds: z.array(z.object({ footer: z.object({ text: z.string().optional() }).optional() })).optional(),
});

/** How long a channel's type and tags are trusted before they are read again (tags change). */
const CHANNEL_TTL_MS = 10 * 60_000;
/** Posts read per lookup at most: a forum this busy since the send is not searched further. */
const LOOKUP_LIMIT = 25;
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Read from this long before the try began: clocks of two machines differ. */
const CLOCK_SLACK_MS = 60_000;

/**
 * Forum channels for the bot sink: whether a channel is one (the gateway cache, else GET
 * /channels/:id, remembered for ten minutes), creating a post (POST /channels/:id/threads with
 * its starter message, tagged by topic), and finding a post an earlier try created. Discord takes
 * no nonce when creating a post, so every starter message carries the row's marker (`ref <nonce>`
 * in its last footer, as webhook messages do) and a retry looks among the forum's active posts
 * before creating one.
 */
export function createForums(client: Client, clock: () => number = Date.now) {
  const known = new Map<string, { readonly info: ForumInfo | null; readonly at: number }>();

  /** What is known of `channelId` without asking Discord: a forum, null (not one), or undefined (not known yet). */
  function knownForum(channelId: string): ForumInfo | null | undefined {
    const cached = known.get(channelId);
    if (cached && clock() - cached.at < CHANNEL_TTL_MS) return cached.info;
    const channel = client.channels.cache.get(channelId);
    if (!channel) return undefined;
    return FORUM_TYPES.has(channel.type) && 'availableTags' in channel ? { guildId: channel.guildId, tags: channel.availableTags.map((t) => ({ id: t.id, name: t.name })) } : null;
  }

  /** The forum behind `channelId`, or null for any other channel (and when it cannot be read: the send then says why). */
  async function forumOf(channelId: string): Promise<ForumInfo | null> {
    const cached = known.get(channelId);
    if (cached && clock() - cached.at < CHANNEL_TTL_MS) return cached.info;
    let info: ForumInfo | null;
    const channel = client.channels.cache.get(channelId);
    if (channel) {
      info = FORUM_TYPES.has(channel.type) && 'availableTags' in channel
        ? { guildId: channel.guildId, tags: channel.availableTags.map((t) => ({ id: t.id, name: t.name })) }
        : null;
    } else {
      try {
        const raw = CHANNEL.parse(await client.rest.get(discordJs().Routes.channel(channelId)));
        info = FORUM_TYPES.has(raw.type) ? { guildId: raw.guild_id ?? null, tags: raw.available_tags ?? [] } : null;
      } catch {
        return null;
      }
    }
    known.set(channelId, { info, at: clock() });
    return info;
  }

  /** The post (thread id) in `forumId` whose starter message carries `nonce`'s marker, created since `since`; null when there is none. */
  async function findPost(forumId: string, forum: ForumInfo, nonce: string, since: number, where: string): Promise<string | null> {
    const { Routes } = discordJs();
    if (forum.guildId === null) throw new SinkError('retryable', `${where}: an earlier try may have created this post, and the forum's server is unknown, so it cannot be looked up`);
    try {
      const after = (BigInt(Math.max(0, since - CLOCK_SLACK_MS)) - DISCORD_EPOCH) << 22n;
      const { threads } = ACTIVE_THREADS.parse(await client.rest.get(Routes.guildActiveThreads(forum.guildId)));
      const botId = client.user?.id ?? client.application?.id ?? null;
      const candidates = threads
        .filter((t) => t.parent_id === forumId && BigInt(t.id) >= after && (botId === null || t.owner_id == null || t.owner_id === botId))
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      if (candidates.length > LOOKUP_LIMIT) throw new SinkError('retryable', `${where}: more than ${LOOKUP_LIMIT} posts since an earlier try that may have created this one; not searched further`);
      for (const thread of candidates) {
        // A post's starter message has the post's id.
        const starter = STARTER.parse(await client.rest.get(Routes.channelMessage(thread.id, thread.id)));
        if (hasMarker(starter, nonce)) return thread.id;
      }
      return null;
    } catch (error) {
      if (error instanceof SinkError) throw error;
      const cause = classifySendError(error, where);
      // Unknown fate is never "absent": try again later rather than post twice.
      throw new SinkError('retryable', `${where}: an earlier try may have created this post and it could not be looked up (${cause.message})`, cause.status, cause.code, { cause: error });
    }
  }

  /**
   * Sends `message` to a forum: into the post `options.forum.inPost` when given (an ordinary
   * message there, with the row's nonce), else as a new post titled and tagged from
   * `options.forum`, looked up first when an earlier try may have created it.
   */
  async function send(message: OutboundMessage, forumId: string, forum: ForumInfo, options: SendOptions): Promise<SendResult> {
    const { Routes } = discordJs();
    const files = options.files && options.files.length > 0 ? { files: options.files.map((f) => ({ name: f.name, data: f.data })) } : {};
    const inPost = options.forum?.inPost;
    if (inPost !== undefined) {
      return sendForMessageId(`post ${inPost} in forum ${forumId}`, () =>
        client.rest.post(Routes.channelMessages(inPost), {
          body: {
            ...(message.content ? { content: message.content } : {}),
            embeds: message.embeds,
            ...(message.components ? { components: message.components } : {}),
            allowed_mentions: { parse: message.allowedMentions.parse, roles: message.allowedMentions.roles },
            nonce: options.nonce,
            enforce_nonce: true,
          },
          ...files,
        }),
      );
    }
    const where = `forum ${forumId}`;
    if (options.resumeSince !== undefined) {
      const found = await findPost(forumId, forum, options.nonce, options.resumeSince, where);
      if (found !== null) return { messageId: found };
    }
    const marked = withMarker(message, options.nonce);
    const tags = matchForumTags(forum.tags, options.forum?.topics ?? []);
    // The post's id is its starter message's: edits and later reports use it as both.
    return sendForMessageId(where, () =>
      client.rest.post(Routes.threads(forumId), {
        body: {
          name: options.forum?.title ?? 'Watchfloor',
          auto_archive_duration: 1440,
          ...(tags.length > 0 ? { applied_tags: tags } : {}),
          message: {
            ...(marked.content ? { content: marked.content } : {}),
            embeds: marked.embeds,
            ...(marked.components ? { components: marked.components } : {}),
            allowed_mentions: { parse: marked.allowedMentions.parse, roles: marked.allowedMentions.roles },
          },
        },
        ...files,
      }),
    );
  }

  return { forumOf, knownForum, send, findPost };
}

export type Forums = ReturnType<typeof createForums>;
