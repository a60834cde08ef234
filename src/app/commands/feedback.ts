import type { Command } from 'commander';
import { ConfigError, ConfigErrors } from '../../config/errors.js';
import { canonicalUrl } from '../../core/story.js';
import { rateStory, RATING_LIMITS } from '../../discord/feedback.js';
import type { RatingsPort } from '../../store/ratings-port.js';
import { commandContext } from '../context.js';
import { openGatewayStore } from '../gateway-target.js';
import { relativeTime, table } from '../format.js';
import { say, warn } from '../output.js';

const WHERE = 'command line';
/** Ratings `feedback list` shows at most. */
const LIST_LIMIT = 500;
/** Member of a rating made on the command line without --member. */
export const CLI_MEMBER = 'operator';

function bad(flag: string, problem: string): ConfigErrors {
  return new ConfigErrors([new ConfigError(WHERE, flag, problem)]);
}

function serverOf(value: string | undefined): string {
  if (value === undefined || !/^\d{17,20}$/u.test(value)) throw bad('--server', `"${value ?? ''}" is not a Discord server id; fix: --server 123456789012345678 (Developer Mode → right-click the server → Copy Server ID)`);
  return value;
}

/** Runs `run` over the ratings of the database WATCHFLOOR_DB names (SQLite file or PostgreSQL URL), then closes it. */
async function withRatings<T>(command: Command, run: (ratings: RatingsPort) => Promise<T>): Promise<T> {
  const { paths } = commandContext(command);
  const { ratings, close } = await openGatewayStore(paths.db);
  try {
    return await run(ratings);
  } finally {
    await close();
  }
}

/**
 * `watchfloor feedback add|list|remove|reset`: a server's ratings for set-ups without a bot
 * (webhooks cannot carry reactions or menus). The same store, limits and learning as 👍/👎 in
 * Discord; a rating made here belongs to `cli:<member>`.
 */
