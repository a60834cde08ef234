import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadTrainingExamples, parseExamples } from '../../config/rules.js';
import { ConfigError, ConfigErrors } from '../../config/errors.js';
import { evaluate, modelCalibration, modelChanges, ratiosOf, titleKey, trainingOverlap, type Evaluation, type ModelCalibration, type ModelChanges, type TrainingOverlap } from '../../core/classify/evaluate.js';
import { evaluateShapes, type ShapeEvaluation } from '../../core/classify/feed-shapes.js';
import type { Classification, Reason } from '../../core/types.js';
import { loadClassifier } from '../classifier.js';
import { commandContext } from '../context.js';
import { table } from '../format.js';
import { createLogger } from '../logger.js';
import { say } from '../output.js';

/** One-line rendering of a verdict's reasons, for wrong items. */
export function describeReasons(reasons: readonly Reason[]): string {
  return reasons
    .map((r) => {
      switch (r.kind) {
        case 'pattern':
          return `${r.field}:"${r.matched}"→${r.pattern} (${r.weight >= 0 ? '+' : ''}${r.weight})`;
        case 'exclusion':
          // The words were masked (they do not count for the topic), which is not the topic being excluded.
          return `${r.field}:"${r.matched}" masked by the exclusion "${r.pattern}"${r.weight !== 0 ? ` (${r.weight})` : ''}`;
        case 'model':
          return `model p=${r.probability}${r.baseline !== undefined ? ` baseline ${r.baseline}` : ''} (${r.weight >= 0 ? '+' : ''}${r.weight})`;
        case 'note':
          return r.text;
      }
    })
    .join('; ');
}

/** A ratio for the table; `n/a` when undefined (0/0: nothing predicted, or nothing to find). */
function pct(n: number | null): string {
  return n === null ? 'n/a' : n.toFixed(3);
}

function renderEvaluation(title: string, e: Evaluation): string {
  const rows = [['TOPIC', 'PRECISION', 'RECALL', 'F1', 'TP', 'FP', 'FN']];
  for (const [topic, s] of Object.entries(e.topics)) rows.push([topic, pct(s.precision), pct(s.recall), pct(s.f1), String(s.tp), String(s.fp), String(s.fn)]);
  rows.push(['micro', pct(e.micro.precision), pct(e.micro.recall), pct(e.micro.f1), String(e.micro.tp), String(e.micro.fp), String(e.micro.fn)]);
  return `${title} (${e.items} items)\n${table(rows)}\n`;
}

/** `--shapes`: false positives / false negatives per topic and micro F1, one row per feed shape. */
function renderShapes(shapes: readonly ShapeEvaluation[], topics: readonly string[], items: number): string {
  const rows = [['SHAPE', ...topics.map((t) => `${t.toUpperCase()} FP/FN`), 'MICRO F1', 'WHAT']];
  for (const s of shapes) rows.push([s.name, ...topics.map((t) => `${s.evaluation.topics[t]?.fp ?? 0}/${s.evaluation.topics[t]?.fn ?? 0}`), pct(s.evaluation.micro.f1), s.description]);
  return `\nFeed shapes (--shapes: each of the ${items} items rewritten as a feed of that shape would carry it)\n${table(rows)}\n`;
}

