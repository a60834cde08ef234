import type { Command } from 'commander';
import { ConfigError, ConfigErrors } from '../../config/errors.js';
import { loadFeeds } from '../../config/feeds.js';
import { loadRules } from '../../config/rules.js';
import { renderMessageText } from '../../core/compose/console.js';
import { composeDigest, planDigest } from '../../core/compose/digest.js';
import { cleanInline } from '../../core/compose/text.js';
import { CLI_COUNT_MAX, DAY_MS, digestRequest, findTopic, hiddenFeedsFor, HOUR_MS, NEWS_LIMITS, newsDigestInput, OPERATOR, type IntegerRange } from '../../core/news.js';
import { ALL_TOPICS } from '../../core/route.js';
import { parseSearchText } from '../../core/search-query.js';
import type { FeedConfig, TopicInfo, TopicVerdict } from '../../core/types.js';
import { polledFeeds } from '../../store/added-feeds.js';
import type { StoryReader } from '../../store/gateway-store.js';
import { SEARCH_COUNT_MAX, type StoredStory } from '../../store/stories.js';
import { commandContext } from '../context.js';
import { openGatewayStore } from '../gateway-target.js';
import { say } from '../output.js';

/**
 * `watchfloor latest`, `search QUERY` and `digest`: what `/news` shows, for the operator at a
 * terminal (no bot needed). The reads and rules are those of `/news` (core/news.ts,
 * store/news-queries.ts); the operator sees every feed, including those servers added.
 */

const WHERE = 'command line';
/** Search results listed by default; `--count` asks for more. */
const SEARCH_COUNT_DEFAULT = 10;
/** FTS highlight markers (see store/stories.ts) and private-use stand-ins that survive cleanInline. */
const HIGHLIGHT_START = '\u0001';
const HIGHLIGHT_END = '\u0002';
const PUA_START = '\ue000';
const PUA_END = '\ue001';

interface WindowFlags {
  readonly topic?: string;
  readonly count?: string;
  readonly limit?: string;
  readonly since?: string;
  readonly json?: boolean;
}

/** What every news command reads: topics from the rules, every polled feed, the stories. */
interface NewsContext {
  readonly topics: readonly TopicInfo[];
  readonly feeds: ReadonlyMap<string, FeedConfig>;
  readonly reader: StoryReader;
  /** The matched verdicts of a story, best first. */
  matchedVerdicts(story: Pick<StoredStory, 'rowid'>): Promise<TopicVerdict[]>;
  readonly now: number;
}

/** Runs a news command over the database WATCHFLOOR_DB names: a SQLite file or a PostgreSQL URL (ADR 16). */
async function withNews(command: Command, run: (context: NewsContext) => Promise<void>): Promise<void> {
  const { paths } = commandContext(command);
  // Topics come from the rules alone: listing stored stories needs no model.
  const topics = loadRules(paths.rules).topics.map((t): TopicInfo => ({ id: t.id, label: t.label, color: t.color }));
  const configured = loadFeeds(paths.feeds);
  const { gateway, close } = await openGatewayStore(paths.db);
  try {
    const feeds = polledFeeds(configured, await gateway.addedFeeds());
    const reader = gateway.stories(hiddenFeedsFor(OPERATOR, feeds));
    const matchedVerdicts = async (story: Pick<StoredStory, 'rowid'>): Promise<TopicVerdict[]> =>
      (await gateway.verdicts(story.rowid)).filter((v) => v.matched).sort((a, b) => b.score - a.score);
    await run({ topics, feeds: new Map(feeds.map((f) => [f.id, f])), reader, matchedVerdicts, now: Date.now() });
  } finally {
    await close();
  }
}

/** Collects every problem with the flags, then throws them together (exit 2). */
export class FlagProblems {
  private readonly errors: ConfigError[] = [];
  add(flag: string, problem: string): void {
    this.errors.push(new ConfigError(WHERE, flag, problem));
  }
  throwIfAny(): void {
    if (this.errors.length > 0) throw new ConfigErrors(this.errors);
  }
}

export function parseInteger(problems: FlagProblems, flag: string, value: string | undefined, range: IntegerRange): number {
  if (value === undefined) return range.fallback;
  const n = /^\d+$/u.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    problems.add(flag, `"${value}" is not a whole number from ${range.min} to ${range.max}; fix: e.g. ${flag} ${range.fallback}`);
    return range.fallback;
  }
  return n;
}

export function parseTopic(problems: FlagProblems, value: string | undefined, topics: readonly TopicInfo[]): string | undefined {
  if (value === undefined) return undefined;
  const found = findTopic(value, topics);
  if (!found) problems.add('--topic', `unknown topic "${value}"; use one of ${topics.map((t) => t.id).join(', ')}, or leave out --topic for all topics`);
  return found?.id;
}

