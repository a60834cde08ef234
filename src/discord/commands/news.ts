import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { createFeedbackAdjuster } from '../../core/feedback/adjuster.js';
import { serverAdjustmentLine } from './tune.js';
import { discordTime, topicLabel } from '../../core/compose/alert.js';
import { composeDigest } from '../../core/compose/digest.js';
import { MAX_EMBED_TITLE_CHARS, MAX_FIELD_VALUE_CHARS } from '../../core/compose/limits.js';
import type { Embed } from '../../core/compose/message.js';
import { describeReason } from '../../core/compose/reasons.js';
import { fitSafeText, truncateGraphemes } from '../../core/compose/text.js';
import { DAY_MS, digestRequest, hiddenFeedsFor, HOUR_MS, NEWS_LIMITS, newsDigestInput } from '../../core/news.js';
import { MAX_QUERY_CHARS, parseSearchText } from '../../core/search-query.js';
import { canonicalUrl } from '../../core/story.js';
import { TREND_DAYS } from '../../core/trends/series.js';
import type { TopicVerdict } from '../../core/types.js';
import type { StoryReader } from '../../store/gateway-store.js';
import { SEARCH_COUNT_MAX } from '../../store/stories.js';
import { allFeeds, feedMap, topicMap } from './lookups.js';
import { integerOption, optionalString, requiredString, topicChoices, topicOption } from './options.js';
import { highlightToMarkdown, packLines, storyLine, topicColor, topicLabels } from './render.js';
import type { SearchSession } from './search-sessions.js';
import { trend } from './trend.js';
import { UserError, type ActionRowJson, type ButtonPress, type CommandDeps, type CommandModule, type Invocation, type Reply } from './types.js';

/** Search results per page: five snippets read well and stay far from the embed limits. */
export const SEARCH_PAGE_SIZE = 5;
export const SEARCH_BUTTON_PREFIX = 'news-search';
/** Parts of an on-demand digest posted at most; the rest is summarised in a note. */
export const MAX_DIGEST_PARTS = 4;
const SUMMARY_SNIPPET_MAX_CHARS = 300;
const MAX_EXPLAIN_TEXT_CHARS = 1000;

/**
 * Feeds whose stories this server does not see: those another server added from Discord (they
 * reach only that server). A story also carried by a feeds.json feed or by this server's own
 * feed is shown.
 */
async function hiddenFeeds(deps: CommandDeps, guildId: string | null): Promise<string[]> {
  return hiddenFeedsFor({ kind: 'server', guildId }, await allFeeds(deps));
}

/** The stories this server may read. */
async function readerFor(deps: CommandDeps, guildId: string | null): Promise<StoryReader> {
  return deps.gateway.stories(await hiddenFeeds(deps, guildId));
}

const { latestCount, latestHours, searchDays, digestHours } = NEWS_LIMITS;

export const data = new SlashCommandBuilder()
  .setName('news')
  .setDescription('Stories Watchfloor has matched: newest, search, digest, and why a story matched')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('latest')
      .setDescription('Newest matched stories, newest first')
      .addStringOption((o) => o.setName('topic').setDescription('Only this topic (default: all)').setAutocomplete(true))
      .addIntegerOption((o) => o.setName('count').setDescription(`How many stories (${latestCount.min}–${latestCount.max}, default ${latestCount.fallback})`).setMinValue(latestCount.min).setMaxValue(latestCount.max))
      .addIntegerOption((o) => o.setName('hours').setDescription(`Published within this many hours (${latestHours.min}–${latestHours.max}, default ${latestHours.fallback})`).setMinValue(latestHours.min).setMaxValue(latestHours.max)),
  )
  .addSubcommand((s) =>
    s
      .setName('search')
      .setDescription('Full-text search of stored stories: words, "phrases", prefix*, AND/OR/NOT')
      .addStringOption((o) => o.setName('query').setDescription('What to look for, e.g. "missile test" OR launch').setRequired(true).setMaxLength(MAX_QUERY_CHARS))
      .addStringOption((o) => o.setName('topic').setDescription('Only stories matched to this topic').setAutocomplete(true))
      .addIntegerOption((o) => o.setName('days').setDescription(`Seen within this many days (${searchDays.min}–${searchDays.max}, default ${searchDays.fallback})`).setMinValue(searchDays.min).setMaxValue(searchDays.max)),
  )
  .addSubcommand((s) =>
    s
      .setName('digest')
      .setDescription('A digest now, composed like the scheduled ones')
      .addStringOption((o) => o.setName('topic').setDescription('Only this topic (default: all)').setAutocomplete(true))
      .addIntegerOption((o) => o.setName('hours').setDescription(`Stories first seen within this many hours (${digestHours.min}–${digestHours.max}, default ${digestHours.fallback})`).setMinValue(digestHours.min).setMaxValue(digestHours.max)),
  )
  .addSubcommand((s) =>
    s
      .setName('trend')
      .setDescription('A chart of matched stories per day (per hour up to 2 days), surges marked')
      .addStringOption((o) => o.setName('topic').setDescription('Only this topic (default: all)').setAutocomplete(true))
      .addIntegerOption((o) => o.setName('days').setDescription(`Days back (${TREND_DAYS.min}–${TREND_DAYS.max}, default ${TREND_DAYS.fallback}; up to 2: per hour)`).setMinValue(TREND_DAYS.min).setMaxValue(TREND_DAYS.max))
      .addStringOption((o) => o.setName('timezone').setDescription('Time zone of the days and labels, an IANA name such as Asia/Seoul (default UTC)').setMaxLength(64)),
  )
  .addSubcommand((s) =>
    s
      .setName('explain')
      .setDescription('The verdict per topic and why: for a stored story (url) or any text')
      .addStringOption((o) => o.setName('url').setDescription('Link of a story Watchfloor has stored').setMaxLength(2000))
      .addStringOption((o) => o.setName('text').setDescription('Any headline or text to classify').setMaxLength(MAX_EXPLAIN_TEXT_CHARS)),
  );

