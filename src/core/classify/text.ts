/**
 * Text normalisation and tokenisation shared by the rule matcher and the model, so a rule term
 * and a story are folded the same way.
 *
 * Tokens are runs of letters, digits and combining marks (Unicode-aware: Latin, Hangul, Cyrillic
 * alike), so word boundaries hold in every script. Korean writes Latin acronyms and Hanja against
 * Hangul particles and words (`IAEA는`, `DMZ에서`, `北미사일`), so a run is also cut where the
 * letters change between Hangul, Han and any other script. Each token keeps its offsets in the
 * original text, which lets reasons quote the story as written.
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

const HANGUL_RE = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;
const MARK_RE = /\p{M}/gu;
/** One code point that is part of a word: a letter, a digit or a combining mark, in any script. */
const WORD_CHAR_RE = /^[\p{L}\p{N}\p{M}]$/u;

/**
 * Folds diacritics and compatibility forms but not case. Hangul is left composed: decomposing it
 * would turn syllables into jamo and break matching against rule terms.
 */
function foldMarks(word: string): string {
  const nfkc = word.normalize('NFKC');
  if (HANGUL_RE.test(nfkc)) return nfkc;
  return nfkc.normalize('NFD').replace(MARK_RE, '').normalize('NFC');
}

/** True for a word code point; ASCII by comparison, the rest (rare in a feed) by Unicode property. */
function isWordCodePoint(code: number): boolean {
  if (code < 128) return isAsciiWord(code);
  return WORD_CHAR_RE.test(String.fromCodePoint(code));
}

/** Script class of a non-ASCII letter for word cuts: 1 Hangul, 2 Han, 0 anything else. */
function cjkClass(code: number): number {
  if ((code >= 0xac00 && code <= 0xd7af) || (code >= 0x1100 && code <= 0x11ff) || (code >= 0x3130 && code <= 0x318f)) return 1;
  if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff)) return 2;
  return 0;
}

/** 3 for a letter of another script (Latin, Cyrillic…), 0 for digits and marks (they never cut a word). */
function letterClass(code: number): number {
  if (code < 128) return code >= 48 && code <= 57 ? 0 : 3;
  // Latin-1 to Latin Extended-B and Cyrillic letters, without a regex (Ukrainian and Russian feeds).
  if ((code >= 0xc0 && code <= 0x24f) || (code >= 0x400 && code <= 0x482) || (code >= 0x48a && code <= 0x52f)) return 3;
  const cjk = cjkClass(code);
  if (cjk !== 0) return cjk;
  return /^\p{L}$/u.test(String.fromCodePoint(code)) ? 3 : 0;
}

/**
 * Splits a field into folded tokens: maximal runs of letters, digits and marks (what
 * `/[\p{L}\p{N}\p{M}]+/gu` finds), cut again where the letters change between Hangul, Han
 * and other scripts (`DMZ에서` is `DMZ` + `에서`; digits and marks never cut), walked by code
 * point. Tokenising is most of the cost of a story with no hit; comparing char codes is several times faster than the Unicode property
 * regex, and an all-ASCII word (most of an English feed, even one with dashes and curly quotes
 * between its words) skips normalisation. Pure.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    // Between words: ASCII by its char code, the rest by code point.
    let c = text.charCodeAt(i);
    if (c < 128) {
      if (!isAsciiWord(c)) {
        i++;
        continue;
      }
    } else {
      const code = text.codePointAt(i) ?? 0;
      if (!isWordCodePoint(code)) {
        i += code > 0xffff ? 2 : 1;
        continue;
      }
    }
    const start = i;
    // An all-ASCII word, most of an English feed: a run of ASCII letters and digits ends at
    // anything else (a curly quote too), and only a non-ASCII letter, digit or mark right after it
    // sends the word to the general walk.
    while (i < n && (c = text.charCodeAt(i)) < 128 && isAsciiWord(c)) i++;
    if (i >= n || c < 128 || !isWordCodePoint(text.codePointAt(i) ?? 0)) {
      const cased = text.slice(start, i);
      tokens.push({ text: cased.toLowerCase(), cased, start, end: i });
      continue;
    }
    i = wordEnd(text, start, i);
    const cased = foldMarks(text.slice(start, i));
    tokens.push({ text: cased.toLowerCase(), cased, start, end: i });
  }
  return tokens;
}

/** An ASCII letter or digit. */
function isAsciiWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/**
 * The end of a word that reaches a non-ASCII code point at `i` (its all-ASCII start [start, i)
 * already walked): the run goes on over letters, digits and marks of any script, and is cut
 * where the letters change between Hangul, Han and other scripts.
 */
