import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { discordTime } from '../../core/compose/alert.js';
import { MAX_EMBED_TITLE_CHARS } from '../../core/compose/limits.js';
import { cleanInline, fitSafeText, maskedLink, safeHttpUrl } from '../../core/compose/text.js';
import { classifyInputOf } from '../../core/classify/home-feed.js';
import { FEED_KINDS, type FeedConfig, type FeedKind, type TopicInfo } from '../../core/types.js';
import { addedFeedConfig, type AddedFeed, type AddedFeedChange } from '../../store/added-feeds.js';
import type { FeedState } from '../../store/feed-state.js';
import type { UnreadableRow } from '../../store/unreadable-rows.js';
import { allFeeds, feedsOf, topicMap } from './lookups.js';
import { fitChoice, MAX_CHOICES, optionalString, requiredString, requireGuild, requireManageServer, topicChoices, topicOption } from './options.js';
import { inlineCode, packLines, topicColor, topicLabels } from './render.js';
import { UserError, type CommandDeps, type CommandModule, type FeedProbe, type Invocation, type Reply } from './types.js';

const FEED_ID_MAX_CHARS = 48;
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/u;
const NAME_MAX_CHARS = 100;
/** What `/feeds edit home:` takes to clear a feed's home. */
const NO_HOME = 'none';
/** Sample items shown by `/feeds test` and `/feeds add`. */
const SAMPLE_ITEMS = 3;

export const data = new SlashCommandBuilder()
  .setName('feeds')
  .setDescription('The feeds Watchfloor polls: health, add, edit, remove, test')
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((s) => s.setName('list').setDescription('Every polled feed with its health: last success, failures, next poll'))
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Fetch and parse a feed, then poll it from the next cycle on')
      .addStringOption((o) => o.setName('url').setDescription('The RSS or Atom address (http or https)').setRequired(true).setMaxLength(2000))
      .addStringOption((o) => o.setName('name').setDescription("Source name shown in alerts (default: the feed's title)").setMaxLength(NAME_MAX_CHARS))
      .addStringOption((o) => o.setName('language').setDescription('Language of its text, e.g. en, ko, uk (default en)').setMaxLength(20))
      .addStringOption((o) => o.setName('kind').setDescription('What kind of source it is (default outlet)').addChoices(...FEED_KINDS.map((k) => ({ name: k, value: k }))))
      .addStringOption((o) => o.setName('home').setDescription("Only for one country's home news: its stories count for this topic unless another is named").setAutocomplete(true).setMaxLength(100)),
  )
  .addSubcommand((s) =>
    s
      .setName('edit')
      .setDescription('Change the name, language, kind or home of a feed added from this server')
      .addStringOption((o) => o.setName('id').setDescription('Feed id, as /feeds list shows').setRequired(true).setAutocomplete(true).setMaxLength(64))
      .addStringOption((o) => o.setName('name').setDescription('Source name shown in alerts').setMaxLength(NAME_MAX_CHARS))
      .addStringOption((o) => o.setName('language').setDescription('Language of its text, e.g. en, ko, uk').setMaxLength(20))
      .addStringOption((o) => o.setName('kind').setDescription('What kind of source it is').addChoices(...FEED_KINDS.map((k) => ({ name: k, value: k }))))
      .addStringOption((o) => o.setName('home').setDescription(`The topic whose home news it carries, or "${NO_HOME}" to clear it`).setAutocomplete(true).setMaxLength(100)),
  )
  .addSubcommand((s) =>
    s
      .setName('remove')
      .setDescription('Stop polling a feed that was added from Discord')
      .addStringOption((o) => o.setName('id').setDescription('Feed id, as /feeds list shows').setRequired(true).setAutocomplete(true).setMaxLength(64)),
  )
  .addSubcommand((s) =>
    s
      .setName('test')
      .setDescription('Fetch and parse a feed and show what it would match, without saving it')
      .addStringOption((o) => o.setName('url').setDescription('The RSS or Atom address (http or https)').setRequired(true).setMaxLength(2000))
      .addStringOption((o) => o.setName('home').setDescription('Read it as this topic\'s home news, as /feeds add home: would').setAutocomplete(true).setMaxLength(100)),
  );

