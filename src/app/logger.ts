import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { SECRET_ENV } from '../config/env.js';

export type { Logger };

/**
 * Paths redacted from every log line. Secrets come only from the environment; this is the
 * second line of defence should one ever be attached to a logged object.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'webhookUrl',
  '*.webhookUrl',
  'webhook_url',
  '*.webhook_url',
  'headers.authorization',
  '*.headers.authorization',
];

/** What a masked secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Discord webhook URLs carry their own credential in the last path segment; whoever reads it can
 * post as the webhook. They turn up inside strings (error messages, stacks, request URLs) where
 * path-based redaction cannot reach, so the serialised line itself is scanned. The id is kept: it
 * tells an operator which webhook failed without granting anything.
 */
const WEBHOOK_URL = /(https?:\/\/(?:[a-z]+\.)?discord(?:app)?\.com\/api(?:\/v\d+)?\/webhooks\/\d+\/)[\w-]+/gi;

/**
 * The shape of a Discord bot token (base64 user id, timestamp, HMAC), masked wherever it appears
 * even when it is not the configured one, e.g. a token pasted into a feed URL by mistake.
 */
const BOT_TOKEN = /\b[MNO][\w-]{23,27}\.[\w-]{6}\.[\w-]{27,38}\b/g;

/** Literal secrets shorter than this are not masked: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * Masks webhook credentials, token-shaped strings and the given literal secrets in `text`
 * (a serialised log line, or any string about to be shown).
 */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(WEBHOOK_URL, `$1${REDACTED}`).replace(BOT_TOKEN, REDACTED);
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out = out.split(secret).join(REDACTED);
    // The same secret as JSON writes it, should it contain characters JSON escapes.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

/**
 * Adds the credential part of each webhook URL among `secrets`: an error message may quote the
 * token without the rest of the URL.
 */
export function expandSecrets(secrets: readonly string[]): string[] {
  const out = new Set(secrets);
  for (const secret of secrets) {
    const match = /\/webhooks\/\d+\/([^/?#\s]+)/.exec(secret);
    if (match?.[1] !== undefined) out.add(match[1]);
  }
  return [...out];
}

/** The values of the secret settings present in an environment (for {@link LoggerOptions.secrets}). */
export function secretValuesOf(env: Readonly<Record<string, unknown>>): string[] {
  return SECRET_ENV.map((key) => env[key]).filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

export interface LoggerOptions {
  readonly level: string;
  /** 'json' for machines, 'pretty' for people; 'auto' = pretty on a TTY. */
  readonly format: 'json' | 'pretty' | 'auto';
  /** Where lines go; stderr by default so stdout stays for command output (`eval --json`). */
  readonly destination?: NodeJS.WritableStream;
  /**
   * Secret values masked wherever they appear in a line (token, webhook URL). Default: the
   * secret settings found in `process.env`; pass the loaded Env's values when they came from
   * `_FILE` twins.
   */
  readonly secrets?: readonly string[];
}

function baseOptions(options: LoggerOptions): pino.LoggerOptions {
  return {
    level: options.level,
    base: { app: 'watchfloor' },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/** A pino destination that masks secrets in each serialised line before it is written. */
function masking(target: { write(chunk: string): unknown }, secrets: readonly string[]): pino.DestinationStream {
  return {
    write(line: string) {
      target.write(maskSecrets(line, secrets));
    },
  };
}

/**
 * Creates the process logger: pino, JSON by default, readable on a TTY. Secrets are redacted by
 * key (REDACT_PATHS) and masked inside any string of the line (maskSecrets).
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = expandSecrets(options.secrets ?? secretValuesOf(process.env));
  const base = baseOptions(options);
  if (options.destination) return pino(base, masking(options.destination, secrets));
  const wantPretty = options.format === 'pretty' || (options.format === 'auto' && process.stderr.isTTY);
  if (wantPretty) {
    // In-process rather than a worker-thread transport: masking must see the line first, and a
    // worker would also hold the process open at shutdown.
    const stream = pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' });
    return pino(base, masking(stream, secrets));
  }
  return pino(base, masking(pino.destination({ dest: 2, sync: true }), secrets));
}

/** A logger that drops everything (tests, `--quiet`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
