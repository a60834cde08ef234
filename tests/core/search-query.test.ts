import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSearchQuery, MAX_QUERY_TERMS } from '../../src/core/search-query.js';

// A real FTS5 table with the tokenizer the stories table uses: the point of the module is that
// SQLite accepts whatever it builds.
const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE docs USING fts5(title, summary, tokenize='unicode61 remove_diacritics 2')`);
const insert = db.prepare('INSERT INTO docs (rowid, title, summary) VALUES (?, ?, ?)');
const DOCS: [number, string, string][] = [
  [1, 'North Korea fires ballistic missile', 'Pyongyang launched a missile into the East Sea.'],
  [2, 'Kim Jong Un visits shipyard', 'The North Korean leader inspected a destroyer in Nampo.'],
  [3, 'Russian drones strike Kyiv', 'Ukraine said air defences shot down most drones.'],
  [4, 'Kiev or Kyiv: the spelling debate', 'Style guides changed in 2019.'],
  [5, 'Seoul stocks rise', 'Samsung Electronics led gains in South Korea.'],
  [6, 'Café owners protest rents', 'Prices in Paris keep rising.'],
];
for (const d of DOCS) insert.run(...d);
afterAll(() => {
  db.close();
});

const search = (input: string): number[] => {
  const query = buildSearchQuery(input);
  if (!query) return [];
  return db.prepare<[string], { rowid: number }>('SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid').all(query.match).map((r) => r.rowid);
};

describe('buildSearchQuery', () => {
  it('GIVEN plain words THEN every word must appear (implicit AND)', () => {
    expect(search('north missile')).toEqual([1]);
    expect(buildSearchQuery('north missile')?.match).toBe('"north" AND "missile"');
  });

  it('GIVEN a quoted phrase THEN the words must appear together and in order', () => {
    expect(search('"North Korean leader"')).toEqual([2]);
    expect(search('"leader North"')).toEqual([]);
    expect(buildSearchQuery('"Kim Jong Un"')?.terms).toEqual(['"Kim Jong Un"']);
  });

  it('GIVEN word* THEN it matches as a prefix', () => {
    expect(search('dron*')).toEqual([3]);
    expect(buildSearchQuery('dron*')?.match).toBe('"dron"*');
  });

  it('GIVEN a one-letter prefix THEN the star is ignored and reported', () => {
    const query = buildSearchQuery('k*');
    expect(query?.match).toBe('"k"');
    expect(query?.ignored.join(' ')).toContain('at least 2 characters');
  });

  it('GIVEN OR THEN either term matches', () => {
    expect(search('Kiev OR Pyongyang')).toEqual([1, 4]);
  });

  it('GIVEN NOT or -word after a term THEN stories with the excluded word are left out', () => {
    expect(search('Kyiv NOT spelling')).toEqual([3]);
    expect(search('Kyiv -spelling')).toEqual([3]);
    expect(search('Kyiv -"spelling debate"')).toEqual([3]);
  });

  it('GIVEN a leading NOT THEN its term is dropped, not searched for, and the user is told', () => {
    const query = buildSearchQuery('-Kyiv drones');
    expect(query?.match).toBe('"drones"');
    expect(query?.ignored.join(' ')).toContain('NOT Kyiv');
    expect(buildSearchQuery('NOT Kyiv')).toBeNull();
  });

  it('GIVEN dangling or doubled operators THEN they are dropped and reported', () => {
    const query = buildSearchQuery('AND Kyiv OR AND Kiev OR');
    expect(query?.match).toBe('"Kyiv" AND "Kiev"');
    expect(query?.ignored).toHaveLength(3);
  });

  it('GIVEN lower-case and/or/not THEN they are ordinary words, as in FTS5', () => {
    expect(buildSearchQuery('rock and roll')?.match).toBe('"rock" AND "and" AND "roll"');
  });

  it('GIVEN FTS5 syntax typed by a user THEN it is searched as text, never interpreted', () => {
    // Not a column filter: the words are searched together, as typed.
    expect(buildSearchQuery('title:Kyiv')?.match).toBe('"title Kyiv"');
    expect(search('Kyiv:')).toEqual([3, 4]);
    expect(buildSearchQuery('NEAR(kim jong)')?.match).toBe('"NEAR kim" AND "jong"');
    expect(buildSearchQuery('a"b')?.match).toBe('"a" AND "b"');
  });

  it('GIVEN diacritics THEN the folding tokenizer still finds the story', () => {
    expect(search('cafe')).toEqual([6]);
    expect(search('Café')).toEqual([6]);
  });

  it('GIVEN only punctuation or operators THEN there is nothing to search', () => {
    expect(buildSearchQuery('')).toBeNull();
    expect(buildSearchQuery('  ?! -- ** ')).toBeNull();
    expect(buildSearchQuery('OR AND')).toBeNull();
  });

  it('GIVEN more terms than the limit THEN the rest are ignored and reported', () => {
    const words = Array.from({ length: MAX_QUERY_TERMS + 3 }, (_, i) => `w${i}`);
    const query = buildSearchQuery(words.join(' '));
    expect(query?.terms).toHaveLength(MAX_QUERY_TERMS);
    expect(query?.ignored).toHaveLength(3);
  });

  it('GIVEN random junk THEN SQLite accepts every expression built', () => {
    const alphabet = ['"', '*', '-', '(', ')', ':', '^', '+', ' ', ' ', 'AND', 'OR', 'NOT', 'NEAR', 'kyiv', 'é', '평양', '\\', "'", '{', '}', ',', '.'];
    let seed = 42;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 2000; n++) {
      const parts = Array.from({ length: 1 + (next() % 12) }, () => alphabet[next() % alphabet.length] ?? '');
      const input = parts.join(next() % 2 === 0 ? ' ' : '');
      const query = buildSearchQuery(input);
      if (!query) continue;
      expect(() => db.prepare('SELECT rowid FROM docs WHERE docs MATCH ?').all(query.match), input).not.toThrow();
    }
  });
});