async function latest(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const topics = deps.topics();
  const topic = topicOption(invocation, topics);
  const count = integerOption(invocation, 'count', latestCount);
  const hours = integerOption(invocation, 'hours', latestHours);
  const stories = await (await readerFor(deps, invocation.guildId)).latest({ topic, sinceMs: deps.clock() - hours * HOUR_MS, limit: count });
  const scope = topic ? topicLabel(topic, topicMap(deps)) : 'all topics';
  if (stories.length === 0) {
    return { ephemeral: true, content: `No matched stories for ${scope} published in the last ${hours} h. Try a longer \`hours\`${topic ? ' or no `topic`' : ''}.` };
  }
  const feeds = await feedMap(deps);
  const byTopic = topicMap(deps);
  const lines = stories.map((s) => `• ${storyLine(s, feeds)}\n  ${topicLabels(s.matchedTopics, byTopic)}`);
  const title = `Latest: ${scope} — ${stories.length} ${stories.length === 1 ? 'story' : 'stories'}, last ${hours} h`;
  return { embeds: packLines(title, lines, topicColor(topic ?? stories[0]?.matchedTopics[0], byTopic), '') };
}

function searchButtons(key: string, page: number, pages: number): ActionRowJson {
  return {
    type: 1,
    components: [
      { type: 2, style: 2, label: 'Previous', custom_id: `${SEARCH_BUTTON_PREFIX}:${key}:${page - 1}`, disabled: page <= 0 },
      { type: 2, style: 2, label: 'Next', custom_id: `${SEARCH_BUTTON_PREFIX}:${key}:${page + 1}`, disabled: page >= pages - 1 },
    ],
  };
}

/** One page of a search as a message; `null` when the search has no results at all. */
async function renderSearchPage(session: SearchSession, key: string, requestedPage: number, deps: CommandDeps): Promise<Reply | null> {
  const reader = await readerFor(deps, session.guildId);
  const pageOf = (n: number) => reader.search({ match: session.match, topic: session.topic, sinceMs: session.sinceMs, limit: SEARCH_PAGE_SIZE, offset: n * SEARCH_PAGE_SIZE });
  let page = Math.max(0, requestedPage);
  let result = await pageOf(page);
  if (result.total === 0) return null;
  const pages = Math.max(1, Math.ceil(result.total / SEARCH_PAGE_SIZE));
  if (page > pages - 1) {
    // Stories were deleted since the button was drawn: show the last page there is.
    page = pages - 1;
    result = await pageOf(page);
  }
  const feeds = await feedMap(deps);
  const byTopic = topicMap(deps);
  const lines = result.hits.map((hit, index) => {
    const n = page * SEARCH_PAGE_SIZE + index + 1;
    const head = `**${n}.** ${storyLine(hit.story, feeds, highlightToMarkdown(hit.titleSnippet || '(untitled)', 200))}`;
    const summary = highlightToMarkdown(hit.summarySnippet, SUMMARY_SNIPPET_MAX_CHARS);
    return summary === '' ? head : `${head}\n> ${summary}`;
  });
  const notes: string[] = [];
  if (session.ignored.length > 0) notes.push(`Ignored: ${fitSafeText(session.ignored.join('; '), 300)}`);
  const scope = session.topic ? ` · ${topicLabel(session.topic, byTopic)}` : '';
  const title = fitSafeText(`Search: ${session.terms.join(' ')}`, MAX_EMBED_TITLE_CHARS);
  const [embed, ...rest] = packLines(title, [...notes, ...lines], topicColor(session.topic, byTopic), '');
  const withFooter: Embed = {
    ...(embed ?? {}),
    footer: {
      text:
        `Page ${page + 1}/${pages} · ${result.total >= SEARCH_COUNT_MAX ? `${SEARCH_COUNT_MAX.toLocaleString('en-US')}+` : result.total} results · last ${session.days} days${scope}` +
        // Too many matches to rank by relevance: say so, so the member can narrow the query.
        (result.ranked ? '' : ' · newest first (too many matches to rank: add words)'),
    },
  };
  return { embeds: [withFooter, ...rest], components: pages > 1 ? [searchButtons(key, page, pages)] : [] };
}

