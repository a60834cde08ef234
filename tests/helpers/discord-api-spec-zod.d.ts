/** Types for the parts of `discord-api-spec/zod` (plain JS, zod/mini) the tests use. */
declare module 'discord-api-spec/zod' {
  import type { ZodMiniType } from 'zod/mini';

  export const MessageCreateRequestSchema: ZodMiniType;
  export const IncomingWebhookRequestPartialSchema: ZodMiniType;
  export function setStrictObject(strict: boolean): void;
}
