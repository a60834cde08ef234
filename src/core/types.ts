/**
 * The shared vocabulary of Watchfloor. Pure data: no I/O, no clocks.
 * Times are epoch milliseconds (UTC) everywhere.
 */

/** What kind of source a feed is; shown in alerts so readers can weigh it. */
export const FEED_KINDS = ['wire', 'outlet', 'government', 'state-media', 'specialist'] as const;
/** How a topic id is spelt (a rules/ file's `id`, feeds.json's `home`, a stored feed's home): lower-case letters, digits and dashes. */
export const TOPIC_ID = /^[a-z][a-z0-9-]{0,39}$/u;
export type FeedKind = (typeof FEED_KINDS)[number];

/** One source from `feeds.json` (validated and frozen by src/config/feeds.ts). */
export interface FeedConfig {
  readonly id: string;
  /** http(s) URL, or a local file path (absolute, or relative to feeds.json). */
  readonly url: string;
  readonly name: string;
  /** BCP 47 language tag of the feed's text, e.g. `en`, `ko`, `uk`. */
  readonly language: string;
  readonly kind: FeedKind;
  /** Minutes between polls; undefined means the global schedule. */
  readonly intervalMinutes: number | undefined;
  readonly enabled: boolean;
  /** Optional hint: topics this source mostly covers. */
  readonly topics: readonly string[];
  /**
   * The topic whose home news this feed carries (feeds.json `"home"`): its stories count for that
   * topic when no other topic, country or "abroad" is named (src/core/classify/home-feed.ts).
   */
  readonly home?: string | undefined;
  /**
   * The Discord server that added this feed (`/feeds add`), or null when it was added outside a
   * server: its stories reach only subscriptions of that server (see core/route.ts
   * `feedReaches`). Absent for the operator's feeds.json feeds, which reach every subscription.
   */
  readonly guildId?: string | null;
}

/** One entry as rss-parser hands it over, reduced to what we use. All strings raw (may hold HTML). */
export interface RawItem {
  readonly guid: string | undefined;
  /** False when the feed says the guid is not a URL (RSS `isPermaLink="false"`); absent otherwise. */
  readonly guidIsPermaLink?: boolean;
  readonly link: string | undefined;
  readonly title: string | undefined;
  /** Best available body: content:encoded, content, summary, description. */
  readonly content: string | undefined;
  /** Short form when the feed has both (description / summary / contentSnippet). */
  readonly summary: string | undefined;
  /** As written in the feed (RFC 822, ISO 8601, ...): the most preferred date element present. */
  readonly published: string | undefined;
  /**
   * The item's other date elements, as written, in order of preference after `published`
   * (see docs/fetching.md, "Dates"); absent when there are none. Used when `published` does not
   * read as a date.
   */
  readonly otherDates?: readonly string[];
  readonly author: string | undefined;
  readonly categories: readonly string[];
  /**
   * The outlet an aggregator names as the item's origin: RSS `<source>`'s text (Google News,
   * Yahoo), Atom `<source>`'s title. Absent when the feed gives none.
   */
  readonly source?: string;
}

/** A normalised news item: plain text, canonical URL, stable id. */
export interface Story {
  /** Stable id: hash of feed id + guid, else canonical URL, else title+summary. */
  readonly id: string;
  readonly feedId: string;
  readonly guid: string | null;
  /** Canonical http(s) URL (tracking parameters and fragment removed), or null. */
  readonly url: string | null;
  readonly title: string;
  readonly summary: string;
  readonly author: string | null;
  /** Epoch ms; when the feed gives no (valid) date this is firstSeenAt. */
  readonly publishedAt: number;
  /** True when publishedAt came from firstSeenAt rather than the feed. */
  readonly publishedEstimated: boolean;
  readonly firstSeenAt: number;
  readonly language: string;
  readonly categories: readonly string[];
  /**
   * The outlet an aggregator credits at the headline's end ("… - 38 North"), from the feed's
   * `<source>`: the classifier sets exactly that credit aside (src/core/outlet-credit.ts). Only
   * while the story is read from its feed; not stored (verdicts are stored with the story).
   */
  readonly outlet?: string;
}

