import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { ConfigError } from '../config/errors.js';
import { loadFeeds } from '../config/feeds.js';
import { createDiscordClient } from '../discord/client.js';
import { createSearchSessions } from '../discord/commands/search-sessions.js';
import type { CommandDeps } from '../discord/commands/types.js';
import { discordJs } from '../discord/lazy.js';
import { isTokenRejection } from '../discord/sinks/sink.js';
import type { PgPool } from '../store/pg/db.js';
import { createPgGatewayStore } from '../store/pg/gateway-store.js';
import { createPgRatingsPort } from '../store/pg/ratings.js';
import { loadClassifier } from './classifier.js';
import { parseSubscribeFlags } from './commands/subscriptions.js';
import type { Paths } from './context.js';
import { attachSlashCommands, createFeedProbe, registerSlashCommandsOnStart } from './slash-commands.js';

const LOGIN_RETRY_BASE_MS = 5_000;
const LOGIN_RETRY_MAX_MS = 5 * 60_000;

/** The gateway role, started: Discord's connection and the answers to commands. */
export interface PgGateway {
  /** The logged-in client (the deliverer of `--role all` sends through it). */
  readonly client: Client;
  /** Gateway connected (for `/readyz`). */
  connected(): boolean;
  /** Why it is not connected (the last login failure), or null. */
  problem(): string | null;
  stop(): Promise<void>;
}

/**
 * `run --role gateway` on PostgreSQL (ADR 16): logs the bot in, registers and answers the slash
 * commands over the PostgreSQL gateway store. The same command handlers, redaction, Manage Server
 * checks and feed probe (private addresses refused unless ALLOW_PRIVATE_FEEDS) as on SQLite; what
 * needs the SQLite store (ratings, `/watch tune`, `/news trend`) answers that it is not available.
 */
export async function startPgGateway(input: { env: Env; paths: Paths; log: Logger; pool: PgPool; startedAt: number }): Promise<PgGateway> {
  const { env, paths, log } = input;
  const token = env.DISCORD_TOKEN;
  if (!token) {
    throw new ConfigError('environment', 'DISCORD_TOKEN', '`run --role gateway` holds the Discord connection and answers slash commands: set DISCORD_TOKEN to the bot\'s token, or run the roles that do not need it (`--role poller`, `--role deliverer`).');
  }
  const feeds = loadFeeds(paths.feeds);
  const classifier = await loadClassifier({ rulesDir: paths.rules, modelPath: paths.model, log });
  const client = createDiscordClient(env);
  const clock = Date.now;
  const gateway = createPgGatewayStore(input.pool);
  const deps: CommandDeps = {
    gateway,
    // 👍/👎 and the digests' rating menus, recorded in PostgreSQL (the pollers and deliverers apply them).
    ratings: createPgRatingsPort(input.pool, gateway),
    log: log.child({ component: 'slash-commands' }),
    clock,
    startedAt: input.startedAt,
    topics: () => classifier.topics,
    classify: (text) => classifier.classify(text),
    configuredFeeds: () => feeds,
    parseSubscription: (flags, now) => parseSubscribeFlags(flags, classifier.topics.map((t) => t.id), env, now),
    probeFeed: createFeedProbe(env, clock),
    searches: createSearchSessions(),
  };
  attachSlashCommands(client, deps);

  let problem: string | null = null;
  let retry: NodeJS.Timeout | null = null;
  let stopped = false;
  const ready = new Promise<void>((resolve) => client.once(discordJs().Events.ClientReady, () => { resolve(); }));
  /** A refused token is a configuration error at start; anything else is retried with backoff. */
  const login = async (attempt: number): Promise<void> => {
    try {
      await client.login(token);
      problem = null;
    } catch (error) {
      if (isTokenRejection(error)) {
        throw new ConfigError('environment', 'DISCORD_TOKEN', "Discord rejected the token (401 Unauthorized): it was reset or mistyped. Copy the bot's token again (developer portal → Bot → Reset Token) and set DISCORD_TOKEN.");
      }
      const delay = Math.min(LOGIN_RETRY_MAX_MS, LOGIN_RETRY_BASE_MS * 2 ** (attempt - 1));
      problem = `cannot log in to Discord (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delay / 1000)} s`;
      log.warn({ attempt, retry_in_ms: delay, err: error instanceof Error ? error.message : String(error) }, 'discord login failed; retrying');
      if (stopped) return;
      retry = setTimeout(() => {
        retry = null;
        login(attempt + 1).catch((fatal: unknown) => { log.error({ err: fatal instanceof Error ? fatal.message : String(fatal) }, 'discord login refused'); });
      }, delay);
      retry.unref();
    }
  };
  try {
    await login(1);
  } catch (error) {
    await client.destroy(); // nothing of the refused client may keep the process alive
    throw error;
  }
  void ready.then(() => {
    log.info({ guilds: client.guilds.cache.size }, 'discord gateway connected');
    void registerSlashCommandsOnStart(client, env, log);
  });
  log.info('answering slash commands from PostgreSQL');
  return {
    client,
    connected: () => client.isReady(),
    problem: () => (client.isReady() ? null : problem),
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client.destroy();
    },
  };
}
