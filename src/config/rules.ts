import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { parseTerm } from '../core/classify/matcher.js';
import type { ExclusionRule, PatternRule, RuleSet, TopicRule } from '../core/classify/rules.js';
import { MODEL_CONFIDENT_FACTOR, type TrainingExample } from '../core/classify/model.js';
import { TOPIC_ID } from '../core/types.js';
import { ConfigError, ConfigErrors } from './errors.js';
import { readTrainingFiles } from './training-files.js';

/**
 * Loads `rules/*.yaml` (one topic per file) into a frozen RuleSet. Every problem is reported with
 * the file, the line and the path inside it, and how to fix it; all problems of all files are
 * reported together. A rule set that loads is safe to compile: regexes compile, terms have words.
 */


const termList = z.array(z.string().min(1, 'must not be empty')).default([]);

const patternSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    weight: z.number({ error: 'must be a number' }).positive('must be greater than 0').max(100),
    terms: termList,
    regex: z.string().min(1).optional(),
    case_sensitive: z.boolean({ error: 'must be true or false' }).default(false),
    requires: termList,
    unless: termList,
    note: z.string().optional(),
  })
  .refine((p) => p.terms.length > 0 || p.regex !== undefined, { message: 'needs `terms` (a list of words) or a `regex`' });

const exclusionSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    terms: termList,
    regex: z.string().min(1).optional(),
    penalty: z.number({ error: 'must be a number' }).min(0, 'must be 0 or more').max(100).default(0),
    only_with: z.string().regex(TOPIC_ID, 'must be a topic id').optional(),
    requires: termList,
    one_clause: z.boolean({ error: 'must be true or false' }).default(false),
    note: z.string().optional(),
  })
  .refine((x) => x.terms.length > 0 || x.regex !== undefined, { message: 'needs `terms` (a list of words) or a `regex`' });