function parseCount(problems: FlagProblems, flags: WindowFlags, fallback: number): number {
  if (flags.count !== undefined && flags.limit !== undefined) problems.add('--limit', 'is another name for --count; give one of them');
  const flag = flags.limit !== undefined ? '--limit' : '--count';
  return parseInteger(problems, flag, flags.count ?? flags.limit, { min: 1, max: CLI_COUNT_MAX, fallback });
}

const DURATION = /^(\d{1,6})\s*(m|min|h|d|w)$/u;
const DURATION_UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, min: 60_000, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };

/**
 * The start of a window: `--since` (a duration back from now such as `6h`, `2d`, or an ISO date
 * or time) or the command's own window flag in whole units; never beyond the window `/news` allows.
 */
function parseSince(problems: FlagProblems, since: string | undefined, window: { flag: string; value: string | undefined; range: IntegerRange; unitMs: number; unit: string }, now: number): { sinceMs: number; label: string } {
  const maxMs = window.range.max * window.unitMs;
  if (since !== undefined && window.value !== undefined) problems.add('--since', `give --since or ${window.flag}, not both`);
  if (since === undefined) {
    const n = parseInteger(problems, window.flag, window.value, window.range);
    return { sinceMs: now - n * window.unitMs, label: `in the last ${n} ${window.unit}` };
  }
  const text = since.trim();
  const duration = DURATION.exec(text);
  let sinceMs: number;
  if (duration) {
    sinceMs = now - Number(duration[1]) * (DURATION_UNIT_MS[duration[2] ?? ''] ?? HOUR_MS);
  } else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/u.test(text)) {
    // A date alone, or a time without a zone, is read as UTC: the same for every operator.
    const iso = text.replace(' ', 'T');
    sinceMs = Date.parse(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/u.test(iso) ? `${iso}Z` : iso);
  } else {
    sinceMs = Number.NaN;
  }
  if (Number.isNaN(sinceMs)) {
    problems.add('--since', `"${since}" is neither a duration nor a date; fix: e.g. --since 6h, --since 2d or --since 2024-05-01T08:00Z`);
    return { sinceMs: now - window.range.fallback * window.unitMs, label: '' };
  }
  if (sinceMs > now) problems.add('--since', `"${since}" is in the future; fix: a time in the past, e.g. --since 6h`);
  if (now - sinceMs > maxMs) problems.add('--since', `"${since}" reaches back further than ${window.range.max} ${window.unit} (the window /news allows too); fix: a later time, e.g. --since ${window.range.max}${window.unit === 'days' ? 'd' : 'h'}`);
  return { sinceMs, label: `since ${utc(sinceMs)}` };
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Feed text for a terminal: controls (escape sequences included) and line breaks removed. */
function plain(text: string): string {
  return cleanInline(text);
}

/** A search snippet with its matches wrapped in `**`, the feed text cleaned like any other. */
function marked(raw: string): string {
  const cleaned = cleanInline(raw.replace(/[\ue000\ue001]/gu, '').replaceAll(HIGHLIGHT_START, PUA_START).replaceAll(HIGHLIGHT_END, PUA_END));
  return cleaned.replaceAll(PUA_START, '**').replaceAll(PUA_END, '**');
}

function sourceOf(feedId: string, feeds: ReadonlyMap<string, FeedConfig>): { id: string; name: string } {
  return { id: feedId, name: plain(feeds.get(feedId)?.name ?? feedId) };
}

function storyJson(story: StoredStory, verdicts: readonly TopicVerdict[], context: NewsContext): Record<string, unknown> {
  return {
    id: story.id,
    title: story.title,
    url: story.url,
    source: sourceOf(story.feedId, context.feeds),
    sources: story.sources,
    publishedAt: iso(story.publishedAt),
    firstSeenAt: iso(story.firstSeenAt),
    topics: verdicts.map((v) => ({ topic: v.topic, score: v.score })),
  };
}

function scoresText(verdicts: readonly TopicVerdict[]): string {
  return verdicts.map((v) => `${v.topic} ${Math.round(v.score * 10) / 10}`).join(' · ');
}

/** Prints the result: one JSON value, or text; either way redacted like every command's output. */
function print(text: string): void {
  say(`${text}\n`);
}

