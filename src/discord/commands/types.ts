import type { Logger } from 'pino';
import type { Embed } from '../../core/compose/message.js';
import type { Classification, FeedConfig, TopicInfo } from '../../core/types.js';
import type { ClassifyInput } from '../../core/classify/topic-classifier.js';
import type { GatewayStore } from '../../store/gateway-store.js';
import type { RatingsPort } from '../../store/ratings-port.js';
import type { NewSubscription } from '../../store/subscriptions.js';
import type { SearchSessions } from './search-sessions.js';

/**
 * The contract between command handlers and whatever carries interactions to them. Handlers see
 * only plain data (an {@link Invocation}) and return plain payloads (a {@link Reply}); the
 * gateway wrapper in ../interactions.ts sends them with discord.js, and an HTTP interactions
 * endpoint could send the same payloads as its response bodies.
 */

/**
 * Something the person who ran the command can fix: answered ephemerally with `message`, which
 * says what is wrong and how to fix it. Anything else that a handler throws is a bug.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** An option value as Discord sends it: channels, roles and users arrive as their ids. */
export type OptionValue = string | number | boolean;

/** Discord's MANAGE_GUILD ("Manage Server") and ADMINISTRATOR permission bits. */
export const MANAGE_GUILD = 1n << 5n;
export const ADMINISTRATOR = 1n << 3n;

/** What the bot needs in a channel to post alerts and digests there. */
export const POST_PERMISSIONS: readonly (readonly [bigint, string])[] = [
  [1n << 10n, 'View Channel'],
  [1n << 11n, 'Send Messages'],
  [1n << 14n, 'Embed Links'],
];

/**
 * What the bot needs in a forum or media channel: a post is created with Send Messages (shown
 * there as "Create Posts"), later reports go into it with Send Messages in Threads.
 */
export const FORUM_POST_PERMISSIONS: readonly (readonly [bigint, string])[] = [
  [1n << 10n, 'View Channel'],
  [1n << 11n, 'Create Posts'],
  [1n << 38n, 'Send Messages in Threads'],
  [1n << 14n, 'Embed Links'],
];

/** Who invoked a command, and where. */
export interface Caller {
  readonly userId: string;
  /** null in a DM (commands are registered for servers only, but a handler must not assume). */
  readonly guildId: string | null;
  readonly channelId: string | null;
  /** The member's permissions in the channel, as Discord computed them; 0 outside a server. */
  readonly permissions: bigint;
}

/** One slash command run, transport-neutral. */
export interface Invocation extends Caller {
  readonly command: string;
  readonly subcommand: string | null;
  readonly options: ReadonlyMap<string, OptionValue>;
}

/** The option being typed, for autocomplete. */
export interface AutocompleteQuery extends Caller {
  readonly command: string;
  readonly subcommand: string | null;
  readonly focused: { readonly name: string; readonly value: string };
  readonly options: ReadonlyMap<string, OptionValue>;
}

/** A press on a button this bot posted. */
export interface ButtonPress extends Caller {
  readonly customId: string;
}

/** An autocomplete suggestion: `name` is shown (≤100 characters), `value` is sent back. */
export interface Choice {
  readonly name: string;
  readonly value: string | number;
}

/** A button as Discord's API spells it (type 2), in a row (type 1). */
export interface ButtonJson {
  readonly type: 2;
  /** 1 primary, 2 secondary. */
  readonly style: 1 | 2;
  readonly label: string;
  readonly custom_id: string;
  readonly disabled?: boolean;
}

export interface ActionRowJson {
  readonly type: 1;
  readonly components: readonly ButtonJson[];
}

/** What a handler answers. The wrapper adds `allowedMentions: { parse: [] }` to every message. */
export interface Reply {
  /** Only the invoker sees it. */
  readonly ephemeral?: boolean;
  readonly content?: string;
  readonly embeds?: readonly Embed[];
  readonly components?: readonly ActionRowJson[];
  /** Further messages after the first (a long digest). */
  readonly followUps?: readonly Reply[];
  /** For buttons: replace the message the button is on instead of answering anew. */
  readonly update?: boolean;
  /** Attachments (a chart): sent as multipart `files[n]`. */
  readonly files?: readonly ReplyFile[];
}

