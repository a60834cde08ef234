import type { Command } from 'commander';
import type { Env } from '../../config/env.js';
import { ConfigError, ConfigErrors } from '../../config/errors.js';
import { loadRules } from '../../config/rules.js';
import { ALL_TOPICS } from '../../core/route.js';
import { describeTrendSettings, parseTrendFlags, wantsSurges } from '../../core/trends/settings.js';
import { formatQuietHours } from '../../core/trends/surge.js';
import type { DeliveryMode, Target } from '../../core/types.js';
import { describeTarget } from '../../discord/deliver.js';
import { parseWebhookUrl } from '../../discord/sinks/webhook-url.js';
import type { TrendSettings } from '../../store/trends.js';
import type { NewSubscription, StoredSubscription } from '../../store/subscriptions.js';
import { commandContext } from '../context.js';
import { openGatewayStore } from '../gateway-target.js';
import { scheduleProblem } from '../delivery.js';
import { AUTOMATIC, DEFAULT_MAX_AGE_MS, defaultPlan, reconcileDefaults } from '../default-subscriptions.js';
import { relativeTime, table } from '../format.js';
import { DEFAULT_DEVELOPING_SOURCES, DEFAULT_DEVELOPING_WINDOW_MINUTES, describeMode } from '../../core/events/developing.js';
import { say, warn } from '../output.js';

const WHERE = 'command line';
const SNOWFLAKE = /^\d{15,25}$/;
const HOUR_MS = 3_600_000;

/** Options of `watchfloor subscribe` as commander hands them over. */
export interface SubscribeFlags {
  readonly channel?: string;
  readonly guild?: string;
  readonly webhook?: string;
  readonly console?: boolean;
  readonly topics?: string;
  readonly mode?: string;
  readonly schedule?: string;
  readonly timezone?: string;
  readonly minScore?: string;
  readonly mentionRole?: string;
  readonly maxAgeHours?: string;
  readonly postEmpty?: boolean;
  readonly surges?: string;
  readonly quietHours?: string;
  /** `event` mode: distinct sources that flag an event 🚨 Developing (K). */
  readonly developingSources?: string;
  /** `event` mode: within this many minutes (W). */
  readonly developingWindow?: string;
}

/**
 * Validates `subscribe` flags into a new subscription. Every problem is reported at once, each
 * naming the flag and the fix. `--webhook env` takes DISCORD_WEBHOOK_URL, so the secret need not
 * appear in shell history or the process list.
 */
