import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('watchfloor-eval-');
const ROOT = join(import.meta.dirname, '../..');

/** Items written for this test; gold labels chosen so the expected counts are known. */
const ITEMS = [
  { title: 'Zelensky visits troops in Pokrovsk', summary: 'The president handed out medals.', labels: ['ukraine'] },
  { title: 'Kim Jong Un inspects new missile', summary: 'State media KCNA showed the launch.', labels: ['north-korea'] },
  { title: 'Seoul stocks rise as Kospi rallies', summary: 'South Korean shares gained.', labels: ['south-korea'] },
  { title: 'Garden show opens in London', summary: 'Roses dominate this year.', labels: [] },
  // A deliberate disagreement: labelled Ukraine, but nothing in it says so (a false negative).
  { title: 'Trench warfare explained', summary: 'Assaults can be quiet or loud.', labels: ['ukraine'], borderline: true },
];

function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  // The project's own tsx (what `npx tsx` runs from the repository), from a temp working dir.
  const result = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'src/app/cli.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'info', WATCHFLOOR_MODEL: '', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('watchfloor eval', () => {
  it('GIVEN a labelled JSONL file and --json THEN stdout is exactly one JSON object with per-topic and micro scores', () => {
    const dir = tempDir();
    const file = join(dir, 'items.jsonl');
    writeFileSync(file, `${ITEMS.map((i) => JSON.stringify(i)).join('\n')}\n`);
    const { status, stdout } = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file, '--json'], dir);
    expect(status).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(out).toMatchObject({
      items: 5,
      topics: {
        'north-korea': { precision: 1, recall: 1, f1: 1, tp: 1, fp: 0, fn: 0 },
        'south-korea': { precision: 1, recall: 1, f1: 1, tp: 1, fp: 0, fn: 0 },
        ukraine: { precision: 1, recall: 0.5, f1: 0.6667, tp: 1, fp: 0, fn: 1 },
      },
      micro: { precision: 1, recall: 0.75, f1: 0.8571 },
    });
    // The original fields are the contract; `model` was added (the decisions the model changed),
    // then `training` (the items the training text holds verbatim).
    expect(Object.keys(out).sort()).toEqual(['items', 'micro', 'model', 'topics', 'training']);
    const model = out.model as { consulted: number; changed: number; right: number; wrong: number; calibration: { verdicts: number; logLoss: number | null; brier: number | null; bins: { verdicts: number }[] } };
    expect(model.changed).toBe(model.right + model.wrong);
    expect(model.consulted).toBeGreaterThanOrEqual(model.changed);
    // How well the model's probabilities match the labels, over the same verdicts.
    expect(model.calibration.verdicts).toBe(model.consulted);
    expect(model.calibration.bins.reduce((n, b) => n + b.verdicts, 0)).toBe(model.consulted);
    if (model.consulted > 0) expect(model.calibration.brier).toBeGreaterThanOrEqual(0);
  });

  it('GIVEN --shapes THEN each item is also scored in every feed shape: the credits and the footer score as the story as written, the headline as summary as the headline alone; text and JSON alike', () => {
    const dir = tempDir();
    const file = join(dir, 'items.jsonl');
    const items = [
      ...ITEMS,
      // Off topic as written; an outlet's credit or footer naming Kyiv must not change that.
      { title: 'Central bank holds rates as inflation cools', summary: 'The bank kept its key rate at 4.5% and signalled cuts next year.', labels: [] },
      { title: 'Port authority approves new container terminal', summary: 'The board voted 7-2 for the expansion.', labels: [] },
    ];
    writeFileSync(file, `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
    const args = ['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file, '--shapes'];
    const json = runCli([...args, '--json'], dir);
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as { micro: { f1: number }; shapes: { name: string; topics: Record<string, { fp: number; fn: number }>; micro: { f1: number } }[] };
    const byName = new Map(out.shapes.map((s) => [s.name, s]));
    expect([...byName.keys()]).toEqual(['as-written', 'credit', 'credit-bar', 'google-news', 'footer', 'capitals', 'title-case', 'summary-is-headline', 'summary-opens-with-headline', 'no-headline', 'headline-only']);
    expect(byName.get('as-written')?.micro.f1).toBe(out.micro.f1);
    for (const same of ['credit', 'credit-bar', 'footer', 'summary-opens-with-headline']) expect(byName.get(same)?.topics, same).toEqual(byName.get('as-written')?.topics);
    expect(byName.get('summary-is-headline')?.topics).toEqual(byName.get('headline-only')?.topics);
    const text = runCli(args, dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Feed shapes \(--shapes: each of the 7 items/);
    expect(text.stdout).toMatch(/^credit\s+\d+\/\d+/m);
  });

  it('GIVEN an item whose title the training text holds verbatim THEN --json and the text count it as seen and score it apart from the rest', () => {
    const dir = tempDir();
    const file = join(dir, 'items.jsonl');
    // A line of the shipped training text, its title in other case and spacing, beside the set's own items.
    const training = readFileSync(join(ROOT, 'rules', 'training', 'holdout-2.jsonl'), 'utf8').split('\n').find((l) => l.trim().startsWith('{'));
    const known = JSON.parse(training ?? '{}') as { title: string; summary: string; labels: string[] };
    const seen = { id: 'seen', title: `  ${known.title.toUpperCase()} `, summary: known.summary, labels: known.labels };
    writeFileSync(file, `${[...ITEMS, seen].map((i) => JSON.stringify(i)).join('\n')}\n`);
    const json = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file, '--json'], dir);
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as { training: { seen: number; unseen: number; micro: { seen: unknown; unseen: { f1: number | null } | null } } };
    expect(out.training.seen).toBe(1);
    expect(out.training.unseen).toBe(ITEMS.length);
    expect(out.training.micro.unseen?.f1).toBeTypeOf('number');
    const text = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file], dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Titles also in the training text: 1 of ${ITEMS.length + 1} \\(micro F1 (?:\\d\\.\\d{3}|n/a) on them, \\d\\.\\d{3} on the rest\\)$`, 'm'));
  });

  it('GIVEN --exclude-borderline THEN the JSON scores only the items not marked borderline', () => {
    const dir = tempDir();
    const file = join(dir, 'items.jsonl');
    writeFileSync(file, `${ITEMS.map((i) => JSON.stringify(i)).join('\n')}\n`);
    const { status, stdout } = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file, '--json', '--exclude-borderline'], dir);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ items: 4, micro: { precision: 1, recall: 1, f1: 1 } });
  });

  it('GIVEN the human output THEN it shows the table and every wrong item with its reasons', () => {
    const dir = tempDir();
    const file = join(dir, 'items.jsonl');
    writeFileSync(file, `${ITEMS.map((i) => JSON.stringify(i)).join('\n')}\n`);
    const { status, stdout } = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file], dir);
    expect(status).toBe(0);
    expect(stdout).toMatch(/ukraine\s+1\.000\s+0\.500\s+0\.667\s+1\s+0\s+1/);
    expect(stdout).toMatch(/Without borderline items \(4 items\)/);
    expect(stdout).toMatch(/MISSED ukraine: score 0 \/ 4 — no evidence/);
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toMatch(/"format":"watchfloor-model"/);
  });

  it('GIVEN --exclude-borderline without --json THEN the text scores without the borderline items and says so', () => {
    const dir = tempDir();
    const file = join(dir, 'items.jsonl');
    writeFileSync(file, `${ITEMS.map((i) => JSON.stringify(i)).join('\n')}\n`);
    const { status, stdout } = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file, '--exclude-borderline'], dir);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Without borderline items \(--exclude-borderline: 1 of 5 left out\) \(4 items\)$/m);
    expect(stdout).not.toMatch(/All items/);
    expect(stdout).toMatch(/ukraine\s+1\.000\s+1\.000\s+1\.000\s+1\s+0\s+0/);
    expect(stdout).toMatch(/micro\s+1\.000\s+1\.000\s+1\.000\s+3\s+0\s+0/);
    // The borderline miss is not listed as a wrong item either.
    expect(stdout).toMatch(/Wrong items: 0/);
  });

  it('GIVEN a topic with no gold item and no prediction THEN its ratios are n/a in text and null in JSON, never 1.000', () => {
    const dir = tempDir();
    const file = join(dir, 'items.jsonl');
    // Nothing about North Korea, nothing predicted for it: 0/0 everywhere for that topic.
    const items = [ITEMS[0], ITEMS[2], ITEMS[3]];
    writeFileSync(file, `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
    const json = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file, '--json'], dir);
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as { topics: Record<string, unknown>; micro: unknown };
    expect(out.topics['north-korea']).toEqual({ precision: null, recall: null, f1: null, tp: 0, fp: 0, fn: 0 });
    expect(out.micro).toEqual({ precision: 1, recall: 1, f1: 1 });
    const text = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file], dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/north-korea\s+n\/a\s+n\/a\s+n\/a\s+0\s+0\s+0/);
    expect(text.stdout).toMatch(/n\/a: undefined \(0\/0\)/);
  });

  it('GIVEN a topic predicted but never labelled THEN precision is 0, recall n/a and F1 0', () => {
    const dir = tempDir();
    const file = join(dir, 'items.jsonl');
    writeFileSync(file, `${JSON.stringify({ ...ITEMS[1], labels: [] })}\n`);
    const { status, stdout } = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file, '--json'], dir);
    expect(status).toBe(0);
    expect((JSON.parse(stdout) as { topics: Record<string, unknown> }).topics['north-korea']).toEqual({ precision: 0, recall: null, f1: 0, tp: 0, fp: 1, fn: 0 });
  });

  it('GIVEN an unknown label (a typo) THEN it exits 2 naming the label, its lines and the known topic ids, with or without --json', () => {
    const dir = tempDir();
    const file = join(dir, 'typo.jsonl');
    const lines = [
      JSON.stringify(ITEMS[0]),
      '// a comment line still counts for line numbers',
      JSON.stringify({ ...ITEMS[0], labels: ['ukrane'] }),
      '',
      JSON.stringify({ ...ITEMS[1], labels: ['north-korea', 'ukrane'] }),
      JSON.stringify({ ...ITEMS[2], labels: ['Sout-Korea'] }),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    for (const extra of [['--json'], []]) {
      const { status, stdout, stderr } = runCli(['--rules', join(ROOT, 'rules'), '--db', join(dir, 'db.sqlite'), 'eval', file, ...extra], dir);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/typo\.jsonl \(lines 3, 5\): unknown label "ukrane"; fix: use one of the topic ids north-korea, south-korea, ukraine/);
      expect(stderr).toMatch(/typo\.jsonl \(line 6\): unknown label "Sout-Korea"/);
    }
  });

  it('GIVEN a line that is not JSON THEN it exits 2 naming the file and line', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"title":"a","summary":"","labels":[]}\nnot json\n');
    const { status, stderr } = runCli(['--db', join(dir, 'db.sqlite'), '--rules', join(ROOT, 'rules'), 'eval', file, '--json'], dir);
    expect(status).toBe(2);
    expect(stderr).toMatch(/bad\.jsonl \(line 2\): not valid JSON/);
  });

  it('GIVEN a broken rule file THEN eval exits 2 with the file, line and fix', () => {
    const dir = tempDir();
    const rules = join(dir, 'rules');
    cpSync(join(ROOT, 'rules'), rules, { recursive: true });
    const yaml = join(rules, 'north-korea.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('  - name: Pyongyang\n    weight: 3', '  - name: Pyongyang\n    weight: lots'));
    const file = join(dir, 'items.jsonl');
    writeFileSync(file, `${JSON.stringify(ITEMS[0])}\n`);
    const { status, stderr } = runCli(['--db', join(dir, 'db.sqlite'), '--rules', rules, 'eval', file, '--json'], dir);
    expect(status).toBe(2);
    expect(stderr).toMatch(/north-korea\.yaml \(line \d+, patterns\[2\]\.weight\): must be a number; fix:/);
  });
});

describe('watchfloor explain', () => {
  it('GIVEN a headline THEN it prints each topic verdict with the matched words and fields', () => {
    const dir = tempDir();
    const { status, stdout } = runCli(['--db', join(dir, 'db.sqlite'), '--rules', join(ROOT, 'rules'), 'explain', '--title', 'Drones hit Kharkiv', '--summary', 'The mayor said power was cut.'], dir);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Matched: ukraine$/m);
    expect(stdout).toMatch(/MATCH {2}ukraine: score [\d.]+ \/ threshold 4/);
    expect(stdout).toMatch(/title:"Kharkiv"→Kharkiv \(\+6\)/);
    expect(stdout).toMatch(/model p=[\d.]+ baseline [\d.]+ \([+-][\d.]+\)/); // calibrated, with the point where it changes sign
  });
  it('GIVEN --feed naming a feed with a home topic THEN the story is read as that feed\'s: a home story naming no country matches, with the feed named; an unknown feed is exit 2 listing the ids', () => {
    const dir = tempDir();
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [{ id: 'korea-nation', name: 'Nation', url: 'https://example.org/nation.xml', language: 'en', kind: 'outlet', home: 'south-korea' }] }));
    const args = ['--db', join(dir, 'db.sqlite'), '--rules', join(ROOT, 'rules'), '--feeds', feeds, 'explain', '--title', 'Pension reform bill passes National Assembly'];
    const plain = runCli(args, dir);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/^Matched: none$/m);
    const fromHome = runCli([...args, '--feed', 'korea-nation'], dir);
    expect(fromHome.status).toBe(0);
    expect(fromHome.stdout).toMatch(/^Matched: south-korea$/m);
    expect(fromHome.stdout).toContain('home feed "korea-nation" (feeds.json)');
    const unknown = runCli([...args, '--feed', 'korea-natoin'], dir);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no feed "korea-natoin"');
    expect(unknown.stderr).toContain('korea-nation');
  });
  it('GIVEN --feed naming a feed added from Discord with a home THEN it is read from the database as that feed\'s; a missing database is not created', () => {
    const dir = tempDir();
    const db = join(dir, 'db.sqlite');
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [] }));
    const args = ['--db', db, '--rules', join(ROOT, 'rules'), '--feeds', feeds, 'explain', '--title', 'Pension reform bill passes National Assembly', '--feed', 'seoul-desk'];
    const before = runCli(args, dir);
    expect(before.status).toBe(2);
    expect(before.stderr).toContain('no feed "seoul-desk"');
    expect(existsSync(db)).toBe(false);
    const store = createStore(db);
    store.addedFeeds.add({ id: 'seoul-desk', url: 'https://seoul.example/rss', name: 'Seoul desk', language: 'en', kind: 'outlet', addedBy: '700000000000000001', guildId: '210000000000000001', addedAt: 1_700_000_000_000, home: 'south-korea' });
    store.close();
    const added = runCli(args, dir);
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/^Matched: south-korea$/m);
    expect(added.stdout).toContain('home feed "seoul-desk" (added with /feeds add)');
  });
});
