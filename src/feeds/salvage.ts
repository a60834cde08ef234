/**
 * Salvage for feeds rss-parser rejects or reads as empty: the document text is repaired around
 * the parser (rss-parser stays the parser) and every repair is named, so the caller can log once
 * what was changed. Pure: text in, text and repairs out.
 *
 * Repairs, in order: a namespace prefix on the feed's own elements (`<r:rss>`, `<rss:item>` in
 * RSS 1.0, `<atom:feed>`); a missing `<channel>` around an RSS 2.0 document's items; entity
 * references XML does not define (HTML names become numeric references, small plain-text
 * entities from the internal DTD subset are substituted, anything else is kept as literal
 * text, never expanded or fetched); a truncated tail (open elements closed, a half-written last
 * item dropped).
 */
import { decodeHTML } from 'entities';

export interface SalvageResult {
  readonly text: string;
  /** What was repaired, one short phrase each; empty when nothing was. */
  readonly repairs: readonly string[];
}

type Token =
  | { readonly kind: 'open' | 'close' | 'empty'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'text' | 'cdata' | 'comment' | 'pi' | 'doctype'; readonly start: number; readonly end: number }
  | { readonly kind: 'partial'; readonly what: 'tag' | 'cdata' | 'comment' | 'pi' | 'doctype'; readonly start: number; readonly end: number };

/** End (exclusive) of a tag starting at `from` (`<`), honouring quoted attribute values; -1 when cut off. */
function tagEnd(text: string, from: number): number {
  let quote: string | null = null;
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i + 1;
    } else if (c === '<') {
      // A new tag starts before this one closed: the document is broken here; treat as cut.
      return -1;
    }
  }
  return -1;
}

function doctypeEnd(text: string, from: number): number {
  let inSubset = false;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[') {
      inSubset = true;
    } else if (c === ']') {
      inSubset = false;
    } else if (c === '>' && !inSubset) {
      return i + 1;
    }
  }
  return -1;
}

const NAME_AT = /<\/?([A-Za-z_][\w.:-]*)/y;
const DOCTYPE_AT = /<!DOCTYPE/iy;

