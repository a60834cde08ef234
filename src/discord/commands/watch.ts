import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { ConfigErrors } from '../../config/errors.js';
import { ALL_TOPICS } from '../../core/route.js';
import { describeTrendSettings, parseTrendFlags } from '../../core/trends/settings.js';
import type { StoredSubscription } from '../../store/subscriptions.js';
import type { TrendSettings } from '../../store/trends.js';
import { topicMap } from './lookups.js';
import { canManageServer, fitChoice, integerOption, MAX_CHOICES, optionalNumber, optionalString, requiredString, requireGuild, requireManageServer } from './options.js';
import { fitSafeText } from '../../core/compose/text.js';
import { DEFAULT_DEVELOPING_SOURCES, DEFAULT_DEVELOPING_WINDOW_MINUTES, describeMode } from '../../core/events/developing.js';
import { inlineCode, packLines, topicColor, topicLabels } from './render.js';
import { tune } from './tune.js';
import { ADMINISTRATOR, FORUM_POST_PERMISSIONS, POST_PERMISSIONS, UserError, type AutocompleteQuery, type Choice, type CommandDeps, type CommandModule, type Invocation, type Reply } from './types.js';

/** The CLI flag each shared validation message names → the slash-command option. */
const OPTION_FOR_FLAG: Readonly<Record<string, string>> = {
  target: 'channel',
  '--channel': 'channel',
  '--guild': 'channel',
  '--topics': 'topics',
  '--mode': 'mode',
  '--schedule': 'schedule',
  '--timezone': 'timezone',
  '--min-score': 'min_score',
  '--mention-role': 'role',
  '--max-age-hours': 'max_age_hours',
  '--post-empty': 'mode',
  '--developing-sources': 'developing_sources',
  '--developing-window': 'developing_window',
};

