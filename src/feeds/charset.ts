/**
 * Turns a feed body's bytes into text. Order (as browsers and feed readers do it): a byte order
 * mark wins, then the `charset` of the Content-Type header, then the XML declaration's
 * `encoding`, else UTF-8. Node's TextDecoder carries full ICU, so every WHATWG label works.
 */

import { TextDecoder } from 'node:util';

/** The decoded text (BOM removed) and the charset that was used, lower case. */
export interface DecodedBody {
  readonly text: string;
  /** e.g. `utf-8`, `euc-kr`; `utf-8 (unknown label "x")` when a declared label was not understood. */
  readonly charset: string;
}

/** How many leading bytes to read as latin1 when looking for `<?xml ... encoding="..."?>`. */
const XML_DECLARATION_SCAN_BYTES = 1024;

const CONTENT_TYPE_CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]+))/i;
const XML_DECLARATION_ENCODING = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']+)["']/;

function sniffBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/** UTF-16 without a BOM still starts with `<` followed or preceded by a zero byte. */
function sniffUtf16WithoutBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return 'utf-16be';
  return null;
}

/** The charset parameter of a Content-Type header value, or null. */
export function charsetFromContentType(contentType: string | null): string | null {
  if (contentType === null) return null;
  const match = CONTENT_TYPE_CHARSET.exec(contentType);
  const label = (match?.[1] ?? match?.[2] ?? '').trim();
  return label === '' ? null : label;
}

/** The encoding named in the XML declaration, read from the first bytes as latin1, or null. */
export function charsetFromXmlDeclaration(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, XML_DECLARATION_SCAN_BYTES)).toString('latin1');
  const label = XML_DECLARATION_ENCODING.exec(head)?.[1]?.trim();
  return label === undefined || label === '' ? null : label;
}

function makeDecoder(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

/**
 * Decodes a feed body: BOM, then the Content-Type charset, then the XML declaration, else
 * UTF-8. An unknown label falls back to UTF-8 and says so in `charset`. The BOM is stripped.
 * Invalid byte sequences become U+FFFD rather than failing the feed.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): DecodedBody {
  const bom = sniffBom(bytes);
  if (bom !== null) {
    // TextDecoder consumes a BOM that matches its encoding, which is what we want.
    return { text: new TextDecoder(bom).decode(bytes), charset: bom };
  }
  const declared = charsetFromContentType(contentType) ?? sniffUtf16WithoutBom(bytes) ?? charsetFromXmlDeclaration(bytes);
  if (declared === null) return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8' };

  const decoder = makeDecoder(declared);
  if (decoder === null) {
    return { text: new TextDecoder('utf-8').decode(bytes), charset: `utf-8 (unknown label ${JSON.stringify(declared)})` };
  }
  // A declaration of UTF-16 on bytes that were readable as ASCII is a lie (the body is 8-bit):
  // browsers treat it as UTF-8 for the same reason.
  if (decoder.encoding.startsWith('utf-16') && sniffUtf16WithoutBom(bytes) === null) {
    return { text: new TextDecoder('utf-8').decode(bytes), charset: `utf-8 (declared ${JSON.stringify(declared)} but the body is 8-bit)` };
  }
  return { text: decoder.decode(bytes), charset: decoder.encoding };
}
