import { describe, expect, it } from 'vitest';
import { compileMatcher, crossesSentence, type FieldText } from '../../../src/core/classify/matcher.js';
import { tokenize } from '../../../src/core/classify/text.js';
import { rulesFromYaml } from './helpers.js';

/** The first lines of a small topic file: its id, label, colour and threshold. */
const header = (id: string, n: number): string => `id: ${id}
label: ${id}
color: "#00000${n}"
threshold: 4
`;

const rules = rulesFromYaml({
  'alpha.yaml': `id: alpha
label: Alpha
color: "#000001"
threshold: 4
patterns:
  - name: country
    weight: 3
    terms: [North Korea*, Korea*]
  - name: leader
    weight: 3
    terms: [Kim Jong Un]
  - name: acronym
    weight: 2
    terms: [NIS]
    case_sensitive: true
  - name: stem
    weight: 2
    terms: [Києв*]
  - name: hangul
    weight: 2
    terms: [평양]
  - name: hangul stem
    weight: 2
    terms: [우크라이나*]
  - name: by regex
    weight: 1
    regex: "troops? (?:to|in) russia"
`,
  'beta.yaml': `id: beta
label: Beta
color: "#000002"
threshold: 4
patterns:
  - name: korea bare
    weight: 2
    terms: [Korea]
  - name: troops
    weight: 3
    terms: [North Korean troops]
`,
});
const matcher = compileMatcher(rules);

function field(text: string): FieldText {
  return { field: 'title', text, tokens: tokenize(text) };
}

function hits(text: string): string[] {
  return matcher.matchPatterns(field(text)).map((h) => `${rules.topics[h.topic]?.id}:${h.matched}`);
}

describe('compileMatcher', () => {
  it('GIVEN "North Korea" THEN the longest match wins for every topic: no bare "Korea" for the other topic', () => {
    expect(hits('North Korea fires missile')).toEqual(['alpha:North Korea']);
  });

  it('GIVEN a longer match of one topic THEN a shorter match of another topic at the same start still counts', () => {
    expect(hits('North Korean troops seen')).toEqual(expect.arrayContaining(['alpha:North Korean', 'beta:North Korean troops']));
  });

  it('GIVEN hyphens, spaces and curly apostrophes THEN terms match across them', () => {
    expect(hits('Kim Jong-un’s visit')).toEqual(['alpha:Kim Jong-un']);
  });

  it('GIVEN a case-sensitive acronym THEN only the written case matches', () => {
    expect(hits('NIS says')).toEqual(['alpha:NIS']);
    expect(hits('nis says')).toEqual([]);
  });

  it('GIVEN Cyrillic inflection and Hangul particles THEN stems and particles match, other words do not', () => {
    expect(hits('мер Києва')).toEqual(['alpha:Києва']);
    expect(hits('평양에서 열린')).toEqual(['alpha:평양에서']);
    expect(hits('Київ')).toEqual([]);
  });

  it('GIVEN Korean particles after a Hangul term THEN they match; a compound that names something else does not', () => {
    for (const w of ['평양', '평양이', '평양은', '평양의', '평양에서', '평양에서는', '평양서', '평양발', '평양측이']) expect(hits(w), w).toEqual([`alpha:${w}`]);
    // Pyongyang-style cold noodles, a dish sold in Seoul; a made-up longer word.
    expect(hits('평양냉면 맛집')).toEqual([]);
    expect(hits('평양식당')).toEqual([]);
  });

  it('GIVEN a Hangul term with * THEN any continuation matches (compounds)', () => {
    expect(hits('우크라이나군 반격')).toEqual(['alpha:우크라이나군']);
    expect(hits('우크라이나')).toEqual(['alpha:우크라이나']);
  });

  it('GIVEN a Latin acronym or Hanja written against Hangul THEN the word still matches', () => {
    expect(hits('NIS는 밝혔다')).toEqual(['alpha:NIS']);
  });

  it('GIVEN a word that merely contains a term THEN it does not match (Unicode word boundaries)', () => {
    expect(hits('Koreatown? no: Nissan')).toEqual(['alpha:Koreatown']);
    expect(hits('Nissan')).toEqual([]);
  });

  it('GIVEN a term that opens with an article and a longer name starting inside it THEN the name wins', () => {
    const articles = rulesFromYaml({
      'north.yaml': `${header('north', 1)}patterns:
  - name: the North
    weight: 1.5
    terms: [the North]
  - name: North Korean
    weight: 3
    terms: [North Korean]
`,
      'war.yaml': `${header('war', 2)}patterns:
  - name: troops
    weight: 3
    terms: [North Korean soldiers]
`,
    });
    const m = compileMatcher(articles);
    const found = (text: string): string[] => m.matchPatterns(field(text)).map((h) => `${articles.topics[h.topic]?.id}:${h.matched}`);
    // "the North" would take "North" from both names.
    expect(found('Putin praises the North Korean soldiers')).toEqual(['war:North Korean soldiers', 'north:North Korean']);
    expect(found('Seoul talks to the North about the border')).toEqual(['north:the North']);
    // Only an article yields: a name that reaches past another one still wins from the left.
    expect(found('North Korean soldiers')).toEqual(['war:North Korean soldiers', 'north:North Korean']);
  });

  it('GIVEN an operator regex THEN it runs over folded words and reports the original text', () => {
    expect(hits('Pyongyang sends TROOPS to Russia')).toContain('alpha:TROOPS to Russia');
  });
});