export const data = new SlashCommandBuilder()
  .setName('watch')
  .setDescription('Subscriptions of this server: which channel gets which topics, how')
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Send topics to a channel: each story, one living alert per event, or a scheduled digest')
      .addChannelOption((o) => o.setName('channel').setDescription('Where to post').setRequired(true).addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum, ChannelType.GuildMedia))
      .addStringOption((o) => o.setName('topics').setDescription('Topic ids separated by commas, or "all"').setRequired(true).setAutocomplete(true).setMaxLength(200))
      .addStringOption((o) =>
        o
          .setName('mode')
          .setDescription('instant: each story; event: one alert per event, edited as outlets report; digest: scheduled')
          .setRequired(true)
          .addChoices({ name: 'instant', value: 'instant' }, { name: 'event', value: 'event' }, { name: 'digest', value: 'digest' }),
      )
      .addStringOption((o) => o.setName('schedule').setDescription('Digest schedule as cron, e.g. "0 8 * * *" for 08:00 daily').setMaxLength(100))
      .addStringOption((o) => o.setName('timezone').setDescription('Time zone of the schedule, e.g. Asia/Seoul (default UTC)').setMaxLength(64))
      .addNumberOption((o) => o.setName('min_score').setDescription('Only stories scoring at least this on a topic (default 0)').setMinValue(0).setMaxValue(1000))
      .addRoleOption((o) => o.setName('role').setDescription('Role to mention on instant alerts and 🚨 Developing notices'))
      .addIntegerOption((o) => o.setName('max_age_hours').setDescription('Never alert stories published longer ago (default 24)').setMinValue(1).setMaxValue(8760))
      .addBooleanOption((o) => o.setName('surges').setDescription('Post a notice when a topic surges (default: on for instant, off for digest)'))
      .addStringOption((o) => o.setName('quiet_hours').setDescription('No surge notices in this window of the time zone, e.g. 22-07').setMaxLength(20))
      .addIntegerOption((o) => o.setName('developing_sources').setDescription(`event mode: sources that make an event 🚨 Developing (default ${DEFAULT_DEVELOPING_SOURCES})`).setMinValue(2).setMaxValue(50))
      .addIntegerOption((o) => o.setName('developing_window').setDescription(`event mode: … within this many minutes (default ${DEFAULT_DEVELOPING_WINDOW_MINUTES})`).setMinValue(2).setMaxValue(1440)),
  )
  .addSubcommand((s) => s.setName('list').setDescription("This server's subscriptions"))
  .addSubcommand((s) =>
    s
      .setName('remove')
      .setDescription('Remove a subscription of this server (and its unsent messages)')
      .addIntegerOption((o) => o.setName('id').setDescription('Subscription number, as /watch list shows').setRequired(true).setMinValue(1).setAutocomplete(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('tune')
      .setDescription("What this server taught with 👍/👎 and digest ratings for a topic; reset forgets it")
      .addStringOption((o) => o.setName('topic').setDescription('Topic id, e.g. ukraine').setRequired(true).setMaxLength(100))
      .addBooleanOption((o) => o.setName('reset').setDescription("true: forget this server's ratings for the topic")),
  );

/** Subscriptions of one server only: the single place that decides what a server may see. */
export async function subscriptionsOf(deps: Pick<CommandDeps, 'gateway'>, guildId: string): Promise<StoredSubscription[]> {
  return (await deps.gateway.subscriptions()).filter((s) => s.target.kind === 'channel' && s.target.guildId === guildId);
}

function describe(s: StoredSubscription, deps: CommandDeps, trend: TrendSettings): string {
  const where = s.target.kind === 'channel' ? `<#${s.target.channelId}>` : s.target.kind;
  const topics = s.topics.includes(ALL_TOPICS) ? 'all topics' : topicLabels(s.topics, topicMap(deps));
  const how = s.mode === 'digest' ? `digest ${inlineCode(s.schedule ?? '', 100)} ${inlineCode(s.timezone, 64)}` : describeMode(s);
  const extras = [s.minScore > 0 ? `min score ${s.minScore}` : '', s.mentionRoleId ? `mentions <@&${s.mentionRoleId}>` : '', describeTrendSettings(s, trend)].filter(Boolean);
  return `**#${s.id}** ${where} ← ${topics} · ${how}${extras.length > 0 ? ` · ${extras.join(' · ')}` : ''}`;
}

/**
 * Refuses a channel or role of another server. Discord's option validation is not trusted: a
 * forged interaction (or an HTTP endpoint's caller) can name any id and resolve it to anything,
 * so the answer comes from Discord itself (gateway cache, else REST), never from the payload.
 */
async function requireOwnChannelAndRole(guildId: string, channelId: string, roleId: string | null, deps: CommandDeps): Promise<void> {
  const servers = deps.servers;
  if (!servers) {
    throw new UserError('Nothing was saved: this Watchfloor cannot ask Discord which server the channel belongs to, so it cannot add subscriptions from here. Ask the operator to use `watchfloor subscribe`.');
  }
  let channelGuild: string | null;
  let roleOk = true;
  try {
    channelGuild = await servers.channelGuild(channelId);
    if (roleId !== null) roleOk = await servers.guildHasRole(guildId, roleId);
  } catch (error) {
    deps.log.warn({ err: error, guild_id: guildId, channel_id: channelId }, '/watch add could not check the channel or role with Discord');
    throw new UserError('Nothing was saved: Discord did not answer when asked which server the channel and role belong to. Try `/watch add` again in a minute.');
  }
  const problems: string[] = [];
  if (channelGuild !== guildId) {
    problems.push(`• \`channel\`: ${inlineCode(channelId, 30)} is not a channel of this server (or Watchfloor cannot see it). A server can only subscribe its own channels: pick one of this server's text channels.`);
  }
  if (!roleOk) {
    problems.push(`• \`role\`: ${inlineCode(roleId ?? '', 30)} is not a role of this server. Pick one of this server's roles, or leave \`role\` out.`);
  }
  if (problems.length > 0) throw new UserError(`Nothing was saved. Fix ${problems.length === 1 ? 'this' : 'these'} and run \`/watch add\` again:\n${problems.join('\n')}`);
}

async function add(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const guildId = requireGuild(invocation);
  requireManageServer(invocation, 'Adding a subscription');
  const minScore = optionalNumber(invocation, 'min_score');
  const maxAge = invocation.options.has('max_age_hours') ? integerOption(invocation, 'max_age_hours', { min: 1, max: 8760, fallback: 24 }) : undefined;
  const schedule = optionalString(invocation, 'schedule');
  const timezone = optionalString(invocation, 'timezone');
  const role = optionalString(invocation, 'role');
  const surgesOption = invocation.options.get('surges');
  const trend = parseTrendFlags({ surges: typeof surgesOption === 'boolean' ? surgesOption : undefined, quietHours: optionalString(invocation, 'quiet_hours') });
  if (trend.problems.length > 0) throw new UserError(`Nothing was saved. Fix this and run \`/watch add\` again:\n${trend.problems.map((p) => `• \`quiet_hours\`: ${p.text.replace('--quiet-hours ', 'quiet_hours:').replace("--timezone", '`timezone`')}`).join('\n')}`);
  const developingSources = optionalNumber(invocation, 'developing_sources');
  const developingWindow = optionalNumber(invocation, 'developing_window');
  let input;
  try {
    input = deps.parseSubscription(
      {
        channel: requiredString(invocation, 'channel'),
        guild: guildId,
        topics: requiredString(invocation, 'topics'),
        mode: requiredString(invocation, 'mode'),
        ...(schedule !== undefined ? { schedule } : {}),
        ...(timezone !== undefined ? { timezone } : {}),
        ...(minScore !== undefined ? { minScore: String(minScore) } : {}),
        ...(role !== undefined ? { mentionRole: role } : {}),
        ...(maxAge !== undefined ? { maxAgeHours: String(maxAge) } : {}),
        ...(developingSources !== undefined ? { developingSources: String(developingSources) } : {}),
        ...(developingWindow !== undefined ? { developingWindow: String(developingWindow) } : {}),
      },
      deps.clock(),
    );
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    const lines = error.errors.map((e) => `• \`${OPTION_FOR_FLAG[e.where] ?? e.where}\`: ${e.problem.replaceAll('--mode digest', '`mode:digest`').replaceAll('--mode instant', '`mode:instant`').replaceAll('--mode event', '`mode:event`').replace(/--schedule "([^"]*)"/gu, '`schedule:$1`')}`);
    throw new UserError(`Nothing was saved. Fix ${lines.length === 1 ? 'this' : 'these'} and run \`/watch add\` again:\n${lines.join('\n')}`);
  }
  const channelId = input.target.kind === 'channel' ? input.target.channelId : '';
  await requireOwnChannelAndRole(guildId, channelId, input.mentionRoleId, deps);
  const botPermissions = deps.botPermissionsIn?.(guildId, channelId) ?? null;
  // Unknown (not cached) is allowed: delivery reports a channel it cannot post in as a dead letter.
  if (botPermissions !== null && (botPermissions & ADMINISTRATOR) === 0n) {
    // A forum gets one post per event, story or digest, and later reports inside the post.
    const forum = deps.isForumChannel?.(guildId, channelId) === true;
    const missing = (forum ? FORUM_POST_PERMISSIONS : POST_PERMISSIONS).filter(([bit]) => (botPermissions & bit) === 0n).map(([, name]) => name);
    if (missing.length > 0) {
      throw new UserError(`Nothing was saved: Watchfloor cannot post in ${forum ? 'the forum ' : ''}<#${channelId}> (missing ${missing.join(', ')}). Give its role those permissions in that channel, then run \`/watch add\` again.`);
    }
  }
  const created = await deps.gateway.addSubscription({ ...input, createdBy: `discord:${invocation.userId}` }, trend.settings);
  const next = created.mode === 'digest' ? 'The first digest covers stories since now.' : 'Alerts start with the next stories that match.';
  return { ephemeral: true, content: `Subscribed: ${describe(created, deps, await deps.gateway.trendSettings(created.id))}\n${next} Remove it with \`/watch remove id:${created.id}\`.` };
}

