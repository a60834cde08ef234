import {
  ApplicationCommandAutocompleteCallbackRequestSchema,
  ApplicationCommandUpdateRequestSchema,
  CreateMessageInteractionCallbackRequestSchema,
  IncomingWebhookRequestPartialSchema,
  IncomingWebhookUpdateRequestPartialSchema,
  UpdateMessageInteractionCallbackRequestSchema,
} from 'discord-api-spec/zod';
import { MAX_CONTENT_CHARS, MAX_EMBED_TOTAL_CHARS, MAX_EMBEDS_PER_MESSAGE } from '../../src/core/compose/limits.js';
import { embedTotal } from './discord-schemas.js';
import { FAKE_APPLICATION_ID, FAKE_BOT_USER_ID, fakeSnowflake, type FakeDiscord, type RecordedRequest } from './fake-discord.js';

/**
 * Interactions for the fake Discord: builds INTERACTION_CREATE payloads for slash commands
 * (type 2), buttons (type 3) and autocomplete (type 4) with everything discord.js needs to
 * accept them, dispatches them over the gateway, and waits for the bot's answer (the callback,
 * then the @original edit and follow-ups when it deferred). Uses only the fake's public hooks.
 */

/** Discord's option types. */
export const OPTION = { subcommand: 1, string: 3, integer: 4, boolean: 5, channel: 7, role: 8, number: 10 } as const;

/** Permission bit strings as Discord sends them in `member.permissions`. */
export const PERMISSIONS = {
  /** View channel, send messages, read history: an ordinary member. */
  member: String((1n << 10n) | (1n << 11n) | (1n << 16n)),
  /** An ordinary member who also has Manage Server. */
  manager: String((1n << 10n) | (1n << 11n) | (1n << 16n) | (1n << 5n)),
} as const;

export interface Who {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId?: string;
  readonly permissions?: string;
}

export interface CommandOption {
  readonly name: string;
  readonly type: number;
  readonly value?: string | number | boolean;
  readonly focused?: boolean;
  readonly options?: readonly CommandOption[];
}

/** Options for a subcommand: `{ topic: 'ukraine', count: 3 }` with types inferred or given. */
export function sub(name: string, values: Readonly<Record<string, string | number | boolean | { type: number; value: string | number }>> = {}, focused?: string): CommandOption[] {
  const options = Object.entries(values).map(([key, value]): CommandOption => {
    const typed = typeof value === 'object' ? value : { type: typeof value === 'number' ? (Number.isInteger(value) ? OPTION.integer : OPTION.number) : typeof value === 'boolean' ? OPTION.boolean : OPTION.string, value };
    return { name: key, type: typed.type, value: typed.value, ...(key === focused ? { focused: true } : {}) };
  });
  return [{ name, type: OPTION.subcommand, options }];
}

export const DEFAULT_USER_ID = '700000000000000001';

/** A server member as Discord sends one in interactions and reactions (without `permissions`). */
export function guildMember(userId: string, roles: readonly string[] = []): Record<string, unknown> {
  return {
    user: { id: userId, username: `user${userId.slice(-3)}`, discriminator: '0', global_name: null, avatar: null },
    roles,
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    nick: null,
    avatar: null,
    premium_since: null,
    pending: false,
    communication_disabled_until: null,
  };
}

function base(type: number, who: Who): Record<string, unknown> & { id: string; token: string } {
  const id = fakeSnowflake();
  const userId = who.userId ?? DEFAULT_USER_ID;
  return {
    id,
    application_id: FAKE_APPLICATION_ID,
    type,
    token: `interaction-token-${id}`,
    version: 1,
    guild_id: who.guildId,
    guild: { id: who.guildId, locale: 'en-US', features: [] },
    channel_id: who.channelId,
    channel: { id: who.channelId, type: 0, guild_id: who.guildId, name: 'news', position: 0, permission_overwrites: [], nsfw: false, parent_id: null, topic: null, last_message_id: null, rate_limit_per_user: 0, permissions: PERMISSIONS.manager },
    member: { ...guildMember(userId), permissions: who.permissions ?? PERMISSIONS.manager },
    locale: 'en-US',
    guild_locale: 'en-US',
    app_permissions: String((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n)),
    entitlements: [],
    authorizing_integration_owners: { '0': who.guildId },
    context: 0,
  };
}

/** A slash command (type 2, data.type 1). `resolved` carries channels and roles named in options. */
export function commandInteraction(who: Who, name: string, options: readonly CommandOption[] = [], resolved?: Record<string, unknown>) {
  return { ...base(2, who), data: { id: fakeSnowflake(), name, type: 1, guild_id: who.guildId, options, ...(resolved ? { resolved } : {}) } };
}

