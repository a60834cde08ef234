import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ROLES, roleProblem } from '../core/roles.js';
import { parseWebhookUrl } from '../core/webhook-url.js';
import { ConfigError, ConfigErrors } from './errors.js';
import { SECRET_ENV } from './secret-env.js';

/**
 * Every setting read from the environment, in one table: name, type, default, and whether it
 * is a secret. Secrets also accept a `NAME_FILE` twin (a path, for container secrets) and are
 * never logged or printed. Add settings here, nowhere else.
 */
const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

export const ENV_SCHEMA = z.object({
  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d{15,25}$/, 'must be the numeric application id from the Discord developer portal').optional(),
  DISCORD_GUILD_ID: z.string().regex(/^\d{15,25}$/, 'must be a numeric server (guild) id').optional(),
  /** REST base URL without the version, e.g. http://127.0.0.1:3000/api. Unset in production. */
  DISCORD_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  /** Webhook URL for webhook-only delivery without a bot. */
  DISCORD_WEBHOOK_URL: z
    .string()
    .refine((url) => parseWebhookUrl(url) !== null, {
      message: 'must be a Discord webhook URL, https://discord.com/api/webhooks/<id>/<token> (Channel settings → Integrations → Webhooks → Copy Webhook URL)',
    })
    .optional(),
  WATCHFLOOR_DB: z.string().min(1).default('./data/watchfloor.db'),
  WATCHFLOOR_FEEDS: z.string().min(1).default('./feeds.json'),
  WATCHFLOOR_RULES: z.string().min(1).default('./rules'),
  /** Trained model file; default: next to the database. */
  WATCHFLOOR_MODEL: z.string().min(1).optional(),
  /**
   * A directory of trained models shared by every deployment and command with the same rules and
   * training files (src/app/classifier.ts): a first start takes one from there instead of training.
   */
  WATCHFLOOR_MODEL_CACHE: z.string().min(1).optional(),
  /** What `watchfloor run` does in this process (`run --role` wins): all, poller, deliverer or gateway. */
  WATCHFLOOR_ROLE: z.string().refine((v) => roleProblem(v) === null, { message: `must be one of ${ROLES.join(', ')} (docs/self-hosting.md, "Roles")` }).optional(),
  /**
   * Gateway shards of this process (gateway and all roles): unset or 1 for one connection, a
   * number for that many, `auto` for the count Discord recommends (GET /gateway/bot).
   */
  WATCHFLOOR_SHARDS: z.string().regex(/^(auto|[1-9]\d{0,3})$/, 'must be "auto" (the count Discord recommends) or a number of shards from 1 to 9999').optional(),
  /** node-cron expression for the poll cycle. */
  POLL_SCHEDULE: z.string().min(1).default('*/5 * * * *'),
  FETCH_TIMEOUT_MS: positiveInt.default(20_000),
  FETCH_IDLE_TIMEOUT_MS: positiveInt.default(10_000),
  FETCH_MAX_BYTES: positiveInt.default(5 * 1024 * 1024),
  FETCH_CONCURRENCY: positiveInt.max(256).default(16),
  FETCH_PER_HOST: positiveInt.max(16).default(2),
  /**
   * Worker threads that parse, normalise and classify fetched documents while the main thread
   * fetches and writes. Unset: one with three or more cores, none with one or two (`defaultAnalyseThreads`). 0: everything in the main thread.
   */
  PARSE_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  /** Allow feed URLs (added from Discord) that resolve to private, loopback or link-local addresses. */
  ALLOW_PRIVATE_FEEDS: boolish.default(false),
  HTTP_PORT: port.default(8080),
  /** The health and metrics server has no authentication: local only unless asked (the image sets 0.0.0.0). */
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),
  /** Tries per outgoing message before it is dropped as a logged dead letter. */
  DELIVERY_MAX_ATTEMPTS: positiveInt.max(100).default(6),
  /** First retry delay of a failed message; doubles per failure. */
  DELIVERY_RETRY_BASE_MS: positiveInt.default(2_000),
  /** How long `once` keeps waiting for retries before it exits (rows stay queued for the next run). */
  DELIVERY_RETRY_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * A webhook message that may have been posted (timeout or 5xx after the request went out) and
   * cannot be looked up (no bot token, or the bot cannot read the channel): `hold` keeps it as
   * `uncertain` until `watchfloor outbox retry` (never a duplicate); `resend` sends it again
   * (never a gap, at the risk of one duplicate).
   */
  DELIVERY_WEBHOOK_MAYBE_SENT: z.enum(['hold', 'resend']).default('hold'),
  /** How often `run` checks digest schedules and the outbox. */
  DELIVERY_TICK_MS: positiveInt.min(1_000).default(15_000),
  /** Robust z-score at or above which a topic's hour surges (docs/delivery.md, Topic surges). */
  SURGE_THRESHOLD: z.coerce.number().min(1).max(100).default(4),
  /** Fewest matched stories in one hour for a surge. */
  SURGE_MIN_STORIES: positiveInt.max(100_000).default(6),
  /** Attach a small chart (stories per day of the subscribed topics, surges marked) to each digest's first message. */
  DIGEST_CHART: boolish.default(false),
  /** Hours after a topic's surge during which it cannot surge again. */
  SURGE_COOLDOWN_HOURS: z.coerce.number().int().min(0).max(24 * 14).default(6),
  /**
   * The bot adds 👍 and 👎 to each alert it posts and a "Relevant / Not relevant" menu to each
   * digest, so members can rate them (docs/feedback.md). `false`: plain messages; ratings still
   * count when members add the reactions themselves.
   */
  FEEDBACK_CONTROLS: boolish.default(true),
});

export type Env = Readonly<z.infer<typeof ENV_SCHEMA>>;

/** Names whose values are secrets: never logged, never printed, `_FILE` twins accepted. */
export { SECRET_ENV };

/**
 * Reads and validates the environment. Empty strings count as unset (docker compose passes
 * `FOO=` for blanks). Throws ConfigErrors naming every bad variable and its fix.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(ENV_SCHEMA.shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  const errors: ConfigError[] = [];
  for (const key of SECRET_ENV) {
    const file = source[`${key}_FILE`];
    if (raw[key] === undefined && file) {
      try {
        raw[key] = readFileSync(file, 'utf8').trim();
      } catch (cause) {
        errors.push(new ConfigError('environment', `${key}_FILE`, `cannot read ${file}: ${(cause as Error).message}. Point it at a readable file holding the secret.`));
      }
    }
  }
  const parsed = ENV_SCHEMA.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      const secret = (SECRET_ENV as readonly string[]).includes(key);
      // Never echo a secret's value back.
      const shown = secret ? '' : ` (got ${JSON.stringify(raw[key])})`;
      errors.push(new ConfigError('environment', key, `${issue.message}${shown}. See .env.example for the format.`));
    }
  }
  if (errors.length > 0 || !parsed.success) throw new ConfigErrors(errors);
  return Object.freeze(parsed.data);
}

/** The environment with secrets masked, for `watchfloor check` and start-up logs. */
export function describeEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env) as [string, string | number | boolean | undefined][]) {
    if (value === undefined) continue;
    out[key] = (SECRET_ENV as readonly string[]).includes(key) ? '[set, hidden]' : String(value);
  }
  return out;
}
