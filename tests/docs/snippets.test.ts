import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createProgram, registerCommands } from '../../src/app/cli.js';
import { parseFeeds } from '../../src/config/feeds.js';
import { loadRules } from '../../src/config/rules.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Every fenced `sh`, `json` and `yaml` block of README.md and docs/*.md is checked against the
 * real code: JSON parses (feeds.json-shaped blocks through the feeds loader), topic-rule YAML
 * loads beside the shipped rules, and every `watchfloor …` command line (also
 * `node dist/app/cli.js …`, `npx watchfloor …`, `npm start`, `npm run once|demo|eval`) parses
 * against the real commander program: the command and each flag exist, arguments fit.
 * A block preceded by `<!-- not-tested: reason -->` is skipped.
 */

const ROOT = join(import.meta.dirname, '../..');
const tempDir = useTempDir('watchfloor-snippets-');

interface Snippet {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly text: string;
  readonly skipped: boolean;
}

function markdownFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

function snippetsOf(file: string): Snippet[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? '')) {
      body.push((lines[j] ?? '').slice(indent));
      j++;
    }
    let k = i - 1;
    while (k >= 0 && (lines[k] ?? '').trim() === '') k--;
    out.push({ file, line: i + 1, lang: open[2] ?? '', text: body.join('\n'), skipped: /<!--\s*not-tested:/.test(lines[k] ?? '') });
    i = j;
  }
  return out;
}

const SNIPPETS = markdownFiles().flatMap(snippetsOf);

/** Shell words of one line, with `&&`, `||`, `;` and `|` as separate tokens; stops at a comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === '\'' || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unclosed ${c} in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + (line[i + 1] ?? '');
      i++;
    } else if (c === '$' && line[i + 1] === '(') {
      const end = line.indexOf(')', i);
      word = (word ?? '') + line.slice(i, end + 1);
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === '#' && word === null) {
      break;
    } else if ('&|;'.includes(c)) {
      if (word !== null) words.push(word);
      word = null;
      const op = line[i + 1] === c ? c + c : c;
      words.push(op);
      i += op.length - 1;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

const NPM_SCRIPTS: Readonly<Record<string, string>> = { once: 'once', demo: 'demo', eval: 'eval' };

/** The Watchfloor arguments of each command in a shell line (several when joined by && or ;). */
function watchfloorInvocations(line: string): string[][] {
  const segments: string[][] = [[]];
  for (const word of shellWords(line)) {
    if (['&&', '||', ';', '|'].includes(word)) segments.push([]);
    else segments.at(-1)?.push(word);
  }
  const found: string[][] = [];
  for (const words of segments) {
    const cli = words.findIndex((w) => w === 'dist/app/cli.js' || w.endsWith('/dist/app/cli.js'));
    if (cli >= 0) found.push(words.slice(cli + 1));
    else if (words[0] === 'watchfloor') found.push(words.slice(1));
    else if (words[0] === 'npx' && words[1] === 'watchfloor') found.push(words.slice(2));
    else if (words[0] === 'npm' && words[1] === 'start') found.push(['run', ...words.slice(words.indexOf('--') < 0 ? 2 : words.indexOf('--') + 1)]);
    else if (words[0] === 'npm' && words[1] === 'run') {
      const script = words.slice(2).find((w) => !w.startsWith('-'));
      const command = script === undefined ? undefined : NPM_SCRIPTS[script];
      if (command !== undefined) found.push([command, ...(words.includes('--') ? words.slice(words.indexOf('--') + 1) : [])]);
    }
  }
  return found;
}

/** The real program, every command registered, actions replaced: parsing runs nothing. */
async function parsingProgram(): Promise<Command> {
  const program = createProgram({ dotenv: false });
  await registerCommands(program);
  const silence = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    if (command.commands.length === 0) command.action(() => undefined);
    command.commands.forEach(silence);
  };
  silence(program);
  return program;
}

