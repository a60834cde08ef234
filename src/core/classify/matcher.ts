import type { MatchField } from '../types.js';
import { anyPresent, compileGateScanner, type GateScanner } from './gate-scanner.js';
import { GATE_MAX_STRINGS, requiredStrings, SCANNED_GATE_MAX_STRINGS } from './regex-gate.js';
import type { RuleSet } from './rules.js';
import { ARTICLES, contextKey, isHangul, sentenceEnd, tokenize, type Token } from './text.js';

/**
 * One compiled matcher for every topic: all rule terms go into a single word trie, built once.
 * A story is tokenised once per field and walked once; a story with no hit (most of a feed) costs
 * a tokenisation and one Map lookup per word. Exclusion and context terms live in a second trie
 * that is walked only for stories with at least one hit.
 */

/** Something a term stands for. */
type EntryKind = 'pattern' | 'exclusion' | 'context';

interface Entry {
  readonly kind: EntryKind;
  readonly topic: number;
  /** Index into the topic's patterns or exclusions; for context, the context id. */
  readonly rule: number;
  /** The term as written in the rule file. */
  readonly term: string;
  /** For case-sensitive terms: the words as they must be written. */
  readonly cased: readonly string[] | null;
}

/**
 * How a term word matches a story word: `exact`; `any` (a `*` stem: `Києв*` is `Києва`,
 * `Києві`); `particles` (a Hangul word: itself followed by Korean particles only, see
 * isParticleTail).
 */
type WordMode = 'exact' | 'any' | 'particles';

interface PrefixEdge {
  readonly prefix: string;
  readonly mode: 'any' | 'particles';
  readonly node: TrieNode;
}

/**
 * A trie node. Most nodes are leaves with one entry and no prefix edges, so the maps and the
 * entry list are made only when something goes in (null/empty until then): the trie of the
 * shipped rules is built at every start, and its allocations were a third of the collector's
 * time in a one-feed `once`.
 */
interface TrieNode {
  next: Map<string, TrieNode> | null;
  /** Words that match by prefix (stems, Hangul with particles), keyed by first char. */
  prefixes: Map<string, PrefixEdge[]> | null;
  entries: readonly Entry[];
}

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

/**
 * Korean particles and endings that attach to a noun without changing what it names: case and
 * topic markers (이 가 은 는 을 를 의 에 에서 에게 로 으로 와 과 도 만 …), their contractions
 * in headlines (서울서 = 서울에서, 평양엔), the copula (이다, 인, 이며 …), and a few suffixes
 * that keep the referent (측 side, 발 dateline "from", 내 within, 간 between, 들 plural,
 * 군 army, 인 people). A Hangul term word matches the story word itself or itself followed by
 * up to three of these: `북한` is `북한이`, `북한은`, `북한군`, `평양발`, `우크라이나에서는`,
 * but not `북한산` (a mountain in Seoul), `평양냉면` (a dish), `원산지` (country of origin) or
 * `남북전쟁` (the American Civil War). A `*` after a Hangul term accepts any continuation
 * (compounds such as `한국은행`), as for Cyrillic stems.
 */
export const KOREAN_PARTICLES: readonly string[] = [
  '이', '가', '은', '는', '을', '를', '의', '에', '에서', '에게', '에게서', '께', '께서', '한테', '로', '으로', '로서', '으로서', '로써', '으로써',
  '와', '과', '랑', '이랑', '하고', '도', '만', '까지', '부터', '조차', '마저', '보다', '처럼', '같이', '만큼', '이나', '나', '이든', '든', '이며', '며',
  '서', '엔', '선', '이라', '라', '이란', '란', '이라는', '라는', '이라고', '라고', '이다', '다', '이고', '고', '인', '이었다', '였다', '이자', '이지만',
  '인데', '야', '이야', '요', '측', '발', '내', '간', '들', '군',
];
const PARTICLES = new Set(KOREAN_PARTICLES);
const MAX_PARTICLE_LENGTH = Math.max(...KOREAN_PARTICLES.map((p) => p.length));
const MAX_PARTICLES = 3;

