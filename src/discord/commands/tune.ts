import { createFeedbackAdjuster } from '../../core/feedback/adjuster.js';
import { adjustVerdicts, describeFeature, strongestFeatures, type ServerAdjustment } from '../../core/feedback/learn.js';
import { fitLines, fitSafeText } from '../../core/compose/text.js';
import { DAY_MS } from '../../core/news.js';
import { topicMap } from './lookups.js';
import { requiredString, requireGuild, requireManageServer } from './options.js';
import { topicColor } from './render.js';
import type { TopicVerdict } from '../../core/types.js';
import { UserError, type CommandDeps, type Invocation, type Reply } from './types.js';

/** Features `/watch tune` lists, and recent stories it checks for changed decisions. */
const SHOWN_FEATURES = 12;
const SHOWN_CHANGES = 6;
const RECENT_DAYS = 7;
const FIELD_CHARS = 1024;

/**
 * The line `explain` adds for a server with ratings: how its own adjustment changes this story's
 * verdicts (shared score → this server's score), or that it does not; null without ratings.
 */
export function serverAdjustmentLine(server: ServerAdjustment | null, story: { readonly title: string; readonly summary: string }, verdicts: readonly TopicVerdict[], label: (topic: string) => string): string | null {
  if (!server) return null;
  if (server.why !== null) return `This server's ratings (${server.counts.up + server.counts.down}) are not applied yet: ${server.why}.`;
  const adjusted = adjustVerdicts(server, story, verdicts);
  const changes = verdicts.flatMap((v, i) => {
    const a = adjusted[i];
    if (!a || a.score === v.score) return [];
    return [`${label(v.topic)} ${v.score} → ${a.score}${a.matched === v.matched ? '' : a.matched ? ' (now matched)' : ' (now not matched)'}`];
  });
  return changes.length > 0 ? `This server's ratings (this server only): ${changes.join('; ')}.` : "This server's ratings do not change this story.";
}

/**
 * `/watch tune topic:` — what this server taught about a topic through 👍/👎 and the digest menus:
 * counts, the features that moved most, recent stories now decided differently; `reset:true`
 * forgets it. Manage Server, like every /watch subcommand.
 */
export async function tune(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const guildId = requireGuild(invocation);
  requireManageServer(invocation, 'Tuning what this server taught');
  const topicId = requiredString(invocation, 'topic').trim().toLowerCase();
  const topics = topicMap(deps);
  const topic = topics.get(topicId) ?? [...topics.values()].find((t) => t.label.toLowerCase() === topicId);
  if (!topic) throw new UserError(`There is no topic \`${fitSafeText(topicId, 60)}\`. Topics: ${[...topics.keys()].join(', ')}.`);
  const ratings = deps.ratings;
  if (!ratings) throw new UserError('Ratings are not collected by this Watchfloor (it runs without the bot\'s gateway connection), so there is nothing to tune. Alerts and digests follow the shared decisions.');
  if (invocation.options.get('reset') === true) {
    const n = await ratings.reset(guildId, topic.id);
    return { ephemeral: true, content: `Forgot ${n} rating${n === 1 ? '' : 's'} of this server for ${topic.label}: its ${topic.label} decisions are the shared ones again.` };
  }
  const server = createFeedbackAdjuster(await ratings.snapshot()).adjustmentFor(guildId);
  const adjustment = server?.topics.get(topic.id);
  if (!server || !adjustment) {
    return { ephemeral: true, content: `Nobody in this server has rated ${topic.label} stories yet. Members rate alerts with 👍/👎 and digests with the Relevant / Not relevant menus; once at least two members have rated enough, Watchfloor follows this server's taste.` };
  }
  const c = adjustment.counts;
  const status = adjustment.active ? 'Applied to this server’s alerts and digests (no other server is affected).' : `Not applied yet: ${server.why ?? 'more evidence is needed'}.`;
  const fields: { name: string; value: string }[] = [];
  const moved = strongestFeatures(adjustment, SHOWN_FEATURES);
  if (moved.length > 0) {
    fields.push({ name: 'What moved the decision (score points)', value: fitLines(moved.map((f) => `${f.shift > 0 ? '⬆️' : '⬇️'} ${fitSafeText(describeFeature(f.feature), 80)} ${f.shift > 0 ? '+' : ''}${f.shift}`), FIELD_CHARS) });
  }
  if (adjustment.active) {
    const now = deps.clock();
    const changes: string[] = [];
    for (const story of await deps.gateway.matchedBetween(now - RECENT_DAYS * DAY_MS, now, [topic.id])) {
      const shared = (await deps.gateway.verdicts(story.rowid)).filter((v) => v.topic === topic.id);
      const mine = adjustVerdicts(server, story, shared);
      const before = shared[0];
      const after = mine[0];
      if (!before || !after || before.matched === after.matched) continue;
      changes.push(`${after.matched ? 'now in' : 'now out'}: ${fitSafeText(story.title, 120)} (${before.score} → ${after.score})`);
      if (changes.length >= SHOWN_CHANGES) break;
    }
    fields.push({ name: `Recent stories decided differently (last ${RECENT_DAYS} days)`, value: changes.length > 0 ? fitLines(changes, FIELD_CHARS) : 'None of the recent matched stories.' });
  }
  return {
    ephemeral: true,
    embeds: [
      {
        title: fitSafeText(`What this server taught: ${topic.label}`, 256),
        description: `${c.up} 👍 · ${c.down} 👎 · ${c.members} member${c.members === 1 ? '' : 's'} (all topics: ${server.counts.up + server.counts.down} ratings)\n${status}\nForget it with \`/watch tune topic:${topic.id} reset:true\`.`,
        color: topicColor(topic.id, topics),
        fields,
      },
    ],
  };
}

