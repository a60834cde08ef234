import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createStore } from '../../src/store/index.js';
import { makeStory } from './stories.js';

/** A real Watchfloor database at `path` (created and migrated by the store) with `stories` stories, closed. */
export function makeWatchfloorDb(path: string, stories: number): void {
  const store = createStore(path);
  store.transaction(() => {
    for (let i = 0; i < stories; i++) store.stories.insert(makeStory({ summary: `Air raid alerts sounded across Ukraine. ${'Detail '.repeat(20)}${i}` }), null);
  });
  store.close(); // the last connection checkpoints the WAL into the file and removes it
}

/** SQLite's quick_check verdict on the file at `path`: ['ok'] when sound. */
export function quickCheck(path: string): string[] {
  const db = new Database(path, { fileMustExist: true });
  try {
    return (db.pragma('quick_check') as { quick_check: string }[]).map((row) => row.quick_check);
  } catch (error) {
    return [(error as Error).message];
  } finally {
    db.close();
  }
}

/**
 * Damages a closed database file the way a bad disk does: overwrites the first half of three
 * pages in the middle of the file (b-tree page headers, cell pointers and cells) with 0xA5,
 * leaving page 1 (the header and the schema) intact. Throws if SQLite does not notice, so a test
 * never runs on a file that is not damaged.
 */
export function damageDatabase(path: string): void {
  const bytes = readFileSync(path);
  const pageSize = bytes.readUInt16BE(16);
  const pages = Math.floor(bytes.length / pageSize);
  if (pages < 8) throw new Error(`damageDatabase: ${path} has only ${pages} pages; put more rows in it`);
  const first = Math.floor(pages / 2);
  for (let page = first; page < first + 3; page++) bytes.fill(0xa5, page * pageSize, page * pageSize + pageSize / 2);
  writeFileSync(path, bytes);
  const verdict = quickCheck(path);
  if (verdict.length === 1 && verdict[0] === 'ok') throw new Error(`damageDatabase: quick_check still passes on ${path}`);
}

/** Rows in `table` of the database at `path` (a read-write connection: closing it leaves no -wal or -shm behind). */
export function countRows(path: string, table: string): number {
  const db = new Database(path, { fileMustExist: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}