/** `watchfloor eval FILE.jsonl`: precision, recall and F1 per topic on a labelled file. */
export function register(program: Command): void {
  program
    .command('eval')
    .description('score the classifier on a labelled JSON Lines file ({"title","summary","labels":[...]} per line)')
    .argument('<file>', 'labelled JSON Lines file')
    .option('--json', 'print exactly one JSON object on stdout')
    .option('--exclude-borderline', 'score only the items not marked "borderline": true (text and --json alike)')
    .option('--shapes', 'also score each item rewritten into the shapes feeds carry (an outlet credit, a platform footer, capitals, the headline repeated …)')
    .action(async (file: string, options: { json?: boolean; excludeBorderline?: boolean; shapes?: boolean }, command: Command) => {
      const { env, paths } = commandContext(command);
      const log = createLogger({ level: options.json ? 'warn' : env.LOG_LEVEL, format: env.LOG_FORMAT });
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (cause) {
        throw new ConfigErrors([new ConfigError(file, '', `cannot read the file (${(cause as Error).message}); fix: give the path of a JSON Lines file`, { cause })]);
      }
      const { examples, errors } = parseExamples(file, text);
      if (errors.length > 0) throw new ConfigErrors(errors);
      const classifier = await loadClassifier({ rulesDir: paths.rules, modelPath: paths.model, log });
      const topics = classifier.topics.map((t) => t.id);
      const unknown = unknownLabels(file, text, examples, topics, paths.rules);
      if (unknown.length > 0) throw new ConfigErrors(unknown);
      const exclude = options.excludeBorderline === true;
      const borderline = examples.filter((e) => e.borderline).length;
      const results = examples.map((ex) => ({ ex, result: classifier.classify(ex) }));
      const scored = (list: typeof results): Evaluation => evaluate(topics, list.map(({ ex, result }) => ({ gold: ex.labels, predicted: result.matched })));
      const clearResults = results.filter(({ ex }) => !ex.borderline);
      const all = scored(results);
      const clear = borderline > 0 ? scored(clearResults) : all;
      const scope = exclude ? clearResults : results;
      const verdicts = scope.map(({ ex, result }) => ({ gold: ex.labels, verdicts: result.verdicts }));
      const changes = modelChanges(topics, verdicts);
      const calibration = modelCalibration(topics, verdicts);
      const trainingTitles = new Set(loadTrainingExamples(paths.rules).examples.map((e) => titleKey(e.title)));
      const overlap = trainingOverlap(
        topics,
        scope.map(({ ex, result }) => ({ title: ex.title, gold: ex.labels, predicted: result.matched })),
        trainingTitles,
      );
      const shapes = options.shapes === true ? evaluateShapes(topics, scope.map(({ ex }) => ex), (input) => classifier.classify(input).matched) : null;

      if (options.json) {
        // The documented shape (docs/rules.md): a ratio with an empty denominator is null.
        // `--exclude-borderline` scores the file without those items.
        const e = exclude ? clear : all;
        // `model`: the decisions the model changed and how well its probabilities match the labels
        // (added fields; the others are the contract).
        const out = {
          items: e.items,
          topics: e.topics,
          micro: ratiosOf(e.micro),
          model: { consulted: changes.consulted, changed: changes.changed, right: changes.right, wrong: changes.wrong, calibration },
          // `training`: the items whose title the training text holds verbatim, and the micro
          // scores on them and on the rest (an added field).
          training: overlap,
          ...(shapes ? { shapes: shapes.map((x) => ({ name: x.name, description: x.description, topics: x.evaluation.topics, micro: ratiosOf(x.evaluation.micro) })) } : {}),
        };
        say(`${JSON.stringify(out)}\n`);
        return;
      }
      let report: string;
      if (exclude) {
        report = renderEvaluation(`Without borderline items (--exclude-borderline: ${borderline} of ${examples.length} left out)`, clear);
      } else {
        report = renderEvaluation('All items', all);
        if (borderline > 0) report += `\n${renderEvaluation('Without borderline items', clear)}`;
      }
      if (hasUndefined(exclude ? clear : all)) report += 'n/a: undefined (0/0): nothing predicted for the topic, or no item labelled with it.\n';
      report += renderModelChanges(changes, scope.map(({ ex }) => ex));
      report += renderCalibration(calibration);
      report += renderOverlap(overlap);
      if (shapes) report += renderShapes(shapes, topics, scope.length);
      const wrong = scope.filter(({ ex, result }) => topics.some((t) => ex.labels.includes(t) !== result.matched.includes(t)));
      report += `\nWrong items: ${wrong.length}\n`;
      for (const { ex, result } of wrong) report += renderWrong(ex, result, topics);
      say(report);
    });
}

