import type { Store } from '../../store/index.js';
import { UserError, type CommandDeps } from './types.js';

/**
 * The SQLite store for what the gateway does on SQLite only in this version (ratings, trend
 * charts: ADR 16), or one clear answer: what is not available, why, and what to do instead.
 */
export function sqliteOnly(deps: Pick<CommandDeps, 'store'>, what: string, instead: string): Store {
  if (deps.store) return deps.store;
  throw new UserError(
    `${what} is not available on this Watchfloor yet: it keeps its data in PostgreSQL, where ${what} is not supported in this version (it needs the SQLite store). ${instead} ` +
      'The operator can read more in docs/self-hosting.md ("Roles on PostgreSQL").',
  );
}
