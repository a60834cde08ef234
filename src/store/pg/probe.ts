import pg from 'pg';
import { redactText } from '../../core/redact.js';
import { pgSchemaVersion } from './db.js';
import { PG_MIGRATIONS } from './migrations.js';

/** What `check` learns from a PostgreSQL server without changing it. */
export type PgProbe =
  | {
      readonly ok: true;
      readonly schemaVersion: number;
      readonly latestVersion: number;
      readonly serverVersion: string;
      /** Feeds added from Discord with a home topic (none before the schema has `added_feeds.home`). */
      readonly addedHomes: readonly { readonly id: string; readonly home: string; readonly guildId: string | null }[];
    }
  /** `config`: the URL, user, password or database name is wrong (exit 2); `unreachable`: nothing answers (exit 1). */
  | { readonly ok: false; readonly kind: 'config' | 'unreachable'; readonly problem: string };

/** The schema version from which `added_feeds` has its `home` column. */
const HOME_COLUMN_VERSION = PG_MIGRATIONS.findIndex((m) => m.name === '013-added-feed-home') + 1;

/** PostgreSQL error codes that mean the settings are wrong, with the fix for each. */
const CONFIG_CODES: Record<string, string> = {
  '28P01': 'the server refused the password: fix the password in WATCHFLOOR_DB',
  '28000': 'the server refused this user (pg_hba.conf or a missing role): fix the user in WATCHFLOOR_DB or allow it on the server',
  '3D000': 'the database does not exist: create it (`createdb watchfloor`, or CREATE DATABASE) or fix its name in WATCHFLOOR_DB',
};

/**
 * The fix when `error` (or its cause) says the settings in the URL are wrong (password, user,
 * database name), else null: the server answered, so trying again will not help (exit 2).
 */
export function pgSettingsProblem(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in CONFIG_CODES) return CONFIG_CODES[code] ?? null;
  }
  return null;
}

/**
 * Connects once to `url`, reads the schema version (without migrating: that is `run`'s job) and
 * closes. Never throws; every message names the server without its password and says the fix.
 */
export async function probePg(url: string, timeoutMs = 5_000): Promise<PgProbe> {
  const where = redactText(url);
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  } catch (error) {
    return { ok: false, kind: 'config', problem: `${where} is not a PostgreSQL connection URL (${redactText((error as Error).message)}): write it as postgres://USER:PASSWORD@HOST:5432/DATABASE` };
  }
  client.on('error', () => undefined);
  try {
    await client.connect();
    const server = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const version = await pgSchemaVersion(client);
    const homes = version >= HOME_COLUMN_VERSION ? (await client.query<{ id: string; home: string; guild_id: string | null }>('SELECT id, home, guild_id FROM added_feeds WHERE home IS NOT NULL ORDER BY id')).rows : [];
    return { ok: true, schemaVersion: version, latestVersion: PG_MIGRATIONS.length, serverVersion: server.rows[0]?.v.split(' ')[0] ?? 'unknown', addedHomes: homes.map((r) => ({ id: r.id, home: r.home, guildId: r.guild_id })) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = redactText((error as Error).message);
    if (typeof code === 'string' && code in CONFIG_CODES) return { ok: false, kind: 'config', problem: `${where}: ${CONFIG_CODES[code] ?? message} (${message})` };
    return { ok: false, kind: 'unreachable', problem: `cannot reach PostgreSQL at ${where} (${message}): start the server, or fix the host and port in WATCHFLOOR_DB` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
