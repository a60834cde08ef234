/**
 * Feed text to {@link ParsedFeed}: rss-parser does the XML mapping (RSS 0.9x/1.0/2.0, Atom);
 * this adapter checks that the text is a feed at all, maps errors to failure kinds, and repairs
 * what rss-parser gets wrong (see the comments at each fix).
 */
import Parser from 'rss-parser';
import { z } from 'zod';
import { parseFeedDate } from '../core/dates.js';
import { describeShape, salvageFeed } from './salvage.js';
import { decodeBase64Text, isAbsoluteRef, joinBase, prepareForParser, resolveRef } from './links-text.js';
import type { FetchFailure, ParsedFeed, ParsedItem } from './types.js';

/**
 * The raw item fields read below, as rss-parser leaves them: strings, `{_: text, $: attrs}`
 * objects, arrays. Each is read through a guard, so the item is not copied or checked as a whole:
 * a zod object schema here cost ~6 KB of garbage per item (~300 MB over the benchmark's first
 * cycle) to establish only that it is an object.
 */
type ItemField =
  'title' | 'link' | 'guid' | 'id' | 'rdf:about' | 'pubDate' | 'date' | 'creator' | 'author' |
  'content' | 'summary' | 'content:encoded' | 'enclosure' | 'wfPublished' | 'wfUpdated' |
  'wfDctermsIssued' | 'wfDctermsCreated' | 'wfDctermsModified' | 'wfIssued' | 'wfCreated' |
  'wfModified' | 'wfLinks' | 'wfCategories' | 'wfSubjects' | 'wfTitle' | 'wfSummary' |
  'mediaContent' | 'mediaThumbnail' | 'mediaDescription' | 'mediaTitle' | 'mediaGroup' |
  'wfBaseChain' | 'wfGuid' | 'wfId' | 'wfContent' | 'wfDcDescription' | 'wfItunesSummary' |
  'wfXhtmlBody' | 'wfBody' | 'wfFullitem' | 'wfSource';
type ItemShape = Readonly<Partial<Record<ItemField, unknown>>> & Readonly<Record<string, unknown>>;

const FeedShape = z.looseObject({
  title: z.unknown().optional(),
  link: z.unknown().optional(),
  items: z.array(z.unknown()),
});

/**
 * rss-parser turns an Atom `<published>`/`<updated>` into an ISO string with
 * `new Date(x).toISOString()`, which throws on an invalid date and so loses the whole feed for
 * one bad entry. Renaming the tags before it sees them (they exist only in Atom) keeps its hands
 * off; the adapter reads them back as custom fields and parses dates itself.
 */
const ATOM_DATE_TAGS: Readonly<Record<string, string>> = {
  published: 'wf:published',
  updated: 'wf:updated',
  // Atom's dates borrowed into RSS items under the prefixes generators use (.NET's
  // SyndicationFeed writes a10:updated; WordPress and others atom:updated).
  'atom:published': 'wf:published',
  'atom:updated': 'wf:updated',
  'a10:published': 'wf:published',
  'a10:updated': 'wf:updated',
};

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function xmlBaseOf(element: unknown): string | undefined {
  const base = record(record(element)?.$)?.['xml:base'];
  return typeof base === 'string' ? base : undefined;
}

/**
 * The outermost `xml:base` values of the document, outermost first: the root's (read from its
 * start tag; rss-parser keeps no root attributes) and, where entries sit inside it, the
 * `<channel>`'s. In Atom the root is the feed, whose attributes rss-parser hands over.
 */
function outerBases(text: string, feedAttrs: unknown): (string | undefined)[] {
  const match = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*<([A-Za-z_][\w.:-]*)(\s[^<>]*)?>/i.exec(text.replace(/^\uFEFF/, ''));
  const root = match?.[1]?.toLowerCase() ?? '';
  const feedBase = xmlBaseOf({ $: feedAttrs });
  if (root === 'feed' || root.endsWith(':feed')) return [feedBase];
  const rootBase = /\sxml:base\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(match?.[2] ?? '');
  const rootValue = rootBase === null ? undefined : decodeXmlAttr(rootBase[1] ?? rootBase[2] ?? '');
  // RSS 1.0 items are siblings of <channel>, not inside it.
  return root.endsWith('rdf') ? [rootValue] : [rootValue, feedBase];
}