async function list(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const guildId = requireGuild(invocation);
  requireManageServer(invocation, 'Listing subscriptions');
  const mine = await subscriptionsOf(deps, guildId);
  // Rows of this server that cannot be read are skipped by delivery; say so, with the fix.
  const broken = (await deps.gateway.unreadableSubscriptions()).filter((r) => r.guildId === guildId);
  const brokenLines = broken.map((r) => `**#${r.id}** ⚠️ cannot be read (${fitSafeText(r.reason, 120)}): nothing is sent for it. Remove it with \`/watch remove id:${r.id}\` and add it again.`);
  if (mine.length === 0 && broken.length === 0) {
    return { ephemeral: true, content: 'This server has no subscriptions yet. Add one with `/watch add channel:#news topics:all mode:instant`.' };
  }
  const counts = await deps.gateway.outboxCountsBySubscription();
  const trends = await Promise.all(mine.map((s) => deps.gateway.trendSettings(s.id)));
  const lines = mine.map((s, i) => {
    const c = counts.get(s.id);
    return `${describe(s, deps, trends[i] ?? { surges: null, quietHours: null })}${c && (c.pending > 0 || c.dead > 0) ? ` · ${c.pending} waiting, ${c.dead} failed` : ''}`;
  });
  return { ephemeral: true, embeds: packLines(`Subscriptions of this server (${mine.length})`, [...lines, ...brokenLines], topicColor(undefined, topicMap(deps)), '') };
}

