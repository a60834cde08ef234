import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/config/rules.js';
import { compileGateScanner } from '../../../src/core/classify/gate-scanner.js';
import { joinTokens, passesGateInTokens } from '../../../src/core/classify/matcher.js';
import { requiredStrings, SCANNED_GATE_MAX_STRINGS } from '../../../src/core/classify/regex-gate.js';
import { tokenize } from '../../../src/core/classify/text.js';

const shipped = loadRules(join(import.meta.dirname, '../../../rules'));
const shippedRegexes = shipped.topics.flatMap((t) => [...t.patterns, ...t.exclusions].flatMap((r) => (r.regex === undefined ? [] : [{ name: `${t.id}: ${r.name}`, source: r.regex }])));

/** What the matcher runs a regex over: a field's folded words joined by single spaces. */
const joined = (text: string): string => joinTokens(tokenize(text)).text;

/** True when the gate lets `text` through (no gate: always). */
const passes = (gate: readonly string[] | null, text: string): boolean => gate === null || gate.some((g) => text.includes(g));

/** Every title and summary of the eval fixtures and the shipped training text, as the matcher joins them. */
function evalTexts(): string[] {
  const dirs = [join(import.meta.dirname, '../../fixtures/eval'), join(import.meta.dirname, '../../../rules/training')];
  return dirs
    .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir, f)))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((line) => line.trim().startsWith('{'))
    .flatMap((line) => {
      const item = JSON.parse(line) as { title: string; summary?: string };
      return [joined(item.title), joined(item.summary ?? '')];
    });
}

describe('requiredStrings: what every match of a regex needs', () => {
  it('takes literal text in a row, its optional letters spelled out, preferring few long strings', () => {
    expect(requiredStrings('troops? (?:to|in) russia')).toEqual(['troop ', 'troops ']);
    expect(requiredStrings('(?<!not )fair trade')).toEqual(['fair trade']);
  });

  it('unites the requirements of alternatives, and drops a string that contains another', () => {
    expect(requiredStrings('(?:the )?ukraine war|war in (?:the )?ukraine')).toEqual(['war in ', 'ukraine war']);
    expect(requiredStrings('seoul s|seoul|the seoul')).toEqual(['seoul']);
  });

  it("uses a positive lookbehind's text, which must stand in the field", () => {
    expect(requiredStrings('court\\b(?<=thai court)')).toEqual(['thai court']);
  });

  it('has no gate when one alternative needs no literal, or only a short one', () => {
    expect(requiredStrings('\\d+ won|[\\p{L}]+ed')).toBeNull();
    expect(requiredStrings('\\bs [\\p{L}]+')).toBeNull();
    expect(requiredStrings('(?:north )?k')).toBeNull();
  });

  it('skips what it cannot spell: sets, ranges and repeats', () => {
    expect(requiredStrings('[a-z]+ korea')).toEqual([' korea']);
    expect(requiredStrings('(?:ab)+ korea|korea n')).toEqual([' korea', 'korea n']);
    expect(requiredStrings('(?:[\\p{L}]+ ){0,3}?seoul')).toEqual(['seoul']);
  });
});

describe('requiredStrings is sound: a text without the gate never matches', () => {
  // Regexes and texts built from the same few words, so that matches are frequent.
  const words = ['kor', 'ea', 'seoul', 'war', 'ukraine', 's', 'in', 'no', 'sz'];
  const leaf = fc.oneof(
    fc.constantFrom(...words.map((w) => `${w} `), ...words),
    fc.constantFrom('[sz]', '[\\p{L}]+', '\\d', '\\b', ' ', '(?<=war )', '(?<!no )', '(?=s)', '(?!in)'),
  );
  const regexArb = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => a + b),
      fc.tuple(tie('node'), tie('node'), tie('node')).map(([a, b, c]) => a + b + c),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `(?:${a}|${b})`),
      tie('node').map((a) => `(?:${a})?`),
      tie('node').map((a) => `(?:${a}){1,2}`),
      tie('node').map((a) => `(?:${a}){0,3}?`),
      tie('node').map((a) => `(?<=${a})`),
      tie('node').map((a) => `(?=${a})`),
    ),
  })).node;
  const textArb = fc.array(fc.constantFrom(...words, '1'), { minLength: 1, maxLength: 12 }).map((ws) => ws.join(' '));

  it('on generated regexes and texts of the same words', () => {
    let matched = 0;
    fc.assert(
      fc.property(regexArb, fc.array(textArb, { minLength: 30, maxLength: 30 }), (source, texts) => {
        const re = new RegExp(source, 'u');
        // The gates `includes` reads and the wider ones a scanner reads.
        const gates = [requiredStrings(source), requiredStrings(source, SCANNED_GATE_MAX_STRINGS)];
        for (const text of texts) {
          if (!re.test(text)) continue;
          matched++;
          if (!gates.every((gate) => passes(gate, text))) return false;
        }
        return true;
      }),
      { numRuns: 2000, seed: 11 },
    );
    // The check bites: many texts matched their regex.
    expect(matched).toBeGreaterThan(5000);
  });

  it('on every story of the eval fixtures and the shipped training text, for every shipped rule regex', () => {
    const texts = evalTexts();
    let matched = 0;
    for (const { source } of shippedRegexes) {
      const re = new RegExp(source, 'u');
      const gate = requiredStrings(source);
      const wide = requiredStrings(source, SCANNED_GATE_MAX_STRINGS);
      for (const text of texts) {
        if (!re.test(text)) continue;
        matched++;
        expect(passes(gate, text), `${source} matched ${text}`).toBe(true);
        expect(passes(wide, text), `${source} matched ${text}`).toBe(true);
      }
    }
    // The fixtures are made to trip these rules: hundreds of matches, so the check above bites.
    expect(matched).toBeGreaterThan(300);
  });
});

