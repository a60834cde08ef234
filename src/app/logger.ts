import pino, { type Logger } from 'pino';

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

export interface LoggerOptions {
  readonly level: string;
  /** 'json' for machines, 'pretty' for people; 'auto' = pretty on a TTY. */
  readonly format: 'json' | 'pretty' | 'auto';
  /** Where lines go; stderr by default so stdout stays for command output (`eval --json`). */
  readonly destination?: NodeJS.WritableStream;
}

function base0(options: LoggerOptions): pino.LoggerOptions {
  return {
    level: options.level,
    base: { app: 'watchfloor' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/** Creates the process logger: pino, JSON by default, readable on a TTY, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  if (options.destination) return pino(base0(options), options.destination);
  const destination = process.stderr;
  const pretty = options.format === 'pretty' || (options.format === 'auto' && (destination as { isTTY?: boolean }).isTTY === true);
  const base = base0(options);
  if (pretty) {
    return pino(base, pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' } }));
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything (tests, `--quiet`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