function health(feed: FeedConfig, state: FeedState | undefined, now: number): string {
  if (!feed.enabled) return 'disabled';
  if (!state || state.lastAttemptAt === null) return 'new: first poll in the next cycle';
  const success = state.lastSuccessAt === null ? 'never succeeded' : `ok ${discordTime(state.lastSuccessAt, 'R')}`;
  const next = state.nextPollAt <= now ? 'due now' : `next ${discordTime(state.nextPollAt, 'R')}`;
  if (state.consecutiveFailures === 0) return `${success} · ${next}`;
  const error = state.lastError ? `: ${fitSafeText(`${state.lastErrorKind ?? 'error'} ${state.lastError}`, 160)}` : '';
  return `⚠️ ${state.consecutiveFailures} failure${state.consecutiveFailures === 1 ? '' : 's'}${error} · ${success} · ${next}`;
}

/** A home topic as replies show it: its label, or its id in code when the rules no longer have it. */
function homeLabel(home: string, topics: ReadonlyMap<string, TopicInfo>): string {
  return topics.has(home) ? topicLabels([home], topics) : inlineCode(home, 40);
}

/** " · home: South Korea" for a home feed; a home the rules no longer have says that it lifts nothing. */
function homeText(feed: FeedConfig, topics: ReadonlyMap<string, TopicInfo>): string {
  if (feed.home === undefined) return '';
  const stray = topics.has(feed.home) ? '' : ` ⚠️ no such topic in the rules now, so it lifts nothing (\`/feeds edit id:${fitSafeText(feed.id, 64)} home:\` changes it)`;
  return ` · home: ${homeLabel(feed.home, topics)}${stray}`;
}

/** Feeds added from this server whose rows cannot be read (skipped, not polled). */
async function unreadableHere(deps: CommandDeps, guildId: string | null): Promise<UnreadableRow[]> {
  return guildId === null ? [] : (await deps.gateway.unreadableAddedFeeds()).filter((r) => r.guildId === guildId);
}

async function list(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const now = deps.clock();
  // This server's view: the operator's feeds and its own added ones. Another server's added
  // feeds reach only that server, so they are none of this one's business.
  const feeds = await feedsOf(deps, invocation.guildId);
  const added = new Map((await deps.gateway.addedFeeds()).map((f) => [f.id, f]));
  const states = await deps.gateway.feedStates();
  const byTopic = topicMap(deps);
  const addedHere = feeds.filter((f) => f.guildId !== undefined).length;
  const failing = feeds.filter((f) => (states.get(f.id)?.consecutiveFailures ?? 0) > 0).length;
  const lines = feeds.map((feed) => {
    const who = feed.guildId !== undefined ? added.get(feed.id) : undefined;
    const origin = who ? `added by <@${who.addedBy}>` : 'feeds.json';
    return `**${fitSafeText(feed.id, 64)}** ${fitSafeText(feed.name, 60)} · ${feed.kind}${homeText(feed, byTopic)} · ${origin}\n  ${health(feed, states.get(feed.id), now)}`;
  });
  for (const broken of await unreadableHere(deps, invocation.guildId)) {
    lines.push(`**${fitSafeText(broken.id, 64)}** ⚠️ cannot be read (${fitSafeText(broken.reason, 120)}): not polled. Remove it with \`/feeds remove id:${fitSafeText(broken.id, 64)}\` and add it again.`);
  }
  const title = `Feeds: ${feeds.length} (${feeds.length - addedHere} from feeds.json, ${addedHere} added here) · ${failing} failing`;
  return { ephemeral: true, embeds: packLines(title, lines, failing > 0 ? 0xf4900c : 0x78b159, 'The operator sees them all with `watchfloor status`.') };
}

