/**
 * Turning a raw feed entry into a {@link Story}: plain text, a canonical URL, a stable id and a
 * trustworthy publication time. Pure: the clock is the `now` parameter; hashing is
 * deterministic, so ids survive restarts.
 */
import { createHash } from 'node:crypto';
import { parseFeedDate } from './dates.js';
import { htmlText } from './html-text.js';
import { googleNewsSummary } from './google-news.js';
import { withoutFooter } from './summary-footer.js';
import type { FeedConfig, RawItem, Story } from './types.js';

/** Summaries longer than this are cut on a word (or grapheme) boundary. */
export const SUMMARY_MAX_CHARS = 1000;
/** Titles are short by nature; anything longer is a feed putting its body in the title. */
export const TITLE_MAX_CHARS = 500;
/** When an item has a link but no title, the title is made from the summary, this long. */
export const DERIVED_TITLE_MAX_CHARS = 120;
const AUTHOR_MAX_CHARS = 200;
const GUID_MAX_CHARS = 2048;
const CATEGORY_MAX_CHARS = 100;
const CATEGORIES_MAX = 20;
/** Dates further ahead than this are feed bugs (wrong zone or year); treat as missing. */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
/** Dates before this are placeholders (epoch 0, year 1) rather than news. */
const EARLIEST_PLAUSIBLE_MS = Date.UTC(1995, 0, 1);

/**
 * Query parameters that only track the reader. Removing them makes the same article shared
 * through different campaigns collapse to one URL (and one story).
 */
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'igshid',
  'mc_cid', 'mc_eid', '_ga', '_gl', 'ref', 'ref_src', 'ref_url', 'spm', 'scm', 'ncid', 'sr_share',
  'cmpid', 'cmp', 'ocid', 'mkt_tok', '_hsenc', '_hsmi', 'oly_anon_id', 'oly_enc_id', 'vero_id',
  'rss', 'rss_id', 'at_medium', 'at_campaign', 'wt_mc', 'wt.mc_id',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'itm_'];

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((p) => lower.startsWith(p));
}

/**
 * Resolves `href` against `base` and returns a canonical http(s) URL: fragment, credentials and
 * tracking parameters removed, host lower-cased, default port dropped, remaining query
 * parameters sorted. Returns null for anything that is not http(s) or does not parse.
 */
