import { RegExpParser, type AST } from '@eslint-community/regexpp';

/**
 * A regex rule's gate: words that any match needs, found by reading the regex's syntax tree once
 * at compile time. A field that contains none of them cannot match, so the regex is not run on it.
 *
 * Most rule regexes are long alternations that V8 must try at every position of a field, while
 * the field almost never holds the one word they are built around ("ukraine", "won", "court").
 * `String.prototype.includes` finds that out in a fraction of the time. The gate is exact, never
 * a guess: it is derived so that "no gate word in the text" implies "no match", so verdicts do not
 * change (compared on every eval set and the bench's 20,000 stories).
 */

/** At most this many strings in a finite set before it is given up (cross products grow fast). */
const EXACT_LIMIT = 64;
/** A gate of more strings than this costs more to check with `includes` than it saves. */
export const GATE_MAX_STRINGS = 12;
/**
 * A gate read by a scanner (gate-scanner.ts), which finds every string of a list in one pass,
 * may hold this many: there each string costs almost nothing.
 */
export const SCANNED_GATE_MAX_STRINGS = 64;
/** A gate string shorter than this is in almost every text ("s", "in"): no gate. */
const GATE_MIN_LENGTH = 3;

/**
 * What a piece of regex needs. `exact`: every string it can match, when that set is small and
 * finite (`''` included when it can match nothing). `needs`: candidate sets of strings, each of
 * which the text must contain at least one of, for any match.
 */
interface Info {
  readonly exact: readonly string[] | null;
  readonly needs: readonly (readonly string[])[];
}

const UNKNOWN: Info = { exact: null, needs: [] };
const EMPTY: Info = { exact: [''], needs: [] };

/** Drops strings that contain another string of the set: a text with "ukraines" has "ukraine". */
function reduce(strings: readonly string[]): string[] {
  const unique = [...new Set(strings)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const s of unique) if (!kept.some((k) => s.includes(k))) kept.push(s);
  return kept;
}

function cross(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length * b.length > EXACT_LIMIT) return null;
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return [...new Set(out)];
}

/** A usable requirement: every string non-empty. */
function usable(strings: readonly string[]): readonly string[] | null {
  if (strings.length === 0 || strings.some((s) => s.length === 0)) return null;
  return reduce(strings);
}

/**
 * Higher is better: long strings first (capped: "ukraine" is as rare as "constitutional"), then
 * few strings, then longer ones.
 */
function rank(strings: readonly string[]): number {
  const shortest = Math.min(...strings.map((s) => s.length));
  return Math.min(shortest, 6) * 1000 - strings.length * 20 + Math.min(shortest, 19);
}

function best(candidates: readonly (readonly string[])[]): readonly string[] | null {
  let chosen: readonly string[] | null = null;
  for (const c of candidates) if (chosen === null || rank(c) > rank(chosen)) chosen = c;
  return chosen;
}

/** All requirements of an info, its exact set included when it is one. */
function requirements(info: Info): (readonly string[])[] {
  const exact = info.exact === null ? null : usable(info.exact);
  return exact === null ? [...info.needs] : [exact, ...info.needs];
}

/** A choice between alternatives: each must bring its own requirement, and the union is one. */
function alternation(alternatives: readonly AST.Alternative[]): Info {
  const infos = alternatives.map(sequence);
  let exact: string[] | null = [];
  for (const info of infos) {
    if (exact === null || info.exact === null) exact = null;
    else exact = [...exact, ...info.exact];
  }
  if (exact !== null && exact.length > EXACT_LIMIT) exact = null;
  const union: string[] = [];
  for (const info of infos) {
    const own = best(requirements(info));
    if (own === null) return { exact: exact === null ? null : [...new Set(exact)], needs: [] };
    union.push(...own);
  }
  return { exact: exact === null ? null : [...new Set(exact)], needs: [reduce(union)] };
}

/**
 * Elements in a row: runs of exact pieces concatenate; any one element's requirement holds, and so
 * does each run and each run's prefix.
 */
function sequence(alternative: AST.Alternative): Info {
  const needs: (readonly string[])[] = [];
  let run: string[] = [''];
  let whole = true;
  const close = (): void => {
    const done = usable(run);
    if (done !== null) needs.push(done);
  };
  for (const element of alternative.elements) {
    const info = elementInfo(element);
    needs.push(...info.needs);
    // Every prefix of a run is needed too ("veterans of " before the run fans out).
    close();
    const next = info.exact === null ? null : cross(run, info.exact);
    if (next === null) {
      whole = false;
      run = info.exact === null ? [''] : [...info.exact];
    } else {
      run = next;
    }
  }
  close();
  return { exact: whole ? run : null, needs };
}

function characterClass(node: AST.CharacterClass): Info {
  if (node.negate || node.unicodeSets) return UNKNOWN;
  const chars: string[] = [];
  for (const e of node.elements) {
    if (e.type !== 'Character') return UNKNOWN;
    chars.push(String.fromCodePoint(e.value));
  }
  return chars.length > 0 && chars.length <= 10 ? { exact: chars, needs: [] } : UNKNOWN;
}

function elementInfo(node: AST.Element): Info {
  switch (node.type) {
    case 'Character':
      return { exact: [String.fromCodePoint(node.value)], needs: [] };
    case 'CharacterClass':
      return characterClass(node);
    case 'Group':
      return node.modifiers === null ? alternation(node.alternatives) : UNKNOWN;
    case 'CapturingGroup':
      return alternation(node.alternatives);
    case 'Assertion':
      // Zero-width: a positive lookaround's text must still be in the field.
      if ((node.kind === 'lookahead' || node.kind === 'lookbehind') && !node.negate) {
        return { exact: [''], needs: requirements(alternation(node.alternatives)) };
      }
      return EMPTY;
    case 'Quantifier': {
      const inner = elementInfo(node.element);
      const optional = node.min === 0;
      const exact = node.max === 1 && inner.exact !== null ? (optional ? [...inner.exact, ''] : inner.exact) : null;
      return { exact, needs: optional ? [] : requirements(inner) };
    }
    default:
      // Character sets (\d, \p{L}, .), backreferences, expression classes: anything.
      return UNKNOWN;
  }
}

/**
 * Strings of which every match of `source` (run with the `u` flag) needs at least one, or null
 * when the regex has no useful requirement (then it always runs): none, one too short, or more
 * than `maxStrings`.
 */
export function requiredStrings(source: string, maxStrings = GATE_MAX_STRINGS): readonly string[] | null {
  let pattern: AST.Pattern;
  try {
    pattern = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(source, 0, source.length, { unicode: true });
  } catch {
    return null;
  }
  const gate = best(requirements(alternation(pattern.alternatives)));
  if (gate === null || gate.length > maxStrings || Math.min(...gate.map((s) => s.length)) < GATE_MIN_LENGTH) return null;
  return gate;
}