function latest(flags: WindowFlags & { hours?: string }, command: Command): Promise<void> {
  return withNews(command, async (context) => {
    const problems = new FlagProblems();
    const topic = parseTopic(problems, flags.topic, context.topics);
    const count = parseCount(problems, flags, NEWS_LIMITS.latestCount.fallback);
    const window = parseSince(problems, flags.since, { flag: '--hours', value: flags.hours, range: NEWS_LIMITS.latestHours, unitMs: HOUR_MS, unit: 'h' }, context.now);
    problems.throwIfAny();
    const stories = await context.reader.latest({ topic, sinceMs: window.sinceMs, limit: count });
    const rows = await Promise.all(stories.map(async (story) => ({ story, verdicts: await context.matchedVerdicts(story) })));
    if (flags.json) {
      print(JSON.stringify({ topic: topic ?? null, since: iso(window.sinceMs), count: rows.length, stories: rows.map((r) => storyJson(r.story, r.verdicts, context)) }));
      return;
    }
    const scope = topic ?? 'all topics';
    if (rows.length === 0) {
      print(`No matched stories for ${scope} published ${window.label}. Try a longer --hours or --since${topic ? ', or no --topic' : ''}.`);
      return;
    }
    const out = [`Latest: ${scope} — ${rows.length} ${rows.length === 1 ? 'story' : 'stories'} published ${window.label}, newest first`];
    for (const { story, verdicts } of rows) {
      out.push('', `${utc(story.publishedAt)} · ${sourceOf(story.feedId, context.feeds).name}`, `  ${plain(story.title) || '(untitled)'}`, `  ${scoresText(verdicts)}`);
      if (story.url) out.push(`  ${story.url}`);
    }
    print(out.join('\n'));
  });
}

function search(words: readonly string[], flags: WindowFlags & { days?: string }, command: Command): Promise<void> {
  return withNews(command, async (context) => {
    const problems = new FlagProblems();
    const parsed = parseSearchText(words.join(' ').trim());
    if (!parsed.ok) problems.add('QUERY', parsed.problem);
    const topic = parseTopic(problems, flags.topic, context.topics);
    const count = parseCount(problems, flags, SEARCH_COUNT_DEFAULT);
    const window = parseSince(problems, flags.since, { flag: '--days', value: flags.days, range: NEWS_LIMITS.searchDays, unitMs: DAY_MS, unit: 'days' }, context.now);
    problems.throwIfAny();
    if (!parsed.ok) return;
    const { query } = parsed;
    const result = await context.reader.search({ match: query.match, topic, sinceMs: window.sinceMs, limit: count });
    const hits = await Promise.all(result.hits.map(async (hit) => ({ hit, verdicts: await context.matchedVerdicts(hit.story) })));
    const capped = result.total >= SEARCH_COUNT_MAX;
    if (flags.json) {
      print(JSON.stringify({
        query: { terms: query.terms, ignored: query.ignored },
        topic: topic ?? null,
        since: iso(window.sinceMs),
        total: result.total,
        totalCapped: capped,
        ranked: result.ranked,
        hits: hits.map(({ hit, verdicts }) => ({ ...storyJson(hit.story, verdicts, context), titleSnippet: marked(hit.titleSnippet), summarySnippet: marked(hit.summarySnippet) })),
      }));
      return;
    }
    const terms = query.terms.join(' ');
    const out: string[] = [];
    if (query.ignored.length > 0) out.push(`Ignored: ${query.ignored.join('; ')}`);
    if (result.total === 0) {
      out.push(`No stored story matches ${terms} ${window.label}${topic ? ` in ${topic}` : ''}. Try fewer words, a prefix such as sanction*, a longer --days or --since${topic ? ', or no --topic' : ''}.`);
      print(out.join('\n'));
      return;
    }
    const total = capped ? `${SEARCH_COUNT_MAX.toLocaleString('en-US')}+` : String(result.total);
    // Too many matches to rank by relevance: say so, so the operator can narrow the query.
    const order = result.ranked ? 'best match first' : 'newest first (too many matches to rank: add words)';
    out.unshift(`Search: ${terms} — ${total} ${result.total === 1 ? 'result' : 'results'} ${window.label}${topic ? ` in ${topic}` : ''}, ${order}; showing ${hits.length}`);
    hits.forEach(({ hit, verdicts }, index) => {
      out.push('', `${index + 1}. ${marked(hit.titleSnippet) || '(untitled)'}`, `   ${sourceOf(hit.story.feedId, context.feeds).name} · ${utc(hit.story.publishedAt)}${verdicts.length > 0 ? ` · ${scoresText(verdicts)}` : ''}`);
      const summary = marked(hit.summarySnippet);
      if (summary !== '') out.push(`   > ${summary}`);
      if (hit.story.url) out.push(`   ${hit.story.url}`);
    });
    if (hits.length < result.total) out.push('', `More results: add --count (up to ${CLI_COUNT_MAX}) or narrow the query.`);
    print(out.join('\n'));
  });
}

