/**
 * Worker-thread entry of the analyse pool: parses, normalises and classifies one document per
 * task, off the main thread (which fetches and writes SQLite meanwhile). The classifier is built
 * once per thread from the rules and model the main thread loaded, so both use the same ones.
 */
import { workerData } from 'node:worker_threads';
import { createTopicClassifier } from '../core/classify/classifier.js';
import type { Model } from '../core/classify/model.js';
import type { RuleSet } from '../core/classify/rules.js';
import { normaliseItems } from '../core/story.js';
import { parseFeed } from '../feeds/parse.js';
import { createAnalyser, type AnalysedDocument, type DocumentInput } from './analyse.js';
import type { FetchFailure } from '../feeds/types.js';
import { keepYoungGenerationSmall } from './young-generation.js';

// V8 raised the process-wide growth factor of the young generation back to its default when it
// set up this thread's heap; until it is put back, the main thread's young generation can grow to
// 2 × 16 MB (src/app/young-generation.ts). The pool lowers it too, from the main thread, until
// this thread has loaded.
keepYoungGenerationSmall();

/** What the pool hands each thread at start. */
export interface AnalyseWorkerData {
  readonly rules: RuleSet;
  readonly model: Model | null;
}

const { rules, model } = workerData as AnalyseWorkerData;
const classifier = createTopicClassifier(rules, model);
const analyse = createAnalyser({ parse: parseFeed, normalise: normaliseItems, classify: (input) => classifier.classify(input) });

/** Does nothing: running it makes the pool start a thread (and load the above) ahead of work. */
export function warm(): null {
  return null;
}

export default async function analyseInWorker(input: DocumentInput): Promise<AnalysedDocument | FetchFailure> {
  const result = await analyse(input);
  // The cause (an Error from the XML parser) stays here: the message already says what and where.
  if ('ok' in result) return { ok: false, kind: result.kind, message: result.message, status: result.status, retryAfterMs: result.retryAfterMs, url: result.url };
  return result;
}
