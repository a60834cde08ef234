/**
 * Discord's message limits, in one place. Lengths are counted in UTF-16 code units
 * (`String.prototype.length`), which is never less than the code points Discord counts, so a
 * payload that fits here fits there.
 * Source: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */
export const MAX_EMBEDS_PER_MESSAGE = 10;
/** All embeds of one message together: title, description, field names and values, footer, author. */
export const MAX_EMBED_TOTAL_CHARS = 6000;
export const MAX_EMBED_TITLE_CHARS = 256;
export const MAX_EMBED_DESCRIPTION_CHARS = 4096;
export const MAX_EMBED_FIELDS = 25;
export const MAX_FIELD_NAME_CHARS = 256;
export const MAX_FIELD_VALUE_CHARS = 1024;
export const MAX_FOOTER_TEXT_CHARS = 2048;
export const MAX_AUTHOR_NAME_CHARS = 256;
export const MAX_CONTENT_CHARS = 2000;
export const MAX_URL_CHARS = 2048;
/** Discord refuses longer message nonces with 400. */
export const MAX_NONCE_CHARS = 25;
