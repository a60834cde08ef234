import { Routes, type REST } from 'discord.js';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * Registering slash commands with Discord: globally, or in one server when a guild id is given
 * (global changes can take a while to reach every client; a server's are instant, for
 * development). The definitions are compared with what Discord already has, and the PUT is
 * skipped when they are the same: restarts then cost one GET, and Discord's daily limit on
 * command creation is never touched by a bot that restarts often.
 */

export interface RegisterOptions {
  /** A discord.js REST client with the bot token set. */
  readonly rest: REST;
  readonly applicationId: string;
  /** Register in this server only (DISCORD_GUILD_ID). */
  readonly guildId?: string | undefined;
  /** The command bodies (SlashCommandBuilder#toJSON()). */
  readonly definitions: readonly unknown[];
  readonly log: Logger;
}

export interface RegisterResult {
  readonly scope: 'global' | 'guild';
  /** False when Discord already had exactly these commands. */
  readonly changed: boolean;
  readonly count: number;
}

const looseObject = z.record(z.string(), z.unknown());
const remoteCommands = z.array(looseObject);

function sortedNumbers(value: unknown): number[] | null {
  const parsed = z.array(z.number()).safeParse(value);
  return parsed.success ? [...parsed.data].sort((a, b) => a - b) : null;
}

function canonicalOption(raw: unknown): unknown {
  const o = looseObject.parse(raw);
  return {
    type: o.type,
    name: o.name,
    description: o.description ?? '',
    name_localizations: o.name_localizations ?? null,
    description_localizations: o.description_localizations ?? null,
    required: o.required ?? false,
    autocomplete: o.autocomplete ?? false,
    choices: Array.isArray(o.choices) ? o.choices.map((c) => {
      const choice = looseObject.parse(c);
      return { name: choice.name, value: choice.value, name_localizations: choice.name_localizations ?? null };
    }) : [],
    options: Array.isArray(o.options) ? o.options.map(canonicalOption) : [],
    channel_types: sortedNumbers(o.channel_types) ?? [],
    min_value: o.min_value ?? null,
    max_value: o.max_value ?? null,
    min_length: o.min_length ?? null,
    max_length: o.max_length ?? null,
  };
}

/**
 * The parts of a command definition that Discord keeps, with its defaults filled in, so that a
 * local definition and the copy Discord returns (with ids, versions and defaults added)
 * compare equal when nothing changed.
 */
export function canonicalCommand(raw: unknown): unknown {
  const c = looseObject.parse(raw);
  return {
    name: c.name,
    type: c.type ?? 1,
    description: c.description ?? '',
    name_localizations: c.name_localizations ?? null,
    description_localizations: c.description_localizations ?? null,
    options: Array.isArray(c.options) ? c.options.map(canonicalOption) : [],
    default_member_permissions: c.default_member_permissions ?? null,
    contexts: sortedNumbers(c.contexts),
    nsfw: c.nsfw ?? false,
  };
}

/** True when Discord's commands are the local ones (in any order). */
export function sameCommands(local: readonly unknown[], remote: readonly unknown[]): boolean {
  if (local.length !== remote.length) return false;
  const key = (list: readonly unknown[]): string =>
    JSON.stringify(list.map(canonicalCommand).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  return key(local) === key(remote);
}

/** Registers the commands unless Discord already has them; returns what it did. */
export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const { rest, applicationId, guildId, definitions, log } = options;
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const scope = guildId ? 'guild' : 'global';
  const current = remoteCommands.safeParse(await rest.get(route));
  if (current.success && sameCommands(definitions, current.data)) {
    log.info({ scope, guild_id: guildId, commands: definitions.length }, 'slash commands already registered: unchanged');
    return { scope, changed: false, count: definitions.length };
  }
  await rest.put(route, { body: definitions });
  log.info({ scope, guild_id: guildId, commands: definitions.length }, guildId ? 'slash commands registered in one server' : 'slash commands registered globally (clients may take a while to show changes)');
  return { scope, changed: true, count: definitions.length };
}
