import { basename, dirname } from 'node:path';

/**
 * What went wrong with the database file or the disk under it, as opposed to a bug in a query.
 * Each kind has one message that names the database path and what the self-hoster should do.
 */
export type StorageFaultKind = 'busy' | 'full' | 'ioerr' | 'readonly' | 'corrupt' | 'notadb' | 'cantopen' | 'foreign-schema';

export interface StorageFault {
  readonly kind: StorageFaultKind;
  /** SQLite's extended result code (e.g. SQLITE_IOERR_WRITE), or WATCHFLOOR_FOREIGN_SCHEMA. */
  readonly code: string;
  /** names the database path and the fix */
  readonly message: string;
}

/** Raised when the database file is newer than this build or cannot be opened. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** The restore steps, shared by every fault whose fix is "restore a backup". */
const RESTORE_STEPS = 'restore the latest backup (`docs/self-hosting.md#restore`)';

/** The code given to a database that belongs to another application. */
export const FOREIGN_SCHEMA_CODE = 'WATCHFLOOR_FOREIGN_SCHEMA';

/**
 * Recognises better-sqlite3 SqliteError codes (SQLITE_BUSY, SQLITE_FULL, SQLITE_IOERR_*,
 * SQLITE_READONLY*, SQLITE_CORRUPT*, SQLITE_NOTADB, SQLITE_CANTOPEN, …); null for anything else
 * (a constraint violation or a bad query is a bug or a conflict, not a storage fault).
 * A StorageFaultError yields its own fault.
 */
export function storageFault(error: unknown, dbPath: string): StorageFault | null {
  if (error instanceof StorageFaultError) return error.fault;
  const code = sqliteCode(error);
  if (code === null) return null;
  const kind = kindOf(code);
  return kind === null ? null : describeStorageFault(kind, code, dbPath);
}

/** The kind a SQLite result code belongs to; null when it is not a storage fault. */
function kindOf(code: string): StorageFaultKind | null {
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0];
  switch (primary) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'busy';
    case 'SQLITE_FULL':
      return 'full';
    case 'SQLITE_IOERR':
      // SQLITE_IOERR_NOMEM is memory, not the disk; still an I/O failure of the call.
      return 'ioerr';
    case 'SQLITE_READONLY':
      return 'readonly';
    case 'SQLITE_CORRUPT':
      return 'corrupt';
    case 'SQLITE_NOTADB':
      return 'notadb';
    case 'SQLITE_CANTOPEN':
      return 'cantopen';
    default:
      return null;
  }
}

function sqliteCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = error.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * The message for a fault of `kind` on the database at `dbPath`. `detail` says what was found
 * (the foreign tables, the folder that is not writable, …): for `readonly` and `cantopen` it
 * replaces the generic reason, for the other kinds it is added before the fix.
 */
export function describeStorageFault(kind: StorageFaultKind, code: string, dbPath: string, detail?: string): StorageFault {
  const dir = dbPath === ':memory:' ? '.' : dirname(dbPath);
  const found = detail === undefined || detail === '' ? '' : ` ${detail.endsWith('.') ? detail : `${detail}.`}`;
  let message: string;
  switch (kind) {
    case 'busy':
      message =
        `database ${dbPath} is locked (${code}): another process kept a write transaction open past the busy timeout.${found} ` +
        'Another Watchfloor command or a sqlite3 shell on the same file is writing; let it finish (or stop it), then run again. Nothing committed was lost.';
      break;
    case 'full':
      message =
        `database ${dbPath}: the disk is full (${code}).${found} Free space on that disk (df -h ${dir}), then run again; nothing committed was lost.`;
      break;
    case 'ioerr':
      message =
        `database ${dbPath}: the operating system reported an I/O error (${code}).${found} Check the disk and its mount (df -h ${dir}; dmesg), then run again. ` +
        `If it happens again, stop Watchfloor, keep a copy of the file, run \`watchfloor db check\` and, if it reports damage, ${RESTORE_STEPS}.`;
      break;
    case 'readonly':
      message =
        `database ${dbPath} cannot be written (${code}): ${reason(detail, `the file or its folder ${dir} is read-only for this user (uid ${uid()}), or on a read-only mount`)}. ` +
        `SQLite also writes ${basename(dbPath)}-wal and -shm beside it: make the file and the folder writable (chmod u+w, or chown them to this user; in Docker the volume must belong to uid 1000).`;
      break;
    case 'corrupt':
      message =
        `database ${dbPath} is damaged (${code}).${found} Stop Watchfloor, keep a copy of the file (with its -wal), run \`watchfloor db check\`, ` +
        `${RESTORE_STEPS}, then start again.`;
      break;
    case 'notadb':
      message =
        `${dbPath} is not a SQLite database (${code}): it is another kind of file, or its header is damaged.${found} ` +
        `Point --db (or WATCHFLOOR_DB) at the Watchfloor database, or at a new path to create one; if this was your database, ${RESTORE_STEPS}.`;
      break;
    case 'cantopen':
      message =
        `cannot open database ${dbPath} (${code}): ${reason(detail, 'it is a directory, or it cannot be created or read there')}. ` +
        'Point --db (or WATCHFLOOR_DB) at a file (e.g. data/watchfloor.db) in a folder this user can write.';
      break;
    case 'foreign-schema':
      message =
        `${dbPath} is another application's SQLite database, not Watchfloor's (no Watchfloor schema version).${found} ` +
        'Watchfloor will not write into it: point --db (or WATCHFLOOR_DB) at another file; a new path creates a new database.';
      break;
  }
  return { kind, code, message };
}

/** An Error carrying a StorageFault (for throwing to the CLI, which maps it to exit code 1 with its message). */
export class StorageFaultError extends Error {
  override readonly name = 'StorageFaultError';
  readonly fault: StorageFault;

  constructor(fault: StorageFault, options?: ErrorOptions) {
    super(fault.message, options);
    this.fault = fault;
  }

  /** `error` as a StorageFaultError when it is a storage fault of the database at `dbPath`; null otherwise. */
  static from(error: unknown, dbPath: string): StorageFaultError | null {
    if (error instanceof StorageFaultError) return error;
    const fault = storageFault(error, dbPath);
    return fault === null ? null : new StorageFaultError(fault, { cause: error });
  }
}

function reason(detail: string | undefined, generic: string): string {
  return detail === undefined || detail === '' ? generic : detail.replace(/\.$/, '');
}

/** The user this process runs as, for "this user cannot write" messages. */
export function uid(): string {
  return String(process.getuid?.() ?? '?');
}
