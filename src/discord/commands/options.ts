import type { TopicInfo } from '../../core/types.js';
import { ADMINISTRATOR, MANAGE_GUILD, UserError, type Caller, type Choice, type Invocation } from './types.js';

/**
 * Reading options the same way for every command. Discord enforces the types, ranges and
 * lengths declared in the builders, but an HTTP endpoint (or a stale client) can send anything,
 * so every read checks again and names the option in its message.
 */

/** Autocomplete offers at most this many choices (Discord's limit). */
export const MAX_CHOICES = 25;
/** Discord's limit for a choice's name and string value. */
export const MAX_CHOICE_CHARS = 100;

export function optionalString(invocation: Pick<Invocation, 'options'>, name: string): string | undefined {
  const value = invocation.options.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UserError(`Option \`${name}\` must be text.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function requiredString(invocation: Pick<Invocation, 'options'>, name: string): string {
  const value = optionalString(invocation, name);
  if (value === undefined) throw new UserError(`Option \`${name}\` is required.`);
  return value;
}

/** A whole number within [min, max], or `fallback` when the option was not given. */
export function integerOption(invocation: Pick<Invocation, 'options'>, name: string, range: { min: number; max: number; fallback: number }): number {
  const value = invocation.options.get(name);
  if (value === undefined) return range.fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw new UserError(`Option \`${name}\` must be a whole number from ${range.min} to ${range.max}.`);
  }
  return n;
}

/** A number ≥ 0, or undefined. */
export function optionalNumber(invocation: Pick<Invocation, 'options'>, name: string): number | undefined {
  const value = invocation.options.get(name);
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new UserError(`Option \`${name}\` must be a number.`);
  return n;
}

/** A topic id the rules know, or undefined when not given (`empty` says what that means: all topics). */
export function topicOption(invocation: Pick<Invocation, 'options'>, topics: readonly TopicInfo[], name = 'topic', empty = 'for all topics'): string | undefined {
  const value = optionalString(invocation, name);
  if (value === undefined) return undefined;
  const wanted = value.toLowerCase();
  const found = topics.find((t) => t.id === wanted || t.label.toLowerCase() === wanted);
  if (!found) throw new UserError(`Unknown topic "${value}". Choose one of: ${topics.map((t) => t.id).join(', ')} (or leave \`${name}\` empty ${empty}).`);
  return found.id;
}

/** The server this runs in; commands that keep per-server data refuse DMs. */
export function requireGuild(caller: Caller): string {
  if (caller.guildId === null) throw new UserError('This command works in a server only: its data belongs to a server. Run it in a channel of your server.');
  return caller.guildId;
}

/** True when the caller has Manage Server (administrators have every permission). */
export function canManageServer(caller: Caller): boolean {
  return (caller.permissions & MANAGE_GUILD) !== 0n || (caller.permissions & ADMINISTRATOR) !== 0n;
}

/**
 * Checked again when the command runs: `default_member_permissions` only hides a command, and
 * a server's admins can change who sees it in Server Settings → Integrations.
 */
export function requireManageServer(caller: Caller, what: string): void {
  if (!canManageServer(caller)) throw new UserError(`${what} needs the **Manage Server** permission. Ask someone who has it, or a server admin to grant it to your role.`);
}

/** Topics matching what is typed (id or label, anywhere in it), as autocomplete choices. */
export function topicChoices(typed: string, topics: readonly TopicInfo[]): Choice[] {
  const needle = typed.trim().toLowerCase();
  return topics
    .filter((t) => needle === '' || t.id.includes(needle) || t.label.toLowerCase().includes(needle))
    .slice(0, MAX_CHOICES)
    .map((t) => ({ name: fitChoice(`${t.label} (${t.id})`), value: t.id }));
}

/** A choice name cut to Discord's 100 characters. */
export function fitChoice(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length <= MAX_CHOICE_CHARS ? flat : `${flat.slice(0, MAX_CHOICE_CHARS - 1)}…`;
}
