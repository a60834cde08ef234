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
 */
export function createDiscordClient(env: Pick<Env, 'DISCORD_API_BASE'>, rest: RestOverrides = {}): Client {
  const { Client, GatewayIntentBits, Partials } = discordJs();
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Reaction, Partials.User],
    allowedMentions: { parse: [] },
    rest: { ...(env.DISCORD_API_BASE ? { api: env.DISCORD_API_BASE } : {}), ...rest },
  });
}