/** The model's part: how many verdicts it was asked about, which it turned, and whether rightly. */
function renderModelChanges(c: ModelChanges, examples: readonly { id: string; title: string }[]): string {
  let out = `\nModel: consulted for ${c.consulted} verdicts; changed ${c.changed} decisions: ${c.right} right, ${c.wrong} wrong\n`;
  for (const change of c.changes) {
    const ex = examples[change.index];
    if (!ex) continue;
    out += `  ${change.right ? 'right' : 'WRONG'} ${change.matched ? 'matched' : 'dropped'} ${change.topic}: ${ex.id} ${ex.title.length > 90 ? `${ex.title.slice(0, 90)}…` : ex.title}\n`;
  }
  return out;
}

/** The items the model has seen verbatim: a set's score is only as new as the rest. */
function renderOverlap(o: TrainingOverlap): string {
  if (o.seen === 0) return '';
  const f1 = (m: TrainingOverlap['micro']['seen']): string => m?.f1?.toFixed(3) ?? 'n/a';
  return `Titles also in the training text: ${o.seen} of ${o.seen + o.unseen} (micro F1 ${f1(o.micro.seen)} on them, ${f1(o.micro.unseen)} on the rest)\n`;
}

/** The model's stated probabilities against the share of its verdicts that were on topic. */
function renderCalibration(c: ModelCalibration): string {
  if (c.verdicts === 0) return '';
  const bins = c.bins
    .filter((b) => b.verdicts > 0)
    .map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${b.verdicts} said ${b.meanProbability?.toFixed(2) ?? 'n/a'}, ${b.observed?.toFixed(2) ?? 'n/a'} on topic`)
    .join('; ');
  return `Model probabilities (${c.verdicts} verdicts): log loss ${c.logLoss?.toFixed(3) ?? 'n/a'}, Brier ${c.brier?.toFixed(3) ?? 'n/a'}; ${bins}\n`;
}

function hasUndefined(e: Evaluation): boolean {
  return [...Object.values(e.topics), e.micro].some((s) => s.precision === null || s.recall === null || s.f1 === null);
}

/**
 * Labels that name no topic of the rules (a typo such as `ukrane` would otherwise score as a
 * topic with nothing to find): one error per label with the lines it is on and the known ids.
 * Line numbers are those of the file: parseExamples keeps every non-blank, non-comment line in order.
 */
function unknownLabels(file: string, text: string, examples: readonly { labels: readonly string[] }[], topics: readonly string[], rulesDir: string): ConfigError[] {
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('//')) lines.push(i + 1);
  });
  const known = new Set(topics);
  const where = new Map<string, number[]>();
  examples.forEach((ex, i) => {
    for (const label of new Set(ex.labels)) {
      if (known.has(label)) continue;
      const list = where.get(label) ?? [];
      list.push(lines[i] ?? i + 1);
      where.set(label, list);
    }
  });
  return [...where].map(([label, at]) => {
    const shown = at.length > 10 ? `${at.slice(0, 10).join(', ')} and ${at.length - 10} more` : at.join(', ');
    return new ConfigError(
      file,
      `${at.length === 1 ? 'line' : 'lines'} ${shown}`,
      `unknown label ${JSON.stringify(label)}; fix: use one of the topic ids ${topics.join(', ')} (the rule files in ${rulesDir})`,
    );
  });
}

function renderWrong(ex: { id: string; title: string; summary: string; labels: readonly string[]; borderline: boolean }, result: Classification, topics: readonly string[]): string {
  const lines: string[] = [`\n${ex.id}${ex.borderline ? ' (borderline)' : ''}: ${ex.title}`];
  if (ex.summary) lines.push(`  summary: ${ex.summary.length > 200 ? `${ex.summary.slice(0, 200)}…` : ex.summary}`);
  for (const topic of topics) {
    const gold = ex.labels.includes(topic);
    const v = result.verdicts.find((x) => x.topic === topic);
    if (!v || gold === v.matched) continue;
    lines.push(`  ${gold ? 'MISSED' : 'FALSE '} ${topic}: score ${v.score} / ${v.threshold}${v.reasons.length > 0 ? ` — ${describeReasons(v.reasons)}` : ' — no evidence'}`);
  }
  return `${lines.join('\n')}\n`;
}
