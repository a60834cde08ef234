import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { discordTime, topicLabel } from '../../core/compose/alert.js';
import { MAX_FIELD_VALUE_CHARS } from '../../core/compose/limits.js';
import { fitSafeText, truncateGraphemes } from '../../core/compose/text.js';
import { describeEventCounts, EVENT_WINDOW_MS } from '../../core/events/match.js';
import { describeRoles, livenessOf } from '../../core/roles.js';
import { allFeeds, topicMap } from './lookups.js';
import { formatDuration } from './render.js';
import type { CommandDeps, CommandModule, Reply } from './types.js';

/** Failing feeds listed by name at most; the rest are counted. */
const MAX_FAILING_SHOWN = 8;

export const data = new SlashCommandBuilder()
  .setName('status')
  .setDescription('Is Watchfloor well? Uptime, last poll cycle, stories today, failing feeds, queue')
  .setContexts(InteractionContextType.Guild);

/** Midnight UTC of the day `now` is in: "today" means the same day for every reader. */
function startOfUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

async function status(deps: CommandDeps): Promise<Reply> {
  const now = deps.clock();
  const figures = await deps.gateway.status({ todayFrom: startOfUtcDay(now), eventsFrom: now - EVENT_WINDOW_MS });
  const { lastCycle: cycle, today, outbox, surges, events } = figures;
  const byTopic = topicMap(deps);
  const feeds = await allFeeds(deps);
  const states = await deps.gateway.feedStates();
  const failing = feeds
    .filter((f) => f.enabled)
    .map((f) => ({ feed: f, state: states.get(f.id) }))
    .filter((x) => (x.state?.consecutiveFailures ?? 0) > 0);
  const surgeText = surges.length === 0 ? 'none yet' : surges.map((x) => `${topicLabel(x.topic, byTopic)}: ${x.total}, latest ${discordTime(x.latest.hourStart, 'R')} (${x.latest.count} stories, usually ${x.latest.median})`).join('\n');
  const processes = livenessOf(figures.heartbeats, now);

  const perTopic = deps
    .topics()
    .map((t) => `${topicLabel(t.id, byTopic)}: ${today.perTopic[t.id] ?? 0}`)
    .join('\n');
  const failingText =
    failing.length === 0
      ? 'none'
      : failing
          .slice(0, MAX_FAILING_SHOWN)
          .map((x) => `**${fitSafeText(x.feed.id, 64)}**: ${x.state?.consecutiveFailures ?? 0}× ${fitSafeText(x.state?.lastErrorKind ?? 'error', 30)}`)
          .join('\n') + (failing.length > MAX_FAILING_SHOWN ? `\n… and ${failing.length - MAX_FAILING_SHOWN} more (\`/feeds list\`)` : '');
  const cycleText = cycle?.finishedAt
    ? `${discordTime(cycle.finishedAt, 'R')}: ${cycle.polled} polled, ${cycle.ok} ok, ${cycle.notModified} unchanged, ${cycle.failed} failed, ${cycle.newStories} new`
    : 'none yet';

  return {
    embeds: [
      {
        title: 'Watchfloor status',
        color: failing.length > 0 || outbox.dead > 0 || outbox.uncertain > 0 || processes.some((p) => !p.alive) ? 0xf4900c : 0x78b159,
        fields: [
          { name: 'Uptime', value: `${formatDuration(now - deps.startedAt)} (since ${discordTime(deps.startedAt, 'f')})`, inline: true },
          { name: 'Feeds', value: `${feeds.filter((f) => f.enabled).length} polled, ${failing.length} failing`, inline: true },
          { name: 'Outbox', value: `${outbox.pending} waiting, ${outbox.dead} failed for good${outbox.uncertain > 0 ? `, ${outbox.uncertain} uncertain (may have been posted; the operator decides)` : ''}`, inline: true },
          { name: 'Last poll cycle', value: truncateGraphemes(cycleText, MAX_FIELD_VALUE_CHARS) },
          { name: `Stories today (UTC): ${today.stories} stored, matched per topic`, value: truncateGraphemes(perTopic || 'no topics', MAX_FIELD_VALUE_CHARS) },
          { name: 'Failing feeds', value: truncateGraphemes(failingText, MAX_FIELD_VALUE_CHARS) },
          { name: 'Topic surges', value: truncateGraphemes(surgeText, MAX_FIELD_VALUE_CHARS) },
          { name: 'Events', value: describeEventCounts(events) },
          { name: 'Processes (roles)', value: truncateGraphemes(fitSafeText(describeRoles(processes), MAX_FIELD_VALUE_CHARS), MAX_FIELD_VALUE_CHARS) },
        ],
        timestamp: new Date(now).toISOString(),
      },
    ],
  };
}

/** `/status`: health at a glance, for anyone in the server. */
export const statusCommand: CommandModule = {
  data,
  execute: (_invocation, deps) => status(deps),
};