function decodeXmlAttr(value: string): string {
  return value.replace(/&(lt|gt|quot|apos|amp);/g, (_m, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name] ?? '');
}

function createParser(): Pick<Parser<Record<string, unknown>, Record<string, unknown>>, 'parseString'> {
  // A parser per document: xml2js keeps state in its parser object, and an error half-way
  // through one document must not leak into the next.
  const parser = new Parser<Record<string, unknown>, Record<string, unknown>>({
    // `<rss>` without a version attribute is common in hand-written feeds: read it as 2.0.
    defaultRSS: 2,
    xml2js: { tagNameProcessors: [(name: string) => ATOM_DATE_TAGS[name] ?? name] },
    customFields: {
      // The feed's (Atom) or channel's (RSS) attributes, for xml:base. rss-parser's types allow
      // only names here, but it reads `[from, to, options]` for the feed as it does for items.
      feed: [['$', 'wfAttrs', { keepArray: true }] as unknown as string],
      item: [
        // The entry's attributes (xml:base), and every id element with its attributes
        // (isPermaLink, xml:base).
        ['$', 'wfAttrs', { keepArray: true }],
        ['guid', 'wfGuid', { keepArray: true }],
        ['id', 'wfId', { keepArray: true }],
        // Summary and body elements rss-parser ignores, and Atom content with its attributes
        // (type, mode); see toParsedItem for the order they are read in.
        ['content', 'wfContent', { keepArray: true }],
        ['dc:description', 'wfDcDescription'],
        ['itunes:summary', 'wfItunesSummary'],
        ['xhtml:body', 'wfXhtmlBody'],
        ['body', 'wfBody'],
        // An early RSS extension for the full text (fullitem), still in some archives.
        ['fullitem', 'wfFullitem'],
        ['wf:published', 'wfPublished'],
        // All of them: of several <updated>, the latest is meant (see datesOf).
        ['wf:updated', 'wfUpdated', { keepArray: true }],
        // Dublin Core terms (RSS 1.0 and others) and Atom 0.3 dates, which rss-parser ignores.
        ['dcterms:issued', 'wfDctermsIssued'],
        ['dcterms:created', 'wfDctermsCreated'],
        ['dcterms:modified', 'wfDctermsModified'],
        ['issued', 'wfIssued'],
        ['created', 'wfCreated'],
        ['modified', 'wfModified'],
        // All links, not just the one rss-parser picks: it takes the first Atom link when none is
        // rel="alternate", even when the first is rel="related" or "enclosure".
        ['link', 'wfLinks', { keepArray: true }],
        // rss-parser keeps only RSS categories, as raw objects; Atom has `<category term>`.
        ['category', 'wfCategories', { keepArray: true }],
        ['dc:subject', 'wfSubjects', { keepArray: true }],
        ['media:content', 'mediaContent', { keepArray: true }],
        ['media:thumbnail', 'mediaThumbnail', { keepArray: true }],
        ['media:description', 'mediaDescription'],
        ['media:title', 'mediaTitle'],
        ['media:group', 'mediaGroup'],
        // Atom text constructs with their type attribute, which rss-parser drops.
        ['title', 'wfTitle', { keepArray: true }],
        ['summary', 'wfSummary', { keepArray: true }],
        // The outlet an aggregator names (Google News, Yahoo): RSS text, Atom a feed's metadata.
        ['source', 'wfSource'],
      ],
    },
  });
  return {
    parseString: async (xml: string) => {
      // Inline XHTML as CDATA, so its text keeps its order; Atom links written as text given an
      // href (see links-text.ts).
      const prepared = prepareForParser(xml);
      const output = await parser.parseString(prepared);
      // Each entry gets the xml:base values around it and its own, outermost first (wfBaseChain).
      const outer = outerBases(prepared, output.wfAttrs);
      for (const item of asArray(output.items)) {
        const entry = record(item);
        if (entry !== undefined) entry.wfBaseChain = [...outer, xmlBaseOf({ $: entry.wfAttrs })].filter((b): b is string => b !== undefined);
      }
      return output;
    },
  };
}