async function search(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const parsed = parseSearchText(requiredString(invocation, 'query'));
  if (!parsed.ok) throw new UserError(parsed.problem);
  const { query } = parsed;
  const topic = topicOption(invocation, deps.topics());
  const days = integerOption(invocation, 'days', searchDays);
  const now = deps.clock();
  const session: SearchSession = { userId: invocation.userId, guildId: invocation.guildId, match: query.match, terms: query.terms, ignored: query.ignored, topic, days, sinceMs: now - days * DAY_MS, createdAt: now };
  const key = deps.searches.save(session);
  const page = await renderSearchPage(session, key, 0, deps);
  if (!page) {
    return { ephemeral: true, content: `No stored story matches ${fitSafeText(query.terms.join(' '), 200)} in the last ${days} days. Try fewer words, a prefix such as \`sanction*\`, more \`days\`${topic ? ' or no `topic`' : ''}.` };
  }
  return page;
}

async function turnSearchPage(press: ButtonPress, deps: CommandDeps): Promise<Reply> {
  const [, key = '', pageText = ''] = press.customId.split(':');
  const page = Number(pageText);
  const session = deps.searches.get(key, deps.clock());
  if (!session || !Number.isInteger(page)) {
    return { ephemeral: true, content: 'This search has expired (pages are kept for 15 minutes). Run `/news search` again.' };
  }
  if (session.userId !== press.userId) {
    return { ephemeral: true, content: 'Only the person who ran this search can turn its pages. Run `/news search` yourself to browse.' };
  }
  const rendered = await renderSearchPage(session, key, page, deps);
  if (!rendered) return { ephemeral: true, content: 'This search no longer has results. Run `/news search` again.' };
  return { ...rendered, update: true };
}

async function digest(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const topicInfos = deps.topics();
  const topic = topicOption(invocation, topicInfos);
  const hours = integerOption(invocation, 'hours', digestHours);
  const request = digestRequest(topic ? [topic] : [], hours, deps.clock());
  const stories = await (await readerFor(deps, invocation.guildId)).digestStories(request, topicInfos);
  const messages = composeDigest(newsDigestInput(request, stories, topicInfos, await allFeeds(deps)));
  const parts = messages.slice(0, MAX_DIGEST_PARTS).map((m): Reply => ({ embeds: m.embeds }));
  if (messages.length > MAX_DIGEST_PARTS) {
    parts.push({ content: `${messages.length - MAX_DIGEST_PARTS} more part(s) not posted here. Narrow it with \`topic\` or fewer \`hours\`, or subscribe a channel with \`/watch add mode:digest\`.` });
  }
  const [first, ...rest] = parts;
  return { ...(first ?? { content: 'Nothing to show.' }), followUps: rest };
}

function verdictField(v: TopicVerdict, deps: CommandDeps): { name: string; value: string } {
  const label = topicLabel(v.topic, topicMap(deps));
  const reasons = v.reasons.length > 0 ? v.reasons.map((r) => `• ${describeReason(r)}`).join('\n') : '• no evidence: none of the topic\'s words appear';
  const score = `score ${Math.round(v.score * 10) / 10} ${v.matched ? '≥' : '<'} threshold ${v.threshold} (keywords ${Math.round(v.keywordScore * 10) / 10}${v.modelProbability !== null ? `, model p=${v.modelProbability.toFixed(2)}` : ''})`;
  return { name: truncateGraphemes(`${label} — ${v.matched ? 'matched' : 'not matched'}`, 256), value: truncateGraphemes(`${score}\n${reasons}`, MAX_FIELD_VALUE_CHARS) };
}

