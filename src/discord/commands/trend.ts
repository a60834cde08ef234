import { discordTime, topicLabel } from '../../core/compose/alert.js';
import { fitSafeText } from '../../core/compose/text.js';
import { hiddenFeedsFor } from '../../core/news.js';
import { isTimeZone, TREND_DAYS } from '../../core/trends/series.js';
import { buildTrendChart } from '../../charts/trend.js';
import { MAX_ATTACHMENT_BYTES } from '../../charts/render.js';
import { allFeeds, topicMap } from './lookups.js';
import { integerOption, optionalString, topicOption } from './options.js';
import { UserError, type CommandDeps, type Invocation, type Reply } from './types.js';

/** The file name of the chart attachment. */
export const TREND_FILE_NAME = 'watchfloor-trend.png';

/**
 * `/news trend topic: days:` — a PNG chart of matched stories per day (per hour up to two
 * days), one line per topic, surges marked, in UTC or the `timezone:` given (an IANA name). Only the stories this server may read count.
 */
export async function trend(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const all = deps.topics();
  const topic = topicOption(invocation, all);
  const days = integerOption(invocation, 'days', TREND_DAYS);
  const timeZone = optionalString(invocation, 'timezone')?.trim() || 'UTC';
  if (!isTimeZone(timeZone)) throw new UserError(`\`timezone:${fitSafeText(timeZone, 60)}\` is not an IANA time zone name. Use one such as \`Asia/Seoul\`, \`Europe/Kyiv\` or \`UTC\`, then run \`/news trend\` again.`);
  const topics = topic ? all.filter((t) => t.id === topic) : all;
  const hiddenFeeds = hiddenFeedsFor({ kind: 'server', guildId: invocation.guildId }, await allFeeds(deps));
  const chart = await buildTrendChart({ trends: deps.gateway.trends, topics, days, now: deps.clock(), hiddenFeeds, timeZone });
  if (chart.png.length > MAX_ATTACHMENT_BYTES) throw new Error(`trend chart of ${chart.png.length} bytes exceeds Discord's attachment limit`);
  const byTopic = topicMap(deps);
  const totals = chart.totals.map((t) => `${topicLabel(t.topic.id, byTopic)} **${t.stories}**`).join(' · ');
  const latest = chart.surges.at(-1);
  const surgeNote = chart.surges.length === 0 ? 'No surge in this span.' : `${chart.surges.length} surge(s) marked ▲; latest: ${topicLabel(latest?.topic ?? '', byTopic)} ${discordTime(latest?.hourStart ?? 0, 'f')} (${latest?.count ?? 0} stories in the hour).`;
  return {
    content: fitSafeText(chart.spec.title, 300) + `\n${totals}\n${surgeNote}`,
    files: [{ name: TREND_FILE_NAME, data: chart.png, description: chart.spec.title }],
  };
}
