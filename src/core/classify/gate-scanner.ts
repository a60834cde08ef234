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
  /** States of the automaton, for measuring its size (docs/performance.md). */
  readonly states: number;
  /** Flags by string id (the strings' indexes, in the order given): 1 where `text.includes(strings[id])`. */
  scan(text: string): Uint8Array;
  /**
   * {@link scan} of the words joined by single spaces, without joining them: exact when no word
   * holds a space (the caller checks; NFKC spells a few ligatures with one).
   */
  scanWords(words: readonly { readonly text: string }[]): Uint8Array;
}

const SPACE = 0x20;

/**
 * States this close to the root get a full row of the table (every class's next state); deeper
 * ones keep only their few children and fall back along failure links. Text spends nearly all
 * its characters in the shallow states, and the deep ones are most of the automaton: with the
 * shipped rules 141 rows instead of 2,835, 55 KB in all instead of 270 KB, for about 3 ns more
 * per character (11.5 against 8.5 on the bench's texts; about 1 µs on a story with a hit).
 */
const DENSE_DEPTH = 2;

/** The automaton as the scan reads it: typed arrays only, nothing of the build kept alive. */
interface Automaton {
  /** Character class of an ASCII code unit; 0: in no string. */
  readonly asciiClass: Uint16Array;
  /** Character class of any other code unit that occurs in a string. */
  readonly otherClass: ReadonlyMap<number, number>;
  readonly classes: number;
  readonly states: number;
  /** States are numbered breadth first: the shallow ones, which have a row, are 0 … rows - 1. */
  readonly rows: number;
  /** Next state by `state * classes + class`, for the shallow states. */
  readonly table: Int32Array;
  /** A deep state's children: classes and states at `childStart[s] … childStart[s + 1]`. */
  readonly childStart: Int32Array;
  readonly childClass: Int32Array;
  readonly childState: Int32Array;
  readonly fail: Int32Array;
  /** The ids of the strings that end at state s: `outIds[outStart[s] … outStart[s + 1])`. */
  readonly outStart: Int32Array;
  readonly outIds: Int32Array;
}

/** The state after reading a character of class `cls` in `state`. */
function next(a: Automaton, state: number, cls: number): number {
  let s = state;
  for (;;) {
    if (s < a.rows) return a.table[s * a.classes + cls] ?? 0;
    for (let k = a.childStart[s] ?? 0, end = a.childStart[s + 1] ?? 0; k < end; k++) {
      if (a.childClass[k] === cls) return a.childState[k] ?? 0;
    }
    // A deep state's failure is shallower: the loop ends at a state with a row, the root at last.
    s = a.fail[s] ?? 0;
  }
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

  // The trie: children by class; state 0 is the root. States are numbered breadth first below.
  const children: Map<number, number>[] = [new Map<number, number>()];
  const depth: number[] = [0];
  const ends: number[][] = [[]];
  strings.forEach((s, id) => {
    if (s.length === 0) return;
    let state = 0;
    for (let i = 0; i < s.length; i++) {
      const cls = classOf(s.charCodeAt(i));
      const row = children[state] ?? new Map<number, number>();
      let child = row.get(cls);
      if (child === undefined) {
        child = children.length;
        row.set(cls, child);
        children.push(new Map<number, number>());
        depth.push((depth[state] ?? 0) + 1);
        ends.push([]);
      }
      state = child;
    }
    ends[state]?.push(id);
  });

  // Renumbered breadth first, so that the shallow states are the first ones.
  const states = children.length;
  const order: number[] = [0];
  for (let head = 0; head < order.length; head++) for (const child of children[order[head] ?? 0]?.values() ?? []) order.push(child);
  const renumbered = new Int32Array(states);
  order.forEach((old, id) => (renumbered[old] = id));
  const kids = order.map((old) => new Map([...(children[old] ?? [])].map(([cls, child]) => [cls, renumbered[child] ?? 0])));
  const endsAt = order.map((old) => ends[old] ?? []);
  const rows = order.filter((old) => (depth[old] ?? 0) <= DENSE_DEPTH).length;
  const childStart = new Int32Array(states + 1);
  for (let s = 0; s < states; s++) childStart[s + 1] = (childStart[s] ?? 0) + (s >= rows ? (kids[s]?.size ?? 0) : 0);
  const edges = childStart[states] ?? 0;
  const automaton: Automaton = {
    asciiClass,
    otherClass,
    classes,
    states,
    rows,
    table: new Int32Array(rows * classes),
    childStart,
    childClass: new Int32Array(edges),
    childState: new Int32Array(edges),
    fail: new Int32Array(states),
    outStart: new Int32Array(states + 1),
    outIds: new Int32Array(0),
  };
  const { table, childClass, childState, fail } = automaton;

  // In breadth-first order a state's failure (shallower) is complete before it: failure links,
  // each state's matches joined with its failure's, the shallow rows and the deep children.
  const outputs: (readonly number[])[] = new Array<readonly number[]>(states).fill([]);
  for (let state = 0; state < states; state++) {
    const failure = fail[state] ?? 0;
    const own = endsAt[state] ?? [];
    const inherited = state === 0 ? [] : (outputs[failure] ?? []);
    outputs[state] = inherited.length === 0 ? own : [...own, ...inherited];
    let edge = childStart[state] ?? 0;
    for (const [cls, child] of kids[state] ?? []) {
      // The root's children fail to the root; any other child to where its parent's failure goes.
      fail[child] = state === 0 ? 0 : next(automaton, failure, cls);
      if (state >= rows) {
        childClass[edge] = cls;
        childState[edge] = child;
        edge++;
      }
    }
    if (state < rows) {
      for (let cls = 0; cls < classes; cls++) {
        table[state * classes + cls] = kids[state]?.get(cls) ?? (state === 0 ? 0 : next(automaton, failure, cls));
      }
    }
  }

  const { outStart } = automaton;
  for (let s = 0; s < states; s++) outStart[s + 1] = (outStart[s] ?? 0) + (outputs[s]?.length ?? 0);
  const outIds = new Int32Array(outStart[states] ?? 0);
  for (let s = 0; s < states; s++) outIds.set(outputs[s] ?? [], outStart[s] ?? 0);
  return { ...automaton, outIds };
}

/** Builds the scanner for `strings` (an empty string is never flagged: no gate holds one). */
export function compileGateScanner(strings: readonly string[]): GateScanner {
  const a = buildAutomaton(strings);
  const { asciiClass, otherClass, classes, states, rows, table, outStart, outIds } = a;
  const count = strings.length;
  const spaceClass = asciiClass[SPACE] ?? 0;

  /** Reads `text` from `state`, flagging the strings that end in it; the state it ends in. */
  const read = (text: string, from: number, present: Uint8Array): number => {
    let state = from;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const cls = code < 128 ? (asciiClass[code] ?? 0) : (otherClass.get(code) ?? 0);
      state = state < rows ? (table[state * classes + cls] ?? 0) : next(a, state, cls);
      // Most states end no string: their range is empty.
      for (let k = outStart[state] ?? 0, end = outStart[state + 1] ?? 0; k < end; k++) present[outIds[k] ?? 0] = 1;
    }
    return state;
  };

  return {
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
          state = next(a, state, spaceClass);
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