async function explain(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const url = optionalString(invocation, 'url');
  const text = optionalString(invocation, 'text');
  if ((url === undefined) === (text === undefined)) {
    throw new UserError('Give exactly one of `url` (a story Watchfloor stored) or `text` (any headline to classify).');
  }
  let title: string;
  let verdicts: readonly TopicVerdict[];
  let link: string | null = null;
  let note: string;
  let summaryOf = '';
  if (url !== undefined) {
    const canonical = canonicalUrl(url, null);
    if (!canonical) throw new UserError(`"${fitSafeText(url, 100)}" is not an http(s) link. Paste the story's full address, or use \`text\` to classify a headline.`);
    const found = await deps.gateway.storyByUrl(canonical);
    // A story only another server's feeds carried is answered as unknown: nothing leaks.
    const hidden = new Set(await hiddenFeeds(deps, invocation.guildId));
    const story = found && found.sources.some((id) => !hidden.has(id)) ? found : undefined;
    if (!story) throw new UserError('No stored story has that link. Watchfloor only knows stories from its feeds (`/news search` finds them); use `text` to classify any headline.');
    title = story.title;
    link = story.url;
    verdicts = await deps.gateway.verdicts(story.rowid);
    summaryOf = story.summary;
    note = `Verdicts as stored when the story was first seen ${discordTime(story.firstSeenAt, 'R')}.`;
    // Topics without evidence have no stored verdict (see hasEvidence in the store).
    const judged = new Set(verdicts.map((v) => v.topic));
    const silent = deps.topics().filter((t) => !judged.has(t.id));
    if (silent.length > 0) note += `\nNo evidence at all for ${topicLabels(silent.map((t) => t.id), topicMap(deps))}: none of their words appear.`;
  } else {
    const input = text ?? '';
    if (input.length > MAX_EXPLAIN_TEXT_CHARS) throw new UserError(`The text is ${input.length} characters long; keep it under ${MAX_EXPLAIN_TEXT_CHARS}.`);
    title = input;
    verdicts = deps.classify({ title: input, summary: '' }).verdicts;
    note = 'Classified now with the current rules and model, as a title.';
  }
  // A server's own adjustment (docs/feedback.md) is its own line; the verdicts stay the shared ones.
  const own = invocation.guildId === null || !deps.ratings ? null : serverAdjustmentLine(createFeedbackAdjuster(await deps.ratings.snapshot()).adjustmentFor(invocation.guildId), { title, summary: summaryOf }, verdicts, (t) => topicLabels([t], topicMap(deps)));
  if (own !== null) note += `\n${own}`;
  const matched = verdicts.filter((v) => v.matched);
  const ordered = [...verdicts].sort((a, b) => Number(b.matched) - Number(a.matched) || b.score - a.score).slice(0, 25);
  return {
    embeds: [
      {
        title: fitSafeText(`Why: ${title || '(untitled)'}`, MAX_EMBED_TITLE_CHARS),
        ...(link ? { url: link } : {}),
        description: `${matched.length > 0 ? `Matched: ${topicLabels(matched.map((v) => v.topic), topicMap(deps))}` : 'Matched no topic.'}\n${note}`,
        color: topicColor(matched[0]?.topic, topicMap(deps)),
        fields: ordered.map((v) => verdictField(v, deps)),
      },
    ],
  };
}

/** `/news`: reading what Watchfloor has stored. Anyone in the server may use it. */
export const news: CommandModule = {
  data,
  // A digest reads and clusters a day of stories, a trend draws a chart: acknowledge first.
  defer: (invocation) => (invocation.subcommand === 'digest' || invocation.subcommand === 'trend' ? 'public' : null),
  execute(invocation, deps) {
    switch (invocation.subcommand) {
      case 'latest':
        return latest(invocation, deps);
      case 'search':
        return search(invocation, deps);
      case 'digest':
        return digest(invocation, deps);
      case 'explain':
        return explain(invocation, deps);
      case 'trend':
        return trend(invocation, deps);
      default:
        throw new UserError(`Unknown subcommand \`${invocation.subcommand ?? ''}\` of /news; Discord may still show an old version of the command. Try again in a minute.`);
    }
  },
  autocomplete(query, deps) {
    return query.focused.name === 'topic' ? topicChoices(query.focused.value, deps.topics()) : [];
  },
  buttons: { [SEARCH_BUTTON_PREFIX]: turnSearchPage },
};
