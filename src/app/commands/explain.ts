import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, ConfigErrors } from '../../config/errors.js';
import { assertFeedHomes, loadFeeds } from '../../config/feeds.js';
import type { FeedConfig, TopicVerdict } from '../../core/types.js';
import { classifyInputOf } from '../../core/classify/home-feed.js';
import { createFeedbackAdjuster } from '../../core/feedback/adjuster.js';
import { serverAdjustmentLine } from '../../discord/commands/tune.js';
import { addedFeedConfig, strayHomes, type AddedFeed } from '../../store/added-feeds.js';
import { isPostgresUrl } from '../../store/target.js';
import { loadClassifier } from '../classifier.js';
import { commandContext } from '../context.js';
import { openGatewayStore } from '../gateway-target.js';
import { createLogger } from '../logger.js';
import { describeReasons } from './eval.js';
import { say } from '../output.js';

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
    .option('--feed <id>', 'read the text as a story of this feed, from feeds.json or added with /feeds add (its "home" topic counts)')
    .option('--server <id>', "also show how this Discord server's own ratings (feedback) change the verdicts")
    .option('--json', 'print the classification as one JSON object')
    .action(async (text: string | undefined, options: { title?: string; summary?: string; feed?: string; server?: string; json?: boolean }, command: Command) => {
      const { env, paths } = commandContext(command);
      const title = options.title ?? text ?? '';
      const summary = options.summary ?? '';
      if (title.trim() === '' && summary.trim() === '') {
        throw new ConfigErrors([new ConfigError('arguments', 'text', 'nothing to classify; fix: watchfloor explain "a headline" or --title "..." --summary "..."')]);
      }
      const feed = options.feed === undefined ? undefined : await feedById(paths.feeds, paths.db, options.feed);
      const log = createLogger({ level: options.json ? 'warn' : env.LOG_LEVEL, format: env.LOG_FORMAT });
      const classifier = await loadClassifier({ rulesDir: paths.rules, modelPath: paths.model, log });
      const topicIds = classifier.topics.map((t) => t.id);
      // feeds.json's homes are configuration (exit 2); an added feed's home the rules have since lost only lifts nothing.
      if (feed?.guildId === undefined) {
        if (feed) assertFeedHomes([feed], topicIds, paths.feeds);
      } else {
        for (const stray of strayHomes([{ id: feed.id, home: feed.home, guildId: feed.guildId }], topicIds)) log.warn({ feed_id: stray.id, home: stray.home }, stray.message);
      }
      const result = classifier.classify(feed ? classifyInputOf({ title, summary }, feed) : { title, summary });
      const server = options.server === undefined ? undefined : await serverLine(paths.db, options.server, { title, summary }, result.verdicts);
      if (options.json) {
        say(`${JSON.stringify(server === undefined ? result : { ...result, server })}\n`);
        return;
      }
      const matched = result.matched.length > 0 ? result.matched.join(', ') : 'none';
      say(`Matched: ${matched}\n${result.verdicts.map(renderVerdict).join('\n')}\n`);
      if (server !== undefined) say(`Server ${options.server ?? ''}: ${server ?? 'no ratings from this server.'}\n`);
    });
}

/**
 * The feed of that id: feeds.json's, else one added from Discord (read from the database when
 * there is one; a missing SQLite file is not created). Exit 2 naming the ids there are.
 */
async function feedById(path: string, db: string, id: string): Promise<FeedConfig> {
  const feeds = loadFeeds(path);
  const configured = feeds.find((f) => f.id === id);
  if (configured) return configured;
  let added: AddedFeed[] = [];
  if (isPostgresUrl(db) || existsSync(db)) {
    const { gateway, close } = await openGatewayStore(db);
    try {
      added = await gateway.addedFeeds();
    } finally {
      await close();
    }
  }
  const feed = added.find((f) => f.id === id);
  if (feed) return addedFeedConfig(feed);
  const ids = [...feeds, ...added].map((f) => f.id);
  throw new ConfigErrors([new ConfigError('arguments', '--feed', `no feed "${id}" in ${path} or added with /feeds add; fix: --feed with one of ${ids.join(', ') || '(none: no feed is configured or added)'}`)]);
}

/** The server's adjustment line (see /news explain), read from the database (SQLite or PostgreSQL); null without ratings. */
async function serverLine(db: string, guildId: string, story: { title: string; summary: string }, verdicts: readonly TopicVerdict[]): Promise<string | null> {
  if (!/^\d{17,20}$/u.test(guildId)) throw new ConfigErrors([new ConfigError('arguments', '--server', `"${guildId}" is not a Discord server id; fix: --server 123456789012345678`)]);
  const { ratings, close } = await openGatewayStore(db);
  try {
    return serverAdjustmentLine(createFeedbackAdjuster(await ratings.snapshot()).adjustmentFor(guildId), story, verdicts, (t) => t);
  } finally {
    await close();
  }
}
