import {
  ApplicationCommandOptionType,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
} from 'discord.js';
import type { Logger } from 'pino';
import { MAX_CONTENT_CHARS, MAX_EMBED_TOTAL_CHARS, MAX_EMBEDS_PER_MESSAGE } from '../core/compose/limits.js';
import { EMBED_SCHEMA, totalEmbedChars, type Embed } from '../core/compose/message.js';
import { redactText, redactUrl } from '../core/redact.js';
import { MAX_CHOICE_CHARS, MAX_CHOICES } from './commands/options.js';
import {
  UserError,
  type AutocompleteQuery,
  type ButtonPress,
  type Caller,
  type Choice,
  type CommandDeps,
  type CommandModule,
  type DeferMode,
  type Invocation,
  type OptionValue,
  type Reply,
} from './commands/types.js';

/**
 * The one wrapper every command runs through. The transport-neutral half
 * ({@link executeCommand}, {@link pressButton}, {@link completeOption}) turns handler results
 * and errors into payloads: a UserError becomes an ephemeral answer saying what to fix,
 * anything else is logged once with the command's name and answered with a generic message.
 * The gateway half ({@link createInteractionHandler}) reads discord.js interactions, defers when
 * a handler may be slow, and sends the payloads. An HTTP interactions endpoint would reuse the
 * first half and write the payloads as its responses.
 */

/** Nobody is ever pinged by a command reply, whatever its text contains. */
export const NO_MENTIONS: { readonly parse: never[] } = { parse: [] };

function commandName(c: { command: string; subcommand: string | null }): string {
  return c.subcommand ? `/${c.command} ${c.subcommand}` : `/${c.command}`;
}

function genericError(name: string): Reply {
  return { ephemeral: true, content: `Something went wrong on Watchfloor's side while running \`${name}\`. It has been logged; try again later, or tell the operator.` };
}

/** What Discord would refuse in a reply: the embed schema and the limits across embeds. */
export function replyProblems(reply: Reply): string[] {
  const problems: string[] = [];
  const all = [reply, ...(reply.followUps ?? [])];
  for (const message of all) {
    const embeds = message.embeds ?? [];
    if (embeds.length > MAX_EMBEDS_PER_MESSAGE) problems.push(`${embeds.length} embeds > ${MAX_EMBEDS_PER_MESSAGE}`);
    for (const embed of embeds) {
      const parsed = EMBED_SCHEMA.safeParse(embed);
      if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `embed ${i.path.join('.')}: ${i.message}`));
    }
    if (totalEmbedChars([...embeds]) > MAX_EMBED_TOTAL_CHARS) problems.push(`embeds total ${totalEmbedChars([...embeds])} > ${MAX_EMBED_TOTAL_CHARS}`);
    if ((message.content?.length ?? 0) > MAX_CONTENT_CHARS) problems.push(`content ${message.content?.length ?? 0} > ${MAX_CONTENT_CHARS}`);
    if (message.content === undefined && embeds.length === 0) problems.push('empty message');
  }
  return problems;
}

function redactEmbed(embed: Embed): Embed {
  return {
    ...embed,
    ...(embed.title === undefined ? {} : { title: redactText(embed.title) }),
    ...(embed.url === undefined ? {} : { url: redactUrl(embed.url) }),
    ...(embed.description === undefined ? {} : { description: redactText(embed.description) }),
    ...(embed.author === undefined ? {} : { author: { ...embed.author, name: redactText(embed.author.name), ...(embed.author.url === undefined ? {} : { url: redactUrl(embed.author.url) }) } }),
    ...(embed.footer === undefined ? {} : { footer: { ...embed.footer, text: redactText(embed.footer.text) } }),
    ...(embed.fields === undefined ? {} : { fields: embed.fields.map((f) => ({ ...f, name: redactText(f.name), value: redactText(f.value) })) }),
  };
}