describe('regex rules and sentences', () => {
  it('GIVEN a regex whose words run across a sentence end THEN no hit; within one sentence, or across "U.S.", a hit', () => {
    expect(hits('Moscow sends troops. To Russia they return')).not.toContain('alpha:troops. To Russia');
    expect(hits('Moscow sends troops; to Russia they return').some((h) => h.startsWith('alpha:troops'))).toBe(false);
    expect(hits('Pyongyang sends troops to Russia')).toContain('alpha:troops to Russia');
  });

  it('GIVEN punctuation between tokens THEN crossesSentence says whether a sentence ends there', () => {
    const f = field('The South\'s navy; the group said. U.S. officials agreed');
    const at = (word: string): number => f.tokens.findIndex((t) => t.text === word);
    expect(crossesSentence(f, at('navy'), at('group') + 1)).toBe(true);
    expect(crossesSentence(f, at('group'), at('said') + 1)).toBe(false);
    expect(crossesSentence(f, at('u'), at('officials') + 1)).toBe(false);
    expect(crossesSentence(f, at('said'), at('u') + 1)).toBe(true);
  });
});

describe('exclusion regexes of topics without hits', () => {
  const withExclusions = rulesFromYaml({
    'alpha.yaml': `${header('alpha', 1)}patterns:
  - name: city
    weight: 3
    terms: [Busan]
`,
    'beta.yaml': `${header('beta', 2)}patterns:
  - name: country
    weight: 3
    terms: [Ukraine]
exclusions:
  - name: label only
    regex: "ukraine born\\\\b"
  - name: with a penalty
    regex: "busan film festival"
    penalty: 2
`,
  });
  const m = compileMatcher(withExclusions);
  const aux = (text: string, topics?: ReadonlySet<number>): string[] => m.matchAux(field(text), topics).map((h) => `${withExclusions.topics[h.topic]?.id}:${h.matched}`);
  const text = 'Ukraine born director wins Busan film festival prize';

  it('GIVEN the topics with pattern hits THEN only their regexes run, penalties included', () => {
    expect(aux(text)).toEqual(['beta:Ukraine born', 'beta:Busan film festival']);
    // Only alpha has a hit: beta's regexes can neither mask a hit nor change a verdict of a topic
    // without hits (a penalty there decides nothing), so none of them runs.
    expect(aux(text, new Set([0]))).toEqual([]);
    expect(aux(text, new Set([0, 1]))).toEqual(['beta:Ukraine born', 'beta:Busan film festival']);
  });
});

describe('regex gates read by one scan', () => {
  // Twenty exclusion regexes with three gate strings each: past the point where the matcher
  // reads all gates in one pass. One regex has no gate at all ("\d+ won"), one has a gate of
  // twenty strings (too many for includes, not for the scan).
  const cities = ['busan', 'seoul', 'incheon', 'daegu', 'gwangju', 'ulsan', 'suwon', 'jeju', 'daejeon', 'pohang'];
  const regexes = [
    ...cities.map((c) => `(?:${c}|${c}n|${c} city) festival`),
    ...cities.map((c) => `festival in (?:${c}|${c} s old town|greater ${c})`),
    '\\\\d+ won',
    `(?:${[...cities, ...cities.map((c) => `${c} port`)].join('|')}) opera`,
    // Its gate string "port opera" ends inside "ulsan port opera", another regex's: found only
    // through the automaton's failure links.
    'port opera',
  ];
  const many = rulesFromYaml({
    'alpha.yaml': `${header('alpha', 1)}patterns:
  - name: country
    weight: 3
    terms: [Korea]
exclusions:
${regexes.map((r, i) => `  - name: x${i}\n    regex: "${r}"`).join('\n')}
`,
  });
  const m = compileMatcher(many);
  const compiled = many.topics[0]?.exclusions.map((x) => new RegExp(x.regex ?? '', 'gu')) ?? [];

  it('GIVEN texts that hold some gate strings, all, or none THEN the hits are those of every regex run ungated', () => {
    const texts = [
      'Korea: Busan festival and a festival in greater Daegu, 3000 won a ticket; Ulsan port opera',
      'Korea: nothing of note today',
      'Korea: Suwon city festival; festival in Jeju s old town',
      'Korea: Pohang opera, 12 won',
    ];
    let found = 0;
    for (const text of texts) {
      const f = field(text);
      const joined = f.tokens.map((t) => t.text).join(' ');
      const expected = compiled.flatMap((re) => [...joined.matchAll(re)].map((x) => x[0]));
      const got = m.matchAux(f, new Set([0])).filter((h) => h.kind === 'exclusion').map((h) => h.matched.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' '));
      expect(got.sort(), text).toEqual(expected.sort());
      found += got.length;
    }
    expect(found).toBeGreaterThanOrEqual(7);
  });
});

describe('exclusions within one clause', () => {
  const clauseRules = rulesFromYaml({
    'alpha.yaml': `${header('alpha', 1)}patterns:
  - name: country
    weight: 3
    terms: [Southland]
exclusions:
  - name: agency said
    regex: 'southland(?: [\\p{L}]+){0,3}? (?:military|officials) said'
    one_clause: true
  - name: a place, anywhere
    terms: [Southland Texas]
  - name: a place, one clause
    terms: [Southland Ohio]
    one_clause: true
`,
  });
  const m = compileMatcher(clauseRules);
  const masks = (text: string): string[] => m.matchAux(field(text)).filter((h) => h.kind === 'exclusion').map((h) => h.matched);

  it('GIVEN a one_clause exclusion THEN a match across a comma is dropped; within one clause it masks', () => {
    expect(masks('Southland military officials said the drones fell')).toEqual(['Southland military officials said']);
    expect(masks('Held by Southland troops, the military said')).toEqual([]);
    // Without one_clause a term still matches across a comma, as before ("Odessa, Texas").
    expect(masks('Southland, Texas and Southland, Ohio')).toEqual(['Southland, Texas']);
    expect(masks('Southland Ohio')).toEqual(['Southland Ohio']);
  });
});