/** True when `tail` is empty or up to MAX_PARTICLES Korean particles in a row (`에서는`, `측이`). */
export function isParticleTail(tail: string, depth = 0): boolean {
  if (tail.length === 0) return true;
  if (depth >= MAX_PARTICLES) return false;
  for (let len = Math.min(MAX_PARTICLE_LENGTH, tail.length); len >= 1; len--) {
    if (PARTICLES.has(tail.slice(0, len)) && isParticleTail(tail.slice(len), depth + 1)) return true;
  }
  return false;
}

/** A rule term or regex found in a field. */
export interface Hit {
  readonly kind: EntryKind;
  readonly topic: number;
  readonly rule: number;
  readonly term: string;
  readonly field: MatchField;
  /** Token span [from, to). */
  readonly from: number;
  readonly to: number;
  /** The story's text as written. */
  readonly matched: string;
}

/** A field of a story, tokenised once. */
export interface FieldText {
  readonly field: MatchField;
  readonly text: string;
  readonly tokens: readonly Token[];
}

export interface CompiledRegex {
  readonly kind: 'pattern' | 'exclusion';
  readonly topic: number;
  readonly rule: number;
  readonly source: string;
  readonly re: RegExp;
  /** Its matches must lie within one clause (an exclusion's `one_clause`). */
  readonly oneClause: boolean;
  /** Strings of which every match needs one (see regex-gate.ts); null: always run. */
  readonly gate: readonly string[] | null;
  /** The gate's strings split at their spaces, to be read on a field's words. */
  readonly gatePieces: readonly (readonly string[])[];
  /** The gate's strings as ids of its list's {@link GateScanner}. */
  readonly gateIds: readonly number[];
}

/**
 * A list of regexes, and the scanner that reads all their gates in one pass when they have
 * many strings between them (null when `includes` per gate is cheaper).
 */
interface RegexList {
  readonly regexes: readonly CompiledRegex[];
  readonly scanner: GateScanner | null;
}

/**
 * From this many gate strings in a list on, one scanner pass beats a search per string: on the
 * bench's stories the scanner reads about 8–12 ns per character and `includes` about 0.5–1 per
 * character and string (the shipped exclusion regexes hold 357 strings, the pattern regexes 2).
 */
const SCANNER_MIN_STRINGS = 12;

export interface Matcher {
  /** Pattern hits, longest match first: `North Korea` is not also a bare `Korea`. */
  readonly matchPatterns: (field: FieldText) => Hit[];
  /**
   * Exclusion and context hits (overlapping allowed), for stories that have pattern hits.
   * `topics`: the topics with pattern hits; the exclusion regexes of the others are not run.
   */
  readonly matchAux: (field: FieldText, topics?: ReadonlySet<number>) => Hit[];
  /** Context id of a term list (`requires`/`unless`), as assigned at compile time. */
  readonly contextIds: ReadonlyMap<string, number>;
  /** The same ids by each `requires`/`unless` term as written: no folding per story. */
  readonly contextIdsByTerm: ReadonlyMap<string, number>;
  readonly hasPatternRegex: boolean;
}

function newNode(): TrieNode {
  return { next: null, prefixes: null, entries: NO_ENTRIES };
}

/**
 * Splits a rule term into folded words. `prefixLast`: a trailing `*` makes the last word a stem
 * that accepts any continuation. `modes`: how each word matches (Hangul words accept particles).
 */
export function parseTerm(term: string): { words: string[]; cased: string[]; prefixLast: boolean; modes: WordMode[] } {
  const star = term.trimEnd().endsWith('*');
  const body = star ? term.trimEnd().slice(0, -1) : term;
  const tokens = tokenize(body);
  const words = tokens.map((t) => t.text);
  const modes = words.map((w, i): WordMode => (star && i === words.length - 1 ? 'any' : isHangul(w) ? 'particles' : 'exact'));
  return { words, cased: tokens.map((t) => t.cased), prefixLast: star, modes };
}