const colorSchema = z.union([
  z.string().regex(/^#?[0-9a-fA-F]{6}$/, 'must be a colour like "#0057b7"'),
  z.number().int().min(0).max(0xffffff),
]);

const topicSchema = z.strictObject({
  id: z.string({ error: 'is required (the topic id, same as the file name)' }).regex(TOPIC_ID, 'must be lower-case letters, digits and dashes, e.g. "taiwan"'),
  label: z.string({ error: 'is required (the name shown in alerts)' }).min(1),
  color: colorSchema,
  threshold: z.number({ error: 'is required and must be a number (score needed to match)' }).positive('must be greater than 0'),
  title_weight: z.number({ error: 'must be a number' }).positive().max(10).default(2),
  summary_weight: z.number({ error: 'must be a number' }).positive().max(10).default(1),
  repeat_decay: z.number({ error: 'must be a number' }).min(0).max(1).default(0.5),
  passing_mention_cap: z.boolean({ error: 'must be true or false' }).default(true),
  model: z
    .strictObject({
      enabled: z.boolean({ error: 'must be true or false' }).default(true),
      weight: z.number({ error: 'must be a number' }).min(0).max(100).default(2),
      certain_no_factor: z.number({ error: 'must be a number' }).min(MODEL_CONFIDENT_FACTOR, `must be at least ${MODEL_CONFIDENT_FACTOR} (a confident no's factor)`).max(10).default(MODEL_CONFIDENT_FACTOR),
    })
    .default({ enabled: true, weight: 2, certain_no_factor: MODEL_CONFIDENT_FACTOR }),
  patterns: z.array(patternSchema, { error: 'is required: a list of weighted patterns' }).min(1, 'needs at least one pattern'),
  exclusions: z.array(exclusionSchema).default([]),
});

type TopicInput = z.infer<typeof topicSchema>;

/** Human hints for zod issues, keyed by the last path element. */
const FIXES: Record<string, string> = {
  weight: 'give a positive number such as 3 (country names), 2 (cities), 1 (weak hints)',
  threshold: 'give the score a story needs, e.g. 4 (one title mention of a strong pattern)',
  color: 'write a hex colour in quotes, e.g. color: "#0057b7"',
  id: 'use the file name without .yaml, e.g. id: taiwan',
  terms: 'write a YAML list of strings, e.g. terms: [Kyiv, Kiev, Київ*]',
};

function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): string {
  // Walk down as far as the path exists, so a missing key points at its parent.
  let node: unknown = doc.contents;
  let found: YamlNode | null = doc.contents;
  for (const key of path) {
    if (isMap(node)) node = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
    else break;
    if (isNode(node)) found = node;
    else break;
  }
  const offset = found?.range?.[0] ?? 0;
  return `line ${lines.linePos(offset).line}`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function where(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): string {
  const p = pathText(path);
  return p ? `${locate(doc, lines, path)}, ${p}` : locate(doc, lines, path);
}

function toColor(value: string | number): number {
  return typeof value === 'number' ? value : Number.parseInt(value.replace('#', ''), 16);
}

function checkRegex(source: string): string | null {
  try {
    const re = new RegExp(source, 'u');
    if (re.test('')) return 'matches the empty string, so it would match every story; make it require at least one word';
    return null;
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message}); patterns run with the "u" flag over lower-case words joined by single spaces`;
  }
}

function checkTerms(terms: readonly string[], at: (i: number) => string, file: string, errors: ConfigError[]): void {
  terms.forEach((term, i) => {
    if (parseTerm(term).words.length === 0) {
      errors.push(new ConfigError(file, at(i), `term ${JSON.stringify(term)} has no letters or digits; fix: remove it or write a word`));
    }
  });
}

/** Parses and validates one topic file. Exported for tests; `loadRules` reads a directory. */
export function parseTopicFile(file: string, text: string): { topic: TopicRule | null; errors: ConfigError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const errors: ConfigError[] = [];
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    errors.push(new ConfigError(file, `line ${pos.line}, column ${pos.col}`, `YAML syntax error: ${e.message.split('\n')[0] ?? e.code}; fix the syntax at that place (check indentation and quotes)`));
  }
  if (errors.length > 0) return { topic: null, errors };
  const raw: unknown = doc.toJS();
  const parsed = topicSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      let path: PropertyKey[] = [...issue.path];
      let problem = issue.message;
      if (issue.code === 'unrecognized_keys') {
        problem = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; fix: remove or correct the spelling (see docs/rules.md for the fields)`;
        const first = issue.keys[0];
        if (first !== undefined) path = [...path, first];
      } else {
        const last = path[path.length - 1];
        const fix = typeof last === 'string' ? FIXES[last] : undefined;
        problem = `${problem}${fix ? `; fix: ${fix}` : ''}`;
      }
      errors.push(new ConfigError(file, where(doc, lines, path), problem));
    }
    return { topic: null, errors };
  }
  const input: TopicInput = parsed.data;
  const expectedId = basename(file).replace(/\.ya?ml$/, '');
  if (input.id !== expectedId) {
    errors.push(new ConfigError(file, where(doc, lines, ['id']), `id "${input.id}" differs from the file name; fix: set id: ${expectedId} or rename the file to ${input.id}.yaml`));
  }
  const patterns: PatternRule[] = input.patterns.map((p, i) => {
    const at = (...rest: PropertyKey[]): string => where(doc, lines, ['patterns', i, ...rest]);
    if (p.regex !== undefined) {
      const bad = checkRegex(p.regex);
      if (bad) errors.push(new ConfigError(file, at('regex'), `regex ${bad}`));
    }
    checkTerms(p.terms, (j) => at('terms', j), file, errors);
    checkTerms(p.requires, (j) => at('requires', j), file, errors);
    checkTerms(p.unless, (j) => at('unless', j), file, errors);
    return Object.freeze({
      name: p.name ?? p.terms[0] ?? `/${p.regex ?? ''}/`,
      path: `patterns[${i}]`,
      weight: p.weight,
      terms: Object.freeze([...p.terms]),
      regex: p.regex,
      caseSensitive: p.case_sensitive,
      requires: Object.freeze([...p.requires]),
      unless: Object.freeze([...p.unless]),
    });
  });
  const exclusions: ExclusionRule[] = input.exclusions.map((x, i) => {
    const at = (...rest: PropertyKey[]): string => where(doc, lines, ['exclusions', i, ...rest]);
    if (x.regex !== undefined) {
      const bad = checkRegex(x.regex);
      if (bad) errors.push(new ConfigError(file, at('regex'), `regex ${bad}`));
    }
    checkTerms(x.terms, (j) => at('terms', j), file, errors);
    checkTerms(x.requires, (j) => at('requires', j), file, errors);
    return Object.freeze({
      name: x.name ?? x.terms[0] ?? `/${x.regex ?? ''}/`,
      path: `exclusions[${i}]`,
      terms: Object.freeze([...x.terms]),
      regex: x.regex,
      penalty: x.penalty,
      onlyWith: x.only_with,
      requires: Object.freeze([...x.requires]),
      oneClause: x.one_clause,
    });
  });
  // The same term twice in one topic would count one word twice.
  const firstSeen = new Map<string, string>();
  input.patterns.forEach((p, i) => {
    p.terms.forEach((term, j) => {
      const parsedTerm = parseTerm(term);
      const key = `${parsedTerm.words.join(' ')}${parsedTerm.prefixLast ? '*' : ''}${p.case_sensitive ? ':cased' : ''}`;
      const other = firstSeen.get(key);
      if (other !== undefined) {
        errors.push(new ConfigError(file, where(doc, lines, ['patterns', i, 'terms', j]), `term ${JSON.stringify(term)} is already listed at ${other}; fix: keep it in one pattern only`));
      } else {
        firstSeen.set(key, `patterns[${i}].terms[${j}]`);
      }
    });
  });
  if (errors.length > 0) return { topic: null, errors };
  return {
    errors,
    topic: Object.freeze({
      id: input.id,
      label: input.label,
      color: toColor(input.color),
      threshold: input.threshold,
      titleWeight: input.title_weight,
      summaryWeight: input.summary_weight,
      repeatDecay: input.repeat_decay,
      passingMentionCap: input.passing_mention_cap,
      model: Object.freeze({ enabled: input.model.enabled, weight: input.model.weight, certainNoFactor: input.model.certain_no_factor }),
      patterns: Object.freeze(patterns),
      exclusions: Object.freeze(exclusions),
      file,
    }),
  };
}