export function register(program: Command): void {
  const feedback = program.command('feedback').description("a server's ratings of stories, for set-ups without a bot: `feedback add|list|remove|reset`");

  feedback
    .command('add')
    .description('rate a stored story for a server: relevant (up) or not (down), for one topic or every topic it matched')
    .requiredOption('--server <id>', 'the Discord server id whose taste this is')
    .requiredOption('--story <id|url>', 'the story: its link, its id, or its number (`watchfloor search` shows them)')
    .requiredOption('--verdict <up|down>', 'up: relevant; down: not relevant')
    .option('--topic <topic>', 'the topic rated (default: every topic the story matched)')
    .option('--member <name>', `who rates (default ${CLI_MEMBER}); ratings of at least two members are needed before a server's taste acts`)
    .action((options: { server: string; story: string; verdict: string; topic?: string; member?: string }, command: Command) => {
      const guildId = serverOf(options.server);
      if (options.verdict !== 'up' && options.verdict !== 'down') throw bad('--verdict', `"${options.verdict}" is not a verdict; fix: --verdict up or --verdict down`);
      const member = options.member ?? CLI_MEMBER;
      if (!/^[\w.-]{1,64}$/u.test(member)) throw bad('--member', `"${member}" is not a usable name; fix: letters, digits, dots, dashes or underscores, at most 64`);
      return withRatings(command, async (ratings) => {
        const key = canonicalUrl(options.story, null) ?? options.story;
        const rowid = await ratings.storyRowid(key);
        if (rowid === undefined) throw bad('--story', `no stored story has the link, id or number "${options.story}"; fix: find it with \`watchfloor search\` or \`watchfloor latest\``);
        const verdicts = await ratings.verdicts(rowid);
        const chosen = options.topic === undefined ? verdicts.filter((v) => v.matched) : verdicts.filter((v) => v.topic === options.topic);
        if (chosen.length === 0) {
          throw bad('--topic', options.topic === undefined
            ? 'the story matched no topic; fix: name the topic to rate with --topic'
            : `the story has no evidence for topic "${options.topic}" (none of its words appear), so a rating would teach nothing; fix: rate a topic it was judged on: ${verdicts.map((v) => v.topic).join(', ') || 'none'}`);
        }
        const result = await rateStory({ ratings, clock: Date.now, limits: RATING_LIMITS }, { guildId, memberId: `cli:${member}`, storyRowid: rowid, verdicts: chosen, rating: options.verdict === 'up' ? 1 : -1, source: 'cli' });
        if ('ignored' in result) throw bad('--story', 'the story cannot be rated');
        if (result.outcome === 'rate-limited' || result.outcome === 'over-cap') {
          warn(`Not saved: cli:${member} ${result.outcome === 'rate-limited' ? `made ${RATING_LIMITS.maxPerWindow} ratings in the last hour` : `holds ${RATING_LIMITS.maxPerMember} ratings in this server`}, the most one member may. Try later, or remove some with \`watchfloor feedback remove\`.\n`);
          process.exitCode = 1;
          return;
        }
        say(`${result.outcome === 'unchanged' ? 'Already rated' : result.outcome === 'replaced' ? 'Changed' : 'Rated'}: story ${rowid} ${options.verdict === 'up' ? 'relevant' : 'not relevant'} for ${result.topics.join(', ')} in server ${guildId} (member cli:${member}).\n`);
      });
    });

  feedback
    .command('list')
    .description("a server's ratings, newest first")
    .requiredOption('--server <id>', 'the Discord server id')
    .option('--topic <topic>', 'only this topic')
    .option('--json', 'print JSON')
    .action((options: { server: string; topic?: string; json?: boolean }, command: Command) => {
      const guildId = serverOf(options.server);
      return withRatings(command, async (ratings) => {
        const rows = await ratings.list(guildId, { ...(options.topic === undefined ? {} : { topic: options.topic }), limit: LIST_LIMIT });
        if (options.json) {
          say(`${JSON.stringify(rows)}\n`);
          return;
        }
        if (rows.length === 0) {
          say(`Server ${guildId} has no ratings${options.topic === undefined ? '' : ` for ${options.topic}`}.\n`);
          return;
        }
        const now = Date.now();
        const titles = new Map<number, string>();
        for (const r of rows) if (!titles.has(r.storyRowid)) titles.set(r.storyRowid, ((await ratings.storyTitle(r.storyRowid)) ?? '').slice(0, 70));
        const lines = rows.map((r) => [String(r.id), r.rating > 0 ? 'up' : 'down', r.topic, r.memberId, r.source, relativeTime(r.createdAt, now), `${r.storyRowid} ${titles.get(r.storyRowid) ?? ''}`]);
        say(`${table([['ID', 'VERDICT', 'TOPIC', 'MEMBER', 'FROM', 'WHEN', 'STORY'], ...lines])}\n`);
      });
    });

  feedback
    .command('remove')
    .description('delete ratings of a server by id (as `feedback list` shows them)')
    .requiredOption('--server <id>', 'the Discord server id')
    .argument('<ids...>', 'rating ids')
    .action((ids: string[], options: { server: string }, command: Command) => {
      const guildId = serverOf(options.server);
      const numbers = ids.map((id) => {
        if (!/^\d{1,15}$/u.test(id)) throw bad('ids', `"${id}" is not a rating id; fix: use the numbers \`watchfloor feedback list --server ${guildId}\` shows`);
        return Number(id);
      });
      return withRatings(command, async (ratings) => {
        const removed: number[] = [];
        for (const id of numbers) if (await ratings.removeById(guildId, id)) removed.push(id);
        const missed = numbers.filter((id) => !removed.includes(id));
        say(`${removed.length} rating(s) removed${removed.length > 0 ? ` (${removed.join(', ')})` : ''}.\n`);
        if (missed.length > 0) {
          warn(`Not removed: ${missed.join(', ')} — server ${guildId} has no such rating (see \`watchfloor feedback list --server ${guildId}\`).\n`);
          process.exitCode = 1;
        }
      });
    });

  feedback
    .command('reset')
    .description('forget what a server taught: every rating of one topic (--topic) or of all topics (--all)')
    .requiredOption('--server <id>', 'the Discord server id')
    .option('--topic <topic>', 'the topic to forget')
    .option('--all', 'forget every topic')
    .action((options: { server: string; topic?: string; all?: boolean }, command: Command) => {
      const guildId = serverOf(options.server);
      if ((options.topic === undefined) === (options.all !== true)) throw bad('--topic', 'say what to forget; fix: --topic <topic> for one topic, or --all for every topic');
      return withRatings(command, async (ratings) => {
        const n = await ratings.reset(guildId, options.topic);
        say(`Removed ${n} rating(s) of server ${guildId}${options.topic === undefined ? '' : ` for ${options.topic}`}; its decisions are the shared ones again${options.topic === undefined ? '' : ' for that topic'}.\n`);
      });
    });
}