/** Where a keyword pattern matched. */
export type MatchField = 'title' | 'summary';

/** Why a verdict came out as it did; every alert carries these. */
export type Reason =
  | {
      readonly kind: 'pattern';
      /** The rule's pattern as written in the YAML file. */
      readonly pattern: string;
      /** The text that matched, as it appears in the story. */
      readonly matched: string;
      readonly field: MatchField;
      /** Contribution to the keyword score (title weight already applied). */
      readonly weight: number;
    }
  | {
      readonly kind: 'exclusion';
      readonly pattern: string;
      readonly matched: string;
      readonly field: MatchField;
      readonly weight: number;
    }
  | {
      readonly kind: 'model';
      /** Probability the trained model gives this topic, 0..1 (calibrated where the model is: calibration.ts). */
      readonly probability: number;
      /**
       * The probability at which the model's weight changes sign: what it gives a candidate whose
       * words tell it nothing. Above it the model adds, below it subtracts. Absent for verdicts of
       * models without a calibration (then 0.5).
       */
      readonly baseline?: number;
      readonly weight: number;
    }
  | {
      readonly kind: 'note';
      readonly text: string;
    };

/** The verdict for one topic. */
export interface TopicVerdict {
  readonly topic: string;
  readonly matched: boolean;
  /** Combined score; `matched` is `score >= threshold`. */
  readonly score: number;
  readonly threshold: number;
  readonly keywordScore: number;
  /** null when the model was not consulted (no candidate keywords, or no model). */
  readonly modelProbability: number | null;
  readonly reasons: readonly Reason[];
}

/** All topics' verdicts for one story. */
export interface Classification {
  readonly verdicts: readonly TopicVerdict[];
  /** Topic ids with matched === true, in rule order. */
  readonly matched: readonly string[];
}

/** A topic as the rest of the app needs to know it (label, colour), independent of rule details. */
export interface TopicInfo {
  readonly id: string;
  readonly label: string;
  /** 0xRRGGBB */
  readonly color: number;
}

/**
 * How a subscription wants stories: one message each (`instant`), one living alert per event,
 * edited as more outlets report it (`event`), or a scheduled summary (`digest`).
 */
export type DeliveryMode = 'instant' | 'event' | 'digest';
export const DELIVERY_MODES: readonly DeliveryMode[] = ['instant', 'event', 'digest'];

/** Where a subscription's messages go. */
export type Target =
  | { readonly kind: 'channel'; readonly channelId: string; readonly guildId: string | null }
  | { readonly kind: 'webhook'; readonly url: string }
  | { readonly kind: 'console' };

export interface Subscription {
  readonly id: number;
  readonly target: Target;
  readonly topics: readonly string[];
  readonly mode: DeliveryMode;
  /** node-cron expression for digests, e.g. `0 8 * * *`; null for instant. */
  readonly schedule: string | null;
  /** IANA time zone for the schedule, e.g. `Asia/Seoul`. */
  readonly timezone: string;
  readonly minScore: number;
  /** Role id mentioned on instant alerts, or null. */
  readonly mentionRoleId: string | null;
  /** Stories published longer ago than this are never alerted. */
  readonly maxAgeMs: number;
  /** Post a digest even when it is empty. */
  readonly postEmptyDigest: boolean;
  /**
   * `event` mode: an event that gains this many distinct sources within
   * {@link Subscription.developingWindowMs} is flagged 🚨 Developing; null or absent: the default.
   */
  readonly developingSources?: number | null;
  /** `event` mode: the span for {@link Subscription.developingSources}; null or absent: the default. */
  readonly developingWindowMs?: number | null;
  readonly createdAt: number;
  /** Epoch ms up to which stories were covered by the last digest (digest mode). */
  readonly lastDigestAt: number | null;
}
