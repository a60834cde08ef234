/**
 * Text normalisation and tokenisation shared by the rule matcher and the model, so a rule term
 * and a story are folded the same way.
 *
 * Tokens are runs of letters, digits and combining marks (Unicode-aware: Latin, Hangul, Cyrillic
 * alike), so word boundaries hold in every script. Each token keeps its offsets in the original
 * text, which lets reasons quote the story as written.
 */

/** One word of a text field. */
export interface Token {
  /** Folded form: NFKC, lower case, diacritics removed (except in Hangul). */
  readonly text: string;
  /** As written (NFKC, diacritics removed, case kept) for case-sensitive terms such as `NIS`. */
  readonly cased: string;
  /** Offsets into the original string. */
  readonly start: number;
  readonly end: number;
}

const TOKEN_RE = /[\p{L}\p{N}\p{M}]+/gu;
const ASCII_RE = /^[ -~]*$/;
const HANGUL_RE = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;
const MARK_RE = /\p{M}/gu;

/**
 * Folds diacritics and compatibility forms but not case. Hangul is left composed: decomposing it
 * would turn syllables into jamo and break matching against rule terms.
 */
function foldMarks(word: string): string {
  const nfkc = word.normalize('NFKC');
  if (HANGUL_RE.test(nfkc)) return nfkc;
  return nfkc.normalize('NFD').replace(MARK_RE, '').normalize('NFC');
}

/** Splits a field into folded tokens. Pure; allocation-light on the ASCII fast path. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const raw = m[0];
    const cased = ASCII_RE.test(raw) ? raw : foldMarks(raw);
    tokens.push({ text: cased.toLowerCase(), cased, start: m.index, end: m.index + raw.length });
  }
  return tokens;
}

/** The folded words of a text, for rule terms and context lists. */
export function foldWords(text: string): string[] {
  return tokenize(text).map((t) => t.text);
}

/** True when a folded token is Hangul: Korean attaches particles (북한이, 평양에서) to nouns. */
export function isHangul(word: string): boolean {
  return HANGUL_RE.test(word);
}

/** Normalised identity of a context term (`requires`/`unless`): folded words, `*` kept. */
export function contextKey(term: string): string {
  return foldWords(term).join(' ') + (term.trimEnd().endsWith('*') ? '*' : '');
}