function insert(root: TrieNode, term: string, entry: Omit<Entry, 'term' | 'cased'>, caseSensitive: boolean): void {
  const { words, cased, modes } = parseTerm(term);
  if (words.length === 0) return;
  let node = root;
  words.forEach((word, i) => {
    const mode = modes[i] ?? 'exact';
    if (mode !== 'exact') {
      const key = word.charAt(0);
      node.prefixes ??= new Map();
      const list = node.prefixes.get(key) ?? [];
      let found = list.find((p) => p.prefix === word && p.mode === mode);
      if (!found) {
        found = { prefix: word, mode, node: newNode() };
        list.push(found);
        node.prefixes.set(key, list);
      }
      node = found.node;
    } else {
      node.next ??= new Map();
      let child = node.next.get(word);
      if (!child) {
        child = newNode();
        node.next.set(word, child);
      }
      node = child;
    }
  });
  node.entries = [...node.entries, { ...entry, term, cased: caseSensitive ? cased : null }];
}

/** Candidate next nodes for one token: exact word, then any prefix that fits. */
function step(node: TrieNode, word: string, out: TrieNode[]): void {
  const exact = node.next?.get(word);
  if (exact) out.push(exact);
  if (node.prefixes === null) return;
  const list = node.prefixes.get(word.charAt(0));
  if (!list) return;
  for (const p of list) {
    if (word.startsWith(p.prefix) && (p.mode === 'any' || isParticleTail(word.slice(p.prefix.length)))) out.push(p.node);
  }
}

function entryFits(entry: Entry, tokens: readonly Token[], from: number): boolean {
  if (!entry.cased) return true;
  return entry.cased.every((w, i) => tokens[from + i]?.cased === w);
}

/** Whether `word` leads anywhere from `node` ({@link step} without collecting). */
function canStep(node: TrieNode, word: string): boolean {
  if (node.next?.has(word)) return true;
  const list = node.prefixes?.get(word.charAt(0));
  if (!list) return false;
  for (const p of list) {
    if (word.startsWith(p.prefix) && (p.mode === 'any' || isParticleTail(word.slice(p.prefix.length)))) return true;
  }
  return false;
}

const NOTHING_FOUND: readonly { end: number; entries: Entry[] }[] = [];

/**
 * Whether a match starting inside [from, end) reaches past `end`: then the match at `from`, which
 * opens with an article, yields to it. "the South Korean government" is "South Korean", not
 * "the South" (a term that needs North Korea in the story) followed by a lone "Korean"; "the
 * North Korean soldiers" keeps "North Korean soldiers" (the war) and "North Korean".
 */
function overtaken(root: TrieNode, tokens: readonly Token[], from: number, end: number): boolean {
  for (let j = from + 1; j < end; j++) {
    if ((walk(root, tokens, j)[0]?.end ?? j) > end) return true;
  }
  return false;
}

/** True when token `i` is the "s" of a possessive: an apostrophe right before it, joined to the word before. */
function isPossessive(field: FieldText, i: number): boolean {
  const token = field.tokens[i];
  const before = field.tokens[i - 1];
  if (!token || !before || token.start - before.end !== 1) return false;
  const mark = field.text.charAt(token.start - 1);
  return mark === "'" || mark === '\u2019';
}

/**
 * All (end, entries) reachable from `from`, deepest first. Most words start no term: they are
 * answered without allocating (the walk runs at every word of every story).
 */
function walk(root: TrieNode, tokens: readonly Token[], from: number): readonly { end: number; entries: Entry[] }[] {
  if (!canStep(root, tokens[from]?.text ?? '')) return NOTHING_FOUND;
  const found: { end: number; entries: Entry[] }[] = [];
  let frontier: TrieNode[] = [root];
  for (let i = from; i < tokens.length && frontier.length > 0; i++) {
    const word = tokens[i]?.text ?? '';
    const next: TrieNode[] = [];
    for (const node of frontier) step(node, word, next);
    for (const node of next) {
      if (node.entries.length === 0) continue;
      const entries = node.entries.filter((e) => entryFits(e, tokens, from));
      if (entries.length > 0) found.push({ end: i + 1, entries });
    }
    frontier = next;
  }
  return found.reverse();
}

