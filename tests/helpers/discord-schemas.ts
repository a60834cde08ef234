import { IncomingWebhookRequestPartialSchema, MessageCreateRequestSchema, setStrictObject } from 'discord-api-spec/zod';
import {
  MAX_CONTENT_CHARS,
  MAX_EMBED_TOTAL_CHARS,
  MAX_EMBEDS_PER_MESSAGE,
  MAX_NONCE_CHARS,
} from '../../src/core/compose/limits.js';
import type { RecordedRequest } from './fake-discord.js';

// Strict: a field Discord does not know (a typo, or a nonce on a webhook) is an error here.
setStrictObject(true);

interface EmbedLike {
  title?: unknown;
  description?: unknown;
  footer?: { text?: unknown } | null;
  author?: { name?: unknown } | null;
  fields?: { name?: unknown; value?: unknown }[] | null;
}

function len(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** Characters of all embeds together, as Discord counts them for its 6000 limit. */
export function embedTotal(body: unknown): number {
  const embeds = (body as { embeds?: EmbedLike[] | null } | null)?.embeds ?? [];
  let n = 0;
  for (const e of embeds) {
    n += len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
    for (const f of e.fields ?? []) n += len(f.name) + len(f.value);
  }
  return n;
}

/**
 * Problems with one recorded request body: the official schema (generated from Discord's
 * OpenAPI spec) plus the limits a schema cannot express. Empty when the body is valid.
 */
export function messageBodyProblems(request: RecordedRequest): string[] {
  const schema = request.path.startsWith('/webhooks/') ? IncomingWebhookRequestPartialSchema : MessageCreateRequestSchema;
  const problems: string[] = [];
  const parsed = schema.safeParse(request.body);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const body = (request.body ?? {}) as { content?: unknown; embeds?: unknown[]; nonce?: unknown };
  if (embedTotal(body) > MAX_EMBED_TOTAL_CHARS) problems.push(`embeds total ${embedTotal(body)} > ${MAX_EMBED_TOTAL_CHARS}`);
  if ((body.embeds?.length ?? 0) > MAX_EMBEDS_PER_MESSAGE) problems.push(`more than ${MAX_EMBEDS_PER_MESSAGE} embeds`);
  if (len(body.content) > MAX_CONTENT_CHARS) problems.push(`content longer than ${MAX_CONTENT_CHARS}`);
  if (len(body.nonce) > MAX_NONCE_CHARS) problems.push(`nonce longer than ${MAX_NONCE_CHARS}`);
  return problems;
}
