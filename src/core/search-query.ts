/**
 * User text to a safe SQLite FTS5 MATCH expression. What a user types in `/news search` must
 * never be an FTS syntax error, nor reach FTS5's query language by accident (a stray `"`, `*`,
 * `:`, `^`, `NEAR(`, parentheses): every word is quoted. On top of that the user gets the
 * useful part of the language: "quoted phrases", prefix `word*`, and the operators AND, OR,
 * NOT (upper case, as in FTS5; `-word` also means NOT). Pure: no database needed.
 */

/** Terms beyond this are ignored: each term costs an index lookup, and nobody types 20. */
export const MAX_QUERY_TERMS = 12;
/** A prefix shorter than this would expand to most of the vocabulary. */
export const MIN_PREFIX_CHARS = 2;

type Operator = 'AND' | 'OR' | 'NOT';

interface Term {
  readonly kind: 'term';
  /** The text inside the quotes, with `"` already doubled. */
  readonly quoted: string;
  readonly prefix: boolean;
  readonly phrase: boolean;
}

type Token = Term | { readonly kind: 'op'; readonly op: Operator };

/** What a search asked for: the MATCH expression and the terms shown back to the user. */
export interface SearchQuery {
  /** Safe to pass as the right-hand side of `stories_fts MATCH ?`. */
  readonly match: string;
  /** The terms as understood (phrases in quotes, prefixes with `*`), for "searching for …". */
  readonly terms: readonly string[];
  /** Parts of the input that were ignored, with why, so nothing is dropped silently. */
  readonly ignored: readonly string[];
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

function quote(text: string): string {
  return text.replace(/"/g, '""');
}

/** Splits on whitespace, keeping "double-quoted phrases" (an unclosed quote runs to the end). */
function split(input: string): { text: string; phrase: boolean; negated: boolean }[] {
  const parts: { text: string; phrase: boolean; negated: boolean }[] = [];
  let i = 0;
  const s = input.normalize('NFC');
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    const negated = ch === '-' && s[i + 1] === '"';
    const start = negated ? i + 1 : i;
    if (s[start] === '"') {
      const end = s.indexOf('"', start + 1);
      const stop = end === -1 ? s.length : end;
      // `"phrase"*` keeps its star as a prefix on the last word.
      const star = end !== -1 && s[end + 1] === '*';
      parts.push({ text: s.slice(start + 1, stop) + (star ? '*' : ''), phrase: true, negated });
      i = end === -1 ? s.length : end + (star ? 2 : 1);
      continue;
    }
    let end = i;
    while (end < s.length && !/\s/u.test(s[end] ?? '') && s[end] !== '"') end++;
    parts.push({ text: s.slice(i, end), phrase: false, negated: false });
    i = end;
  }
  return parts;
}

function tokenize(input: string, ignored: string[]): Token[] {
  const tokens: Token[] = [];
  for (const part of split(input)) {
    if (!part.phrase && (part.text === 'AND' || part.text === 'OR' || part.text === 'NOT')) {
      tokens.push({ kind: 'op', op: part.text });
      continue;
    }
    let text = part.text;
    let negated = part.negated;
    if (!part.phrase && text.startsWith('-') && text.length > 1) {
      negated = true;
      text = text.slice(1);
    }
    let prefix = false;
    if (text.endsWith('*')) {
      text = text.replace(/\*+$/u, '');
      prefix = true;
    }
    // Punctuation that is not part of a word (FTS5 would drop it anyway, or choke on it).
    const words = text.split(/[^\p{L}\p{N}\p{M}'’_-]+/u).filter((w) => WORD_CHAR.test(w));
    if (words.length === 0) {
      ignored.push(`${part.text} (no letters or digits)`);
      continue;
    }
    const last = words[words.length - 1] ?? '';
    if (prefix && Array.from(last).length < MIN_PREFIX_CHARS) {
      ignored.push(`* after ${last} (a prefix needs at least ${MIN_PREFIX_CHARS} characters)`);
      prefix = false;
    }
    if (negated) tokens.push({ kind: 'op', op: 'NOT' });
    tokens.push({ kind: 'term', quoted: quote(words.join(' ')), prefix, phrase: part.phrase || words.length > 1 });
  }
  return tokens;
}

/**
 * Turns what a user typed into an FTS5 MATCH expression, or null when nothing searchable is
 * left (only punctuation or operators). Implicit AND between terms; a dangling or doubled
 * operator is dropped and reported in `ignored`; `NOT` needs something before it (FTS5 cannot
 * search for "everything except").
 */
export function buildSearchQuery(input: string): SearchQuery | null {
  const ignored: string[] = [];
  const tokens = tokenize(input, ignored);
  const out: string[] = [];
  const terms: string[] = [];
  let pending: Operator | null = null;
  let skipNext = false;
  let count = 0;
  for (const token of tokens) {
    if (token.kind === 'op') {
      if (out.length === 0) {
        // A leading NOT cannot be expressed; searching for its term instead would invert it.
        if (token.op === 'NOT') skipNext = true;
        else ignored.push(`${token.op} (nothing before it)`);
        continue;
      }
      if (pending !== null && pending !== token.op) ignored.push(`${pending} (followed by ${token.op})`);
      pending = token.op;
      continue;
    }
    if (skipNext) {
      ignored.push(`NOT ${token.quoted.replace(/""/g, '"')} (NOT needs a term before it: search for something, then NOT what to leave out)`);
      skipNext = false;
      continue;
    }
    if (count >= MAX_QUERY_TERMS) {
      ignored.push(`"${token.quoted.replace(/""/g, '"')}" (more than ${MAX_QUERY_TERMS} terms)`);
      pending = null;
      continue;
    }
    if (out.length > 0) out.push(pending ?? 'AND');
    out.push(`"${token.quoted}"${token.prefix ? '*' : ''}`);
    const shown = token.quoted.replace(/""/g, '"');
    terms.push(`${pending === 'NOT' ? 'NOT ' : ''}${token.phrase ? `"${shown}"` : shown}${token.prefix ? '*' : ''}`);
    pending = null;
    count++;
  }
  if (pending !== null) ignored.push(`${pending} (nothing after it)`);
  if (out.length === 0) return null;
  return { match: out.join(' '), terms, ignored };
}

/** A query longer than this is refused: `/news search` declares it as the option's maximum length. */
export const MAX_QUERY_CHARS = 200;

/** A search as typed, checked: the query, or what is wrong with it and how to fix it. */
export type ParsedSearch = { readonly ok: true; readonly query: SearchQuery } | { readonly ok: false; readonly problem: string };

/**
 * What `/news search` and `watchfloor search` accept, with the same messages: at most
 * {@link MAX_QUERY_CHARS} characters, and something searchable in it.
 */
export function parseSearchText(text: string): ParsedSearch {
  if (text.length > MAX_QUERY_CHARS) return { ok: false, problem: `The query is ${text.length} characters long; keep it under ${MAX_QUERY_CHARS}.` };
  const query = buildSearchQuery(text);
  if (!query) {
    return { ok: false, problem: 'Nothing searchable in that query. Type words, "a phrase in quotes", a prefix such as `sanction*`, and combine them with AND, OR, NOT.' };
  }
  return { ok: true, query };
}
