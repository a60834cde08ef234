import { FAKE_BOT_USER_ID, type FakeDiscord } from './fake-discord.js';
import { buttonInteraction, guildMember, type Who } from './fake-interactions.js';

/**
 * Ratings through the fake gateway: MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE as Discord
 * sends them (a guild reaction carries the member), and string-select interactions (type 3,
 * component_type 3) on a message the bot posted. Uses only the fake's public `dispatch`.
 */

export interface ReactionEvent {
  readonly guildId: string;
  readonly channelId: string;
  readonly messageId: string;
  readonly userId: string;
  /** '👍', '👎', or any other emoji name. */
  readonly emoji: string;
  /** Role ids of the member (for permission computation). */
  readonly roles?: readonly string[];
}

/** A member adds a reaction. */
export function dispatchReactionAdd(fake: FakeDiscord, e: ReactionEvent): void {
  fake.dispatch('MESSAGE_REACTION_ADD', {
    user_id: e.userId,
    channel_id: e.channelId,
    message_id: e.messageId,
    guild_id: e.guildId,
    member: guildMember(e.userId, e.roles ?? []),
    emoji: { id: null, name: e.emoji },
    message_author_id: FAKE_BOT_USER_ID,
    burst: false,
    burst_colors: [],
    type: 0,
  });
}

/** A member takes a reaction back (Discord sends no member with a removal). */
export function dispatchReactionRemove(fake: FakeDiscord, e: ReactionEvent): void {
  fake.dispatch('MESSAGE_REACTION_REMOVE', { user_id: e.userId, channel_id: e.channelId, message_id: e.messageId, guild_id: e.guildId, emoji: { id: null, name: e.emoji }, burst: false, type: 0 });
}

/** A choice in a string select (type 3 interaction, component_type 3) on the bot's message `messageId`. */
export function selectInteraction(who: Who, customId: string, values: readonly string[], message: { id: string; embeds?: unknown; components?: unknown }) {
  const press = buttonInteraction(who, customId, message);
  return { ...press, data: { custom_id: customId, component_type: 3, values }, message: { ...press.message, id: message.id, type: 0 } };
}