describe('the gate scanner finds exactly the strings includes finds', () => {
  const word = fc.constantFrom('the', 'war', 'in', 'ukraine', 'won', 'korea', 's', 'seoul', '1', 'north', 'украинск', '우크라이나', 'café');
  const textArb = fc.array(word, { minLength: 0, maxLength: 10 }).map((ws) => ws.join(' '));
  // Gate strings: a slice of a random joined text, so they often occur, often cut words and
  // often overlap one another ("n korea" inside "in korea").
  const gateArb = fc.tuple(textArb, fc.nat(), fc.nat()).map(([t, a, b]) => t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1) + 1)).filter((g) => g.length > 0);

  it('GIVEN random texts and strings THEN scan(text) flags a string exactly when text.includes it', () => {
    let found = 0;
    let missing = 0;
    fc.assert(
      fc.property(textArb, fc.array(gateArb, { minLength: 1, maxLength: 8 }), (text, strings) => {
        const present = compileGateScanner(strings).scan(text);
        return strings.every((g, id) => {
          const expected = text.includes(g);
          if (expected) found++;
          else missing++;
          return (present[id] === 1) === expected;
        });
      }),
      { numRuns: 3000, seed: 7 },
    );
    // Both answers are exercised.
    expect(found).toBeGreaterThan(1000);
    expect(missing).toBeGreaterThan(1000);
  });

  it('GIVEN random words THEN scanWords(tokens) is scan of the words joined by single spaces', () => {
    fc.assert(
      fc.property(textArb, fc.array(gateArb, { minLength: 1, maxLength: 8 }), (text, strings) => {
        const scanner = compileGateScanner(strings);
        const tokens = tokenize(text);
        expect([...scanner.scanWords(tokens)]).toEqual([...scanner.scan(joinTokens(tokens).text)]);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('GIVEN the shipped regexes\' gate strings and the eval texts THEN one pass agrees with includes on every string', () => {
    const strings = [...new Set(shippedRegexes.flatMap(({ source }) => requiredStrings(source, SCANNED_GATE_MAX_STRINGS) ?? []))];
    expect(strings.length).toBeGreaterThan(100);
    const scanner = compileGateScanner(strings);
    let flagged = 0;
    for (const text of evalTexts().slice(0, 3000)) {
      const present = scanner.scan(text);
      expect([...present], text).toEqual(strings.map((g) => (text.includes(g) ? 1 : 0)));
      flagged += present.reduce((a, b) => a + b, 0);
    }
    expect(flagged).toBeGreaterThan(1000);
  });

  it('GIVEN strings with empty ones and no strings at all THEN an empty string is never flagged and nothing breaks', () => {
    expect([...compileGateScanner(['', 'war']).scan('war')]).toEqual([0, 1]);
    expect([...compileGateScanner([]).scan('anything')]).toEqual([]);
    expect([...compileGateScanner(['ab']).scanWords([])]).toEqual([0]);
  });
});

describe('a gate read on the words is the gate read on the words joined', () => {
  it('GIVEN random words and gate strings of those words, split at any point THEN passesGateInTokens agrees with includes on the joined text', () => {
    const word = fc.constantFrom('the', 'war', 'in', 'ukraine', 'won', 'korea', 's', 'seoul', '1', 'north');
    const textArb = fc.array(word, { minLength: 0, maxLength: 10 }).map((ws) => ws.join(' '));
    // Gate strings: a slice of a random joined text, so they often occur, and often cut words.
    const gateArb = fc.tuple(textArb, fc.nat(), fc.nat()).map(([t, a, b]) => t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1) + 1)).filter((g) => g.length > 0);
    let found = 0;
    fc.assert(
      fc.property(textArb, fc.array(gateArb, { minLength: 1, maxLength: 3 }), (text, gate) => {
        const tokens = tokenize(text);
        const expected = gate.some((g) => joinTokens(tokens).text.includes(g));
        if (expected) found++;
        return passesGateInTokens(gate.map((g) => g.split(' ')), tokens) === expected;
      }),
      { numRuns: 5000, seed: 5 },
    );
    // Both answers are exercised.
    expect(found).toBeGreaterThan(500);
    expect(found).toBeLessThan(4500);
  });
});