/** Text of an xml2js value: a string, `{_: text}`, or nested markup (Atom xhtml) flattened. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(textOf).filter((t): t is string => t !== undefined);
    return parts.length === 0 ? undefined : parts.join(' ');
  }
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      if (key === '$') continue;
      const text = textOf(child);
      if (text !== undefined) parts.push(text);
    }
    return parts.length === 0 ? undefined : parts.join(' ');
  }
  return undefined;
}

/** Non-empty text or undefined, so `??` chains fall through empty elements. */
function nonEmpty(value: unknown): string | undefined {
  const text = textOf(value);
  return text === undefined || text.trim() === '' ? undefined : text;
}

function attributesOf(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || !('$' in value)) return undefined;
  const attrs: unknown = value.$;
  return typeof attrs === 'object' && attrs !== null ? Object.fromEntries(Object.entries(attrs)) : undefined;
}

function stringAttr(value: unknown, name: string): string | undefined {
  const attr = attributesOf(value)?.[name];
  return typeof attr === 'string' && attr.trim() !== '' ? attr.trim() : undefined;
}

function asArray(value: unknown): readonly unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Where an entry's relative references resolve: the document URL, then each enclosing
 * `xml:base` from the outside in (see createParser). `undefined` when no `xml:base` is written
 * and the document URL is the final URL: links then stay as written and core/story.ts resolves
 * them as it always has (against the feed's own link, else the feed URL).
 */
function entryBaseOf(item: ItemShape, documentUrl: string | undefined, finalUrl: string | undefined): string | undefined {
  const chain = asArray(item.wfBaseChain).filter((b): b is string => typeof b === 'string');
  if (chain.length === 0 && (documentUrl === undefined || documentUrl === finalUrl)) return undefined;
  return chain.reduce<string | undefined>(joinBase, documentUrl ?? finalUrl);
}

/** A reference written on `element` (or in it), resolved against the element's own xml:base in `base`. */
function resolveOn(ref: string, element: unknown, base: string | undefined): string {
  return base === undefined ? ref : resolveRef(ref, joinBase(base, stringAttr(element, 'xml:base')));
}

/**
 * The entry's link: an RSS `<link>` text, else the Atom link with rel="alternate" or no rel
 * (RFC 4287 §4.2.7.2: no rel means alternate), never rel="self"/"related"/"enclosure"; a link
 * with no `href` but a URL as its text counts as that URL. Resolved against `xml:base`.
 */
function linkOf(item: ItemShape, base: string | undefined): string | undefined {
  const links = asArray(item.wfLinks);
  for (const link of links) {
    if (stringAttr(link, 'href') === undefined && stringAttr(link, 'rel') === undefined) {
      const text = nonEmpty(link);
      if (text !== undefined) return resolveOn(text.trim(), link, base);
    }
  }
  const alternate = links.find((link) => {
    const rel = stringAttr(link, 'rel');
    return stringAttr(link, 'href') !== undefined && (rel === undefined || rel === 'alternate');
  });
  const href = alternate === undefined ? undefined : stringAttr(alternate, 'href');
  return href === undefined ? undefined : resolveOn(href, alternate, base);
}

/**
 * The entry's id as written (RSS `guid`, Atom `id`, RSS 1.0 `rdf:about`). Under an `xml:base`, a
 * relative Atom id, or a relative RSS guid that is a permalink and looks like a URL (a path,
 * a file name), is resolved against it, as the base applies to it like to any link.
 */
function guidOf(item: ItemShape, base: string | undefined, finalUrl: string | undefined): string | undefined {
  const guid = nonEmpty(item.guid)?.trim();
  const id = nonEmpty(item.id)?.trim();
  const written = guid ?? id ?? nonEmpty(item['rdf:about'])?.trim();
  if (written === undefined || isAbsoluteRef(written) || /\s/.test(written)) return written;
  // A relative Atom id with no base in the document is relative to the document's URL
  // (RFC 3986 §5.1.3), as its links are; a relative RSS guid stays as written (it is mostly
  // an opaque key that happens to contain a slash).
  if (base === undefined) return guid === undefined && id !== undefined && finalUrl !== undefined && /^[/.]/.test(id) ? resolveRef(id, finalUrl) : written;
  if (guid !== undefined) {
    const element = asArray(item.wfGuid)[0];
    const permalink = stringAttr(element, 'isPermaLink')?.toLowerCase() !== 'false';
    return permalink && /[/.?]/.test(guid) ? resolveOn(guid, element, base) : guid;
  }
  return id !== undefined ? resolveOn(id, asArray(item.wfId)[0], base) : written;
}

function categoriesOf(item: ItemShape): string[] {
  const out: string[] = [];
  for (const category of [...asArray(item.wfCategories), ...asArray(item.wfSubjects)]) {
    const text = stringAttr(category, 'label') ?? stringAttr(category, 'term') ?? nonEmpty(category);
    if (text !== undefined) out.push(text.trim());
  }
  return out;
}

function isImage(media: unknown): boolean {
  const medium = stringAttr(media, 'medium');
  const type = stringAttr(media, 'type');
  return medium === 'image' || (type?.startsWith('image/') ?? false) || (medium === undefined && type === undefined);
}

function imageOf(item: ItemShape, base: string | undefined): string | undefined {
  const group = asArray(item.mediaGroup)[0];
  const groupFields = typeof group === 'object' && group !== null ? Object.fromEntries(Object.entries(group)) : {};
  const candidates = [
    ...asArray(item.mediaContent).filter(isImage),
    ...asArray(groupFields['media:content']).filter(isImage),
    ...asArray(item.mediaThumbnail),
    ...asArray(groupFields['media:thumbnail']),
  ];
  for (const candidate of candidates) {
    const url = stringAttr(candidate, 'url');
    if (url !== undefined) return resolveOn(url, candidate, base);
  }
  // rss-parser already reduced <enclosure> to its attributes.
  const enclosure = item.enclosure;
  if (typeof enclosure === 'object' && enclosure !== null && 'url' in enclosure && typeof enclosure.url === 'string') {
    const type = 'type' in enclosure && typeof enclosure.type === 'string' ? enclosure.type : '';
    if (type === '' || type.startsWith('image/')) return resolveOn(enclosure.url, { $: enclosure }, base);
  }
  return undefined;
}

function mediaGroupText(item: ItemShape, field: string): string | undefined {
  const group = asArray(item.mediaGroup)[0];
  if (typeof group !== 'object' || group === null) return undefined;
  return nonEmpty(Object.fromEntries(Object.entries(group))[field]);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An Atom text construct whose type is "text" (the default; Atom 0.3 "text/plain") is plain
 * text: a literal "<" in it is a character, not a tag. Escaping it keeps the later HTML-to-text
 * step from eating it. Atom 0.3 `mode="base64"` text is decoded first; `mode="escaped"` needs
 * nothing (the XML parser already unescaped it); inline XHTML arrives as markup (see
 * prepareForParser) and is read as HTML.
 */
function atomText(raw: unknown, fallback: string | undefined): string | undefined {
  const element = asArray(raw)[0];
  const type = (stringAttr(element, 'type') ?? 'text').toLowerCase();
  const base64 = stringAttr(element, 'mode')?.toLowerCase() === 'base64' || isBase64MediaType(type);
  const text = fallback !== undefined && base64 ? decodeBase64Text(fallback) : fallback;
  if (text === undefined || (type !== 'text' && type !== 'text/plain')) return text;
  return escapeHtml(text);
}

/**
 * Atom 1.0 (RFC 4287 §4.1.3.3): content whose type is a media type that is neither XML nor
 * `text/*` is base64 (`application/octet-stream` is what generators write); its decoded text is
 * read as HTML.
 */
function isBase64MediaType(type: string): boolean {
  if (type === 'text' || type === 'html' || type === 'xhtml' || !type.includes('/')) return false;
  return !type.startsWith('text/') && !type.endsWith('/xml') && !type.endsWith('+xml');
}

/** RSS `<author>` is "email (Name)"; the name is what readers want. */
function authorName(author: string | undefined): string | undefined {
  const name = author === undefined ? undefined : /^\S+@\S+\s*\((.+)\)$/.exec(author)?.[1]?.trim();
  return name === undefined || name === '' ? author : name;
}

/**
 * The entry's date elements as written, most preferred first (docs/fetching.md, "Dates"):
 * RSS `pubDate`, `dc:date`, `dcterms:issued`, `dcterms:created`, `dcterms:modified`, Atom
 * `published`, `updated` (of several, the latest first), Atom 0.3 `issued`, `created`,
 * `modified`. Duplicates are dropped.
 */
function datesOf(item: ItemShape): string[] {
  const text = (value: unknown): string | undefined => nonEmpty(value)?.trim();
  const updated = asArray(item.wfUpdated)
    .map(text)
    .filter((t): t is string => t !== undefined)
    .map((t, index) => ({ t, index, ms: parseFeedDate(t) ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .map(({ t }) => t);
  const all = [item.pubDate, item.date, item.wfDctermsIssued, item.wfDctermsCreated, item.wfDctermsModified, item.wfPublished].map(text);
  all.push(...updated, ...[item.wfIssued, item.wfCreated, item.wfModified].map(text));
  return [...new Set(all.filter((t): t is string => t !== undefined))];
}

/**
 * `documentUrl` is where relative references resolve when nothing closer says otherwise: the
 * Content-Location the server sent, else the final URL (`finalUrl`).
 *
 * Text is read in this order (docs/fetching.md, "Links and text"): the short form from RSS
 * `description` (Atom `summary`), then `summary`, `dc:description`, `itunes:summary`; the body from
 * `content:encoded` (Atom `content`), then `xhtml:body`, then `content`. A story's summary is the
 * short form when there is one, else the body.
 */
function toParsedItem(value: unknown, format: ParsedFeed['format'], finalUrl?: string, documentUrl?: string): ParsedItem {
  // Not an object (cannot happen with rss-parser 3.x): treat as an empty item, dropped later.
  const item: ItemShape = record(value) ?? {};
  const base = entryBaseOf(item, documentUrl, finalUrl);
  const encoded = nonEmpty(item['content:encoded']);
  const xhtmlBody = nonEmpty(item.wfXhtmlBody) ?? nonEmpty(item.wfBody) ?? nonEmpty(item.wfFullitem);
  const extraShort = nonEmpty(item.wfDcDescription) ?? nonEmpty(item.wfItunesSummary);
  // RSS: rss-parser puts <description> in `content`. Atom: `content` and `summary` as written.
  const description =
    format === 'atom'
      ? (atomText(item.wfSummary, nonEmpty(item.summary)) ?? extraShort)
      : (nonEmpty(item.content) ?? nonEmpty(item.summary) ?? extraShort);
  const body =
    format === 'atom'
      ? (atomText(item.wfContent, nonEmpty(asArray(item.wfContent)[0])) ?? encoded ?? xhtmlBody)
      : (encoded ?? xhtmlBody ?? nonEmpty(asArray(item.wfContent)[0]));
  const mediaDescription = nonEmpty(item.mediaDescription) ?? mediaGroupText(item, 'media:description');
  const [published, ...otherDates] = datesOf(item);
  return {
    guid: guidOf(item, base, finalUrl),
    ...(nonEmpty(item.guid) !== undefined && stringAttr(asArray(item.wfGuid)[0], 'isPermaLink')?.toLowerCase() === 'false' ? { guidIsPermaLink: false } : {}),
    link: linkOf(item, base),
    title: (format === 'atom' ? atomText(item.wfTitle, nonEmpty(item.title)) : nonEmpty(item.title)) ?? nonEmpty(item.mediaTitle) ?? mediaGroupText(item, 'media:title'),
    content: body ?? description ?? mediaDescription,
    summary: body !== undefined ? (description ?? mediaDescription) : undefined,
    published,
    ...(otherDates.length === 0 ? {} : { otherDates }),
    author: authorName(nonEmpty(item.creator)?.trim() ?? nonEmpty(item.author)?.trim()),
    categories: categoriesOf(item),
    imageUrl: imageOf(item, base),
    ...sourceOf(item, format),
  };
}

/** An outlet's name is short; a longer `<source>` is not one. */
const MAX_SOURCE_CHARS = 100;

/** The outlet an aggregator names: RSS `<source url>Name</source>`, Atom `<source><title>Name</title>…</source>`. */
function sourceOf(item: ItemShape, format: ParsedFeed['format']): { source?: string } {
  const value = format === 'atom' ? record(item.wfSource)?.title : item.wfSource;
  const text = nonEmpty(Array.isArray(value) ? value[0] : value)?.replace(/\s+/gu, ' ').trim();
  return text === undefined || text.length > MAX_SOURCE_CHARS ? {} : { source: text };
}

/** The first element's name, skipping the XML declaration, comments, processing instructions and DOCTYPE. */
function rootElementName(text: string): string | undefined {
  const match = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*<([A-Za-z_][\w.:-]*)/i.exec(text);
  return match?.[1];
}

function formatOf(root: string): ParsedFeed['format'] | undefined {
  const lower = root.toLowerCase();
  // A prefixed root (`<r:rss>`) is read after salvage removes the prefix.
  if (lower === 'rss' || lower.endsWith(':rss')) return 'rss';
  if (lower === 'feed' || lower.endsWith(':feed')) return 'atom';
  if (lower === 'rdf:rdf' || lower.endsWith(':rdf') || lower === 'rdf') return 'rdf';
  return undefined;
}

function failure(kind: 'not-a-feed' | 'parse', url: string, message: string, cause?: unknown): FetchFailure {
  return { ok: false, kind, message, status: null, retryAfterMs: null, url, ...(cause === undefined ? {} : { cause }) };
}

/** sax reports `message\nLine: 0\nColumn: 12\nChar: x` with 0-based lines. */
function describeXmlError(error: unknown): { problem: string; line: number | null; column: number | null } {
  const message = error instanceof Error ? error.message : String(error);
  const [first = message] = message.split('\n');
  const line = /Line: (\d+)/.exec(message)?.[1];
  const column = /Column: (\d+)/.exec(message)?.[1];
  return { problem: first.trim(), line: line === undefined ? null : Number(line) + 1, column: column === undefined ? null : Number(column) };
}

/** A bare `&` (as in "AT&T") is the most common reason a real feed is not well-formed XML. */
const BARE_AMPERSAND = /&(?!(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)/g;

async function parseXml(text: string): Promise<Parser.Output<Record<string, unknown>>> {
  try {
    return await createParser().parseString(text);
  } catch (error) {
    const problem = describeXmlError(error).problem;
    // Retry once with bare ampersands escaped; only feeds that failed are touched, so a valid
    // feed's URLs in CDATA are never rewritten.
    if (/entity|semicolon/i.test(problem) && text.search(BARE_AMPERSAND) !== -1) {
      try {
        return await createParser().parseString(text.replace(BARE_AMPERSAND, '&amp;'));
      } catch {
        // Report the original error: it points at the real spot.
      }
    }
    throw error;
  }
}

function itemCount(output: unknown): number {
  return FeedShape.safeParse(output).data?.items.length ?? 0;
}

/**
 * The feed read again after {@link salvageFeed} repaired it, or undefined when nothing could be
 * repaired or the repaired text still yields no item (a failure says more than an empty feed).
 */
async function parseSalvaged(body: string): Promise<{ output: unknown; repairs: readonly string[] } | undefined> {
  const salvaged = salvageFeed(body);
  if (salvaged.repairs.length === 0 || salvaged.text === body) return undefined;
  try {
    const output = await parseXml(salvaged.text);
    return itemCount(output) === 0 ? undefined : { output, repairs: salvaged.repairs };
  } catch {
    return undefined;
  }
}

/**
 * Parses feed text (already decoded) into a {@link ParsedFeed}, or a failure:
 * `not-a-feed` for an empty body, an HTML page or XML that is not RSS/Atom; `parse` for
 * malformed or truncated XML, with line and column. `documentUrl` is the URL relative references
 * resolve against when the server named one (Content-Location); the final URL otherwise.
 */
export async function parseFeed(text: string, finalUrl: string, documentUrl?: string): Promise<ParsedFeed | FetchFailure> {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    return failure('not-a-feed', finalUrl, `${finalUrl} returned an empty body, not a feed; check the feed URL or try again later`);
  }
  const start = body.trimStart().slice(0, 1);
  if (start === '{' || start === '[') {
    return failure('not-a-feed', finalUrl, `${finalUrl} returned JSON, not RSS or Atom (JSON Feed is not supported); use the site's RSS or Atom URL`);
  }
  const root = rootElementName(body);
  if (root === undefined) {
    return failure('not-a-feed', finalUrl, `${finalUrl} returned text that is not XML ("${body.trim().slice(0, 40).replace(/\s+/g, ' ')}…"); check the feed URL`);
  }
  if (root.toLowerCase() === 'html') {
    return failure('not-a-feed', finalUrl, `${finalUrl} returned an HTML page, not a feed (a login wall, error page or the site's home page); find the RSS/Atom link on that page`);
  }
  const format = formatOf(root);
  if (format === undefined) {
    return failure('not-a-feed', finalUrl, `${finalUrl} is XML with root <${root}>, not RSS or Atom; check the feed URL`);
  }

  let output: unknown;
  let repairs: readonly string[] | undefined;
  try {
    output = await parseXml(body);
    // Items rss-parser does not see (outside a <channel>, prefixed): salvage, keep it if it reads more.
    if (itemCount(output) === 0 && /<(?:[\w.-]+:)?(?:item|entry)[\s>/]/.test(body)) {
      const salvaged = await parseSalvaged(body);
      if (salvaged !== undefined) ({ output, repairs } = salvaged);
    }
  } catch (error) {
    const salvaged = await parseSalvaged(body);
    if (salvaged !== undefined) {
      ({ output, repairs } = salvaged);
    } else {
      return parseFailure(error, body, root, finalUrl);
    }
  }

  const feed = FeedShape.safeParse(output);
  if (!feed.success) {
    return failure('parse', finalUrl, `${finalUrl}: the parser returned an unexpected shape (${feed.error.issues[0]?.message ?? 'unknown'}); please report this feed`);
  }
  return {
    format,
    title: nonEmpty(feed.data.title)?.trim(),
    link: nonEmpty(feed.data.link)?.trim(),
    items: feed.data.items.map((item) => toParsedItem(item, format, finalUrl, documentUrl)),
    ...(repairs === undefined ? {} : { repairs }),
  };
}

/** The failure for a document neither rss-parser nor salvage could read. */
function parseFailure(error: unknown, body: string, root: string, finalUrl: string): FetchFailure {
  if (error instanceof TypeError) {
    // rss-parser reading a property of an element that is not there: the XML is fine, its shape is not.
    return failure('parse', finalUrl, `${finalUrl}: rss-parser could not read this feed's structure (${describeShape(body)}): ${error.message}; please report this feed`, error);
  }
  const { problem, line, column } = describeXmlError(error);
  if (/not recognized as RSS/i.test(problem)) {
    return failure('not-a-feed', finalUrl, `${finalUrl}: <${root}> has no RSS version rss-parser understands; check the feed URL`, error);
  }
  const where = line === null ? '' : ` at line ${line}${column === null ? '' : `, column ${column}`}`;
  const truncated = /unclosed|unexpected end/i.test(problem) ? ' (the document looks truncated: the server may have cut the response; it is retried later)' : '';
  return failure('parse', finalUrl, `${finalUrl} is not well-formed XML${where}: ${problem}${truncated}`, error);
}
