import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storageFault, StorageFaultError } from '../../src/store/faults.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('watchfloor-faults-');

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('storageFault', () => {
  it('recognises a file of garbage as SQLITE_NOTADB, naming the path and the fix', () => {
    const path = join(tempDir(), 'garbage.db');
    writeFileSync(path, Buffer.alloc(8192, 0x41));
    const error = thrown(() => new Database(path).pragma('journal_mode = WAL'));
    const fault = storageFault(error, path);
    expect(fault).toMatchObject({ kind: 'notadb', code: 'SQLITE_NOTADB' });
    expect(fault?.message).toContain(path);
    expect(fault?.message).toMatch(/--db \(or WATCHFLOOR_DB\)/);
  });

  it('recognises a directory as SQLITE_CANTOPEN', () => {
    const dir = tempDir();
    const fault = storageFault(thrown(() => new Database(dir)), dir);
    expect(fault).toMatchObject({ kind: 'cantopen', code: 'SQLITE_CANTOPEN' });
    expect(fault?.message).toContain(`cannot open database ${dir}`);
  });

  it('recognises a write to a read-only database as SQLITE_READONLY, with the file and folder fix', () => {
    const path = join(tempDir(), 'ro.db');
    new Database(path).exec('CREATE TABLE t (x)').close();
    const db = new Database(path, { readonly: true });
    const fault = storageFault(thrown(() => db.exec('INSERT INTO t VALUES (1)')), path);
    db.close();
    expect(fault).toMatchObject({ kind: 'readonly', code: 'SQLITE_READONLY' });
    expect(fault?.message).toContain(path);
    expect(fault?.message).toMatch(/make the file and the folder writable/);
    expect(fault?.message).not.toMatch(/set WATCHFLOOR_DB/);
  });

  it('recognises a write lock held by a second connection as SQLITE_BUSY (busy_timeout 0)', () => {
    const path = join(tempDir(), 'busy.db');
    const holder = new Database(path);
    holder.exec('CREATE TABLE t (x)');
    holder.exec('BEGIN IMMEDIATE');
    const other = new Database(path, { timeout: 0 });
    const fault = storageFault(thrown(() => other.exec('INSERT INTO t VALUES (1)')), path);
    holder.exec('ROLLBACK');
    holder.close();
    other.close();
    expect(fault).toMatchObject({ kind: 'busy', code: 'SQLITE_BUSY' });
    expect(fault?.message).toContain(path);
  });

  it('recognises a damaged page as SQLITE_CORRUPT with the restore steps', () => {
    const path = join(tempDir(), 'corrupt.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x TEXT); CREATE INDEX t_x ON t (x)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(100)}`);
    })();
    db.close();
    // Page 3 onwards holds the table and index b-trees: scribble over the middle of a few pages.
    const bytes = readFileSync(path);
    for (let page = 2; page < 8; page++) bytes.fill(0xff, page * 4096 + 100, page * 4096 + 3000);
    writeFileSync(path, bytes);
    const damaged = new Database(path);
    const error = thrown(() => damaged.prepare('SELECT count(*) FROM t WHERE x > ?').get('row'));
    damaged.close();
    const fault = storageFault(error, path);
    expect(fault?.kind).toBe('corrupt');
    expect(fault?.code).toMatch(/^SQLITE_CORRUPT/);
    expect(fault?.message).toContain(`database ${path} is damaged`);
    expect(fault?.message).toContain('watchfloor db check');
    expect(fault?.message).toContain('docs/self-hosting.md#restore');
  });

  it('recognises a database that cannot grow as SQLITE_FULL (max_page_count stands in for a full disk)', () => {
    const dir = tempDir();
    const path = join(dir, 'full.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x TEXT)');
    db.pragma('max_page_count = 3');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const error = thrown(() => {
      for (let i = 0; i < 1000; i++) insert.run('x'.repeat(1000));
    });
    db.close();
    const fault = storageFault(error, path);
    expect(fault).toMatchObject({ kind: 'full', code: 'SQLITE_FULL' });
    expect(fault?.message).toBe(`database ${path}: the disk is full (SQLITE_FULL). Free space on that disk (df -h ${dir}), then run again; nothing committed was lost.`);
  });

  it('gives a full disk the path and the df hint', () => {
    const fault = storageFault(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), '/srv/wf/watchfloor.db');
    expect(fault?.kind).toBe('full');
    expect(fault?.message).toBe(
      'database /srv/wf/watchfloor.db: the disk is full (SQLITE_FULL). Free space on that disk (df -h /srv/wf), then run again; nothing committed was lost.',
    );
  });

  it('maps extended I/O codes and ignores errors that are not storage faults', () => {
    expect(storageFault(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }), 'x.db')?.kind).toBe('ioerr');
    expect(storageFault(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }), 'x.db')).toBeNull();
    expect(storageFault(new Error('plain'), 'x.db')).toBeNull();
    expect(storageFault('SQLITE_FULL', 'x.db')).toBeNull();
  });

  it('StorageFaultError carries the fault and its message', () => {
    const cause = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const error = StorageFaultError.from(cause, 'w.db');
    expect(error).toBeInstanceOf(StorageFaultError);
    expect(error?.message).toBe(error?.fault.message);
    expect(error?.cause).toBe(cause);
    expect(storageFault(error, 'other.db')).toBe(error?.fault);
    expect(StorageFaultError.from(new Error('plain'), 'w.db')).toBeNull();
  });
});