function wordEnd(text: string, start: number, from: number): number {
  const n = text.length;
  let i = from;
  // Letter class of the token so far (0: no letter yet).
  let cls = asciiLetterClass(text, start, i);
  let code = text.codePointAt(i) ?? 0;
  while (i < n && isWordCodePoint(code)) {
    const c = letterClass(code);
    if (c !== 0) {
      if (cls !== 0 && c !== cls) break;
      cls = c;
    }
    i += code > 0xffff ? 2 : 1;
    code = i < n ? (text.codePointAt(i) ?? 0) : 0;
  }
  return i;
}

/** Letter class of an all-ASCII stretch [from, to) of a token: 3 if it has a letter, else 0. */
function asciiLetterClass(text: string, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return 3;
  }
  return 0;
}

/**
 * Articles: they open a term ("the North") or a summary's lead ("The South Korean president")
 * without being part of the name after them.
 */
export const ARTICLES: ReadonlySet<string> = new Set(['the', 'a', 'an']);

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

/** Abbreviations whose full stop ends no sentence: a month before its day ("Aug. 14"). */
const MONTH_ABBREVIATIONS: ReadonlySet<string> = new Set('jan feb mar apr jun jul aug sep sept oct nov dec'.split(' '));
/** Titles before a name ("Mr. Kim", "Gen. Milley", "Rep. Andy Kim"): their full stop ends no sentence. */
const TITLE_ABBREVIATIONS: ReadonlySet<string> = new Set('mr mrs ms dr gen lt col sgt capt maj adm rep sen gov prof st'.split(' '));
/** A full stop, "!" or "?", any closing quotes or brackets, then a space: the end of a sentence. */
const SENTENCE_END_RE = /[.!?]['"\u2019\u201d)\]]*\s/u;

/**
 * True when the text between two tokens of `text` ends a sentence: a semicolon, or a full stop,
 * "!" or "?" followed by a space — but not the full stop of a one-letter abbreviation ("U.S.
 * officials", "N. Korea"), of a month before its day ("Aug. 14") or of a title before a name
 * ("Mr. Kim"), and never a point inside a word or a number ("$2.6bn", "U.S.-led", "Amazon.com").
 * The one reading of a sentence's end for the rule matcher and the context features.
 */
export function sentenceEnd(text: string, left: Token, right: Token): boolean {
  return gapEndsSentence(text.slice(left.end, right.start), left, right);
}

/** {@link sentenceEnd} for the text between the two tokens, already sliced. */
export function gapEndsSentence(gap: string, left: Token, right: Token): boolean {
  if (gap.includes(';')) return true;
  if (!SENTENCE_END_RE.test(gap)) return false;
  if (gap.startsWith('.')) {
    if (left.end - left.start === 1) return false;
    if (MONTH_ABBREVIATIONS.has(left.text) && /^\d/u.test(right.text)) return false;
    if (TITLE_ABBREVIATIONS.has(left.text) && /^\p{Lu}/u.test(right.cased)) return false;
  }
  return true;
}

/** A comma, colon, bracket, en or em dash, or a spaced hyphen or double hyphen ("SEOUL --"). */
const CLAUSE_END_RE = /[,;:()\u2013\u2014]|\s--?\s/u;

/**
 * True when the text between two tokens ends a clause: a sentence's end ({@link sentenceEnd}) or
 * a comma, colon, bracket or dash. The one reading of a clause's end for the rule matcher and
 * the context features.
 */
export function clauseEnd(text: string, left: Token, right: Token): boolean {
  const gap = text.slice(left.end, right.start);
  return CLAUSE_END_RE.test(gap) || gapEndsSentence(gap, left, right);
}

/**
 * True when tokens [from, to) are a bare dateline opening the text, in capitals before a dash or
 * a comma: "SEOUL — About 100 North Korean soldiers…", "TOKYO, Oct 3 -". Where the story was
 * filed, neither its subject nor a party of it.
 */
export function bareDateline(text: string, tokens: readonly Token[], from: number, to: number): boolean {
  const first = tokens[from];
  const last = tokens[to - 1];
  if (from !== 0 || !first || !last) return false;
  const words = text.slice(first.start, last.end);
  return words === words.toUpperCase() && words !== words.toLowerCase() && /^\s*[—–,-]/u.test(text.slice(last.end));
}

/** Acronyms a shouted headline keeps in capitals (and two-letter ones but SHOUTED_SHORT_WORDS): the rules' case-sensitive `ROK` and `NK`, and words whose capitals the context features read. */
const SHOUTED_ACRONYMS: ReadonlySet<string> = new Set(
  'ROK DPRK USA ICBM ICBMS SLBM IRBM NATO KCNA JCS IAEA APEC ASEAN IMF WHO UAE BBC CNN AFP TASS NBU SBU GUR FSB CIA FBI NIS KOSPI THAAD HIMARS ATACMS OPEC OSCE GDP DMZ JSA NLL UNSC WFP EU27'.split(' '),
);
/** Two-letter words that are words, not acronyms (NK, US, UN, SK, LG stay). */
const SHOUTED_SHORT_WORDS: ReadonlySet<string> = new Set('HE TO OF IN ON AT BY UP AS IS IT NO SO OR AN BE DO GO ME MY WE IF'.split(' '));
/** A field written in capitals: at least this many words of letters, and no lower-case letter. */
const SHOUTED_MIN_WORDS = 3;

/**
 * A field written wholly in capitals ("TRUMP SAYS HE RECEIVED A 'BEAUTIFUL LETTER' FROM KIM", as
 * some wires and alert feeds write headlines) in title case, its acronyms kept: the context
 * features read capitals as names ("Kim" after "Trump", "Kim Clijsters"), and a shouted headline
 * makes every word one. The same length, so offsets hold. Any other text is returned as it is.
 */
export function unshout(text: string): string {
  if (/\p{Ll}/u.test(text)) return text;
  const words = text.match(/\p{Lu}[\p{Lu}\p{M}'’]*/gu);
  if (!words || words.length < SHOUTED_MIN_WORDS) return text;
  return text.replace(/(\p{Lu})([\p{Lu}\p{M}'’]+)/gu, (word: string, first: string, rest: string) => {
    if ((word.length <= 2 && !SHOUTED_SHORT_WORDS.has(word)) || SHOUTED_ACRONYMS.has(word)) return word;
    const lower = rest.toLowerCase();
    return lower.length === rest.length ? first + lower : word;
  });
}

/** At least this many words in a headline that a summary repeats before it counts as an echo. */
const ECHO_MIN_WORDS = 3;

/**
 * The summary without a repeat of the headline at its start: feeds whose description opens with
 * the headline, or is only the headline (an aggregator's "Headline  Outlet" once the outlet's
 * credit is set aside; Google News's own is read at normalisation, src/core/google-news.ts). Read twice, the headline's names would count twice, as if the story named the topic
 * again. Words are compared folded (case, marks and punctuation aside); the summary is returned
 * as it is unless it opens with every word of the headline.
 */
export function withoutHeadlineEcho(title: string, summary: string, titleTokens: readonly Token[] = tokenize(title)): string {
  const t = titleTokens;
  if (t.length < ECHO_MIN_WORDS || summary.length < title.length * 0.8) return summary;
  // Cheap test first: the first letters agree.
  const a = /[\p{L}\p{N}]/u.exec(summary)?.[0]?.toLowerCase();
  if (a === undefined || a !== t[0]?.text[0]) return summary;
  const s = tokenize(summary);
  if (s.length < t.length || !t.every((tok, k) => s[k]?.text === tok.text)) return summary;
  const end = s[t.length - 1]?.end ?? 0;
  return summary.slice(end).replace(/^[\s\p{P}\p{S}]+/u, '');
}

/**
 * True when the headline is the summary's own opening cut short: what a feed without titles gets
 * from normalisation (src/core/story.ts cuts the summary at 120 characters and adds "…"). It is no
 * headline, and the classifier reads the summary alone: weighing the lede's first words as a
 * headline's doubled every passing mention in it (with every evaluation story's headline made so,
 * Ukraine had 490 false positives against 181 for the summary read alone).
 */
export function isCutFromSummary(title: string, summary: string): boolean {
  return title.endsWith('…') && title.length > 1 && summary.length >= title.length && summary.startsWith(title.slice(0, -1).trimEnd());
}