/**
 * Every text a reply shows, with secrets masked (feed URLs with credentials or API keys, tokens
 * quoted by an error): the one place all replies and follow-ups pass, whichever command built
 * them. Button ids are left alone: they are ours and come back to us.
 */
export function redactReply(reply: Reply): Reply {
  return {
    ...reply,
    ...(reply.content === undefined ? {} : { content: redactText(reply.content) }),
    ...(reply.embeds === undefined ? {} : { embeds: reply.embeds.map(redactEmbed) }),
    ...(reply.components === undefined ? {} : { components: reply.components.map((row) => ({ ...row, components: row.components.map((b) => ({ ...b, label: redactText(b.label) })) })) }),
    ...(reply.followUps === undefined ? {} : { followUps: reply.followUps.map(redactReply) }),
  };
}

async function guarded(name: string, caller: Caller, log: Logger, run: () => Reply | Promise<Reply>): Promise<Reply> {
  let reply: Reply;
  try {
    // Redacted before the limits are checked: a mask may be longer than what it hides.
    reply = redactReply(await run());
  } catch (error) {
    if (error instanceof UserError) return { ephemeral: true, content: redactText(error.message).slice(0, MAX_CONTENT_CHARS) };
    log.error({ err: error, command: name, guild_id: caller.guildId, user_id: caller.userId }, 'command failed');
    return genericError(name);
  }
  const problems = replyProblems(reply);
  if (problems.length > 0) {
    log.error({ command: name, guild_id: caller.guildId, problems }, 'command built a reply Discord would refuse');
    return genericError(name);
  }
  return reply;
}

/** Runs a slash command; never throws. */
export async function executeCommand(commands: readonly CommandModule[], invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const name = commandName(invocation);
  const command = commands.find((c) => c.data.name === invocation.command);
  if (!command) return { ephemeral: true, content: `\`/${invocation.command}\` is not a Watchfloor command any more; Discord may still show an old list. Try again in a minute.` };
  const started = deps.clock();
  const reply = await guarded(name, invocation, deps.log, () => command.execute(invocation, deps));
  deps.log.debug({ command: name, guild_id: invocation.guildId, duration_ms: deps.clock() - started }, 'command answered');
  return reply;
}

/** Runs the handler of a button this bot posted; never throws. */
export async function pressButton(commands: readonly CommandModule[], press: ButtonPress, deps: CommandDeps): Promise<Reply> {
  const prefix = press.customId.split(':')[0] ?? '';
  const handler = commands.map((c) => c.buttons?.[prefix]).find((h) => h !== undefined);
  if (!handler) return { ephemeral: true, content: 'This button belongs to an older version of Watchfloor and does nothing now.' };
  return guarded(`button ${prefix}`, press, deps.log, () => handler(press, deps));
}

/** Autocomplete choices (at most 25); [] when the command has none or fails. */
export async function completeOption(commands: readonly CommandModule[], query: AutocompleteQuery, deps: CommandDeps): Promise<Choice[]> {
  const command = commands.find((c) => c.data.name === query.command);
  if (!command?.autocomplete) return [];
  try {
    return (await command.autocomplete(query, deps)).slice(0, MAX_CHOICES).map((c) => ({ ...c, name: redactText(c.name).slice(0, MAX_CHOICE_CHARS) }));
  } catch (error) {
    deps.log.error({ err: error, command: commandName(query), option: query.focused.name }, 'autocomplete failed');
    return [];
  }
}

function caller(interaction: Interaction): Caller {
  return {
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    permissions: interaction.memberPermissions?.bitfield ?? 0n,
  };
}

/** Option values by name, from the top level or inside the subcommand. */
function flattenOptions(data: readonly CommandInteractionOption[]): { subcommand: string | null; options: Map<string, OptionValue> } {
  const options = new Map<string, OptionValue>();
  let subcommand: string | null = null;
  for (const option of data) {
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      subcommand = option.name;
      for (const inner of option.options ?? []) if (inner.value !== undefined) options.set(inner.name, inner.value);
    } else if (option.value !== undefined) {
      options.set(option.name, option.value);
    }
  }
  return { subcommand, options };
}