export function parseSubscribeFlags(flags: SubscribeFlags, knownTopics: readonly string[], env: Pick<Env, 'DISCORD_WEBHOOK_URL'>, now: number): NewSubscription {
  const errors: ConfigError[] = [];
  const problem = (flag: string, text: string): void => void errors.push(new ConfigError(WHERE, flag, text));

  const targets = [flags.channel !== undefined, flags.webhook !== undefined, flags.console === true].filter(Boolean).length;
  let target: Target = { kind: 'console' };
  if (targets !== 1) {
    problem('target', 'give exactly one of --channel <id> (bot), --webhook <url|env> or --console');
  } else if (flags.channel !== undefined) {
    if (!SNOWFLAKE.test(flags.channel)) problem('--channel', `"${flags.channel}" is not a channel id; in Discord enable Developer Mode, right-click the channel, Copy Channel ID`);
    if (flags.guild !== undefined && !SNOWFLAKE.test(flags.guild)) problem('--guild', `"${flags.guild}" is not a server id`);
    target = { kind: 'channel', channelId: flags.channel, guildId: flags.guild ?? null };
  } else if (flags.webhook !== undefined) {
    const url = flags.webhook === 'env' ? env.DISCORD_WEBHOOK_URL : flags.webhook;
    if (url === undefined) problem('--webhook', '"env" was given but DISCORD_WEBHOOK_URL is not set');
    else if (!parseWebhookUrl(url)) problem('--webhook', 'not a Discord webhook URL; copy it from Channel settings → Integrations → Webhooks (https://discord.com/api/webhooks/<id>/<token>)');
    else target = { kind: 'webhook', url };
  }
  if (flags.guild !== undefined && flags.channel === undefined) problem('--guild', 'only applies with --channel');

  const topics = (flags.topics ?? '').split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  if (topics.length === 0) problem('--topics', `list topic ids separated by commas, or "all"; known: ${knownTopics.join(', ')}`);
  const wildcard = topics.includes('all') || topics.includes(ALL_TOPICS);
  const unknown = topics.filter((t) => t !== 'all' && t !== ALL_TOPICS && !knownTopics.includes(t));
  if (unknown.length > 0) problem('--topics', `unknown topic(s) ${unknown.join(', ')}; known: ${knownTopics.join(', ')} (or "all")`);

  const mode = flags.mode ?? 'instant';
  if (mode !== 'instant' && mode !== 'event' && mode !== 'digest') problem('--mode', `"${mode}" is not a mode; use instant, event or digest`);
  const timezone = flags.timezone ?? 'UTC';
  let schedule: string | null = null;
  if (mode === 'digest') {
    if (flags.schedule === undefined) problem('--schedule', 'a digest needs a cron schedule, e.g. --schedule "0 8 * * *" for 08:00 every day');
    else {
      const why = scheduleProblem(flags.schedule, timezone);
      if (why) problem(why.startsWith('unknown time zone') ? '--timezone' : '--schedule', why);
      else schedule = flags.schedule;
    }
    if (flags.mentionRole !== undefined) problem('--mention-role', 'roles are mentioned on instant alerts only, and on the 🚨 Developing notices of event subscriptions; drop it or use --mode instant or --mode event');
  } else {
    if (flags.schedule !== undefined) problem('--schedule', 'only digests have a schedule; add --mode digest');
    if (flags.postEmpty) problem('--post-empty', 'only applies to digests');
  }
  if (flags.mentionRole !== undefined && !SNOWFLAKE.test(flags.mentionRole)) problem('--mention-role', `"${flags.mentionRole}" is not a role id`);

  const developing = parseDevelopingFlags(flags, mode, problem);

  const minScore = flags.minScore === undefined ? 0 : Number(flags.minScore);
  if (!Number.isFinite(minScore) || minScore < 0) problem('--min-score', `"${flags.minScore ?? ''}" is not a number ≥ 0`);
  const maxAgeHours = flags.maxAgeHours === undefined ? DEFAULT_MAX_AGE_MS / HOUR_MS : Number(flags.maxAgeHours);
  if (!Number.isFinite(maxAgeHours) || maxAgeHours <= 0 || maxAgeHours > 24 * 365) problem('--max-age-hours', `"${flags.maxAgeHours ?? ''}" must be a number of hours between 0 and 8760`);

  if (errors.length > 0) throw new ConfigErrors(errors);
  return {
    target,
    topics: wildcard ? [ALL_TOPICS] : topics,
    mode: mode === 'digest' || mode === 'event' ? mode : ('instant' satisfies DeliveryMode),
    schedule,
    timezone,
    minScore,
    mentionRoleId: flags.mentionRole ?? null,
    maxAgeMs: Math.round(maxAgeHours * HOUR_MS),
    postEmptyDigest: flags.postEmpty === true,
    ...developing,
    createdAt: now,
    createdBy: 'cli',
  };
}

/** `--developing-sources` and `--developing-window` (minutes): `event` mode only, whole numbers. */
function parseDevelopingFlags(flags: SubscribeFlags, mode: string, problem: (flag: string, text: string) => void): Pick<NewSubscription, 'developingSources' | 'developingWindowMs'> {
  const read = (flag: string, value: string | undefined, max: number): number | null => {
    if (value === undefined) return null;
    if (mode !== 'event') {
      problem(flag, 'only event subscriptions flag developing stories; add --mode event');
      return null;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 2 || n > max) {
      problem(flag, `"${value}" must be a whole number from 2 to ${max}`);
      return null;
    }
    return n;
  };
  const sources = read('--developing-sources', flags.developingSources, 50);
  const minutes = read('--developing-window', flags.developingWindow, 24 * 60);
  return { developingSources: sources, developingWindowMs: minutes === null ? null : minutes * 60_000 };
}

/** One line for a person: never the webhook URL, only its id. */
export function describeSubscription(s: StoredSubscription): string {
  const how = describeMode(s);
  const extras = [s.minScore > 0 ? `min score ${s.minScore}` : '', s.mentionRoleId ? `mentions role ${s.mentionRoleId}` : '', s.postEmptyDigest ? 'posts empty digests' : ''].filter(Boolean);
  const automatic = s.createdBy === AUTOMATIC ? ' (automatic)' : '';
  return `#${s.id} ${describeTarget(s.target)}${automatic} ← ${s.topics.join(', ')} · ${how}${extras.length ? ` · ${extras.join(' · ')}` : ''}`;
}

/**
 * Subscriptions that already send some of the same topics the same way to the same place: a new
 * one beside them would post those stories twice.
 */
