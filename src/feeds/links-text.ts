/**
 * Helpers for entry links and text that rss-parser leaves as written: `xml:base` resolution
 * (RFC 3986 against the enclosing bases, outermost the document URL), Atom 0.3 base64 text, and
 * inline XHTML text constructs kept in document order. Pure: strings in, strings out.
 */

/** The `xml:base` chain applied from the outside in; undefined parts are skipped. */
export function joinBase(base: string | undefined, xmlBase: string | undefined): string | undefined {
  const value = xmlBase?.trim();
  if (value === undefined || value === '') return base;
  try {
    return base === undefined ? new URL(value).href : new URL(value, base).href;
  } catch {
    // A base that does not parse (or a relative one with nothing to resolve it against) is ignored.
    return base;
  }
}

/**
 * `ref` resolved against `base` when that gives an http(s) URL; else `ref` as written, so the
 * later step (core/story.ts) can still resolve it against the feed's own link.
 */
export function resolveRef(ref: string, base: string | undefined): string {
  if (base === undefined) return ref;
  try {
    const url = new URL(ref, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : ref;
  } catch {
    return ref;
  }
}

/** A scheme (`https:`, `urn:`, `tag:`): the reference is already absolute. */
export function isAbsoluteRef(ref: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(ref);
}

/**
 * Atom 0.3 `mode="base64"`: the text decoded as UTF-8, or as written when it is not base64 or
 * does not decode to valid UTF-8.
 */
export function decodeBase64Text(text: string): string {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return text;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    return text;
  }
}

/**
 * Text constructs holding inline XHTML (Atom `type="xhtml"`, Atom 0.3 `type="application/xhtml+xml"`
 * or `mode="xml"`) and `<xhtml:body>`: xml2js keeps the text of mixed content but not its order
 * ("Example <b>Atom</b>" comes back as "Atom Example"). Wrapping the markup in CDATA before
 * parsing hands it over as a string in document order; the HTML-to-text step reads it later.
 * Regions already in CDATA or comments are left alone, and so is markup that holds CDATA.
 */
const INLINE_MARKUP = /<((?:[A-Za-z_][\w.-]*:)?(title|subtitle|summary|content|tagline|info|body))(\s[^<>]*?)?>([\s\S]*?)<\/\1\s*>/g;
const XHTML_TYPE = /\s(?:type\s*=\s*["'](?:xhtml|application\/xhtml\+xml)["']|mode\s*=\s*["']xml["'])/i;

export function preserveInlineMarkup(text: string): string {
  if (!/type\s*=\s*["'](?:xhtml|application\/xhtml\+xml)["']|mode\s*=\s*["']xml["']|<(?:[\w.-]+:)?body[\s>]/i.test(text)) return text;
  return text
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)/)
    .map((segment, index) => (index % 2 === 1 ? segment : segment.replace(INLINE_MARKUP, wrapMarkup)))
    .join('');
}

function wrapMarkup(whole: string, name: string, local: string, attrs: string | undefined, inner: string): string {
  const attributes = attrs ?? '';
  if (attributes.endsWith('/') || !inner.includes('<')) return whole;
  if (local.toLowerCase() !== 'body' && !XHTML_TYPE.test(attributes)) return whole;
  // Namespace prefixes (`<xhtml:p>`) mean nothing to the HTML reader; drop them.
  const markup = inner.replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1');
  return `<${name}${attributes}><![CDATA[${markup}]]></${name}>`;
}
