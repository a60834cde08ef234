import type { Client, ClientOptions } from 'discord.js';
import type { Env } from '../config/env.js';
import { discordJs } from './lazy.js';

/** REST settings a caller may override (tests shorten timeouts). */
export type RestOverrides = NonNullable<ClientOptions['rest']>;

/**
 * The discord.js client. `DISCORD_API_BASE` (unset in production) points its REST base URL,
 * and with it gateway discovery, at another server: the loopback fake in tests. Intents:
 * Guilds, and GuildMessageReactions for 👍/👎 ratings of alerts (a standard intent: nothing to
 * enable in the Developer Portal). The bot reads no message content and no members. Message,
 * reaction and user partials let reactions on messages posted before a restart (not cached) through.
 * Mentions default to nobody; messages that may ping a role say so themselves.
 * WATCHFLOOR_SHARDS: discord.js's internal sharding, every shard in this process (`auto` asks
 * Discord for its recommended count, GET /gateway/bot, at login).
 */
export function createDiscordClient(env: Pick<Env, 'DISCORD_API_BASE' | 'WATCHFLOOR_SHARDS'>, rest: RestOverrides = {}): Client {
  const { Client, GatewayIntentBits, Partials } = discordJs();
  return new Client({
    ...shardOptions(env.WATCHFLOOR_SHARDS),
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Reaction, Partials.User],
    allowedMentions: { parse: [] },
    rest: { ...(env.DISCORD_API_BASE ? { api: env.DISCORD_API_BASE } : {}), ...rest },
  });
}

/** discord.js's shard options for WATCHFLOOR_SHARDS: unset is its default (one shard). */
export function shardOptions(setting: string | undefined): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (setting === undefined) return {};
  if (setting === 'auto') return { shards: 'auto' };
  return { shardCount: Number(setting) };
}
