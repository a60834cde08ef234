/**
 * Discord webhook URLs: `https://discord.com/api/webhooks/<id>/<token>` (also discordapp.com,
 * ptb., canary., with an optional /v10). The token is a secret: show only the id.
 */
const WEBHOOK_URL = /^https:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api(?:\/v\d{1,2})?\/webhooks\/(\d{15,25})\/([\w-]{20,200})\/?$/;

export interface WebhookParts {
  readonly id: string;
  readonly token: string;
}

/** The id and token of a Discord webhook URL, or null when it is not one. */
export function parseWebhookUrl(url: string): WebhookParts | null {
  const match = WEBHOOK_URL.exec(url.trim());
  if (!match?.[1] || !match[2]) return null;
  return { id: match[1], token: match[2] };
}

/** What logs and listings show instead of a webhook URL. */
export function describeWebhook(url: string): string {
  const parts = parseWebhookUrl(url);
  return parts ? `webhook ${parts.id}` : 'webhook (invalid URL)';
}
