import type { Command } from 'commander';
import { ConfigError, ConfigErrors } from '../../config/errors.js';
import type { TopicVerdict } from '../../core/types.js';
import { loadClassifier } from '../classifier.js';
import { commandContext } from '../context.js';
import { createLogger } from '../logger.js';
import { describeReasons } from './eval.js';

function renderVerdict(v: TopicVerdict): string {
  const head = `${v.matched ? 'MATCH ' : 'no    '} ${v.topic}: score ${v.score} / threshold ${v.threshold} (keywords ${v.keywordScore}${v.modelProbability !== null ? `, model p=${v.modelProbability}` : ''})`;
  const reasons = v.reasons.length > 0 ? v.reasons.map((r) => `    - ${describeReasons([r])}`).join('\n') : '    - no evidence';
  return `${head}\n${reasons}`;
}

/** `watchfloor explain "text"`: the verdict per topic with its reasons, to test a rule change. */
export function register(program: Command): void {
  program
    .command('explain')
    .description('classify a text and show each topic\'s verdict with its reasons (which words, where, the model\'s probability)')
    .argument('[text]', 'the text, taken as the title (use --title/--summary to give both)')
    .option('--title <title>', 'story title')
    .option('--summary <summary>', 'story summary')
    .option('--json', 'print the classification as one JSON object')
    .action(async (text: string | undefined, options: { title?: string; summary?: string; json?: boolean }, command: Command) => {
      const { env, paths } = commandContext(command);
      const title = options.title ?? text ?? '';
      const summary = options.summary ?? '';
      if (title.trim() === '' && summary.trim() === '') {
        throw new ConfigErrors([new ConfigError('arguments', 'text', 'nothing to classify; fix: watchfloor explain "a headline" or --title "..." --summary "..."')]);
      }
      const log = createLogger({ level: options.json ? 'warn' : env.LOG_LEVEL, format: env.LOG_FORMAT });
      const classifier = await loadClassifier({ rulesDir: paths.rules, modelPath: paths.model, log });
      const result = classifier.classify({ title, summary });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const matched = result.matched.length > 0 ? result.matched.join(', ') : 'none';
      process.stdout.write(`Matched: ${matched}\n${result.verdicts.map(renderVerdict).join('\n')}\n`);
    });
}
