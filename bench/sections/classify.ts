/**
 * Classification: stories per second on one core for the full verdict (keywords + model) over
 * a realistic stream (most stories about none of the topics), beside one compiled alternation
 * RegExp over the same texts and the rules' own terms.
 */
import { join } from 'node:path';
import { loadClassifier } from '../../src/app/classifier.js';
import { createLogger } from '../../src/app/logger.js';
import { fmt, sectionMain, type Row } from '../child.js';
import { generateTexts } from '../generate.js';
import { measure, type Timing } from '../raw.js';

/** Stories classified per measurement (the generator's topic share applies). */
const STREAM_STORIES = 20_000;
/** The full verdict must be at least this fast (4× rss-parser's ~4,700 items/s). */
export const CLASSIFY_TARGET_PER_S = 20_000;
/** Passes over the stream; the median one is reported. */
const CLASSIFY_PASSES = 3;
/** Keywords in the one-RegExp baseline (the issue's reference: ~300,000 items/s with 200). */
const REGEX_KEYWORDS = 200;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

sectionMain(async (options) => {
  const log = createLogger({ level: 'silent', format: 'json' });
  const rulesDir = join(options.repoDir, 'rules');
  const modelPath = join(options.workDir, 'model.json');
  const loaded = await measure(() => loadClassifier({ rulesDir, modelPath, log }));
  const classifier = loaded.value;

  const texts = generateTexts(STREAM_STORIES);
  // Warm-up: the JIT, the stem memo and the matcher's first compilations.
  for (const t of texts.slice(0, 2_000)) classifier.classify(t);

  let matched = 0;
  let modelConsulted = 0;
  // Three passes over the stream, the median reported: one pass on this shared 2-core machine
  // ranged from 15,000 to 27,000 stories/s for the same build (JIT and GC threads count in the
  // process's CPU time). The counts are the first pass's.
  const passes: Timing[] = [];
  for (let pass = 0; pass < CLASSIFY_PASSES; pass++) {
    passes.push(
      await measure(() => {
        for (const t of texts) {
          const c = classifier.classify(t);
          if (pass > 0) continue;
          if (c.matched.length > 0) matched++;
          if (c.verdicts.some((v) => v.modelProbability !== null)) modelConsulted++;
        }
      }),
    );
  }
  const full = [...passes].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(CLASSIFY_PASSES / 2)] ?? passes[0];
  if (!full) throw new Error('no classification pass was measured');
  const perSecond = STREAM_STORIES / (full.cpuMs / 1000);

  // The issue's baseline: one alternation over 200 keywords, taken from the rules (each
  // pattern's terms in turn, prefix stars dropped, spaces as [ -]), ASCII word boundary.
  const allTerms = classifier.rules.topics.flatMap((t) => t.patterns.flatMap((p) => p.terms));
  const terms = [...new Set(allTerms.map((term) => escapeRegExp(term.replace(/\*$/, '')).replace(/ /g, '[ -]')))].slice(0, REGEX_KEYWORDS);
  const regex = new RegExp(`\\b(?:${terms.join('|')})`, 'i');
  for (const t of texts.slice(0, 2_000)) regex.test(t.title);
  let regexHits = 0;
  const baseline = await measure(() => {
    for (const t of texts) if (regex.test(t.title) || regex.test(t.summary)) regexHits++;
  });
  const regexPerSecond = STREAM_STORIES / (baseline.cpuMs / 1000);
  const onTopic = texts.filter((t) => t.topic !== null).length;

  const rows: Row[] = [
    { step: 'classifier load (rules + model)', figure: `${fmt(loaded.wallMs)} ms (${classifier.modelInfo.source === 'trained' ? `trained on ${classifier.modelInfo.examples} examples` : 'saved model loaded'})`, status: 'info' },
    {
      step: 'full verdict (keywords + model), one core',
      figure: `${fmt(perSecond)} stories/s (${fmt((full.cpuMs * 1000) / STREAM_STORIES, 1)} µs each)`,
      target: `≥ ${fmt(CLASSIFY_TARGET_PER_S)}/s`,
      status: perSecond >= CLASSIFY_TARGET_PER_S ? 'met' : 'missed',
    },
    { step: 'one compiled RegExp over the same texts', figure: `${fmt(regexPerSecond)} stories/s (${terms.length} of the rules' ${allTerms.length} terms); verdict/RegExp = ${fmt(perSecond / regexPerSecond, 2)}`, status: 'info' },
    { step: 'stream', figure: `${fmt(STREAM_STORIES)} stories, ${fmt((100 * onTopic) / STREAM_STORIES, 1)}% written on-topic, ${fmt((100 * matched) / STREAM_STORIES, 1)}% matched, model consulted for ${fmt((100 * modelConsulted) / STREAM_STORIES, 1)}%`, status: 'info' },
  ];
  return {
    section: 'Classification',
    rows,
    data: {
      stories: STREAM_STORIES,
      loadMs: loaded.wallMs,
      modelSource: classifier.modelInfo.source,
      trainingExamples: classifier.modelInfo.examples,
      fullVerdictPerSecond: perSecond,
      fullVerdictCpuMs: full.cpuMs,
      regexPerSecond,
      regexTerms: terms.length,
      regexHits,
      ratioToRegex: perSecond / regexPerSecond,
      onTopicWritten: onTopic,
      matched,
      modelConsulted,
      targetPerSecond: CLASSIFY_TARGET_PER_S,
    },
  };
});