/** null when the arguments parse; else commander's message. */
async function parseProblem(args: readonly string[]): Promise<string | null> {
  const program = await parsingProgram();
  try {
    await program.parseAsync(args, { from: 'user' });
    return null;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return null; // --help, --version
    return error instanceof Error ? error.message : String(error);
  }
}

function where(s: Snippet): string {
  return `${s.file}:${s.line}`;
}

describe('code snippets in the docs', () => {
  it('GIVEN the docs THEN there are snippets of each kind, and few are marked not-tested', () => {
    const tested = SNIPPETS.filter((s) => !s.skipped);
    for (const lang of ['sh', 'json', 'yaml']) expect(tested.filter((s) => s.lang === lang).length, lang).toBeGreaterThan(0);
    expect(SNIPPETS.filter((s) => s.skipped).length).toBeLessThanOrEqual(3);
  });

  it('GIVEN every command line in an sh block THEN it parses against the real CLI (command, flags, arguments)', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const snippet of SNIPPETS.filter((s) => s.lang === 'sh' && !s.skipped)) {
      // A trailing backslash continues the command on the next line.
      const logical = snippet.text.replace(/\\\n/g, ' ').split('\n');
      for (const line of logical) {
        for (const args of watchfloorInvocations(line)) {
          checked++;
          const problem = await parseProblem(args);
          if (problem !== null) problems.push(`${where(snippet)}: \`watchfloor ${args.join(' ')}\`: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  }, 60_000);

  it('GIVEN a wrong command line THEN the check catches it (an unknown flag, an unknown command, a missing argument)', async () => {
    expect(watchfloorInvocations('docker compose run --rm watchfloor node dist/app/cli.js check --fetch  # comment')).toEqual([['check', '--fetch']]);
    expect(watchfloorInvocations('npm run --silent eval -- FILE.jsonl --json && watchfloor status')).toEqual([['eval', 'FILE.jsonl', '--json'], ['status']]);
    expect(await parseProblem(['check', '--fetch'])).toBeNull();
    expect(await parseProblem(['check', '--fecth'])).toMatch(/unknown option/);
    expect(await parseProblem(['fetch'])).toMatch(/unknown command/);
    expect(await parseProblem(['backup'])).toMatch(/missing required argument/);
  }, 60_000);

  it('GIVEN a block without a language that holds a command line THEN it is flagged (tag it sh so it is tested)', () => {
    const untagged = SNIPPETS.filter((s) => s.lang === '' && s.text.split('\n').some((l) => watchfloorInvocations(l).length > 0));
    expect(untagged.map(where)).toEqual([]);
  });

  it('GIVEN every json block THEN it parses, and a feeds.json-shaped one passes the feeds loader', () => {
    for (const snippet of SNIPPETS.filter((s) => s.lang === 'json' && !s.skipped)) {
      const value: unknown = JSON.parse(snippet.text);
      if (value !== null && typeof value === 'object' && 'feeds' in value) {
        // ${NAME} references need a value, as they would in the environment.
        const env: Record<string, string> = Object.fromEntries([...snippet.text.matchAll(/\$\{(\w+)\}/g)].map((m) => [m[1] ?? '', 'example-value']));
        expect(() => parseFeeds(snippet.text, `${where(snippet)} feeds.json`, env), where(snippet)).not.toThrow();
      }
    }
  });

  it('GIVEN every yaml block THEN it parses, and a topic-rule one loads beside the shipped rules', () => {
    let rules = 0;
    for (const snippet of SNIPPETS.filter((s) => s.lang === 'yaml' && !s.skipped)) {
      const value: unknown = parseYaml(snippet.text);
      if (value !== null && typeof value === 'object' && 'id' in value && 'patterns' in value && typeof value.id === 'string') {
        rules++;
        const dir = join(tempDir(), 'rules');
        cpSync(join(ROOT, 'rules'), dir, { recursive: true });
        writeFileSync(join(dir, `${value.id}.yaml`), snippet.text);
        expect(() => loadRules(dir), where(snippet)).not.toThrow();
      }
    }
    expect(rules).toBeGreaterThan(0);
  });
});
