import { secretValuesOf } from '../config/secret-env.js';
import { expandSecrets, redactText } from '../core/redact.js';

/**
 * The CLI's only way to the terminal. Every line a command prints — a report, a table, JSON, a
 * warning, an error — goes through the one redaction ({@link redactText}): credentials in URLs
 * (feed keys, webhook tokens, a database password), bot-token shapes, and the secret settings'
 * own values. The log has the same redaction in its stream (logger.ts); nothing else in `src/`
 * writes to stdout or stderr (a test holds it so).
 */
function secrets(): string[] {
  return expandSecrets(secretValuesOf(process.env));
}

/** Writes command output to stdout, redacted. */
export function say(text: string): void {
  process.stdout.write(redactText(text, secrets()));
}

/** Writes a warning, progress or error line to stderr, redacted. */
export function warn(text: string): void {
  process.stderr.write(redactText(text, secrets()));
}