export function overlapping(existing: readonly StoredSubscription[], input: NewSubscription): StoredSubscription[] {
  const sameTarget = (t: StoredSubscription['target']): boolean =>
    t.kind === input.target.kind &&
    (t.kind !== 'channel' || (input.target.kind === 'channel' && t.channelId === input.target.channelId)) &&
    (t.kind !== 'webhook' || (input.target.kind === 'webhook' && t.url === input.target.url));
  const topicsMeet = (topics: readonly string[]): boolean =>
    topics.includes(ALL_TOPICS) || input.topics.includes(ALL_TOPICS) || topics.some((t) => input.topics.includes(t));
  return existing.filter((s) => s.createdBy !== AUTOMATIC && s.mode === input.mode && sameTarget(s.target) && topicsMeet(s.topics));
}

/** `watchfloor subscribe`, `unsubscribe` and `subscriptions`: delivery without a bot. */
export function register(program: Command): void {
  program
    .command('subscribe')
    .description('send stories of some topics to a channel (bot), a webhook, or the console')
    .option('--channel <id>', 'Discord channel id (needs DISCORD_TOKEN and the bot in that server)')
    .option('--guild <id>', 'server id of --channel (optional, for listings)')
    .option('--webhook <url|env>', 'Discord webhook URL, or "env" for DISCORD_WEBHOOK_URL (no bot needed)')
    .option('--console', 'print to the console')
    .option('--topics <ids>', 'topic ids separated by commas, or "all"')
    .option('--mode <mode>', 'instant (one alert per story), event (one living alert per event, edited as outlets report it) or digest (scheduled summary)', 'instant')
    .option('--schedule <cron>', 'digest schedule, e.g. "0 8 * * *"')
    .option('--timezone <iana>', 'time zone of the schedule, e.g. Asia/Seoul', 'UTC')
    .option('--min-score <n>', 'only stories scoring at least this on a subscribed topic', '0')
    .option('--mention-role <id>', 'role to mention on instant alerts')
    .option('--max-age-hours <h>', 'never alert stories published longer ago than this', '24')
    .option('--post-empty', 'post a digest even when nothing matched')
    .option('--surges <on|off>', 'post a notice when a subscribed topic surges (default: on for instant, off for digest)')
    .option('--quiet-hours <HH-HH>', 'no surge notices in this window of the --timezone, e.g. 22-07')
    .option('--developing-sources <k>', `event mode: flag an event 🚨 Developing when it gains this many distinct sources (default ${DEFAULT_DEVELOPING_SOURCES})`)
    .option('--developing-window <minutes>', `event mode: … within this many minutes (default ${DEFAULT_DEVELOPING_WINDOW_MINUTES})`)
    .action(async (flags: SubscribeFlags, command: Command) => {
      const { env, paths } = commandContext(command);
      const known = loadRules(paths.rules).topics.map((t) => t.id);
      const trend = parseTrendFlags(flags);
      let input;
      try {
        input = parseSubscribeFlags(flags, known, env, Date.now());
      } catch (error) {
        // Every problem at once, the surge flags' too.
        if (!(error instanceof ConfigErrors) || trend.problems.length === 0) throw error;
        throw new ConfigErrors([...error.errors, ...trend.problems.map((p) => new ConfigError(WHERE, p.flag, p.text))]);
      }
      if (trend.problems.length > 0) throw new ConfigErrors(trend.problems.map((p) => new ConfigError(WHERE, p.flag, p.text)));
      // A SQLite file or a PostgreSQL URL (ADR 16).
      const { gateway, sqlite, close } = await openGatewayStore(paths.db);
      try {
        const twins = overlapping(await gateway.subscriptions(), input);
        const created = await gateway.addSubscription(input, trend.settings);
        // The surge settings are named when they were given (the line stays as it was otherwise).
        const surges = flags.surges !== undefined || flags.quietHours !== undefined ? ` · ${describeTrendSettings(created, await gateway.trendSettings(created.id))}` : '';
        say(`Subscribed: ${describeSubscription(created)}${surges}\n`);
        for (const twin of twins) {
          warn(`Warning: ${describeSubscription(twin)} already sends some of these topics there: those stories will be posted twice. Remove one with \`watchfloor unsubscribe ${twin.id}\`.\n`);
        }
        // The automatic subscriptions made before this one would post everything a second time
        // (made on SQLite only: PostgreSQL has none).
        const { removed } = sqlite ? reconcileDefaults(sqlite, defaultPlan(env, { now: Date.now() })) : { removed: [] };
        for (const r of removed) say(`Removed the automatic ${describeSubscription(r)}: you have your own subscriptions now.\n`);
        if (created.target.kind === 'channel' && env.DISCORD_TOKEN === undefined) {
          warn('Note: DISCORD_TOKEN is not set; the bot cannot post to a channel until it is (see README, "Delivering to Discord").\n');
        }
      } finally {
        await close();
      }
    });

  program
    .command('unsubscribe')
    .description('remove a subscription (and its unsent messages)')
    .argument('<id>', 'subscription number, as listed by `watchfloor subscriptions`')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const { paths } = commandContext(command);
      const n = Number(id.replace(/^#/, ''));
      if (!Number.isInteger(n) || n <= 0) throw new ConfigError(WHERE, 'id', `"${id}" is not a subscription number; \`watchfloor subscriptions\` lists them`);
      const { gateway, close } = await openGatewayStore(paths.db);
      try {
        const existing = await gateway.subscription(n);
        const broken = existing ? undefined : (await gateway.unreadableSubscriptions()).find((r) => r.id === String(n));
        if (broken && (await gateway.removeSubscription(n))) {
          say(`Removed: #${n} (its row could not be read: ${broken.reason})\n`);
          return;
        }
        if (!existing || !(await gateway.removeSubscription(n))) throw new ConfigError(WHERE, 'id', `there is no subscription #${n}; \`watchfloor subscriptions\` lists them`);
        say(`Removed: ${describeSubscription(existing)}\n`);
      } finally {
        await close();
      }
    });

  program
    .command('subscriptions')
    .description('list subscriptions with their delivery counts (webhooks by id only)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      const { paths } = commandContext(command);
      const { gateway, close } = await openGatewayStore(paths.db);
      try {
        const now = Date.now();
        const counts = await gateway.outboxCountsBySubscription();
        const list = await gateway.subscriptions();
        // Rows that cannot be read are skipped by delivery (disabled): listed with why and the fix.
        const broken = await gateway.unreadableSubscriptions();
        if (flags.json) {
          const settings = new Map(await Promise.all(list.map(async (s) => [s.id, await gateway.trendSettings(s.id)] as const)));
          const shown = [
            ...list.map(({ target, ...rest }) => ({ ...rest, target: describeTarget(target), automatic: rest.createdBy === AUTOMATIC, outbox: counts.get(rest.id) ?? { pending: 0, sent: 0, dead: 0 }, surges: surgeSettingsJson(rest, settings.get(rest.id)) })),
            ...broken.map((r) => ({ id: Number(r.id), broken: true, reason: r.reason, fix: r.fix, outbox: counts.get(Number(r.id)) ?? { pending: 0, sent: 0, dead: 0 } })),
          ].sort((a, b) => a.id - b.id);
          say(`${JSON.stringify(shown)}\n`);
          return;
        }
        if (list.length === 0 && broken.length === 0) {
          say('No subscriptions. Add one with `watchfloor subscribe --webhook <url> --topics all` (see --help).\n');
          return;
        }
        const rows = [['id', 'target', 'topics', 'mode', 'min', 'last digest', 'sent', 'pending', 'dead']];
        for (const s of list) {
          const c = counts.get(s.id) ?? { pending: 0, sent: 0, dead: 0 };
          rows.push([
            `#${s.id}`,
            `${describeTarget(s.target)}${s.createdBy === AUTOMATIC ? ' (automatic)' : ''}`,
            s.topics.join(','),
            describeMode(s),
            String(s.minScore),
            s.mode === 'digest' ? relativeTime(s.lastDigestAt, now) : '',
            String(c.sent),
            String(c.pending),
            String(c.dead),
          ]);
        }
        for (const r of broken) {
          const c = counts.get(Number(r.id)) ?? { pending: 0, sent: 0, dead: 0 };
          rows.push([`#${r.id}`, 'BROKEN', '', 'skipped', '', '', String(c.sent), String(c.pending), String(c.dead)]);
        }
        const [header = [], ...body] = rows;
        body.sort((a, b) => Number(a[0]?.slice(1)) - Number(b[0]?.slice(1)));
        say(`${table([header, ...body])}\n`);
        for (const r of broken) say(`#${r.id} is broken and skipped: ${r.reason}. Fix: ${r.fix.replaceAll('`', '')}.\n`);
      } finally {
        await close();
      }
    });
}

/** `subscriptions --json` → `surges`: whether the subscription gets surge notices, and its quiet hours. */
function surgeSettingsJson(subscription: Pick<StoredSubscription, 'id' | 'mode'>, setting: TrendSettings | undefined): { enabled: boolean; quietHours: string | null } {
  const quiet = setting?.quietHours ?? null;
  return { enabled: wantsSurges(subscription, setting?.surges ?? null), quietHours: quiet ? formatQuietHours(quiet) : null };
}
