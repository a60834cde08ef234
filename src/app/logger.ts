import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { secretValuesOf } from '../config/secret-env.js';
import { REDACTED, expandSecrets, redactText } from '../core/redact.js';

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

export { REDACTED, expandSecrets };

/**
 * Masks secrets in `text` (a serialised log line, or any string about to be shown): URL
 * credentials, secret parameters, webhook and interaction tokens, bot-token shapes and the given
 * literal secrets. The same redaction as everywhere else: {@link redactText}.
 */
export const maskSecrets: (text: string, secrets?: readonly string[]) => string = redactText;

/** The values of the secret settings present in an environment (for {@link LoggerOptions.secrets}). */
export { secretValuesOf };

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

/**
 * A pino destination that masks secrets in each serialised line before it is written. The line
 * holds every field, nested objects and serialised errors included (discord.js errors carry the
 * request `url`, with interaction or webhook tokens), so one pass over it covers them all.
 */
function masking(target: { write(chunk: string): unknown }, secrets: readonly string[]): pino.DestinationStream {
  return {
    write(line: string) {
      target.write(redactText(line, secrets));
    },
  };
}

/**
 * Creates the process logger: pino, JSON by default, readable on a TTY. Secrets are redacted by
 * key (REDACT_PATHS) and masked inside any string of the line (redactText).
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = expandSecrets(options.secrets ?? secretValuesOf(process.env));
  const base = baseOptions(options);
  if (options.destination) return pino(base, masking(options.destination, secrets));
  const wantPretty = options.format === 'pretty' || (options.format === 'auto' && process.stderr.isTTY);
  if (wantPretty) {
    // In-process rather than a worker-thread transport: masking must see the line first, and a
    // worker would also hold the process open at shutdown.
    // Loaded only for a person's terminal (~10 MB, ~50 ms): JSON logs never need it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    const stream = pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' });
    return pino(base, masking(stream, secrets));
  }
  return pino(base, masking(pino.destination({ dest: 2, sync: true }), secrets));
}

/** A logger that drops everything (tests, `--quiet`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