function feedIdFor(url: string, taken: ReadonlySet<string>): string {
  let host = 'feed';
  try {
    host = new URL(url).hostname.replace(/^www\./u, '');
  } catch {
    // Unreachable: the probe accepted the URL.
  }
  const base = host.toLowerCase().replace(/[^a-z0-9]+/gu, '-').replace(/^-+|-+$/gu, '').slice(0, FEED_ID_MAX_CHARS) || 'feed';
  if (!taken.has(base)) return base;
  for (let n = 2; n < 1000; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new UserError('Too many feeds from this host already. Remove some with `/feeds remove` first.');
}

/**
 * The topics each item would match, in the probe's order, read as the poller will read them
 * (the feed's home counts): each item is classified once.
 */
function matchesOf(items: Extract<FeedProbe, { ok: true }>['items'], deps: CommandDeps, feed: FeedConfig): (readonly string[])[] {
  return items.map((item) => deps.classify(classifyInputOf(item, feed)).matched);
}

/** One line per sample item (the first few), from the verdicts `matchesOf` gave. */
function sampleLines(probe: Extract<FeedProbe, { ok: true }>, matches: readonly (readonly string[])[], deps: CommandDeps): string[] {
  const byTopic = topicMap(deps);
  return probe.items.slice(0, SAMPLE_ITEMS).map((item, i) => {
    const matched = matches[i] ?? [];
    const title = maskedLink(fitSafeText(item.title || '(untitled)', 150), safeHttpUrl(item.url, 500));
    return `• ${title}\n  ${matched.length > 0 ? `would match ${topicLabels(matched, byTopic)}` : 'would match no topic'}`;
  });
}

async function probeOrExplain(url: string, deps: CommandDeps): Promise<Extract<FeedProbe, { ok: true }>> {
  const probe = await deps.probeFeed(url);
  if (!probe.ok) throw new UserError(`${fitSafeText(probe.message, 1500)}\nNothing was saved. Check the address (it must be the RSS/Atom feed itself, over http or https) and try again.`);
  return probe;
}

/** The `language` option, lower-cased and checked; undefined when not given. */
function languageOption(invocation: Invocation): string | undefined {
  const language = optionalString(invocation, 'language')?.toLowerCase();
  if (language !== undefined && !LANGUAGE_TAG.test(language)) throw new UserError(`\`language\` "${fitSafeText(language, 20)}" is not a language tag. Use a code such as en, ko, uk or ru.`);
  return language;
}

/** The `kind` option, checked against the kinds there are; undefined when not given. */
function kindOption(invocation: Invocation): FeedKind | undefined {
  const text = optionalString(invocation, 'kind');
  if (text === undefined) return undefined;
  const kind = FEED_KINDS.find((k) => k === text);
  if (kind === undefined) throw new UserError(`\`kind\` must be one of ${FEED_KINDS.join(', ')}.`);
  return kind;
}

/** A feed's name as stored: control characters out, at most {@link NAME_MAX_CHARS}. */
function feedName(text: string): string {
  return cleanInline(text).slice(0, NAME_MAX_CHARS);
}

/** The `name` option as given (length checked); undefined when not given. */
function nameOption(invocation: Invocation): string | undefined {
  const name = optionalString(invocation, 'name');
  if (name !== undefined && name.length > NAME_MAX_CHARS) throw new UserError(`\`name\` is ${name.length} characters; keep it under ${NAME_MAX_CHARS}.`);
  return name;
}

/** The `home` option: a topic id of the rules, or undefined for none. */
function homeOption(invocation: Invocation, deps: CommandDeps): string | undefined {
  return topicOption(invocation, deps.topics(), 'home', 'for a feed that is not one country\'s home news');
}

/** What a home means, said once where it is set. */
function homeLine(home: string | undefined, deps: CommandDeps): string[] {
  if (home === undefined) return [];
  return [`Home news of ${topicLabels([home], topicMap(deps))}: its stories count for that topic unless another topic, country or "abroad" is named. Set it only on a home-news section, not on a world feed.`];
}

async function add(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const guildId = requireGuild(invocation);
  requireManageServer(invocation, 'Adding a feed');
  const url = requiredString(invocation, 'url');
  const home = homeOption(invocation, deps);
  const language = languageOption(invocation) ?? 'en';
  const kind = kindOption(invocation) ?? 'outlet';
  const givenName = nameOption(invocation);

  const probe = await probeOrExplain(url, deps);
  const feeds = await allFeeds(deps);
  const same = feeds.find((f) => f.url === probe.url || f.url === url);
  if (same) throw new UserError(`That feed is already polled as ${inlineCode(same.id, 64)} (${fitSafeText(same.name, 60)}). Nothing was saved.`);
  const id = feedIdFor(probe.url, new Set(feeds.map((f) => f.id)));
  const name = feedName(givenName ?? probe.title ?? '') || id;
  const feed: AddedFeed = { id, url: probe.url, name, language, kind, addedBy: invocation.userId, guildId, addedAt: deps.clock(), ...(home === undefined ? {} : { home }) };
  // Two people adding the same feed at once: the second insert hits the unique URL.
  if ((await deps.gateway.addFeed(feed)) === 'taken') throw new UserError('That feed was added a moment ago by someone else. `/feeds list` shows it.');
  deps.log.info({ feed_id: id, guild_id: guildId, user_id: invocation.userId, ...(home === undefined ? {} : { home }) }, 'feed added from Discord');
  const lines = sampleLines(probe, matchesOf(probe.items.slice(0, SAMPLE_ITEMS), deps, addedFeedConfig(feed)), deps);
  return {
    ephemeral: true,
    embeds: packLines(
      fitSafeText(`Added feed ${id}: ${name}`, MAX_EMBED_TITLE_CHARS),
      [
        `${probe.items.length} item(s) in it now (${probe.format}). It is polled from the next cycle; stories already in it are stored but only recent ones are alerted.`,
        ...homeLine(home, deps),
        ...lines,
        `Change it with \`/feeds edit id:${id}\`; remove it with \`/feeds remove id:${id}\`.`,
      ],
      topicColor(undefined, topicMap(deps)),
      '',
    ),
  };
}

/** The answer for an id this server cannot change or remove: another server's feed reads exactly as a missing one. */
function notAddedHere(id: string): UserError {
  return new UserError(`No feed added from this server has the id ${inlineCode(id, 64)}. \`/feeds list\` shows the ids.`);
}

/** What `/feeds edit` changes: each option given, checked as `/feeds add` checks it; `home:none` clears the home. */
function changeOf(invocation: Invocation, deps: CommandDeps): AddedFeedChange {
  const givenName = nameOption(invocation);
  const name = givenName === undefined ? undefined : feedName(givenName);
  if (name === '') throw new UserError('`name` has no text left once control characters are taken out. Give the source name as plain text.');
  const language = languageOption(invocation);
  const kind = kindOption(invocation);
  const clearsHome = optionalString(invocation, 'home')?.toLowerCase() === NO_HOME;
  const home = clearsHome ? null : topicOption(invocation, deps.topics(), 'home', `to keep the home as it is, or give \`${NO_HOME}\` to clear it`);
  return {
    ...(name === undefined ? {} : { name }),
    ...(language === undefined ? {} : { language }),
    ...(kind === undefined ? {} : { kind }),
    ...(home === undefined ? {} : { home }),
  };
}

/** "name: “A” → “B”" for each field the edit changed, in the options' order. */
function changedLines(before: AddedFeed, after: AddedFeed, deps: CommandDeps): { fields: string[]; lines: string[] } {
  const byTopic = topicMap(deps);
  const homeOf = (f: AddedFeed): string => (f.home === undefined ? 'none' : homeLabel(f.home, byTopic));
  const shown: [string, (f: AddedFeed) => string][] = [
    ['name', (f) => `“${fitSafeText(f.name, 80)}”`],
    ['language', (f) => f.language],
    ['kind', (f) => f.kind],
    ['home', homeOf],
  ];
  const changed = shown.filter(([, show]) => show(before) !== show(after));
  return { fields: changed.map(([field]) => field), lines: changed.map(([field, show]) => `${field}: ${show(before)} → ${show(after)}`) };
}

/**
 * The server and the feed id of `/feeds edit` and `/feeds remove`: in a server, by someone with
 * Manage Server, and not a feed of feeds.json (the operator's, changed only there).
 */
function addedFeedTarget(invocation: Invocation, deps: CommandDeps, action: { readonly doing: string; readonly verb: string; readonly subcommand: string; readonly does: string }): { guildId: string; id: string } {
  const guildId = requireGuild(invocation);
  requireManageServer(invocation, `${action.doing} a feed`);
  const id = requiredString(invocation, 'id');
  if (deps.configuredFeeds().some((f) => f.id === id)) {
    throw new UserError(`${inlineCode(id, 64)} comes from feeds.json, the operator's file: only the operator can ${action.verb} it there. \`/feeds ${action.subcommand}\` ${action.does} feeds added from Discord.`);
  }
  return { guildId, id };
}

async function edit(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const { guildId, id } = addedFeedTarget(invocation, deps, { doing: 'Changing', verb: 'change', subcommand: 'edit', does: 'changes' });
  const change = changeOf(invocation, deps);
  if (Object.keys(change).length === 0) {
    throw new UserError(`Nothing to change: give at least one of \`name\`, \`language\`, \`kind\` or \`home\` (\`home:${NO_HOME}\` clears the home). \`/feeds list\` shows the feed as it is now.`);
  }
  // Read and written in one transaction: a feed removed meanwhile is not found, nothing is written.
  const edited = await deps.gateway.editFeed(id, guildId, change);
  if (!edited) {
    const broken = (await unreadableHere(deps, guildId)).find((r) => r.id === id);
    if (broken) throw new UserError(`Feed ${inlineCode(id, 64)} cannot be changed: its saved entry cannot be read (${fitSafeText(broken.reason, 120)}). Remove it with \`/feeds remove id:${fitSafeText(id, 64)}\` and add it again.`);
    throw notAddedHere(id);
  }
  const { before, after } = edited;
  const { fields, lines } = changedLines(before, after, deps);
  if (fields.length === 0) return { ephemeral: true, content: `Nothing changed: feed ${inlineCode(id, 64)} already has those settings. \`/feeds list\` shows it.` };
  deps.log.info({ feed_id: id, guild_id: guildId, user_id: invocation.userId, changed: fields }, 'feed edited from Discord');
  return {
    ephemeral: true,
    embeds: packLines(
      fitSafeText(`Changed feed ${id}: ${after.name}`, MAX_EMBED_TITLE_CHARS),
      [
        ...lines,
        ...(fields.includes('home') ? homeLine(after.home, deps) : []),
        'New stories are read this way from the next poll cycle on; stories already stored keep their verdicts and source.',
      ],
      topicColor(undefined, topicMap(deps)),
      '',
    ),
  };
}

async function remove(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const { guildId, id } = addedFeedTarget(invocation, deps, { doing: 'Removing', verb: 'remove', subcommand: 'remove', does: 'removes' });
  const feed = await deps.gateway.addedFeed(id);
  // Another server's feed is answered exactly like a missing one: nothing about it leaks.
  if (!feed || feed.guildId !== guildId) {
    const broken = (await unreadableHere(deps, guildId)).find((r) => r.id === id);
    if (broken && (await deps.gateway.removeFeed(id))) {
      deps.log.info({ feed_id: id, guild_id: guildId, user_id: invocation.userId }, 'unreadable added feed removed from Discord');
      return { ephemeral: true, content: `Removed feed ${inlineCode(id, 64)}, whose saved entry could not be read. Add it again with \`/feeds add\`.` };
    }
    throw notAddedHere(id);
  }
  await deps.gateway.removeFeed(id);
  deps.log.info({ feed_id: id, guild_id: guildId, user_id: invocation.userId }, 'feed removed from Discord');
  return { ephemeral: true, content: `Removed feed ${inlineCode(id, 64)} (${fitSafeText(feed.name, 60)}). It is no longer polled; stories already stored stay searchable.` };
}

async function test(invocation: Invocation, deps: CommandDeps): Promise<Reply> {
  const url = requiredString(invocation, 'url');
  const home = homeOption(invocation, deps);
  const probe = await probeOrExplain(url, deps);
  // Read as a feed of its own, not yet anyone's: only its home (if given) counts.
  const asFeed: FeedConfig = { id: 'feed-test', url: probe.url, name: probe.title ?? 'feed test', language: 'en', kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [], ...(home === undefined ? {} : { home }) };
  const matches = matchesOf(probe.items, deps, asFeed);
  const lines = sampleLines(probe, matches, deps);
  const matching = matches.filter((matched) => matched.length > 0).length;
  return {
    ephemeral: true,
    embeds: packLines(
      'Feed test',
      [
        `${maskedLink(fitSafeText(probe.title ?? 'Untitled feed', 100), safeHttpUrl(probe.finalUrl))}: ${probe.format}, ${probe.items.length} item(s), ${matching} would match a topic now.`,
        ...homeLine(home, deps),
        ...lines,
        'Nothing was saved. `/feeds add` adds it.',
      ],
      topicColor(undefined, topicMap(deps)),
      '',
    ),
  };
}

/**
 * `/feeds`. Discord sets default_member_permissions per top-level command, so the whole group is
 * shown to Manage Server members only by default; `list` and `test` change nothing and are not
 * checked again (a server may open them to others in its Integrations settings), while `add`,
 * `edit` and `remove` check Manage Server at run time.
 */
export const feeds: CommandModule = {
  data,
  // Fetching a feed can take up to the fetch timeout.
  defer: (invocation) => (invocation.subcommand === 'add' || invocation.subcommand === 'test' ? 'ephemeral' : null),
  execute(invocation, deps) {
    switch (invocation.subcommand) {
      case 'list':
        return list(invocation, deps);
      case 'add':
        return add(invocation, deps);
      case 'edit':
        return edit(invocation, deps);
      case 'remove':
        return remove(invocation, deps);
      case 'test':
        return test(invocation, deps);
      default:
        throw new UserError(`Unknown subcommand \`${invocation.subcommand ?? ''}\` of /feeds; Discord may still show an old version of the command. Try again in a minute.`);
    }
  },
  async autocomplete(query, deps) {
    if (query.focused.name === 'home') {
      const topics = topicChoices(query.focused.value, deps.topics());
      // Only an edit can clear a home; offered when what is typed could be its start.
      const clear = query.subcommand === 'edit' && NO_HOME.startsWith(query.focused.value.trim().toLowerCase()) ? [{ name: `${NO_HOME} (no home: clear it)`, value: NO_HOME }] : [];
      return [...topics, ...clear].slice(0, MAX_CHOICES);
    }
    if (query.focused.name !== 'id' || query.guildId === null) return [];
    const typed = query.focused.value.trim().toLowerCase();
    return (await deps.gateway.addedFeeds())
      .filter((f) => f.guildId === query.guildId && (typed === '' || f.id.includes(typed) || f.name.toLowerCase().includes(typed)))
      .slice(0, MAX_CHOICES)
      .map((f) => ({ name: fitChoice(`${f.id} — ${f.name}`), value: f.id }));
  },
};
