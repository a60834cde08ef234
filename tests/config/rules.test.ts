import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigErrors } from '../../src/config/errors.js';
import { loadRules, loadTrainingExamples, parseTopicFile } from '../../src/config/rules.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('watchfloor-rules-');

const GOOD = `id: taiwan
label: Taiwan
color: "#fe0000"
threshold: 4
patterns:
  - name: country
    weight: 3
    terms: [Taiwan, Taipei]
  - name: president
    weight: 4
    terms: [Lai Ching-te]
exclusions:
  - terms: [Taiwan Semiconductor]
`;

function problems(file: string, text: string): string[] {
  return parseTopicFile(file, text).errors.map((e) => e.message);
}

describe('parseTopicFile', () => {
  it('GIVEN a valid topic THEN it is parsed, frozen, with defaults filled in', () => {
    const { topic, errors } = parseTopicFile('rules/taiwan.yaml', GOOD);
    expect(errors).toEqual([]);
    expect(topic?.color).toBe(0xfe0000);
    expect(topic?.titleWeight).toBe(2);
    expect(topic?.patterns[1]?.name).toBe('president');
    expect(topic?.exclusions[0]?.name).toBe('Taiwan Semiconductor');
    expect(Object.isFrozen(topic)).toBe(true);
  });

  it('GIVEN a weight that is not a number THEN the message names the file, the line, the path and the fix', () => {
    const bad = GOOD.replace('weight: 4', 'weight: high');
    expect(problems('rules/taiwan.yaml', bad)).toEqual([expect.stringMatching(/^rules\/taiwan\.yaml \(line 10, patterns\[1\]\.weight\): must be a number; fix: give a positive number/)]);
  });

  it('GIVEN an unknown key THEN it is named with its line and a fix', () => {
    const bad = GOOD.replace('  - name: president\n', '  - name: president\n    wieght: 2\n');
    expect(problems('rules/taiwan.yaml', bad)).toEqual([expect.stringMatching(/\(line 10, patterns\[1\]\.wieght\): unknown key "wieght"; fix: remove or correct the spelling/)]);
  });

  it('GIVEN a missing threshold THEN the error says it is required', () => {
    const bad = GOOD.replace('threshold: 4\n', '');
    expect(problems('rules/taiwan.yaml', bad)).toEqual([expect.stringMatching(/\(line 1, threshold\): is required/)]);
  });

  it('GIVEN a regex that does not compile THEN the error names the pattern path', () => {
    const bad = GOOD.replace('    terms: [Lai Ching-te]\n', '    regex: "lai (ching"\n');
    expect(problems('rules/taiwan.yaml', bad)).toEqual([expect.stringMatching(/\(line 11, patterns\[1\]\.regex\): regex is not a valid regular expression/)]);
  });

  it('GIVEN a regex that matches the empty string THEN it is refused', () => {
    const bad = GOOD.replace('    terms: [Lai Ching-te]\n', '    regex: "x*"\n');
    expect(problems('rules/taiwan.yaml', bad)).toEqual([expect.stringMatching(/matches the empty string/)]);
  });

  it('GIVEN broken YAML THEN the syntax error carries line and column', () => {
    expect(problems('rules/taiwan.yaml', 'id: taiwan\nlabel: [unclosed\n')).toEqual([expect.stringMatching(/^rules\/taiwan\.yaml \(line \d+, column \d+\): YAML syntax error/)]);
  });

  it('GIVEN an id that differs from the file name THEN the fix says which to change', () => {
    expect(problems('rules/formosa.yaml', GOOD)).toEqual([expect.stringMatching(/id "taiwan" differs from the file name; fix: set id: formosa or rename the file to taiwan\.yaml/)]);
  });

  it('GIVEN the same term twice in one topic THEN it is refused (it would count twice)', () => {
    const bad = GOOD.replace('[Lai Ching-te]', '[Lai Ching-te, Taipei]');
    expect(problems('rules/taiwan.yaml', bad)).toEqual([expect.stringMatching(/patterns\[1\]\.terms\[1\]\): term "Taipei" is already listed at patterns\[0\]\.terms\[1\]/)]);
  });
});

