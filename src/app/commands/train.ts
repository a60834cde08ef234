import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { trainingExamplesFromRatings } from '../../core/feedback/learn.js';
import { createStore } from '../../store/index.js';
import { loadClassifier } from '../classifier.js';
import { commandContext } from '../context.js';
import { createLogger } from '../logger.js';
import { say } from '../output.js';

/**
 * `watchfloor train`: rebuilds the model from rules/training/*.jsonl plus weak labels from the
 * stories already stored (keyword-confident positives, zero-hit negatives), and saves it.
 */
export function register(program: Command): void {
  program
    .command('train')
    .description('retrain the topic model from rules/training and the stored stories, and save it next to the database')
    .option('--no-store', 'train on the training files only, without weak labels from stored stories')
    .option('--with-feedback', "add every server's ratings (👍/👎, digest menus, `watchfloor feedback`) as examples: one server's taste then moves every server")
    .action(async (options: { store: boolean; withFeedback?: boolean }, command: Command) => {
      const { env, paths } = commandContext(command);
      const log = createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT });
      const useStore = options.store && (paths.db === ':memory:' || existsSync(paths.db));
      const store = useStore || (options.withFeedback === true && existsSync(paths.db)) ? createStore(paths.db) : null;
      try {
        const rated = options.withFeedback === true && store ? store.feedback.allRatedStories() : [];
        const extraExamples = trainingExamplesFromRatings(rated, (rowid) => store?.stories.get(rowid)?.matchedTopics ?? []);
        const classifier = await loadClassifier({ rulesDir: paths.rules, modelPath: paths.model, log, store: store ?? undefined, retrain: true, useStore, extraExamples });
        const info = classifier.modelInfo;
        const fromFeedback = options.withFeedback === true ? `, ${extraExamples.length} rated stories from ${rated.length} ratings` : '';
        say(`Model saved to ${info.path}: ${info.examples} training examples, ${info.weakExamples} weak labels from stored stories${fromFeedback}.\n`);
      } finally {
        store?.close();
      }
    });
}
