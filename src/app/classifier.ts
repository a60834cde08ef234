import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { writeFileAtomically } from '../config/atomic-file.js';
import { loadRulesCached, rulesCachePathFor } from '../config/rules-cache.js';
import { readTrainingFiles } from '../config/training-files.js';
import { createTopicClassifier, type ClassifyInput, type TopicClassifier } from '../core/classify/classifier.js';
import type { Model, TopicModel, TrainingExample } from '../core/classify/model.js';
import type { RuleSet } from '../core/classify/rules.js';
import type { Classification, TopicInfo } from '../core/types.js';
import type { Db } from '../store/db.js';
import { createTrainingSource } from '../store/training.js';

/** What the poll pipeline, the CLI and Discord use. Keep it stable. */
export interface Classifier {
  readonly topics: readonly TopicInfo[];
  classify(input: ClassifyInput): Classification;
  readonly rules: RuleSet;
  /** The trained model (plain data: it is handed to the worker threads as is). */
  readonly model: Model | null;
  readonly modelInfo: ModelInfo;
}

/** Where the model came from, for `explain`, `check` and logs. */
export interface ModelInfo {
  readonly path: string;
  readonly source: 'loaded' | 'trained';
  readonly trainedAt: string;
  readonly examples: number;
  readonly weakExamples: number;
}

export interface LoadClassifierOptions {
  readonly rulesDir: string;
  readonly modelPath: string;
  readonly log: Logger;
  /** When given, `train` adds weak labels from stored stories. */
  readonly store?: { readonly db: Db } | undefined;
  /** Retrain even if the saved model is current (`watchfloor train`). */
  readonly retrain?: boolean;
  /** Take weak labels from the store when (re)training. Default: only on explicit retrain. */
  readonly useStore?: boolean;
  /** Examples added to the training files when (re)training: ratings (`train --with-feedback`). */
  readonly extraExamples?: readonly TrainingExample[];
  /** Clock for `trainedAt` (epoch ms). */
  readonly now?: () => number;
  /**
   * A directory of trained models shared by every deployment and command with the same rules and
   * training files: with no usable saved model, a cached one (checked like a saved one) is taken
   * instead of training, and a training from the files alone leaves a copy there. Default:
   * `WATCHFLOOR_MODEL_CACHE`; null: none.
   */
  readonly modelCache?: string | null;
}

/** A classifier from a model file read back (saved or cached), kept at `path`. */
function loadedClassifier(rules: RuleSet, loaded: { model: Model; file: ModelFile }, path: string): Classifier {
  return wrap(createTopicClassifier(rules, loaded.model), {
    path,
    source: 'loaded',
    trainedAt: loaded.file.trainedAt,
    examples: loaded.file.examples,
    weakExamples: loaded.file.weakExamples,
  });
}

/** The cached model for these rules and training files, in the cache directory. */
function cachedModelPath(dir: string, expected: { rulesHash: string; trainingHash: string }): string {
  return join(dir, `model-v${MODEL_FORMAT_VERSION}-${expected.rulesHash}-${expected.trainingHash}.json`);
}

/** Bumped whenever the saved shape or the feature extraction changes: older files are retrained. */
export const MODEL_FORMAT_VERSION = 6;
/** Stored stories read for weak labels. */
const WEAK_LABEL_SAMPLE = 5_000;

const modelFileSchema = z.object({
  format: z.literal('watchfloor-model'),
  version: z.number().int(),
  rulesHash: z.string(),
  trainingHash: z.string(),
  trainedAt: z.string(),
  examples: z.number().int().nonnegative(),
  weakExamples: z.number().int().nonnegative(),
  topics: z.record(
    z.string(),
    z.object({
      prior: z.number(),
      positives: z.number().int().nonnegative(),
      negatives: z.number().int().nonnegative(),
      weights: z.array(z.tuple([z.string(), z.number()])),
      /** Platt scaling of the log-odds (version 3 on); absent when too few examples to fit one. */
      calibration: z.object({ slope: z.number(), intercept: z.number(), fittedOn: z.number().int().nonnegative() }).optional(),
    }),
  ),
});

type ModelFile = z.infer<typeof modelFileSchema>;