function quote(field: FieldText, from: number, to: number): string {
  const a = field.tokens[from];
  const b = field.tokens[to - 1];
  return a && b ? field.text.slice(a.start, b.end) : '';
}

/** The folded words joined by single spaces, with each word's start offset, for regex rules. */
export function joinTokens(tokens: readonly Token[]): { text: string; starts: number[] } {
  const starts: number[] = [];
  let text = '';
  for (const t of tokens) {
    if (text.length > 0) text += ' ';
    starts.push(text.length);
    text += t.text;
  }
  return { text, starts };
}

/** Token span covered by characters [a, b) of a joined string. */
function spanOf(starts: readonly number[], a: number, b: number): [number, number] {
  let from = 0;
  while (from + 1 < starts.length && (starts[from + 1] ?? Infinity) <= a) from++;
  let to = from + 1;
  while (to < starts.length && (starts[to] ?? Infinity) < b) to++;
  return [from, to];
}

/**
 * True when a sentence ends between the tokens [from, to) of a field, as {@link sentenceEnd}
 * reads it for the context features too ("U.S. officials" and "Aug. 14" are one sentence).
 * A regex rule reads words joined without punctuation, so without this "…by the South's navy;
 * the group said…" would read as "the South's navy said".
 */
export function crossesSentence(field: FieldText, from: number, to: number): boolean {
  return crossesBreak(field, from, to, false);
}

/**
 * True when a comma, or anything {@link crossesSentence} sees, stands between the tokens [from,
 * to). Narrower than the context features' clause (`clauseEnd` in text.ts): a one-clause term reads
 * across a colon and a dash, because a headline's colon tags its source ("…into East Sea: JCS").
 */
export function crossesClause(field: FieldText, from: number, to: number): boolean {
  return crossesBreak(field, from, to, true);
}

function crossesBreak(field: FieldText, from: number, to: number, commas: boolean): boolean {
  for (let k = from + 1; k < to; k++) {
    const left = field.tokens[k - 1];
    const right = field.tokens[k];
    if (!left || !right) continue;
    if (commas && field.text.slice(left.end, right.start).includes(',')) return true;
    if (sentenceEnd(field.text, left, right)) return true;
  }
  return false;
}

function passesGate(gate: readonly string[], text: string): boolean {
  for (const s of gate) if (text.includes(s)) return true;
  return false;
}

/**
 * {@link passesGate} on the words before they are joined: whether `tokens` joined by single
 * spaces would contain a gate string. A string's first piece ends a word, its middle pieces are
 * whole words and its last piece starts a word ("the war in" is "…the" "war" "in…"); a string
 * without a space lies inside one word. Exact for words without spaces. Cheaper than joining a
 * field no regex will search.
 */
export function passesGateInTokens(gate: readonly (readonly string[])[], tokens: readonly Token[]): boolean {
  for (const pieces of gate) {
    const first = pieces[0] ?? '';
    const last = pieces.length - 1;
    if (last === 0) {
      for (const t of tokens) if (t.text.includes(first)) return true;
      continue;
    }
    for (let k = 0; k + last < tokens.length; k++) {
      if (!(tokens[k]?.text ?? '').endsWith(first)) continue;
      let j = 1;
      while (j < last && tokens[k + j]?.text === pieces[j]) j++;
      if (j === last && (tokens[k + last]?.text ?? '').startsWith(pieces[last] ?? '')) return true;
    }
  }
  return false;
}

/**
 * Compiles regexes with their gates; with many gate strings, one scanner for them all, so a
 * field is read once however many regexes and strings there are.
 */