/** Autocomplete (type 4): one option in `options` carries `focused: true`. */
export function autocompleteInteraction(who: Who, name: string, options: readonly CommandOption[]) {
  return { ...base(4, who), data: { id: fakeSnowflake(), name, type: 1, guild_id: who.guildId, options } };
}

/** A button press (type 3) on a message the bot posted with `components`. */
export function buttonInteraction(who: Who, customId: string, message: { embeds?: unknown; components?: unknown }) {
  return {
    ...base(3, who),
    data: { custom_id: customId, component_type: 2 },
    message: {
      id: fakeSnowflake(),
      type: 20,
      channel_id: who.channelId,
      author: { id: FAKE_BOT_USER_ID, username: 'watchfloor', discriminator: '0', global_name: null, avatar: null, bot: true },
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: message.embeds ?? [],
      components: message.components ?? [],
      pinned: false,
      flags: 0,
    },
  };
}

/** A role as it appears in `resolved.roles`. */
export function resolvedRole(id: string, name = 'desk', position = 1): Record<string, unknown> {
  return { id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position, permissions: '0', managed: false, mentionable: true, flags: 0 };
}

/** A text channel as it appears in `resolved.channels`. */
export function resolvedChannel(id: string, guildId: string): Record<string, unknown> {
  return { id, type: 0, name: 'alerts', permissions: PERMISSIONS.manager, guild_id: guildId };
}

export interface Answer {
  /** POST /interactions/:id/:token/callback. */
  readonly callback: RecordedRequest;
  /** The callback's `type`: 4 message, 5 deferred, 7 update, 8 autocomplete. */
  readonly type: number;
  /** The callback's `data`, or the @original edit after a deferral. */
  readonly message: Record<string, unknown>;
  readonly ephemeral: boolean;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const EPHEMERAL = 1 << 6;

/**
 * Follow-ups (POST /webhooks/:app/:token) are answered with a message, as Discord does; the
 * fake's own webhook route knows only channel webhooks. Call once per fake.
 */
export function installInteractionRoutes(fake: FakeDiscord): void {
  fake.route('POST', new RegExp(`^/webhooks/${FAKE_APPLICATION_ID}/([^/]+)$`), ({ request, fake: f }) => {
    const { message } = f.createMessage('0', record(request.body), FAKE_APPLICATION_ID);
    return { status: 200, body: message };
  });
}

/** Sends an interaction over the gateway and waits for its callback (and edit, when deferred). */
export async function interact(fake: FakeDiscord, payload: { id: string; token: string }): Promise<Answer> {
  const callbackPath = `/interactions/${payload.id}/${payload.token}/callback`;
  const callbackSeen = fake.waitForRequest((r) => r.method === 'POST' && r.path === callbackPath);
  fake.dispatch('INTERACTION_CREATE', payload);
  const callback = await callbackSeen;
  const body = record(callback.body);
  const type = typeof body.type === 'number' ? body.type : -1;
  const data = record(body.data);
  if (type !== 5) {
    return { callback, type, message: data, ephemeral: ((typeof data.flags === 'number' ? data.flags : 0) & EPHEMERAL) !== 0 };
  }
  // Deferred: the answer is the edit of @original, or (public → private) a delete and a follow-up.
  const originalPath = `/webhooks/${FAKE_APPLICATION_ID}/${payload.token}/messages/@original`;
  const followPath = `/webhooks/${FAKE_APPLICATION_ID}/${payload.token}`;
  const next = await fake.waitForRequest((r) => (r.method === 'PATCH' && r.path === originalPath) || (r.method === 'POST' && r.path === followPath));
  const deferredEphemeral = ((typeof data.flags === 'number' ? data.flags : 0) & EPHEMERAL) !== 0;
  const nextBody = record(next.body);
  const followFlags = typeof nextBody.flags === 'number' ? nextBody.flags : 0;
  return { callback, type, message: nextBody, ephemeral: next.method === 'PATCH' ? deferredEphemeral : (followFlags & EPHEMERAL) !== 0 };
}

/** One autocomplete suggestion as Discord receives it. */
export interface Choice {
  readonly name: string;
  readonly value: string | number;
}

/**
 * An autocomplete answer's suggestions (callback type 8), read and checked rather than cast: an
 * answer of another type, or choices of another shape, fails the test here with what was sent.
 */
export function choicesOf(answer: Answer): Choice[] {
  if (answer.type !== 8) throw new Error(`expected an autocomplete answer (callback type 8), got type ${answer.type}: ${JSON.stringify(answer.message)}`);
  const choices = answer.message.choices;
  if (!Array.isArray(choices)) throw new Error(`the autocomplete answer has no choices array: ${JSON.stringify(answer.message)}`);
  return choices.map((c: unknown) => {
    const { name, value } = record(c);
    if (typeof name !== 'string' || (typeof value !== 'string' && typeof value !== 'number')) throw new Error(`not a choice: ${JSON.stringify(c)}`);
    return { name, value };
  });
}

/** The values of an autocomplete answer's suggestions, in the order offered. */
export function choiceValues(answer: Answer): (string | number)[] {
  return choicesOf(answer).map((c) => c.value);
}

/** Follow-up messages sent for an interaction token so far. */
export function followUps(fake: FakeDiscord, token: string): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === 'POST' && r.path === `/webhooks/${FAKE_APPLICATION_ID}/${token}`);
}