function digest(flags: { topics?: string; hours?: string; json?: boolean }, command: Command): Promise<void> {
  return withNews(command, async (context) => {
    const problems = new FlagProblems();
    const named = (flags.topics ?? 'all').split(',').map((t) => t.trim()).filter((t) => t !== '');
    const all = named.length === 0 || named.includes('all') || named.includes(ALL_TOPICS);
    const topics: string[] = [];
    for (const name of all ? [] : named) {
      const found = findTopic(name, context.topics);
      if (!found) problems.add('--topics', `unknown topic "${name}"; use topic ids separated by commas (${context.topics.map((t) => t.id).join(', ')}) or "all"`);
      else if (!topics.includes(found.id)) topics.push(found.id);
    }
    const hours = parseInteger(problems, '--hours', flags.hours, NEWS_LIMITS.digestHours);
    problems.throwIfAny();
    const request = digestRequest(topics, hours, context.now);
    const input = newsDigestInput(request, await context.reader.digestStories(request, context.topics), context.topics, [...context.feeds.values()]);
    if (flags.json) {
      const groups = planDigest(input).map((group) => ({
        topic: group.topic,
        label: context.topics.find((t) => t.id === group.topic)?.label ?? group.topic,
        entries: group.entries.map(({ cluster }) => ({
          title: cluster.representative.title,
          url: cluster.representative.url,
          source: sourceOf(cluster.representative.feedId, context.feeds),
          sources: cluster.representative.sources,
          publishedAt: iso(cluster.representative.publishedAt),
          score: cluster.representative.score,
          // Near-duplicates merged into this entry ("also reported by" in the text).
          alsoReported: cluster.others.map((o) => ({ title: o.title, url: o.url, source: sourceOf(o.feedId, context.feeds), publishedAt: iso(o.publishedAt) })),
        })),
      }));
      print(JSON.stringify({ topics: request.topics, from: iso(request.from), until: iso(request.until), stories: input.stories.length, groups }));
      return;
    }
    const messages = composeDigest(input);
    // Headed as the console sink heads a delivered digest.
    print(messages.map((m, i) => renderMessageText(m, messages.length > 1 ? `digest ${i + 1}/${messages.length}` : 'digest')).join('').trimEnd());
  });
}

/** Registers `latest`, `search` and `digest`. */
export function register(program: Command): void {
  const { latestHours, searchDays, digestHours } = NEWS_LIMITS;
  program
    .command('latest')
    .description('list the newest matched stories (as /news latest): title, source, published time, topics with scores, link')
    .option('--topic <id>', 'only this topic (id or label; default: all)')
    .option('--count <n>', `how many stories (1–${CLI_COUNT_MAX}, default ${NEWS_LIMITS.latestCount.fallback})`)
    .option('--limit <n>', 'another name for --count')
    .option('--hours <h>', `published within this many hours (${latestHours.min}–${latestHours.max}, default ${latestHours.fallback})`)
    .option('--since <when>', `published since a duration ago (30m, 6h, 2d) or an ISO date/time (UTC unless it says), at most ${latestHours.max} h back`)
    .option('--json', 'print one JSON object')
    .action((flags: WindowFlags & { hours?: string }, command: Command) => latest(flags, command));
  program
    .command('search')
    .description('full-text search of stored stories (as /news search): words, "phrases", prefix*, AND, OR, NOT (or -word)')
    .argument('<query...>', 'what to look for; quote phrases for the shell too: \'"missile test" OR launch\'')
    .option('--topic <id>', 'only stories matched to this topic (id or label)')
    .option('--count <n>', `how many results (1–${CLI_COUNT_MAX}, default ${SEARCH_COUNT_DEFAULT})`)
    .option('--limit <n>', 'another name for --count')
    .option('--days <d>', `first seen within this many days (${searchDays.min}–${searchDays.max}, default ${searchDays.fallback})`)
    .option('--since <when>', `first seen since a duration ago (6h, 2d, 1w) or an ISO date/time, at most ${searchDays.max} days back`)
    .option('--json', 'print one JSON object (matches in snippets wrapped in **)')
    .action((words: string[], flags: WindowFlags & { days?: string }, command: Command) => search(words, flags, command));
  program
    .command('digest')
    .description('print the digest that would be composed now (as /news digest and scheduled digests): grouped by topic, near-duplicates merged')
    .option('--topics <ids>', 'topic ids separated by commas, or "all" (default)')
    .option('--hours <h>', `stories first seen within this many hours (${digestHours.min}–${digestHours.max}, default ${digestHours.fallback})`)
    .option('--json', 'print one JSON object with the groups and their entries')
    .action((flags: { topics?: string; hours?: string; json?: boolean }, command: Command) => digest(flags, command));
}
