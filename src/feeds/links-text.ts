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
 * CDATA sections and comments are skipped, and so is markup that itself holds CDATA. In Atom,
 * a `<link>` written as `<link>URL</link>` gets `href="URL"` (see below). One pass, linear in the
 * text: a hostile document cannot make it quadratic.
 */
const OPEN = /<!\[CDATA\[|<!--|<((?:[A-Za-z_][\w.-]*:)?(?:title|subtitle|summary|content|tagline|info|body|link))(\s[^<>]*)?>/g;
const XHTML_TYPE = /\s(?:type\s*=\s*["'](?:xhtml|application\/xhtml\+xml)["']|mode\s*=\s*["']xml["'])/i;

export function prepareForParser(text: string): string {
  const atom = /<(?:[\w.-]+:)?feed[\s>]/.test(text);
  if (!atom && !/type\s*=\s*["'](?:xhtml|application\/xhtml\+xml)["']|mode\s*=\s*["']xml["']|<(?:[\w.-]+:)?body[\s>]/i.test(text)) return text;
  const open = new RegExp(OPEN.source, 'g');
  const unclosed = new Set<string>();
  let out = '';
  let copied = 0;
  for (let match = open.exec(text); match !== null; match = open.exec(text)) {
    const [whole, name, attrs = ''] = match;
    if (name === undefined) {
      // A CDATA section or comment: jump past its end (or stop: the rest is inside it).
      const end = text.indexOf(whole === '<!--' ? '-->' : ']]>', open.lastIndex);
      if (end === -1) break;
      open.lastIndex = end + 3;
      continue;
    }
    const local = name.slice(name.indexOf(':') + 1).toLowerCase();
    if (local === 'link') {
      // Atom: a <link> with its URL as text and no href. rss-parser reads `link.$.href` and
      // throws on a link with no attributes, so the text is given to it as the href as well.
      if (!atom || attrs.endsWith('/') || /\shref\s*=/i.test(attrs)) continue;
      const linkText = /[^<]*/y;
      linkText.lastIndex = open.lastIndex;
      const written = linkText.exec(text)?.[0] ?? '';
      const url = written.trim();
      if (url !== '' && text.startsWith(`</${name}`, open.lastIndex + written.length)) {
        out += `${text.slice(copied, match.index)}<${name}${attrs.trimEnd()} href="${url.replace(/"/g, '&quot;')}">`;
        copied = open.lastIndex;
      }
      continue;
    }
    if (attrs.endsWith('/') || unclosed.has(name) || (local !== 'body' && !XHTML_TYPE.test(attrs))) continue;
    const close = new RegExp(`</${name.replace(/[.]/g, '\\.')}\\s*>`, 'g');
    close.lastIndex = open.lastIndex;
    const closing = close.exec(text);
    if (closing === null) {
      unclosed.add(name);
      continue;
    }
    const inner = text.slice(open.lastIndex, closing.index);
    if (inner.includes('<') && !inner.includes('<![CDATA[') && !inner.includes(']]>')) {
      // Namespace prefixes (`<xhtml:p>`) mean nothing to the HTML reader; drop them.
      out += `${text.slice(copied, open.lastIndex)}<![CDATA[${inner.replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1')}]]>`;
      copied = closing.index;
    }
    open.lastIndex = closing.index;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