function regexList(regexes: readonly Omit<CompiledRegex, 'gate' | 'gatePieces' | 'gateIds'>[]): RegexList {
  // Each regex is read once, for the wider gate; without a scanner its gate is that one if
  // `includes` may read it (requiredStrings picks the same strings whatever the limit).
  const wide = regexes.map((r) => requiredStrings(r.source, SCANNED_GATE_MAX_STRINGS));
  const scanned = new Set(wide.flatMap((g) => g ?? [])).size >= SCANNER_MIN_STRINGS;
  const strings: string[] = [];
  const idOf = new Map<string, number>();
  const compiled = regexes.map((r, i): CompiledRegex => {
    const widest = wide[i] ?? null;
    const gate = scanned || widest === null || widest.length <= GATE_MAX_STRINGS ? widest : null;
    const gateIds = (gate ?? []).map((g) => {
      let id = idOf.get(g);
      if (id === undefined) {
        id = strings.length;
        strings.push(g);
        idOf.set(g, id);
      }
      return id;
    });
    return { ...r, gate, gatePieces: (gate ?? []).map((g) => g.split(' ')), gateIds };
  });
  return { regexes: compiled, scanner: scanned ? compileGateScanner(strings) : null };
}

/**
 * Runs regexes over a field joined into words. `readWords`: read the gates on the words first
 * (pattern regexes, run on every story, whose fields are mostly never joined); exclusion
 * regexes run on stories with hits, most of which are joined anyway, and read them joined.
 */
function runRegexes(list: RegexList, field: FieldText, out: Hit[], readWords: boolean, topics?: ReadonlySet<number>): void {
  if (field.tokens.length === 0) return;
  // Joined once, and only when a regex is to run.
  let joined: { text: string; starts: number[] } | null = null;
  let spaced: boolean | null = null;
  // With a scanner, every gate string of the list is found in one pass, at the first gate read.
  let present: Uint8Array | null = null;
  const { scanner } = list;
  for (const r of list.regexes) {
    if (topics !== undefined && !topics.has(r.topic)) continue;
    if (r.gate !== null) {
      // Before any regex ran, a pattern regex's gate is read on the words: a field no regex
      // searches is never joined. A word folded to several (NFKC spells some ligatures with
      // spaces) is read joined.
      if (readWords) spaced ??= field.tokens.some((t) => t.text.includes(' '));
      const onWords = readWords && joined === null && spaced === false;
      let passes: boolean;
      if (scanner !== null) {
        present ??= onWords ? scanner.scanWords(field.tokens) : scanner.scan((joined ??= joinTokens(field.tokens)).text);
        passes = anyPresent(present, r.gateIds);
      } else {
        passes = onWords ? passesGateInTokens(r.gatePieces, field.tokens) : passesGate(r.gate, (joined ??= joinTokens(field.tokens)).text);
      }
      if (!passes) continue;
    }
    joined ??= joinTokens(field.tokens);
    r.re.lastIndex = 0;
    for (let m = r.re.exec(joined.text); m !== null; m = r.re.exec(joined.text)) {
      if (m[0].length === 0) {
        r.re.lastIndex++;
        continue;
      }
      const [from, to] = spanOf(joined.starts, m.index, m.index + m[0].length);
      if (r.oneClause ? crossesClause(field, from, to) : crossesSentence(field, from, to)) continue;
      out.push({ kind: r.kind, topic: r.topic, rule: r.rule, term: r.source, field: field.field, from, to, matched: quote(field, from, to) });
    }
  }
}

/**
 * Compiles a rule set. Regexes must already be valid (src/config/rules.ts rejects bad ones with
 * the file and path); they get the `g` and `u` flags here.
 */