export function canonicalUrl(href: string | undefined | null, base: string | undefined | null): string | null {
  const trimmed = href?.trim();
  if (trimmed === undefined || trimmed === '') return null;
  let url: URL;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch {
    try {
      // The base may be a local path (offline feeds); an absolute href still works.
      url = new URL(trimmed);
    } catch {
      return null;
    }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '') return null;
  url.hash = '';
  url.username = '';
  url.password = '';
  const kept = [...url.searchParams].filter(([name]) => !isTrackingParam(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = kept.length === 0 ? '' : new URLSearchParams(kept).toString();
  // The WHATWG URL parser already lower-cases the host and drops default ports.
  return url.toString();
}

/** C0/C1 controls and bidi overrides: invisible in Discord, useful only for spoofing. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * HTML (or plain text) to one line of plain text: tags, images and link targets removed,
 * entities decoded, control characters dropped, whitespace folded.
 */
export function htmlToPlainText(html: string | undefined | null): string {
  if (html === undefined || html === null) return '';
  // Plain text with no markup or entity skips the HTML parser: most titles are like that.
  const text = /[<&]/.test(html) ? htmlText(html) : html;
  // The folding also makes a new string, and that matters: the parser's strings are slices of
  // the whole feed document, and one kept past its feed keeps the whole document
  // alive. A fold that returned already-folded text as it was took the benchmark's first cycle
  // from 123 to 161 MB at its peak.
  return text.replace(UNSAFE_CHARACTERS, '').replace(/\s+/g, ' ').trim();
}

let graphemeSegmenter: Intl.Segmenter | undefined;

/**
 * Shortens `text` to at most `maxChars` UTF-16 units including the trailing ellipsis, cutting at
 * the last space when one is reasonably near, else at a grapheme boundary (never inside a
 * surrogate pair or a combined character).
 */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const room = Math.max(0, maxChars - 1);
  const head = text.slice(0, room + 1);
  const lastSpace = head.lastIndexOf(' ');
  if (lastSpace >= room * 0.6) return `${head.slice(0, lastSpace).trimEnd()}…`;
  graphemeSegmenter ??= new Intl.Segmenter('und', { granularity: 'grapheme' });
  let end = 0;
  for (const { index, segment } of graphemeSegmenter.segment(head)) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  return `${head.slice(0, end)}…`;
}

/** Dates are read by core/dates.ts; re-exported here, where callers have always found it. */
export { parseFeedDate };

/** The kinds of stable id, so a guid can never collide with a URL of the same spelling. */
function hashId(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url');
}

/**
 * The stable story id: sha256 (base64url) of feed id + guid when there is a guid; else of the
 * canonical URL (so the same article from two feeds gets one id); else of feed id + title +
 * summary.
 */
export function storyId(p: { feedId: string; guid: string | null; url: string | null; title: string; summary: string }): string {
  if (p.guid !== null) return hashId(['guid', p.feedId, p.guid]);
  if (p.url !== null) return hashId(['url', p.url]);
  return hashId(['text', p.feedId, p.title, p.summary]);
}

/** Why an item was not turned into a story. */
export type SkipReason = 'no-title-or-link';

export type NormaliseResult = { readonly ok: true; readonly story: Story } | { readonly ok: false; readonly reason: SkipReason; readonly message: string };

export interface NormaliseOptions {
  /** Ignore the guid (the feed reuses guids for different articles) and identify by URL. */
  readonly ignoreGuid?: boolean;
}

function cleanGuid(guid: string | undefined): string | null {
  const trimmed = guid?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed.slice(0, GUID_MAX_CHARS);
}

/**
 * The publication time: the first of the item's dates, in the parser's order of preference
 * (`published`, then `otherDates`), that reads as a plausible instant. A later element is
 * still better than the first-seen time, which would make an old story look new.
 */
function publishedAtOf(raw: RawItem, now: number, language: string): number | null {
  for (const text of [raw.published, ...(raw.otherDates ?? [])]) {
    const ms = parseFeedDate(text, { language });
    if (ms !== null && ms <= now + FUTURE_TOLERANCE_MS && ms >= EARLIEST_PLAUSIBLE_MS) return ms;
  }
  return null;
}

/**
 * Normalises one raw item and says why when it cannot. `feedUrl` is the URL the feed was
 * finally fetched from: relative links resolve against it.
 */
export function normaliseItemDetailed(raw: RawItem, feed: FeedConfig, feedUrl: string, now: number, options: NormaliseOptions = {}): NormaliseResult {
  const guid = options.ignoreGuid === true ? null : cleanGuid(raw.guid);
  // RSS guids are permalinks by default; use one when the item has no <link>, unless the feed
  // says it is not one (isPermaLink="false").
  const guidUrl = raw.guidIsPermaLink === false ? null : canonicalUrl(cleanGuid(raw.guid), feedUrl);
  const url = canonicalUrl(raw.link, feedUrl) ?? (raw.link === undefined || raw.link.trim() === '' ? guidUrl : null);
  const text = htmlToPlainText(raw.summary ?? raw.content);
  let title = truncateText(htmlToPlainText(raw.title), TITLE_MAX_CHARS);
  // A publishing platform's footer ("The post … appeared first on …") is not the story, and an
  // aggregator's list of headlines and outlets is read as the other outlets' headlines
  // (src/core/google-news.ts).
  const aggregated = googleNewsSummary(raw.summary ?? raw.content ?? '', title, htmlToPlainText);
  const summary = truncateText(aggregated ?? withoutFooter(text), SUMMARY_MAX_CHARS);
  if (title === '' && url === null) {
    return { ok: false, reason: 'no-title-or-link', message: `item ${guid === null ? '' : `"${guid.slice(0, 80)}" `}of feed ${feed.id} has neither a title nor an http(s) link; skipped` };
  }
  if (title === '') title = summary !== '' ? truncateText(summary, DERIVED_TITLE_MAX_CHARS) : (url ?? '');
  const published = publishedAtOf(raw, now, feed.language);
  const author = truncateText(htmlToPlainText(raw.author), AUTHOR_MAX_CHARS);
  const categories = [...new Set(raw.categories.map((c) => truncateText(htmlToPlainText(c), CATEGORY_MAX_CHARS)).filter((c) => c !== ''))].slice(0, CATEGORIES_MAX);
  const story: Story = {
    // An item with neither guid nor link is known by its text, as it was before footers were
    // removed: a stored story keeps its id.
    id: storyId({ feedId: feed.id, guid, url, title, summary: guid === null && url === null ? truncateText(text, SUMMARY_MAX_CHARS) : summary }),
    feedId: feed.id,
    guid,
    url,
    title,
    summary,
    author: author === '' ? null : author,
    publishedAt: published ?? now,
    publishedEstimated: published === null,
    firstSeenAt: now,
    language: feed.language,
    categories,
    ...outletOf(raw),
  };
  return { ok: true, story };
}

/** The aggregator's `<source>` as plain text, for the classifier (Story.outlet). */
function outletOf(raw: RawItem): { outlet?: string } {
  const outlet = raw.source === undefined ? '' : htmlToPlainText(raw.source);
  return outlet === '' ? {} : { outlet };
}

/**
 * Normalises one raw item into a {@link Story}, or null when it has neither a title nor a link
 * (use {@link normaliseItemDetailed} for the reason).
 */
export function normaliseItem(raw: RawItem, feed: FeedConfig, feedUrl: string, now: number): Story | null {
  const result = normaliseItemDetailed(raw, feed, feedUrl, now);
  return result.ok ? result.story : null;
}

export interface NormalisedBatch {
  readonly stories: readonly Story[];
  /** Items dropped, with the reason (index into the input). */
  readonly skipped: readonly { readonly index: number; readonly reason: SkipReason | 'duplicate-id'; readonly message: string }[];
  /** Guids the feed gave to more than one different article; those items were identified by URL. */
  readonly unreliableGuids: readonly string[];
}

/**
 * Normalises all items of one fetch. Some feeds give one guid to several different articles
 * (a constant, or a category id): when a guid appears on items with different links, those items
 * are identified by URL instead, so no article is lost. Items that still share an id are kept
 * once (first wins) and reported.
 */
export function normaliseItems(raws: readonly RawItem[], feed: FeedConfig, feedUrl: string, now: number): NormalisedBatch {
  const linksByGuid = new Map<string, Set<string>>();
  for (const raw of raws) {
    const guid = cleanGuid(raw.guid);
    if (guid === null) continue;
    const links = linksByGuid.get(guid) ?? new Set<string>();
    links.add(canonicalUrl(raw.link, feedUrl) ?? '');
    linksByGuid.set(guid, links);
  }
  const unreliable = new Set([...linksByGuid].filter(([, links]) => links.size > 1).map(([guid]) => guid));

  const stories: Story[] = [];
  const skipped: { index: number; reason: SkipReason | 'duplicate-id'; message: string }[] = [];
  const seen = new Set<string>();
  raws.forEach((raw, index) => {
    const guid = cleanGuid(raw.guid);
    const result = normaliseItemDetailed(raw, feed, feedUrl, now, { ignoreGuid: guid !== null && unreliable.has(guid) });
    if (!result.ok) {
      skipped.push({ index, reason: result.reason, message: result.message });
    } else if (seen.has(result.story.id)) {
      skipped.push({ index, reason: 'duplicate-id', message: `item ${index} of feed ${feed.id} repeats story ${result.story.id} ("${result.story.title.slice(0, 80)}"); kept the first` });
    } else {
      seen.add(result.story.id);
      stories.push(result.story);
    }
  });
  return { stories, skipped, unreliableGuids: [...unreliable] };
}
