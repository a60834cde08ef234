/**
 * The settings that hold secrets. Each may also be given as a `_FILE` twin (Docker secrets);
 * their values are masked as literals in every string that leaves the process. A module of its
 * own, without the schema library, so the CLI's output path can read it without loading the
 * whole configuration.
 */
export const SECRET_ENV = ['DISCORD_TOKEN', 'DISCORD_WEBHOOK_URL'] as const;

/** The values of the secret settings present in an environment (trimmed, empty ones left out). */
export function secretValuesOf(env: Readonly<Record<string, unknown>>): string[] {
  return SECRET_ENV.map((key) => env[key]).filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}