export function compileMatcher(rules: RuleSet): Matcher {
  const patternRoot = newNode();
  const auxRoot = newNode();
  const patternRegexes: Omit<CompiledRegex, 'gate' | 'gatePieces' | 'gateIds'>[] = [];
  const auxRegexes: Omit<CompiledRegex, 'gate' | 'gatePieces' | 'gateIds'>[] = [];
  const contextIds = new Map<string, number>();
  const contextIdsByTerm = new Map<string, number>();

  const contextId = (term: string): number => {
    const key = contextKey(term);
    let id = contextIds.get(key);
    if (id === undefined) {
      id = contextIds.size;
      contextIds.set(key, id);
      insert(auxRoot, term, { kind: 'context', topic: -1, rule: id }, false);
    }
    contextIdsByTerm.set(term, id);
    return id;
  };

  rules.topics.forEach((topic, t) => {
    topic.patterns.forEach((p, r) => {
      for (const term of p.terms) insert(patternRoot, term, { kind: 'pattern', topic: t, rule: r }, p.caseSensitive);
      if (p.regex !== undefined) patternRegexes.push({ kind: 'pattern', topic: t, rule: r, source: p.regex, re: new RegExp(p.regex, 'gu'), oneClause: false });
      for (const term of [...p.requires, ...p.unless]) contextId(term);
    });
    topic.exclusions.forEach((x, r) => {
      for (const term of x.requires) contextId(term);
      for (const term of x.terms) insert(auxRoot, term, { kind: 'exclusion', topic: t, rule: r }, false);
      if (x.regex !== undefined) auxRegexes.push({ kind: 'exclusion', topic: t, rule: r, source: x.regex, re: new RegExp(x.regex, 'gu'), oneClause: x.oneClause });
    });
  });

  const patternList = regexList(patternRegexes);
  const auxList = regexList(auxRegexes);

  const toHits = (field: FieldText, from: number, end: number, entries: readonly Entry[], out: Hit[]): void => {
    const matched = quote(field, from, end);
    for (const e of entries) out.push({ kind: e.kind, topic: e.topic, rule: e.rule, term: e.term, field: field.field, from, to: end, matched });
  };

  // Exclusion terms whose match must lie within one clause (`one_clause`).
  const oneClause = (e: Entry): boolean => e.kind === 'exclusion' && rules.topics[e.topic]?.exclusions[e.rule]?.oneClause === true;
  const hasOneClauseTerms = rules.topics.some((t) => t.exclusions.some((x) => x.oneClause && x.terms.length > 0));

  return {
    contextIds,
    contextIdsByTerm,
    hasPatternRegex: patternRegexes.length > 0,
    matchPatterns(field) {
      const out: Hit[] = [];
      const { tokens } = field;
      // Longest match wins and consumes its words for every topic ("North Korea" is not also a
      // bare "Korea"), but a shorter match of another topic at the same start still counts:
      // "North Korean troops" (Ukraine war) does not hide "North Korean" from North Korea.
      let nextFree = 0;
      for (let i = 0; i < tokens.length; i++) {
        if (i < nextFree) continue;
        const word = tokens[i]?.text ?? '';
        // Fast path: most words start nothing.
        if (patternRoot.next?.has(word) !== true && patternRoot.prefixes?.has(word.charAt(0)) !== true) continue;
        // A possessive's "s" ("Strathfield's Korean traders") starts no term: "S Korean" is the
        // abbreviation only when the "s" stands alone.
        if (word === 's' && isPossessive(field, i)) continue;
        const matches = walk(patternRoot, tokens, i);
        if (ARTICLES.has(word) && overtaken(patternRoot, tokens, i, matches[0]?.end ?? i)) continue;
        const done = new Set<number>();
        for (const found of matches) {
          for (const e of found.entries) {
            if (done.has(e.topic)) continue;
            // One hit per topic per span, even when an exact word and a prefix both fit.
            toHits(field, i, found.end, [e], out);
            done.add(e.topic);
            nextFree = Math.max(nextFree, found.end);
          }
        }
      }
      runRegexes(patternList, field, out, true);
      return out;
    },
    matchAux(field, topics) {
      const out: Hit[] = [];
      const { tokens } = field;
      for (let i = 0; i < tokens.length; i++) {
        for (const found of walk(auxRoot, tokens, i)) {
          const entries = hasOneClauseTerms && crossesClause(field, i, found.end) ? found.entries.filter((e) => !oneClause(e)) : found.entries;
          toHits(field, i, found.end, entries, out);
        }
      }
      // A topic's exclusions only mask its own hits, so a topic without hits needs none of its
      // regexes. A penalty on a topic without hits decides nothing either: its verdicts and
      // scores were the same, compared on 24,718 stories. They were a fifth of the cost of
      // classifying a story with a hit.
      runRegexes(auxList, field, out, false, topics);
      return out;
    },
  };
}