/** Builds a RuleSet from parsed topics: checks ids are unique and cross-references exist. */
export function buildRuleSet(topics: readonly TopicRule[]): RuleSet {
  const errors: ConfigError[] = [];
  const seen = new Map<string, string>();
  for (const t of topics) {
    const other = seen.get(t.id);
    if (other !== undefined) errors.push(new ConfigError(t.file, 'id', `topic id "${t.id}" is already used by ${other}; fix: give each topic its own id`));
    seen.set(t.id, t.file);
  }
  for (const t of topics) {
    t.exclusions.forEach((x) => {
      if (x.onlyWith !== undefined && !seen.has(x.onlyWith)) {
        errors.push(new ConfigError(t.file, `${x.path}.only_with`, `refers to unknown topic "${x.onlyWith}"; fix: use one of ${[...seen.keys()].join(', ')}`));
      }
    });
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  const hash = createHash('sha256')
    .update(JSON.stringify(topics.map(({ file: _file, ...rest }) => rest)))
    .digest('hex')
    .slice(0, 16);
  return Object.freeze({ topics: Object.freeze([...topics]), hash });
}

/**
 * Reads every `*.yaml`/`*.yml` file of a rules directory (in name order), validates them all, and
 * returns the frozen RuleSet. Throws ConfigErrors (exit code 2) listing every problem found.
 */
export function loadRules(dir: string): RuleSet {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (cause) {
    throw new ConfigErrors([new ConfigError(dir, '', `cannot read the rules directory (${(cause as Error).message}); fix: create it or pass --rules <dir>`, { cause })]);
  }
  if (names.length === 0) throw new ConfigErrors([new ConfigError(dir, '', 'no topic files (*.yaml) found; fix: add one, see docs/rules.md')]);
  const errors: ConfigError[] = [];
  const topics: TopicRule[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const shown = relative(process.cwd(), path) || path;
    const result = parseTopicFile(shown, readFileSync(path, 'utf8'));
    errors.push(...result.errors);
    if (result.topic) topics.push(result.topic);
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  return buildRuleSet(topics);
}

const exampleSchema = z.object({
  title: z.string({ error: 'must be a string' }),
  summary: z.string({ error: 'must be a string' }).default(''),
  labels: z.array(z.string(), { error: 'must be a list of topic ids' }),
});

/**
 * Parses JSON Lines of `{"title","summary","labels":[...]}` (training data and eval files).
 * Blank lines and lines starting with `//` are skipped; anything else that is not a valid item is
 * a ConfigError naming the line.
 */
export function parseExamples(file: string, text: string): { examples: (TrainingExample & { borderline: boolean; id: string })[]; errors: ConfigError[] } {
  const examples: (TrainingExample & { borderline: boolean; id: string })[] = [];
  const errors: ConfigError[] = [];
  text.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('//')) return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      errors.push(new ConfigError(file, `line ${i + 1}`, `not valid JSON (${(error as Error).message}); fix: one JSON object per line`));
      return;
    }
    const parsed = exampleSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      errors.push(new ConfigError(file, `line ${i + 1}${issue ? `, ${pathText(issue.path)}` : ''}`, `${issue?.message ?? 'invalid'}; fix: write {"title": "...", "summary": "...", "labels": ["topic-id"]}`));
      return;
    }
    const extra = value as Record<string, unknown>;
    examples.push({
      ...parsed.data,
      borderline: extra.borderline === true,
      id: typeof extra.id === 'string' ? extra.id : `line ${i + 1}`,
    });
  });
  return { examples, errors };
}

/** Reads `<rules>/training/*.jsonl` in name order. Returns examples and a hash of their content. */
export function loadTrainingExamples(rulesDir: string): { examples: TrainingExample[]; hash: string } {
  const files = readTrainingFiles(rulesDir);
  const examples: TrainingExample[] = [];
  const errors: ConfigError[] = [];
  files.names.forEach((name, i) => {
    const path = join(rulesDir, 'training', name);
    const result = parseExamples(relative(process.cwd(), path) || path, files.texts[i] ?? '');
    errors.push(...result.errors);
    examples.push(...result.examples.map(({ title, summary, labels }) => ({ title, summary, labels })));
  });
  if (errors.length > 0) throw new ConfigErrors(errors);
  return { examples, hash: files.hash };
}