describe('loadRules', () => {
  it('GIVEN the shipped rules directory THEN it loads the three topics', () => {
    const rules = loadRules(join(import.meta.dirname, '../../rules'));
    expect(rules.topics.map((t) => t.id)).toEqual(['north-korea', 'south-korea', 'ukraine']);
    expect(rules.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('GIVEN two files with the same topic id THEN loading fails with ConfigErrors naming both files', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'taiwan.yaml'), GOOD);
    writeFileSync(join(dir, 'taiwan.yml'), GOOD);
    let error: unknown;
    try {
      loadRules(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigErrors);
    expect((error as ConfigErrors).message).toMatch(/taiwan\.yml \(id\): topic id "taiwan" is already used by .*taiwan\.yaml/);
  });

  it('GIVEN an only_with that names no topic THEN loading fails with the known ids', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'taiwan.yaml'), `${GOOD}  - terms: [Taipei Times]\n    only_with: china\n`);
    expect(() => loadRules(dir)).toThrow(/exclusions\[1\]\.only_with\): refers to unknown topic "china"; fix: use one of taiwan/);
  });

  it('GIVEN one_clause on an exclusion THEN it is read (false by default); a value that is not true or false is an error naming it', () => {
    const { topic } = parseTopicFile('rules/taiwan.yaml', `${GOOD}  - regex: "taipei said"\n    one_clause: true\n`);
    expect(topic?.exclusions.map((x) => x.oneClause)).toEqual([false, true]);
    expect(problems('rules/taiwan.yaml', `${GOOD}  - regex: "taipei said"\n    one_clause: yes please\n`).join('\n')).toMatch(/exclusions\[1\]\.one_clause.*must be true or false/);
  });

  it('GIVEN requires on an exclusion THEN it is read (none by default); an empty word is an error naming it', () => {
    const { topic } = parseTopicFile('rules/taiwan.yaml', `${GOOD}  - terms: [chip shortage]\n    requires: [carmaker, automaker]\n    penalty: 1\n`);
    expect(topic?.exclusions.map((x) => x.requires)).toEqual([[], ['carmaker', 'automaker']]);
    expect(problems('rules/taiwan.yaml', `${GOOD}  - terms: [chip shortage]\n    requires: [carmaker, ""]\n`).join('\n')).toMatch(/exclusions\[1\]\.requires\[1\]\): must not be empty/);
  });

  it('GIVEN model.certain_no_factor THEN it is read (2, a confident no\'s factor, by default); one below 2 is an error naming it and the fix', () => {
    expect(parseTopicFile('rules/taiwan.yaml', GOOD).topic?.model.certainNoFactor).toBe(2);
    const withFactor = GOOD.replace('threshold: 4\n', 'threshold: 4\nmodel:\n  weight: 2\n  certain_no_factor: 3\n');
    expect(parseTopicFile('rules/taiwan.yaml', withFactor).topic?.model).toEqual({ enabled: true, weight: 2, certainNoFactor: 3 });
    expect(problems('rules/taiwan.yaml', withFactor.replace('certain_no_factor: 3', 'certain_no_factor: 1'))).toEqual([
      expect.stringMatching(/^rules\/taiwan\.yaml \(line 7, model\.certain_no_factor\): must be at least 2 \(a confident no's factor\)/),
    ]);
  });

  it('GIVEN an empty directory THEN the error says to add a topic file', () => {
    expect(() => loadRules(tempDir())).toThrow(/no topic files/);
  });
});

describe('loadTrainingExamples', () => {
  it('GIVEN a bad line in a training file THEN the error names the file and line', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'training'));
    writeFileSync(join(dir, 'training', 'a.jsonl'), '{"title":"ok","summary":"","labels":[]}\n{"title": 3, "labels": []}\n');
    expect(() => loadTrainingExamples(dir)).toThrow(/a\.jsonl \(line 2, title\): must be a string/);
  });

  it('GIVEN the shipped training data THEN every label is a known topic and the hash is stable', () => {
    const dir = join(import.meta.dirname, '../../rules');
    const a = loadTrainingExamples(dir);
    const ids = new Set(loadRules(dir).topics.map((t) => t.id));
    expect(a.examples.length).toBeGreaterThan(200);
    for (const ex of a.examples) for (const label of ex.labels) expect(ids).toContain(label);
    expect(loadTrainingExamples(dir).hash).toBe(a.hash);
  });
});
