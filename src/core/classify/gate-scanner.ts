/**
 * One pass over a field that finds which of many strings it contains: the regex rules' gates
 * (regex-gate.ts), read all at once instead of one `includes` per string.
 *
 * A story with a keyword hit runs up to seventy rule regexes, and each regex's gate was a few
 * `includes` over the whole field: two hundred scans of the same few hundred characters, the
 * largest single cost of classifying such a story. An Aho–Corasick automaton, made a
 * deterministic table at compile time, reads each character once instead.
 *
 * Characters are UTF-16 code units, as `String.prototype.includes` compares them, so "present"
 * here is exactly `text.includes(s)`. Characters that occur in no string share one class, so the
 * table has a column per distinct character of the strings (a few dozen), not per code unit.
 */

export interface GateScanner {
  /** How many strings the scanner knows (ids are 0 … count - 1, in the order given). */
  readonly count: number;
  /** States of the automaton (its table holds states × character classes cells). */
  readonly states: number;
  /** Flags by string id: 1 where `text.includes(strings[id])`. */
  scan(text: string): Uint8Array;
  /**
   * {@link scan} of the words joined by single spaces, without joining them: exact when no word
   * holds a space (the caller checks; NFKC spells a few ligatures with one).
   */
  scanWords(words: readonly { readonly text: string }[]): Uint8Array;
}

const SPACE = 0x20;

/** The automaton as the scan reads it: typed arrays only, nothing of the build kept alive. */
interface Automaton {
  /** Character class of an ASCII code unit; 0: in no string. */
  readonly asciiClass: Uint16Array;
  /** Character class of any other code unit that occurs in a string. */
  readonly otherClass: ReadonlyMap<number, number>;
  readonly classes: number;
  readonly states: number;
  /** Next state by `state * classes + class`. */
  readonly table: Uint16Array | Int32Array;
  /** The ids of the strings that end at state s: `outIds[outStart[s] … outStart[s + 1])`. */
  readonly outStart: Int32Array;
  readonly outIds: Int32Array;
}

function buildAutomaton(strings: readonly string[]): Automaton {
  // Character classes: 0 for any character in no string, then one per distinct code unit.
  const asciiClass = new Uint16Array(128);
  const otherClass = new Map<number, number>();
  let classes = 1;
  const classOf = (code: number): number => (code < 128 ? (asciiClass[code] ?? 0) : (otherClass.get(code) ?? 0));
  for (const s of strings) {
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i);
      if (classOf(code) !== 0) continue;
      if (code < 128) asciiClass[code] = classes++;
      else otherClass.set(code, classes++);
    }
  }

  // The trie: goto by (state, class); state 0 is the root.
  const goto: Map<number, number>[] = [new Map<number, number>()];
  const ends: number[][] = [[]];
  strings.forEach((s, id) => {
    if (s.length === 0) return;
    let state = 0;
    for (let i = 0; i < s.length; i++) {
      const cls = classOf(s.charCodeAt(i));
      const row = goto[state] ?? new Map<number, number>();
      let next = row.get(cls);
      if (next === undefined) {
        next = goto.length;
        row.set(cls, next);
        goto.push(new Map<number, number>());
        ends.push([]);
      }
      state = next;
    }
    ends[state]?.push(id);
  });

  // Breadth first: failure links, each state's matches joined with its failure's, and the
  // deterministic table (a missing goto takes the failure's transition).
  const states = goto.length;
  // Two bytes a cell while the states fit (every shipped rule set: a few thousand).
  const table = states <= 0xffff ? new Uint16Array(states * classes) : new Int32Array(states * classes);
  const outputs: (readonly number[])[] = new Array<readonly number[]>(states).fill([]);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (const [cls, next] of goto[0] ?? []) {
    table[cls] = next;
    queue.push(next);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] ?? 0;
    const failure = fail[state] ?? 0;
    const own = ends[state] ?? [];
    const inherited = outputs[failure] ?? [];
    outputs[state] = inherited.length === 0 ? own : [...own, ...inherited];
    const row = goto[state];
    for (let cls = 0; cls < classes; cls++) {
      const next = row?.get(cls);
      const viaFailure = table[failure * classes + cls] ?? 0;
      if (next === undefined) {
        table[state * classes + cls] = viaFailure;
      } else {
        table[state * classes + cls] = next;
        fail[next] = viaFailure;
        queue.push(next);
      }
    }
  }

  const outStart = new Int32Array(states + 1);
  for (let s = 0; s < states; s++) outStart[s + 1] = (outStart[s] ?? 0) + (outputs[s]?.length ?? 0);
  const outIds = new Int32Array(outStart[states] ?? 0);
  for (let s = 0; s < states; s++) outIds.set(outputs[s] ?? [], outStart[s] ?? 0);
  return { asciiClass, otherClass, classes, states, table, outStart, outIds };
}

/** Builds the scanner for `strings` (an empty string is never flagged: no gate holds one). */
export function compileGateScanner(strings: readonly string[]): GateScanner {
  const { asciiClass, otherClass, classes, states, table, outStart, outIds } = buildAutomaton(strings);
  const count = strings.length;
  const spaceClass = asciiClass[SPACE] ?? 0;

  /** Reads `text` from `state`, flagging the strings that end in it; the state it ends in. */
  const read = (text: string, from: number, present: Uint8Array): number => {
    let state = from;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = table[state * classes + (code < 128 ? (asciiClass[code] ?? 0) : (otherClass.get(code) ?? 0))] ?? 0;
      // Most states end no string: their range is empty.
      for (let k = outStart[state] ?? 0, end = outStart[state + 1] ?? 0; k < end; k++) present[outIds[k] ?? 0] = 1;
    }
    return state;
  };

  return {
    count,
    states,
    scan(text) {
      const present = new Uint8Array(count);
      read(text, 0, present);
      return present;
    },
    scanWords(words) {
      const present = new Uint8Array(count);
      let state = 0;
      for (let w = 0; w < words.length; w++) {
        if (w > 0) {
          state = table[state * classes + spaceClass] ?? 0;
          for (let k = outStart[state] ?? 0, end = outStart[state + 1] ?? 0; k < end; k++) present[outIds[k] ?? 0] = 1;
        }
        state = read(words[w]?.text ?? '', state, present);
      }
      return present;
    },
  };
}

/** True when the scan found any of the ids (a gate passes when one of its strings is present). */
export function anyPresent(present: Uint8Array, ids: readonly number[]): boolean {
  for (const id of ids) if (present[id] === 1) return true;
  return false;
}
