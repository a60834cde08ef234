import { ChannelType, Events, type Client } from 'discord.js';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { normaliseItems } from '../core/story.js';
import type { FeedConfig } from '../core/types.js';
import { COMMANDS, commandDefinitions } from '../discord/commands/index.js';
import { serverLookupsFrom } from '../discord/commands/lookups.js';
import { createSearchSessions } from '../discord/commands/search-sessions.js';
import type { CommandDeps, FeedProbe } from '../discord/commands/types.js';
import { attachFeedback } from '../discord/feedback.js';
import { createInteractionHandler } from '../discord/interactions.js';
import { registerCommands, type RegisterResult } from '../discord/register.js';
import { checkPublicUrl, fetchFeed } from '../feeds/fetch.js';
import { parseFeed } from '../feeds/parse.js';
import { createSqliteGatewayStore } from '../store/gateway-store.js';
import { createSqliteRatingsPort } from '../store/ratings-port.js';
import { parseSubscribeFlags } from './commands/subscriptions.js';
import { baseUrlFor } from './analyse.js';
import { USER_AGENT, type Runtime } from './runtime.js';

/**
 * Slash commands, composed: the handlers get the store, the classifier, the subscription
 * validation shared with `watchfloor subscribe`, and a feed probe built from the real fetcher
 * and parser. The only place where Discord's commands meet the feed shell.
 */

const NO_VALIDATORS = { etag: null, lastModified: null, bodyHash: null } as const;

/**
 * Fetches and parses a feed for `/feeds add` and `/feeds test`: http(s) only (never a local
 * path, which the fetcher would otherwise read), and unless ALLOW_PRIVATE_FEEDS, hosts must
 * resolve to public addresses, checked before the request and again at connection time.
 */
export function createFeedProbe(env: Pick<Env, 'ALLOW_PRIVATE_FEEDS' | 'FETCH_TIMEOUT_MS' | 'FETCH_IDLE_TIMEOUT_MS' | 'FETCH_MAX_BYTES'>, clock: () => number = Date.now): (url: string) => Promise<FeedProbe> {
  return async (input) => {
    const text = input.trim();
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return { ok: false, message: `"${text.slice(0, 200)}" is not a URL. Give the full feed address, starting with https://` };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return { ok: false, message: `Only http and https feeds can be added (this one is ${parsed.protocol}).` };
    }
    if (parsed.username !== '' || parsed.password !== '') {
      return { ok: false, message: 'Feed addresses with a user name or password are refused: they would be shown to everyone in /feeds list.' };
    }
    if (!env.ALLOW_PRIVATE_FEEDS) {
      const check = await checkPublicUrl(parsed.toString());
      if (!check.ok) return check;
    }
    const url = parsed.toString();
    const fetched = await fetchFeed(url, NO_VALIDATORS, {
      timeoutMs: env.FETCH_TIMEOUT_MS,
      idleTimeoutMs: env.FETCH_IDLE_TIMEOUT_MS,
      maxBytes: env.FETCH_MAX_BYTES,
      userAgent: USER_AGENT,
      blockPrivateAddresses: !env.ALLOW_PRIVATE_FEEDS,
      baseDir: process.cwd(),
    });
    if (!fetched.ok) return { ok: false, message: fetched.message };
    if (fetched.notModified) return { ok: false, message: `${url} answered "not modified" to a first request; the server is misbehaving, try again later.` };
    const doc = await parseFeed(fetched.text, fetched.finalUrl, fetched.contentLocation);
    if ('ok' in doc) return { ok: false, message: doc.message };
    const probeFeed: FeedConfig = { id: 'probe', url, name: doc.title ?? url, language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] };
    const batch = normaliseItems(doc.items, probeFeed, baseUrlFor(doc.link, fetched.finalUrl), clock());
    return {
      ok: true,
      url,
      finalUrl: fetched.finalUrl,
      format: doc.format,
      title: doc.title,
      items: batch.stories.map((s) => ({ title: s.title, url: s.url, summary: s.summary, ...(s.outlet === undefined ? {} : { outlet: s.outlet }) })),
    };
  };
}

/** The dependencies of every command handler, from the runtime. */
export function createCommandDeps(runtime: Runtime, options: { readonly startedAt: number; readonly clock?: () => number }): CommandDeps {
  const clock = options.clock ?? Date.now;
  const { env, store, classifier, log } = runtime;
  return {
    gateway: createSqliteGatewayStore(store),
    ratings: createSqliteRatingsPort(store),
    log: log.child({ component: 'slash-commands' }),
    clock,
    startedAt: options.startedAt,
    topics: () => classifier.topics,
    classify: (input) => classifier.classify(input),
    configuredFeeds: () => runtime.feeds,
    parseSubscription: (flags, now) => parseSubscribeFlags(flags, classifier.topics.map((t) => t.id), env, now),
    probeFeed: createFeedProbe(env, clock),
    searches: createSearchSessions(),
  };
}

/** The bot's permissions in a channel from the gateway cache; null until the server and the bot's member are cached. */
function botPermissionsFrom(client: Client): (guildId: string, channelId: string) => bigint | null {
  return (guildId, channelId) => {
    const guild = client.guilds.cache.get(guildId);
    const channel = guild?.channels.cache.get(channelId);
    const me = guild?.members.me;
    if (!channel || !me) return null;
    return channel.permissionsFor(me).bitfield;
  };
}

/** Whether a cached channel is a forum or media channel (15, 16); null when it is not cached. */
function forumChannelFrom(client: Client): (guildId: string, channelId: string) => boolean | null {
  return (guildId, channelId) => {
    const channel = client.guilds.cache.get(guildId)?.channels.cache.get(channelId);
    return channel ? channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia : null;
  };
}

/** Answers slash commands, buttons and autocomplete on `client`. */
export function attachSlashCommands(client: Client, deps: CommandDeps): void {
  const handle = createInteractionHandler({
    commands: COMMANDS,
    deps: { ...deps, botPermissionsIn: deps.botPermissionsIn ?? botPermissionsFrom(client), isForumChannel: deps.isForumChannel ?? forumChannelFrom(client), servers: deps.servers ?? serverLookupsFrom(client) },
  });
  // The handler logs its own failures and never rejects.
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  // 👍/👎 on alerts and the digests' rating menus (docs/feedback.md).
  if (deps.ratings) attachFeedback(client, { ratings: deps.ratings, log: deps.log, clock: deps.clock });
}

/**
 * Registers the commands (in DISCORD_GUILD_ID when set, else globally) once the client is
 * logged in; the application id comes from DISCORD_APPLICATION_ID or the client. A failure is
 * logged, not fatal: delivery works without commands.
 */
export async function registerSlashCommandsOnStart(client: Client, env: Pick<Env, 'DISCORD_APPLICATION_ID' | 'DISCORD_GUILD_ID'>, log: Logger): Promise<RegisterResult | null> {
  const applicationId = env.DISCORD_APPLICATION_ID ?? client.application?.id;
  if (!applicationId) {
    log.warn('slash commands not registered: no application id yet (set DISCORD_APPLICATION_ID, or run `watchfloor register-commands`)');
    return null;
  }
  try {
    return await registerCommands({ rest: client.rest, applicationId, guildId: env.DISCORD_GUILD_ID, definitions: commandDefinitions(), log });
  } catch (error) {
    log.error({ err: error }, 'slash commands could not be registered; fix the cause and run `watchfloor register-commands`');
    return null;
  }
}