async function remove(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const guildId = requireGuild(invocation);
  requireManageServer(invocation, 'Removing a subscription');
  const id = integerOption(invocation, 'id', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
  const existing = await deps.gateway.subscription(id);
  const broken = existing ? undefined : (await deps.gateway.unreadableSubscriptions()).find((r) => r.id === String(id));
  if (broken?.guildId === guildId && (await deps.gateway.removeSubscription(id))) {
    return { ephemeral: true, content: `Removed subscription **#${id}**, whose saved entry could not be read. Add it again with \`/watch add\`.` };
  }
  // Another server's subscription is answered exactly like a missing one: nothing leaks.
  if (!existing || existing.target.kind !== 'channel' || existing.target.guildId !== guildId) {
    throw new UserError(`This server has no subscription #${id}. \`/watch list\` shows the ones it has.`);
  }
  const trend = await deps.gateway.trendSettings(id);
  await deps.gateway.removeSubscription(id);
  return { ephemeral: true, content: `Removed: ${describe(existing, deps, trend)}` };
}

/** Completes the last of comma-separated topics: "ukraine, no" → "ukraine, north-korea". */
function topicListChoices(typed: string, deps: CommandDeps): Choice[] {
  const parts = typed.split(',');
  const last = (parts.pop() ?? '').trim().toLowerCase();
  const chosen = parts.map((p) => p.trim()).filter((p) => p !== '');
  const prefix = chosen.length > 0 ? `${chosen.join(', ')}, ` : '';
  const candidates = [...(chosen.length === 0 ? [{ id: 'all', label: 'All topics' }] : []), ...deps.topics()].filter(
    (t) => !chosen.includes(t.id) && (last === '' || t.id.includes(last) || t.label.toLowerCase().includes(last)),
  );
  return candidates
    .map((t) => ({ name: fitChoice(`${prefix}${t.id}${t.id === 'all' ? '' : ` (${t.label})`}`), value: `${prefix}${t.id}` }))
    .filter((c) => c.value.length <= 100)
    .slice(0, MAX_CHOICES);
}

async function autocomplete(query: AutocompleteQuery, deps: CommandDeps): Promise<Choice[]> {
  if (query.focused.name === 'topics') return topicListChoices(query.focused.value, deps);
  if (query.focused.name === 'id' && query.guildId !== null) {
    const typed = query.focused.value.replace(/^#/u, '').trim();
    return (await subscriptionsOf(deps, query.guildId))
      .filter((s) => typed === '' || String(s.id).startsWith(typed))
      .slice(0, MAX_CHOICES)
      .map((s) => ({ name: fitChoice(`#${s.id} ${s.target.kind === 'channel' ? `channel ${s.target.channelId}` : ''} ← ${s.topics.join(', ')} · ${s.mode}`), value: s.id }));
  }
  return [];
}

/**
 * `/watch`: the subscriptions of this server. Every subcommand needs Manage Server (hidden from
 * others by default_member_permissions, and checked again here); a server only ever sees and
 * changes its own subscriptions.
 */
export const watch: CommandModule = {
  data,
  execute(invocation, deps) {
    switch (invocation.subcommand) {
      case 'add':
        return add(invocation, deps);
      case 'list':
        return list(invocation, deps);
      case 'remove':
        return remove(invocation, deps);
      case 'tune':
        return tune(invocation, deps);
      default:
        throw new UserError(`Unknown subcommand \`${invocation.subcommand ?? ''}\` of /watch; Discord may still show an old version of the command. Try again in a minute.`);
    }
  },
  autocomplete(query, deps) {
    // Subscription ids are only suggested to members who may manage them.
    if (query.focused.name === 'id' && !canManageServer(query)) return Promise.resolve([]);
    return autocomplete(query, deps);
  },
};