/** Text of a reply: content plus every embed's title, description and fields, for assertions. */
export function replyText(message: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof message.content === 'string') parts.push(message.content);
  for (const embed of Array.isArray(message.embeds) ? message.embeds : []) {
    const e = record(embed);
    for (const key of ['title', 'description'] as const) if (typeof e[key] === 'string') parts.push(e[key]);
    for (const field of Array.isArray(e.fields) ? e.fields : []) {
      const f = record(field);
      parts.push(`${String(f.name)}: ${String(f.value)}`);
    }
    const footer = record(e.footer);
    if (typeof footer.text === 'string') parts.push(footer.text);
  }
  return parts.join('\n');
}

function schemaProblems(schema: { safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, body: unknown): string[] {
  const parsed = schema.safeParse(body);
  return parsed.success ? [] : (parsed.error?.issues ?? []).map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}

function limitProblems(message: unknown): string[] {
  const m = record(message);
  const problems: string[] = [];
  if (embedTotal(m) > MAX_EMBED_TOTAL_CHARS) problems.push(`embeds total ${embedTotal(m)} > ${MAX_EMBED_TOTAL_CHARS}`);
  if ((Array.isArray(m.embeds) ? m.embeds.length : 0) > MAX_EMBEDS_PER_MESSAGE) problems.push('too many embeds');
  if (typeof m.content === 'string' && m.content.length > MAX_CONTENT_CHARS) problems.push('content too long');
  return problems;
}

/**
 * Discord documents `default_member_permissions` as a string bit set (discord.js sends "32"),
 * and returns it as one; the OpenAPI request schema says integer. Discord accepts both, so the
 * string form is read as its number before the schema check, and anything else still fails.
 */
function permissionsAsNumber(command: unknown): unknown {
  const c = record(command);
  const adapted = typeof c.default_member_permissions === 'string' && /^\d+$/.test(c.default_member_permissions) ? { ...c, default_member_permissions: Number(c.default_member_permissions) } : command;
  return mediaAsForum(adapted);
}

/** Discord's channel type for media channels; the published schema's ChannelTypes enum stops at 15 (forum). */
const GUILD_MEDIA = 16;
const GUILD_FORUM = 15;

/**
 * The schema lags the API: media channels (type 16, a forum variant in Discord's documentation
 * since 2023) are missing from its enum. Checked as a forum, so every other value of
 * `channel_types` is still held to the schema.
 */
function mediaAsForum(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mediaAsForum);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === 'channel_types' && Array.isArray(inner) ? inner.map((t: unknown) => (t === GUILD_MEDIA ? GUILD_FORUM : t)) : mediaAsForum(inner)]),
  );
}

/**
 * Problems with what the bot sent for interactions, checked against the discord-api-spec
 * schemas (callbacks, @original edits, follow-ups, command registration) plus the limits a
 * schema cannot express. Requests of other kinds are not this function's business: [].
 */
export function interactionBodyProblems(request: RecordedRequest): string[] {
  if (request.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(request.path)) {
    const type = record(request.body).type;
    const schema = type === 8 ? ApplicationCommandAutocompleteCallbackRequestSchema : type === 6 || type === 7 ? UpdateMessageInteractionCallbackRequestSchema : CreateMessageInteractionCallbackRequestSchema;
    return [...schemaProblems(schema, request.body), ...limitProblems(record(request.body).data)];
  }
  if (request.method === 'PATCH' && request.path.startsWith(`/webhooks/${FAKE_APPLICATION_ID}/`)) {
    return [...schemaProblems(IncomingWebhookUpdateRequestPartialSchema, request.body), ...limitProblems(request.body)];
  }
  if (request.method === 'POST' && request.path.startsWith(`/webhooks/${FAKE_APPLICATION_ID}/`)) {
    return [...schemaProblems(IncomingWebhookRequestPartialSchema, request.body), ...limitProblems(request.body)];
  }
  if (request.method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(request.path)) {
    return (Array.isArray(request.body) ? request.body : []).flatMap((command, i) => schemaProblems(ApplicationCommandUpdateRequestSchema, permissionsAsNumber(command)).map((p) => `command ${i}: ${p}`));
  }
  return [];
}