/** One attachment of a reply. */
export interface ReplyFile {
  readonly name: string;
  readonly data: Buffer;
  /** Alt text. */
  readonly description?: string;
}

/** The `subscribe` validation shared with the CLI, as its option names spell it. */
export interface SubscriptionFlags {
  readonly channel: string;
  readonly guild: string;
  readonly topics: string;
  readonly mode: string;
  readonly schedule?: string;
  readonly timezone?: string;
  readonly minScore?: string;
  readonly mentionRole?: string;
  readonly maxAgeHours?: string;
  readonly developingSources?: string;
  readonly developingWindow?: string;
}

/** What a feed URL yielded when fetched and parsed (for `/feeds add` and `/feeds test`). */
export type FeedProbe =
  | {
      readonly ok: true;
      /** The URL to store: normalised, before redirects (the publisher's address). */
      readonly url: string;
      readonly finalUrl: string;
      readonly format: string;
      readonly title: string | undefined;
      /** `outlet`: the aggregator's `<source>`, for the classifier (Story.outlet). */
      readonly items: readonly { readonly title: string; readonly url: string | null; readonly summary: string; readonly outlet?: string }[];
    }
  | { readonly ok: false; readonly message: string };

/** Everything handlers use, injected by the composition root. */
export interface CommandDeps {
  /** Subscriptions, added feeds, feed health and status counts, on either engine (ADR 16). */
  readonly gateway: GatewayStore;
  /** Where 👍/👎 and the digests' rating menus are recorded, on either engine; absent: ratings are not listened for. */
  readonly ratings?: RatingsPort;
  readonly log: Logger;
  readonly clock: () => number;
  /** When the process started, for `/status`. */
  readonly startedAt: number;
  readonly topics: () => readonly TopicInfo[];
  readonly classify: (input: ClassifyInput) => Classification;
  /** The operator's feeds (feeds.json). */
  readonly configuredFeeds: () => readonly FeedConfig[];
  /**
   * Validates subscription options exactly as `watchfloor subscribe` does; throws ConfigErrors
   * whose `where` is the CLI flag (`--schedule`, …).
   */
  readonly parseSubscription: (flags: SubscriptionFlags, now: number) => NewSubscription;
  /** Fetches and parses a feed URL (http/https only; private addresses refused unless allowed). */
  readonly probeFeed: (url: string) => Promise<FeedProbe>;
  readonly searches: SearchSessions;
  /** The bot's own permission bits in a channel, or null when not known (not cached). */
  readonly botPermissionsIn?: (guildId: string, channelId: string) => bigint | null;
  /** Whether a channel is a forum or media channel (posts, not messages); null when not known (not cached). */
  readonly isForumChannel?: (guildId: string, channelId: string) => boolean | null;
  /**
   * Which server a channel or role belongs to, asked of Discord (gateway cache, else REST), never
   * of the interaction: a forged interaction can name any id and resolve it to anything.
   * `/watch add` refuses to save without it.
   */
  readonly servers?: ServerLookups;
}

/** Discord's own answer to "whose is this id?" (see CommandDeps.servers). */
export interface ServerLookups {
  /** The server of a channel; null when the bot cannot see the channel or it is not in a server. */
  channelGuild(channelId: string): Promise<string | null>;
  /** Whether a role id is one of this server's roles. */
  guildHasRole(guildId: string, roleId: string): Promise<boolean>;
}

/** Whether and how the wrapper acknowledges before the handler runs (Discord waits 3 s). */
export type DeferMode = 'public' | 'ephemeral' | null;

/** One top-level slash command: its definition and handlers. */
export interface CommandModule {
  /** The registration JSON (built with discord.js's SlashCommandBuilder). */
  readonly data: { readonly name: string; toJSON(): unknown };
  /** Commands that may take longer than Discord's 3 seconds say so, and how to acknowledge. */
  readonly defer?: (invocation: Invocation) => DeferMode;
  readonly execute: (invocation: Invocation, deps: CommandDeps) => Reply | Promise<Reply>;
  readonly autocomplete?: (query: AutocompleteQuery, deps: CommandDeps) => readonly Choice[] | Promise<readonly Choice[]>;
  /** custom_id prefix → handler for buttons this command posts. */
  readonly buttons?: Readonly<Record<string, (press: ButtonPress, deps: CommandDeps) => Reply | Promise<Reply>>>;
}