/** The versioned JSON a model is saved as (natural's own format has no version). */
export function serializeModel(model: Model, meta: { rulesHash: string; trainingHash: string; trainedAt: string; examples: number; weakExamples: number }): string {
  const topics: ModelFile['topics'] = {};
  for (const [id, m] of [...model.topics.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    topics[id] = {
      prior: m.prior,
      positives: m.positives,
      negatives: m.negatives,
      weights: [...m.weights.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ...(m.calibration ? { calibration: { slope: m.calibration.slope, intercept: m.calibration.intercept, fittedOn: m.calibration.fittedOn } } : {}),
    };
  }
  const file: ModelFile = { format: 'watchfloor-model', version: MODEL_FORMAT_VERSION, ...meta, topics };
  return `${JSON.stringify(file)}\n`;
}

/** Parses a saved model; returns null with a reason when it is unusable (missing, foreign, stale). */
export function parseModelFile(text: string, expected: { rulesHash: string; trainingHash: string }): { model: Model; file: ModelFile } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) return { problem: 'not a watchfloor model file' };
  const file = parsed.data;
  if (file.version !== MODEL_FORMAT_VERSION) return { problem: `format version ${file.version}, this build uses ${MODEL_FORMAT_VERSION}` };
  if (file.rulesHash !== expected.rulesHash) return { problem: 'trained under different rules' };
  if (file.trainingHash !== expected.trainingHash) return { problem: 'trained on different training data' };
  const topics = new Map<string, TopicModel>();
  for (const [id, t] of Object.entries(file.topics)) {
    topics.set(id, { prior: t.prior, positives: t.positives, negatives: t.negatives, weights: new Map(t.weights), ...(t.calibration ? { calibration: t.calibration } : {}) });
  }
  return { model: { topics }, file };
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function wrap(core: TopicClassifier, modelInfo: ModelInfo): Classifier {
  return { topics: core.topics, rules: core.rules, model: core.model, modelInfo, classify: (input) => core.classify(input) };
}

/**
 * Loads rules (ConfigErrors on a bad file: exit code 2), then loads the saved model, or trains
 * and saves one when it is missing, from another format version, or trained under other rules
 * or training data.
 */
export async function loadClassifier(options: LoadClassifierOptions): Promise<Classifier> {
  const { rulesDir, modelPath, log } = options;
  const now = options.now ?? Date.now;
  // The validated rules come from their cache beside the model when the files are unchanged, and
  // the training files are only hashed: a saved model needs neither the YAML parser nor the
  // examples parsed (ADR 15).
  const rules = await loadRulesCached(rulesDir, rulesCachePathFor(modelPath));
  const expected = { rulesHash: rules.hash, trainingHash: readTrainingFiles(rulesDir).hash };

  if (options.retrain !== true) {
    const text = readIfExists(modelPath);
    if (text !== null) {
      const loaded = parseModelFile(text, expected);
      if ('model' in loaded) {
        log.debug({ model: modelPath }, 'classifier model loaded');
        return loadedClassifier(rules, loaded, modelPath);
      }
      log.warn({ model: modelPath, problem: loaded.problem }, 'saved classifier model is unusable; retraining');
    }
  }

  const cacheDir = options.modelCache === undefined ? process.env.WATCHFLOOR_MODEL_CACHE || null : options.modelCache;
  if (options.retrain !== true && cacheDir !== null) {
    const cachedPath = cachedModelPath(cacheDir, expected);
    const text = readIfExists(cachedPath);
    const loaded = text === null ? null : parseModelFile(text, expected);
    if (text !== null && loaded !== null && 'model' in loaded) {
      writeFileAtomically(modelPath, text);
      log.info({ model: modelPath, cache: cachedPath }, 'classifier model taken from the model cache');
      return loadedClassifier(rules, loaded, modelPath);
    }
  }

  // Training loads natural's classifier: only here, never in a start that has a saved model.
  const [{ loadTrainingExamples }, { trainTopicModel }] = await Promise.all([import('../config/rules.js'), import('../core/classify/train.js')]);
  const training = loadTrainingExamples(rulesDir);
  const useStore = options.useStore ?? options.retrain === true;
  const stored = useStore && options.store ? createTrainingSource(options.store.db).recentStories(WEAK_LABEL_SAMPLE) : [];
  const started = now();
  const { model, weak } = trainTopicModel(rules, [...training.examples, ...(options.extraExamples ?? [])], stored);
  const trainedAt = new Date(now()).toISOString();
  const meta = { ...expected, trainedAt, examples: training.examples.length, weakExamples: weak };
  const serialized = serializeModel(model, meta);
  writeFileAtomically(modelPath, serialized);
  log.info({ model: modelPath, examples: meta.examples, weak_examples: weak, duration_ms: now() - started }, 'classifier model trained and saved');
  // Only a model of the files alone is shared: weak labels and ratings are this deployment's own.
  if (cacheDir !== null && weak === 0 && (options.extraExamples ?? []).length === 0) {
    try {
      writeFileAtomically(cachedModelPath(cacheDir, expected), serialized);
    } catch (error) {
      // The image's cache is read-only by design: edited rules train once and keep their model here.
      log.warn({ cache: cacheDir, model: modelPath, err: error }, `the trained model is kept at ${modelPath} but not in the model cache (WATCHFLOOR_MODEL_CACHE); other deployments of these rules will train again. Fix: make the directory writable to share it, or ignore this`);
    }
  }
  // Async for the callers' sake: loading may become I/O-bound (remote rules) without an API change.
  await Promise.resolve();
  return wrap(createTopicClassifier(rules, model), { path: modelPath, source: 'trained', trainedAt, examples: meta.examples, weakExamples: weak });
}
