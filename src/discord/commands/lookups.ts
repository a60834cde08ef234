import { DiscordAPIError, Routes, type Client } from 'discord.js';
import type { FeedConfig, TopicInfo } from '../../core/types.js';
import { polledFeeds } from '../../store/added-feeds.js';
import type { CommandDeps, ServerLookups } from './types.js';

/** Every feed that is polled: the operator's feeds.json, then those added from Discord. */
export async function allFeeds(deps: Pick<CommandDeps, 'configuredFeeds' | 'gateway'>): Promise<FeedConfig[]> {
  return polledFeeds(deps.configuredFeeds(), await deps.gateway.addedFeeds());
}

/**
 * The feeds a server may see: feeds.json and its own added feeds. Another server's added feeds
 * are none of its business (their stories reach only that server's subscriptions).
 */
export async function feedsOf(deps: Pick<CommandDeps, 'configuredFeeds' | 'gateway'>, guildId: string | null): Promise<FeedConfig[]> {
  return (await allFeeds(deps)).filter((f) => f.guildId === undefined || f.guildId === guildId);
}

export async function feedMap(deps: Pick<CommandDeps, 'configuredFeeds' | 'gateway'>): Promise<Map<string, FeedConfig>> {
  return new Map((await allFeeds(deps)).map((f) => [f.id, f]));
}

export function topicMap(deps: Pick<CommandDeps, 'topics'>): Map<string, TopicInfo> {
  return new Map(deps.topics().map((t) => [t.id, t]));
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** 403 and 404: the bot cannot see it, which for us means it is not in the server asked about. */
function notVisible(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.status === 403 || error.status === 404);
}

/**
 * Server lookups from a discord.js client, asked of Discord's REST API every time. Not the
 * gateway cache: discord.js adds the channels and roles an interaction resolves to its cache,
 * under the interaction's server, so a forged interaction would plant the very answer it needs.
 * `/watch add` is rare; one or two requests each time cost nothing.
 */
export function serverLookupsFrom(client: Client): ServerLookups {
  return {
    async channelGuild(channelId) {
      try {
        const channel = record(await client.rest.get(Routes.channel(channelId)));
        return typeof channel.guild_id === 'string' ? channel.guild_id : null;
      } catch (error) {
        if (notVisible(error)) return null;
        throw error;
      }
    },
    async guildHasRole(guildId, roleId) {
      try {
        const roles = await client.rest.get(Routes.guildRoles(guildId));
        return Array.isArray(roles) && roles.some((r) => record(r).id === roleId);
      } catch (error) {
        if (notVisible(error)) return false;
        throw error;
      }
    },
  };
}
