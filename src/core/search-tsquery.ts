/**
 * The search expression of core/search-query.ts (FTS5's syntax: "quoted terms", a `*` after a
 * prefix, AND/OR/NOT between them) as a PostgreSQL tsquery over the `simple` configuration, so
 * that one parse (with its limits and messages) serves both engines. Pure: no database needed.
 *
 * FTS5 binds NOT tighter than AND, and AND tighter than OR; `a NOT b` is "a and not b". tsquery
 * binds `!` tighter than `&`, and `&` tighter than `|`: `a NOT b` becomes `a & !b`, and the
 * grouping is the same without parentheses. A quoted term of several words is a phrase
 * (`<->`); words are split on what is not a letter or digit, as both engines' tokenizers do.
 */

const TOKEN = /"((?:[^"]|"")*)"(\*?)|(AND|OR|NOT)/gu;

/** One term as tsquery text: its words in a row, the last one a prefix when asked. Null when no word is left. */
function termQuery(text: string, prefix: boolean): string | null {
  const words = text
    .replace(/""/gu, '"')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
  if (words.length === 0) return null;
  return words.map((w, i) => `'${w}'${prefix && i === words.length - 1 ? ':*' : ''}`).join(' <-> ');
}

/** The tsquery for a search expression; null when nothing searchable is left in it. */
export function matchToTsquery(match: string): string | null {
  const out: string[] = [];
  let pending: 'AND' | 'OR' | 'NOT' | null = null;
  for (const m of match.matchAll(TOKEN)) {
    const op = m[3];
    if (op === 'AND' || op === 'OR' || op === 'NOT') {
      pending = op;
      continue;
    }
    const term = termQuery(m[1] ?? '', m[2] === '*');
    if (term === null) continue;
    if (out.length > 0) out.push(pending === 'OR' ? '|' : pending === 'NOT' ? '& !' : '&');
    else if (pending === 'NOT') {
      pending = null; // nothing before it to leave it out of
      continue;
    }
    out.push(term.includes(' <-> ') ? `(${term})` : term);
    pending = null;
  }
  return out.length === 0 ? null : out.join(' ');
}
