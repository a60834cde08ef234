import { z } from 'zod';
import {
  MAX_AUTHOR_NAME_CHARS,
  MAX_CONTENT_CHARS,
  MAX_EMBED_DESCRIPTION_CHARS,
  MAX_EMBED_FIELDS,
  MAX_EMBED_TITLE_CHARS,
  MAX_EMBED_TOTAL_CHARS,
  MAX_EMBEDS_PER_MESSAGE,
  MAX_FIELD_NAME_CHARS,
  MAX_FIELD_VALUE_CHARS,
  MAX_FOOTER_TEXT_CHARS,
  MAX_URL_CHARS,
} from './limits.js';

/**
 * The message shape every sink accepts. It is the subset of discord.js's message options we
 * use (embeds as API embed objects, `allowedMentions` camel-cased), stored as JSON in the
 * outbox, and re-validated when read back.
 */
const httpUrl = z.url({ protocol: /^https?$/ }).max(MAX_URL_CHARS);

export const EMBED_SCHEMA = z.object({
  title: z.string().max(MAX_EMBED_TITLE_CHARS).optional(),
  url: httpUrl.optional(),
  description: z.string().max(MAX_EMBED_DESCRIPTION_CHARS).optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  timestamp: z.iso.datetime().optional(),
  author: z.object({ name: z.string().max(MAX_AUTHOR_NAME_CHARS), url: httpUrl.optional() }).optional(),
  footer: z.object({ text: z.string().max(MAX_FOOTER_TEXT_CHARS) }).optional(),
  fields: z
    .array(z.object({ name: z.string().min(1).max(MAX_FIELD_NAME_CHARS), value: z.string().min(1).max(MAX_FIELD_VALUE_CHARS), inline: z.boolean().optional() }))
    .max(MAX_EMBED_FIELDS)
    .optional(),
});

/**
 * A string select menu (type 3) in an action row (type 1), as Discord's API spells it: at most 25
 * options; labels, values and descriptions at most 100 characters; custom_id at most 100. Only
 * the bot sink sends them (a webhook cannot carry interactive components).
 */
export const SELECT_ROW_SCHEMA = z.object({
  type: z.literal(1),
  components: z
    .array(
      z.object({
        type: z.literal(3),
        custom_id: z.string().min(1).max(100),
        placeholder: z.string().max(150).optional(),
        min_values: z.number().int().min(0).max(25),
        max_values: z.number().int().min(1).max(25),
        options: z.array(z.object({ label: z.string().min(1).max(100), value: z.string().min(1).max(100), description: z.string().max(100).optional() })).min(1).max(25),
      }),
    )
    .length(1),
});

export const OUTBOUND_MESSAGE_SCHEMA = z
  .object({
    content: z.string().max(MAX_CONTENT_CHARS).optional(),
    embeds: z.array(EMBED_SCHEMA).max(MAX_EMBEDS_PER_MESSAGE),
    allowedMentions: z.object({ parse: z.array(z.never()).max(0), roles: z.array(z.string().regex(/^\d{1,25}$/)).max(1) }),
    /** Rating menus of a digest (docs/feedback.md); at most 5 rows. */
    components: z.array(SELECT_ROW_SCHEMA).max(5).optional(),
  })
  .refine((m) => totalEmbedChars(m.embeds) <= MAX_EMBED_TOTAL_CHARS, { message: `embeds exceed ${MAX_EMBED_TOTAL_CHARS} characters together` });

export type Embed = z.infer<typeof EMBED_SCHEMA>;
export type OutboundMessage = z.infer<typeof OUTBOUND_MESSAGE_SCHEMA>;

/** Characters Discord counts towards the 6000 limit for one embed. */
export function embedChars(embed: Embed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) n += field.name.length + field.value.length;
  return n;
}

/** Characters of all embeds of a message together. */
export function totalEmbedChars(embeds: readonly Embed[]): number {
  return embeds.reduce((sum, e) => sum + embedChars(e), 0);
}

/** `allowedMentions` that pings nobody except, optionally, one role. */
export function allowOnlyRole(roleId: string | null): OutboundMessage['allowedMentions'] {
  return { parse: [], roles: roleId === null ? [] : [roleId] };
}
