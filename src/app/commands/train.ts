import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { createStore } from '../../store/index.js';
import { loadClassifier } from '../classifier.js';
import { commandContext } from '../context.js';
import { createLogger } from '../logger.js';

/**
 * `watchfloor train`: rebuilds the model from rules/training/*.jsonl plus weak labels from the
 * stories already stored (keyword-confident positives, zero-hit negatives), and saves it.
 */
export function register(program: Command): void {
  program
    .command('train')
    .description('retrain the topic model from rules/training and the stored stories, and save it next to the database')
    .option('--no-store', 'train on the training files only, without weak labels from stored stories')
    .action(async (options: { store: boolean }, command: Command) => {
      const { env, paths } = commandContext(command);
      const log = createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT });
      const useStore = options.store && (paths.db === ':memory:' || existsSync(paths.db));
      const store = useStore ? createStore(paths.db) : null;
      try {
        const classifier = await loadClassifier({ rulesDir: paths.rules, modelPath: paths.model, log, store: store ?? undefined, retrain: true, useStore });
        const info = classifier.modelInfo;
        process.stdout.write(`Model saved to ${info.path}: ${info.examples} training examples, ${info.weakExamples} weak labels from stored stories.\n`);
      } finally {
        store?.close();
      }
    });
}
