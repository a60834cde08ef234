import { ConfigError } from '../config/errors.js';
import { redactText } from '../core/redact.js';
import type { Role } from '../core/roles.js';
import { isPostgresUrl } from '../store/target.js';

/**
 * The roles of `run` that run on PostgreSQL in this version (src/app/pg-run.ts). `all` still
 * needs SQLite. Kept as a list so that wiring a role is one line here.
 */
export const POSTGRES_ROLES: readonly Role[] = ['poller', 'deliverer', 'gateway'];

/**
 * Refuses, at start-up and before anything is opened, a `run` role that cannot run on the store
 * WATCHFLOOR_DB names: one message (what, where, what runs on PostgreSQL, where to read more) and
 * exit 2, never a process that half-works. The URL is shown without its password.
 */
export function assertRoleRunsOn(role: Role, db: string): void {
  if (!isPostgresUrl(db) || POSTGRES_ROLES.includes(role)) return;
  const runs = POSTGRES_ROLES.length === 0 ? 'no role of `run` runs on PostgreSQL yet' : `only ${POSTGRES_ROLES.map((r) => `--role ${r}`).join(' and ')} run on PostgreSQL`;
  throw new ConfigError(
    'environment',
    'WATCHFLOOR_DB',
    `\`run --role ${role}\` needs a SQLite database file, and WATCHFLOOR_DB is ${redactText(db)}: ${runs} in this version. ` +
      'Point WATCHFLOOR_DB (or --db) at a SQLite file; see docs/self-hosting.md ("Roles on PostgreSQL").',
  );
}