function invocationOf(interaction: ChatInputCommandInteraction): Invocation {
  const { subcommand, options } = flattenOptions(interaction.options.data);
  return { ...caller(interaction), command: interaction.commandName, subcommand, options };
}

function messageOf(reply: Reply): InteractionEditReplyOptions & InteractionReplyOptions {
  return {
    content: reply.content ?? '',
    embeds: (reply.embeds ?? []).map((e) => ({ ...e, fields: e.fields?.map((f) => ({ ...f })) })),
    components: (reply.components ?? []).map((row) => ({ type: row.type, components: row.components.map((b) => ({ ...b })) })),
    allowedMentions: NO_MENTIONS,
    ...(reply.files ? { files: reply.files.map((f) => ({ attachment: f.data, name: f.name, ...(f.description === undefined ? {} : { description: redactText(f.description) }) })) } : {}),
  };
}

async function sendFollowUps(interaction: ChatInputCommandInteraction, reply: Reply): Promise<void> {
  for (const next of reply.followUps ?? []) {
    await interaction.followUp({ ...messageOf(next), ...(next.ephemeral === true || reply.ephemeral === true ? { flags: MessageFlags.Ephemeral } : {}) });
  }
}

async function answerCommand(interaction: ChatInputCommandInteraction, commands: readonly CommandModule[], deps: CommandDeps): Promise<void> {
  const invocation = invocationOf(interaction);
  const command = commands.find((c) => c.data.name === invocation.command);
  let mode: DeferMode = null;
  try {
    mode = command?.defer?.(invocation) ?? null;
  } catch {
    mode = 'ephemeral';
  }
  if (mode !== null) await interaction.deferReply(mode === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {});
  const reply = await executeCommand(commands, invocation, deps);
  const message = messageOf(reply);
  if (mode === null) {
    await interaction.reply({ ...message, ...(reply.ephemeral === true ? { flags: MessageFlags.Ephemeral } : {}) });
  } else if (mode === 'public' && reply.ephemeral === true) {
    // A public "thinking…" cannot turn private: replace it with a private follow-up.
    await interaction.deleteReply();
    await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.editReply(message);
  }
  await sendFollowUps(interaction, reply);
}

async function answerButton(interaction: ButtonInteraction, commands: readonly CommandModule[], deps: CommandDeps): Promise<void> {
  const reply = await pressButton(commands, { ...caller(interaction), customId: interaction.customId }, deps);
  if (reply.update === true && reply.ephemeral !== true) await interaction.update(messageOf(reply));
  else await interaction.reply({ ...messageOf(reply), flags: MessageFlags.Ephemeral });
}

async function answerAutocomplete(interaction: AutocompleteInteraction, commands: readonly CommandModule[], deps: CommandDeps): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const { subcommand, options } = flattenOptions(interaction.options.data);
  const choices = await completeOption(commands, { ...caller(interaction), command: interaction.commandName, subcommand, options, focused: { name: focused.name, value: focused.value } }, deps);
  await interaction.respond(choices.map((c) => ({ name: c.name, value: c.value })));
}

/**
 * The `interactionCreate` listener for a discord.js client: slash commands, their buttons and
 * autocomplete. Failures to answer (Discord unreachable, the 3 s window missed) are logged.
 */
export function createInteractionHandler(options: { readonly commands: readonly CommandModule[]; readonly deps: CommandDeps }): (interaction: Interaction) => Promise<void> {
  const { commands, deps } = options;
  return async (interaction) => {
    try {
      if (interaction.isChatInputCommand()) await answerCommand(interaction, commands, deps);
      else if (interaction.isButton()) await answerButton(interaction, commands, deps);
      else if (interaction.isAutocomplete()) await answerAutocomplete(interaction, commands, deps);
    } catch (error) {
      deps.log.error({ err: error, interaction_type: interaction.type, guild_id: interaction.guildId }, 'could not answer an interaction');
    }
  };
}
