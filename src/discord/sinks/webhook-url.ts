/** Discord webhook URLs are parsed in the core (configuration validates them too). */
export { describeWebhook, parseWebhookUrl, type WebhookParts } from '../../core/webhook-url.js';