/** A shallow XML tokenizer: enough to find elements, text and where the document stops. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const delimited = (kind: 'cdata' | 'comment' | 'pi', close: string, skip: number): void => {
    const end = text.indexOf(close, i + skip);
    if (end === -1) {
      tokens.push({ kind: 'partial', what: kind, start: i, end: text.length });
      i = text.length;
    } else {
      tokens.push({ kind, start: i, end: end + close.length });
      i = end + close.length;
    }
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt !== i) {
      const end = lt === -1 ? text.length : lt;
      tokens.push({ kind: 'text', start: i, end });
      i = end;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) delimited('cdata', ']]>', 9);
    else if (text.startsWith('<!--', i)) delimited('comment', '-->', 4);
    else if (text.startsWith('<?', i)) delimited('pi', '?>', 2);
    else if (((DOCTYPE_AT.lastIndex = i), DOCTYPE_AT.test(text))) {
      const end = doctypeEnd(text, i);
      if (end === -1) {
        tokens.push({ kind: 'partial', what: 'doctype', start: i, end: text.length });
        i = text.length;
      } else {
        tokens.push({ kind: 'doctype', start: i, end });
        i = end;
      }
    } else {
      const end = tagEnd(text, i);
      NAME_AT.lastIndex = i;
      const name = NAME_AT.exec(text)?.[1];
      if (end === -1 || name === undefined) {
        if (end === -1) {
          tokens.push({ kind: 'partial', what: 'tag', start: i, end: text.length });
          i = text.length;
        } else {
          // `<` followed by something that is no name: text, left for the parser to judge.
          tokens.push({ kind: 'text', start: i, end: i + 1 });
          i += 1;
        }
        continue;
      }
      const raw = text.slice(i, end);
      const kind = raw.startsWith('</') ? 'close' : raw.endsWith('/>') ? 'empty' : 'open';
      tokens.push({ kind, name, start: i, end });
      i = end;
    }
  }
  return tokens;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function prefixOf(name: string): string | undefined {
  const colon = name.indexOf(':');
  return colon === -1 ? undefined : name.slice(0, colon);
}

type ElementToken = Extract<Token, { name: string }>;

function isElement(token: Token): token is ElementToken {
  return token.kind === 'open' || token.kind === 'close' || token.kind === 'empty';
}

const RSS1_NAMESPACES = new Set(['http://purl.org/rss/1.0/', 'http://my.netscape.com/rdf/simple/0.9/']);
const RDF_NAMESPACE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** Prefixes the root start tag binds to one of `namespaces`. */
function prefixesBoundTo(rootTag: string, namespaces: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const match of rootTag.matchAll(/\sxmlns:([\w.-]+)\s*=\s*(["'])(.*?)\2/g)) {
    const [, prefix, , uri] = match;
    if (prefix !== undefined && uri !== undefined && namespaces.has(uri.trim())) out.add(prefix);
  }
  return out;
}

/** Replaces element names in start/end tags; `rename` returns undefined to keep a name. */
function renameElements(text: string, tokens: readonly Token[], rename: (name: string) => string | undefined): { text: string; count: number } {
  let out = '';
  let last = 0;
  let count = 0;
  for (const token of tokens) {
    if (!isElement(token)) continue;
    const to = rename(token.name);
    if (to === undefined || to === token.name) continue;
    const nameStart = token.start + (token.kind === 'close' ? 2 : 1);
    out += text.slice(last, nameStart) + to;
    last = nameStart + token.name.length;
    count++;
  }
  return { text: out + text.slice(last), count };
}

function rootOf(tokens: readonly Token[]): ElementToken | undefined {
  return tokens.find((t): t is ElementToken => t.kind === 'open' || t.kind === 'empty');
}

/** `<r:rss>` → `<rss>`, `<atom:feed>` → `<feed>`, `<rss:item>` in RSS 1.0 → `<item>`, `<R:RDF>` → `<rdf:RDF>`. */
function unprefixFeedElements(text: string, repairs: string[]): string {
  const tokens = tokenize(text);
  const root = rootOf(tokens);
  if (root === undefined) return text;
  const rootTag = text.slice(root.start, root.end);
  const rootPrefix = prefixOf(root.name);
  const rootLocal = localName(root.name);
  if (rootPrefix !== undefined && (rootLocal === 'rss' || rootLocal === 'feed')) {
    // Every element in the root's namespace is the feed format's own: strip that one prefix only,
    // so other namespaces (dc:date, media:content, atom:link in RSS) are left alone.
    const { text: renamed, count } = renameElements(text, tokens, (name) => (prefixOf(name) === rootPrefix ? localName(name) : undefined));
    repairs.push(`removed namespace prefix ${rootPrefix}: from the root (${count} tags)`);
    return renamed;
  }
  if (rootLocal.toLowerCase() === 'rdf') {
    const rss1 = prefixesBoundTo(rootTag, RSS1_NAMESPACES);
    const rdfPrefixes = prefixesBoundTo(rootTag, new Set([RDF_NAMESPACE]));
    const fixRoot = root.name !== 'rdf:RDF' && (rootPrefix === undefined || rdfPrefixes.has(rootPrefix) || rootPrefix.toLowerCase() === 'rdf');
    if (rss1.size === 0 && !fixRoot) return text;
    const { text: renamed, count } = renameElements(text, tokens, (name) => {
      const prefix = prefixOf(name);
      if (prefix !== undefined && rss1.has(prefix)) return localName(name);
      if (fixRoot && name === root.name) return 'rdf:RDF';
      return undefined;
    });
    if (count === 0) return text;
    const what = [...rss1].map((p) => `${p}:`).join(' ');
    repairs.push(rss1.size > 0 ? `removed the RSS 1.0 namespace prefix ${what} from ${count} tags` : `renamed the root <${root.name}> to <rdf:RDF>`);
    return renamed;
  }
  return text;
}

/**
 * An RSS 2.0 document whose items sit directly in `<rss>`: wrap the root's content in a
 * `<channel>`, or, when the items follow a `<channel>` already closed, move its end tag after them.
 */
function wrapChannel(text: string, repairs: string[]): string {
  const tokens = tokenize(text);
  const root = rootOf(tokens);
  if (root?.kind !== 'open' || root.name !== 'rss') return text;
  let depth = 0;
  let channel: ElementToken | undefined;
  let channelClose: ElementToken | undefined;
  let itemAfterChannel = false;
  let rootClose: number | undefined;
  for (const token of tokens.slice(tokens.indexOf(root) + 1)) {
    if (token.kind === 'open' || token.kind === 'empty') {
      if (depth === 0 && token.name === 'channel') channel ??= token;
      if (depth === 0 && token.name === 'item') itemAfterChannel = true;
      if (token.kind === 'open') depth++;
    } else if (token.kind === 'close') {
      if (depth === 0) {
        rootClose = token.start;
        break;
      }
      depth--;
      if (depth === 0 && token.name === 'channel' && !itemAfterChannel) channelClose = token;
    }
  }
  if (!itemAfterChannel) return text;
  const closeAt = rootClose ?? text.length;
  if (channel === undefined) {
    repairs.push('wrapped items in a <channel>');
    return `${text.slice(0, root.end)}<channel>${text.slice(root.end, closeAt)}</channel>${text.slice(closeAt)}`;
  }
  if (channel.kind !== 'open' || channelClose === undefined) return text;
  repairs.push('moved items after the </channel> into it');
  return `${text.slice(0, channelClose.start)}${text.slice(channelClose.end, closeAt)}</channel>${text.slice(closeAt)}`;
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
/** Substituted internal entities: each at most this long, all together at most MAX_ENTITY_TOTAL. */
const MAX_ENTITY_VALUE = 1024;
const MAX_ENTITY_TOTAL = 64 * 1024;

/**
 * Plain-text general entities of the internal DTD subset. Parameter entities, external ones
 * (SYSTEM/PUBLIC) and values holding markup or further references are not taken: they are
 * never expanded.
 */
function internalEntities(doctype: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of doctype.matchAll(/<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g)) {
    const [, name, double, single] = match;
    const value = double ?? single;
    if (name === undefined || value === undefined || out.has(name)) continue;
    if (value.length > MAX_ENTITY_VALUE || /[&%<]/.test(value)) continue;
    out.set(name, value);
  }
  return out;
}

function htmlEntity(name: string): string | undefined {
  const decoded = decodeHTML(`&${name};`);
  // A legacy prefix match ("&notfoo;" → "¬foo;") is no entity of that name.
  if (decoded === `&${name};` || decoded.includes(';')) return undefined;
  // Code points, not grapheme clusters: each becomes one numeric reference.
  const codePoints: number[] = [];
  for (const c of decoded) codePoints.push(c.codePointAt(0) ?? 0xfffd);
  return codePoints.length > 2 ? undefined : codePoints.map((cp) => `&#${cp};`).join('');
}

/** Named references XML does not know: HTML names → numeric, small internal ones → their text, the rest → literal. */
function repairEntities(text: string, repairs: string[]): string {
  const tokens = tokenize(text);
  const doctype = tokens.find((t) => t.kind === 'doctype');
  const declared = doctype === undefined ? new Map<string, string>() : internalEntities(text.slice(doctype.start, doctype.end));
  const html: string[] = [];
  const substituted: string[] = [];
  const literal: string[] = [];
  const invalidRefs: string[] = [];
  let budget = MAX_ENTITY_TOTAL;
  const fix = (segment: string): string =>
    segment.replace(/&(?:([A-Za-z_][\w.-]*)|#([0-9]+)|#[xX]([0-9A-Fa-f]+));/g, (whole, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
      if (name === undefined) {
        // A character reference to a character XML forbids (beyond U+10FFFF, a surrogate, NUL
        // and most C0 controls) fails the whole document: it becomes U+FFFD.
        if (isXmlChar(decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16))) return whole;
        invalidRefs.push(whole.slice(1, -1));
        return '&#xFFFD;';
      }
      if (XML_ENTITIES.has(name)) return whole;
      const value = declared.get(name);
      if (value !== undefined && value.length <= budget) {
        budget -= value.length;
        substituted.push(name);
        return value.replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
      }
      const numeric = declared.has(name) ? undefined : htmlEntity(name);
      if (numeric !== undefined) {
        html.push(name);
        return numeric;
      }
      literal.push(name);
      return `&amp;${name};`;
    });
  let out = '';
  let last = 0;
  for (const token of tokens) {
    // Text and tags (attribute values); never CDATA, comments, PIs or the DOCTYPE itself.
    if (token.kind !== 'text' && !isElement(token)) continue;
    out += text.slice(last, token.start) + fix(text.slice(token.start, token.end));
    last = token.end;
  }
  out += text.slice(last);
  const list = (names: readonly string[]): string => {
    const unique = [...new Set(names)];
    return unique.slice(0, 3).map((n) => `&${n};`).join(' ') + (unique.length > 3 ? ' …' : '');
  };
  if (invalidRefs.length > 0) repairs.push(`replaced ${invalidRefs.length} reference${invalidRefs.length === 1 ? '' : 's'} to characters XML forbids with U+FFFD (${list(invalidRefs).replace(/&(#[^;]*);/g, '$1')})`);
  if (html.length > 0) repairs.push(`replaced ${html.length} HTML entit${html.length === 1 ? 'y' : 'ies'} (${list(html)})`);
  if (substituted.length > 0) repairs.push(`substituted ${substituted.length} entit${substituted.length === 1 ? 'y' : 'ies'} declared in the DTD (${list(substituted)})`);
  if (literal.length > 0) repairs.push(`kept ${literal.length} unknown or external entit${literal.length === 1 ? 'y' : 'ies'} as literal text (${list(literal)})`);
  return out;
}

/** XML 1.0's Char production: what a character reference may name. */
function isXmlChar(code: number): boolean {
  if (!Number.isSafeInteger(code)) return false;
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

const ITEM_NAMES = new Set(['item', 'entry']);

/**
 * A document cut off before its end: a half-written tag at the end is dropped, an item (or
 * entry) cut in the middle of its content is dropped, and the elements still open are closed.
 */
function closeTruncated(text: string, repairs: string[]): string {
  const tokens = tokenize(text);
  const stack: ElementToken[] = [];
  let afterLastTag = 0;
  for (const token of tokens) {
    if (token.kind === 'open') stack.push(token);
    else if (token.kind === 'close') {
      const at = stack.map((t) => t.name).lastIndexOf(token.name);
      // A stray end tag is the parser's to report, not a truncation.
      if (at !== -1) stack.length = at;
    }
    if (token.kind !== 'partial') afterLastTag = token.kind === 'text' ? afterLastTag : token.end;
  }
  const last = tokens.at(-1);
  const cutInTag = last?.kind === 'partial';
  if (stack.length === 0 && !cutInTag) return text;
  if (stack.length === 0) {
    // Only a partial tag after the root: drop it.
    repairs.push('removed a half-written tag at the end');
    return text.slice(0, last?.start ?? text.length);
  }
  // What follows the last complete token: whitespace or a half-written end tag means the content
  // is all there; anything else (text, CDATA, a start tag cut off) means it was cut mid-content.
  const tail = text.slice(afterLastTag);
  const contentComplete = /^\s*(?:<\/[\w.:-]*\s*)?$/.test(tail);
  let keep = text.slice(0, afterLastTag);
  let open = stack;
  let dropped = false;
  const itemAt = stack.findIndex((t) => ITEM_NAMES.has(localName(t.name)));
  const innermost = stack.at(-1);
  const itemComplete = itemAt !== -1 && innermost !== undefined && itemAt === stack.length - 1 && contentComplete;
  if (itemAt !== -1 && !itemComplete) {
    const item = stack[itemAt];
    if (item !== undefined) {
      keep = text.slice(0, item.start).replace(/\s+$/, '');
      open = stack.slice(0, itemAt);
      dropped = true;
    }
  } else if (!contentComplete && last?.kind === 'partial') {
    keep = text.slice(0, last.start);
  } else if (!contentComplete) {
    keep = text;
  }
  const closing = [...open].reverse().map((t) => `</${t.name}>`).join('');
  if (dropped) repairs.push('dropped a half-written last item');
  if (open.length > 0) repairs.push(`closed ${open.length} element${open.length === 1 ? '' : 's'} cut off at the end`);
  return keep + closing;
}

/**
 * Repairs what keeps rss-parser from reading a feed. Returns the text unchanged (and no
 * repairs) when nothing applies.
 */
export function salvageFeed(text: string): SalvageResult {
  const repairs: string[] = [];
  let out = unprefixFeedElements(text, repairs);
  out = wrapChannel(out, repairs);
  out = repairEntities(out, repairs);
  out = closeTruncated(out, repairs);
  return { text: out, repairs };
}

/**
 * What is odd about a document's shape, for the message when rss-parser fails on it with a
 * TypeError (which is a missing element it expected, not malformed XML).
 */
export function describeShape(text: string): string {
  const tokens = tokenize(text);
  const root = rootOf(tokens);
  if (root === undefined) return 'no root element';
  const names = new Set(tokens.filter(isElement).map((t) => localName(t.name)));
  const missing = ['channel', 'item', 'entry'].filter((n) => !names.has(n));
  const parts = [`root <${root.name}>`];
  if (localName(root.name) !== 'feed' && missing.includes('channel')) parts.push('no <channel>');
  if (missing.includes('item') && missing.includes('entry')) parts.push('no <item> or <entry>');
  return parts.join(', ');
}
