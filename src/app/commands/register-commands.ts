import type { Command } from 'commander';
import { REST, Routes } from 'discord.js';
import { z } from 'zod';
import type { Env } from '../../config/env.js';
import { ConfigError } from '../../config/errors.js';
import { commandDefinitions } from '../../discord/commands/index.js';
import { registerCommands, type RegisterResult } from '../../discord/register.js';
import { commandContext } from '../context.js';
import { createLogger, secretValuesOf } from '../logger.js';
import { say } from '../output.js';

const SNOWFLAKE = /^\d{15,25}$/;
const currentApplication = z.object({ id: z.string().regex(SNOWFLAKE) });

/**
 * Registers the slash commands with the token's application: in one server when a guild id is
 * given (DISCORD_GUILD_ID or --guild; instant, for development), else globally. Skips the
 * upload when Discord already has exactly these definitions.
 */
export async function registerFromEnv(env: Env, options: { guildId?: string | undefined; global?: boolean }, log = createLogger({ level: 'warn', format: env.LOG_FORMAT, secrets: secretValuesOf(env) })): Promise<RegisterResult> {
  if (!env.DISCORD_TOKEN) {
    throw new ConfigError('environment', 'DISCORD_TOKEN', 'is not set. Slash commands belong to a bot: set the bot token from the Discord developer portal (Bot → Reset Token).');
  }
  if (options.guildId !== undefined && !SNOWFLAKE.test(options.guildId)) {
    throw new ConfigError('command line', '--guild', `"${options.guildId}" is not a server id; in Discord enable Developer Mode, right-click the server, Copy Server ID`);
  }
  const rest = new REST(env.DISCORD_API_BASE ? { api: env.DISCORD_API_BASE } : {}).setToken(env.DISCORD_TOKEN);
  let applicationId = env.DISCORD_APPLICATION_ID;
  if (!applicationId) {
    const me = currentApplication.safeParse(await rest.get(Routes.currentApplication()));
    if (!me.success) throw new Error('Discord did not say which application the token belongs to; set DISCORD_APPLICATION_ID');
    applicationId = me.data.id;
  }
  const guildId = options.global === true ? undefined : (options.guildId ?? env.DISCORD_GUILD_ID);
  return registerCommands({ rest, applicationId, guildId, definitions: commandDefinitions(), log });
}

/** `watchfloor register-commands`: register slash commands explicitly (also done by `run` at start-up). */
export function register(program: Command): void {
  program
    .command('register-commands')
    .description('register the slash commands with Discord (in DISCORD_GUILD_ID when set, else globally); skipped when unchanged')
    .option('--guild <id>', 'register in this server only (instant; for development)')
    .option('--global', 'register globally even when DISCORD_GUILD_ID is set')
    .action(async (options: { guild?: string; global?: boolean }, command: Command) => {
      const { env } = commandContext(command);
      const result = await registerFromEnv(env, { guildId: options.guild, global: options.global === true });
      const where = result.scope === 'guild' ? `in server ${options.guild ?? env.DISCORD_GUILD_ID ?? ''}` : 'globally (Discord clients may take up to an hour to show changes)';
      say(result.changed ? `Registered ${result.count} slash commands ${where}.\n` : `Slash commands ${where} are already up to date (${result.count}); nothing sent.\n`);
    });
}
