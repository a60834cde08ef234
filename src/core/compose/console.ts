import type { OutboundMessage } from './message.js';

/**
 * The same payloads a channel would get, as readable terminal text: Discord timestamps become
 * UTC times, masked links become `text <url>`, escapes and zero-width spaces disappear.
 */

function formatUtc(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Discord Markdown of our own making → plain text. */
export function plainText(markdown: string): string {
  return markdown
    // A relative time needs a clock; the absolute one next to it says the same.
    .replace(/ ?\(<t:-?\d+:R>\)/gu, '')
    .replace(/<t:(-?\d+):[tTdDfFR]>/gu, (_, s: string) => formatUtc(Number(s)))
    .replace(/\[((?:\\.|[^\]\\])*)\]\((https?:[^)\s]+)\)/gu, '$1 <$2>')
    .replace(/\*\*([^*]+)\*\*/gu, '$1')
    .replace(/\\([^\p{L}\p{N}\s])/gu, '$1')
    .replace(/\u200b/gu, '');
}

/** One message as a block of text for stdout. */
export function renderMessageText(message: OutboundMessage, heading: string): string {
  const out: string[] = [`── ${heading} ${'─'.repeat(Math.max(3, 60 - heading.length))}`];
  if (message.content) out.push(plainText(message.content));
  for (const embed of message.embeds) {
    if (embed.author) out.push(`[${embed.author.name}]`);
    if (embed.title) out.push(`■ ${plainText(embed.title)}`);
    if (embed.url) out.push(`  ${embed.url}`);
    if (embed.description) out.push(...plainText(embed.description).split('\n').map((l) => `  ${l}`));
    for (const field of embed.fields ?? []) {
      const value = plainText(field.value).split('\n');
      out.push(`  ${field.name}: ${value[0] ?? ''}`, ...value.slice(1).map((l) => `    ${l}`));
    }
    if (embed.footer) out.push(`  — ${embed.footer.text}`);
  }
  return `${out.join('\n')}\n`;
}
