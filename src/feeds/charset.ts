/**
 * Turns a feed body's bytes into text. Order (as browsers and feed readers do it): a byte order
 * mark wins (UTF-32 before UTF-16, whose BOM is a prefix of UTF-32LE's), then the `charset` of
 * the Content-Type header, then the XML declaration's `encoding`, else UTF-8. Node's TextDecoder
 * carries full ICU, so every WHATWG label works; UTF-32, which WHATWG leaves out, is decoded here.
 *
 * {@link decodeFeedBody} adds what a careful feed reader does on top: bytes that declare nothing
 * (or declare UTF-8) and are not UTF-8 go to a charset detector weighted by the feed's language,
 * and the text is repaired (windows-1252 references, double-encoded UTF-8).
 */

import type { chardet as Chardet } from 'jschardet';
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { TextDecoder } from 'node:util';
import { ebcdicDeclaredLabel, legacyDecoderFor, looksLikeEbcdicXml } from './legacy-charsets.js';
import { repairFeedText } from './text-repair.js';

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
  // UTF-32LE's BOM starts with UTF-16LE's: test it first.
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0x00 && bytes[3] === 0x00) return 'utf-32le';
  if (bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0xfe && bytes[3] === 0xff) return 'utf-32be';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/** UTF-16 (or UTF-32) without a BOM still starts with `<` followed or preceded by zero bytes. */
function sniffUtf16WithoutBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x00 && bytes[3] === 0x00) return 'utf-32le';
  if (bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0x00 && bytes[3] === 0x3c) return 'utf-32be';
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

/** The XML declaration's encoding, in ASCII or (for a document that starts `<?xm` in EBCDIC) in EBCDIC. */
function declarationOf(bytes: Uint8Array): string | null {
  return looksLikeEbcdicXml(bytes) ? ebcdicDeclaredLabel(bytes) : charsetFromXmlDeclaration(bytes);
}

/** Whether a label is one some decoder here knows (WHATWG, UTF-32, or a legacy code page). */
function knownLabel(label: string): boolean {
  return makeDecoder(label) !== null || /^(?:utf-?32|ucs-?4)/i.test(label.trim()) || legacyDecoderFor(label) !== null;
}

function makeDecoder(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

/** `utf-32le` / `utf-32be` for a UTF-32 label (WHATWG has none, so TextDecoder refuses them), else null. */
function utf32Of(label: string, bytes: Uint8Array): 'utf-32le' | 'utf-32be' | null {
  const lower = label.trim().toLowerCase().replace(/^ucs-?4/, 'utf-32');
  if (lower === 'utf-32le' || lower === 'utf-32be') return lower;
  if (lower !== 'utf-32' && lower !== 'utf32') return null;
  // Unmarked UTF-32 is big-endian (Unicode §3.10) unless the first character says otherwise.
  return bytes[0] !== 0x00 && bytes[3] === 0x00 ? 'utf-32le' : 'utf-32be';
}

/** Decodes UTF-32 (a BOM of the same order is dropped); invalid units become U+FFFD. */
export function decodeUtf32(bytes: Uint8Array, endian: 'le' | 'be'): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let chunk: number[] = [];
  const units = Math.floor(bytes.byteLength / 4);
  for (let i = 0; i < units; i++) {
    const code = view.getUint32(i * 4, endian === 'le');
    if (i === 0 && code === 0xfeff) continue;
    chunk.push(code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? 0xfffd : code);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (bytes.byteLength % 4 !== 0) chunk.push(0xfffd);
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/**
 * Decodes a feed body: BOM, then the Content-Type charset, then the XML declaration, else
 * UTF-8. An unknown label falls back to UTF-8 and says so in `charset`. The BOM is stripped.
 * Invalid byte sequences become U+FFFD rather than failing the feed.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): DecodedBody {
  const bom = sniffBom(bytes);
  if (bom === 'utf-32le' || bom === 'utf-32be') return { text: decodeUtf32(bytes, bom === 'utf-32le' ? 'le' : 'be'), charset: bom };
  if (bom !== null) {
    // TextDecoder consumes a BOM that matches its encoding, which is what we want.
    return { text: new TextDecoder(bom).decode(bytes), charset: bom };
  }
  const declared = charsetFromContentType(contentType) ?? sniffUtf16WithoutBom(bytes) ?? declarationOf(bytes);
  if (declared === null) return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8' };

  const utf32 = utf32Of(declared, bytes);
  if (utf32 !== null && bytes.byteLength % 4 === 0) return { text: decodeUtf32(bytes, utf32 === 'utf-32le' ? 'le' : 'be'), charset: utf32 };
  const decoder = makeDecoder(declared);
  if (decoder === null) {
    const legacy = legacyDecoderFor(declared);
    if (legacy !== null) return { text: legacy.decode(bytes), charset: legacy.encoding };
    return { text: new TextDecoder('utf-8').decode(bytes), charset: `utf-8 (unknown label ${JSON.stringify(declared)})` };
  }
  // A declaration of UTF-16 on bytes that were readable as ASCII is a lie (the body is 8-bit):
  // browsers treat it as UTF-8 for the same reason.
  if (decoder.encoding.startsWith('utf-16') && sniffUtf16WithoutBom(bytes) === null) {
    return { text: new TextDecoder('utf-8').decode(bytes), charset: `utf-8 (declared ${JSON.stringify(declared)} but the body is 8-bit)` };
  }
  return { text: decoder.decode(bytes), charset: decoder.encoding };
}

/** How far bytes are UTF-8: all of it, mostly (valid multi-byte sequences outnumber bad bytes), or not. */
export type Utf8Verdict = 'valid' | 'mostly' | 'invalid';

/** Length of the valid UTF-8 multi-byte sequence at `i` (RFC 3629: no overlongs, surrogates or > U+10FFFF), or 0. */
function utf8SequenceAt(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => {
    const b = bytes[i + j];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Valid UTF-8 is UTF-8. Bytes where valid multi-byte sequences outnumber the bytes that fit no
 * sequence are UTF-8 with damage (a stray windows-1252 quote pasted into a UTF-8 page), not a
 * legacy charset: a legacy document's high bytes form a valid sequence only by accident.
 */
export function utf8Verdict(bytes: Uint8Array): Utf8Verdict {
  // Nearly every feed is valid UTF-8: Node's native check (simdutf) says so ~50x faster than the
  // loop below, which a first poll cycle over 1,000 feeds spent ~0.5 s in. The loop counts only
  // for the rest.
  if (isUtf8(bytes)) return 'valid';
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.byteLength; ) {
    if ((bytes[i] ?? 0) < 0x80) {
      i++;
      continue;
    }
    const length = utf8SequenceAt(bytes, i);
    if (length === 0) {
      invalid++;
      i++;
    } else {
      valid++;
      i += length;
    }
  }
  if (invalid === 0) return 'valid';
  return valid > invalid ? 'mostly' : 'invalid';
}

/** windows-1252, for the stray bytes of mostly-UTF-8 text. */
const CP1252 = new TextDecoder('windows-1252');

/** UTF-8 where it is valid; each byte that fits no sequence read as windows-1252 (as in "Seoul\x92s"). */
export function decodeUtf8WithCp1252Fallback(bytes: Uint8Array): string {
  const utf8 = new TextDecoder('utf-8');
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.byteLength; ) {
    if ((bytes[i] ?? 0) < 0x80) {
      i++;
      continue;
    }
    const length = utf8SequenceAt(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    parts.push(utf8.decode(bytes.subarray(start, i)), CP1252.decode(bytes.subarray(i, i + 1)));
    i++;
    start = i;
  }
  parts.push(utf8.decode(bytes.subarray(start)));
  return parts.join('');
}

/**
 * Legacy charsets a feed in this language (the primary subtag of `feed.language`) is likely to
 * use, most likely first. A detector's candidate in this list has its confidence multiplied by
 * 2 (first), 1.75 (second), 1.5, 1.25: `uk` picks KOI8-U over KOI8-R when the text fits both.
 */
const LANGUAGE_CHARSETS: Readonly<Record<string, readonly string[]>> = {
  ko: ['euc-kr'],
  uk: ['koi8-u', 'windows-1251', 'koi8-r'],
  ru: ['windows-1251', 'koi8-r', 'koi8-u', 'ibm866'],
  be: ['windows-1251', 'koi8-u'],
  bg: ['windows-1251'],
  mk: ['windows-1251'],
  sr: ['windows-1251'],
  kk: ['windows-1251'],
  ja: ['shift_jis', 'euc-jp', 'iso-2022-jp'],
  zh: ['gb18030', 'big5'],
  he: ['windows-1255'],
  yi: ['windows-1255'],
  ar: ['windows-1256'],
  fa: ['windows-1256'],
  el: ['windows-1253', 'iso-8859-7'],
  tr: ['windows-1254'],
  th: ['windows-874'],
  vi: ['windows-1258'],
  pl: ['windows-1250', 'iso-8859-2'],
  cs: ['windows-1250', 'iso-8859-2'],
  sk: ['windows-1250', 'iso-8859-2'],
  hu: ['windows-1250', 'iso-8859-2'],
  ro: ['windows-1250', 'iso-8859-2'],
  hr: ['windows-1250', 'iso-8859-2'],
  sl: ['windows-1250', 'iso-8859-2'],
  lt: ['windows-1257'],
  lv: ['windows-1257'],
  et: ['windows-1257'],
};
/** Western European languages: windows-1252 (WHATWG reads latin1 as it). */
const WESTERN = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'da', 'sv', 'no', 'nb', 'nn', 'fi', 'is', 'ca', 'ga', 'eu', 'gl', 'af', 'id', 'ms', 'sw'];

/** Preferred charsets for a BCP 47 tag (`zh-TW`/`zh-Hant`/`zh-HK` prefer Big5), or none. */
export function charsetsForLanguage(language: string | undefined): readonly string[] {
  if (language === undefined) return [];
  const [primary = '', ...rest] = language.toLowerCase().split('-');
  if (primary === 'zh' && rest.some((s) => s === 'tw' || s === 'hk' || s === 'mo' || s === 'hant')) return ['big5', 'gb18030'];
  if (WESTERN.includes(primary)) return ['windows-1252'];
  return LANGUAGE_CHARSETS[primary] ?? [];
}

/** Detector names that TextDecoder does not know, or knows as a lesser subset, → the WHATWG label to use. */
const DETECTOR_ALIASES: Readonly<Record<string, string>> = {
  cp949: 'euc-kr',
  'uhc': 'euc-kr',
  cp932: 'shift_jis',
  'iso-8859-8': 'windows-1255', // WHATWG iso-8859-8 is visual order; feeds are logical
  'iso-8859-1': 'windows-1252',
  ascii: 'windows-1252',
  'x-mac-cyrillic': 'x-mac-cyrillic',
  maccyrillic: 'x-mac-cyrillic',
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'big5-hkscs': 'big5',
};

/** A detector's candidate, as the canonical TextDecoder encoding name, with its weighted score. */
interface Candidate {
  readonly encoding: string;
  readonly score: number;
}

/** Decodes only if every byte is valid in `encoding`. */
function strictDecode(bytes: Uint8Array, encoding: string): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

let chardet: typeof Chardet | undefined;
/** jschardet, loaded the first time a body needs it (~3.5 MB of heap that UTF-8 feeds never use: ADR 15). */
function detector(): typeof Chardet {
  chardet ??= (createRequire(import.meta.url)('jschardet') as { chardet: typeof Chardet }).chardet;
  return chardet;
}

/**
 * The legacy charset of bytes that are not UTF-8: jschardet's candidates (see docs/fetching.md
 * for why this detector), each scored by its confidence, raised when the feed's language
 * prefers that charset ({@link charsetsForLanguage}), and kept only when the whole body decodes without an invalid byte.
 * Falls back to the language's first charset that decodes cleanly, then windows-1252.
 */
export function detectCharset(bytes: Uint8Array, languageHint?: string): { encoding: string; confidence: number | null } {
  const preferred = charsetsForLanguage(languageHint);
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const result of detector().detectAll(bytes, { ignoreThreshold: true })) {
    if (result.encoding === null) continue;
    const name = result.encoding.toLowerCase();
    const decoder = makeDecoder(DETECTOR_ALIASES[name] ?? name);
    if (decoder === null) continue;
    const encoding = decoder.encoding;
    if (encoding === 'utf-8' || encoding.startsWith('utf-16') || seen.has(encoding)) continue;
    seen.add(encoding);
    const rank = preferred.indexOf(encoding);
    candidates.push({ encoding, score: result.confidence * (rank === -1 ? 1 : 2 - rank / 4) });
  }
  // A stable sort keeps the detector's order among equal scores.
  candidates.sort((a, b) => b.score - a.score);
  for (const candidate of candidates) {
    if (strictDecode(bytes, candidate.encoding) !== null) return { encoding: candidate.encoding, confidence: candidate.score };
  }
  for (const encoding of preferred) {
    if (strictDecode(bytes, encoding) !== null) return { encoding, confidence: null };
  }
  return { encoding: 'windows-1252', confidence: null };
}

/** Labels that mean UTF-8 (WHATWG), so a body that is not UTF-8 can be said to lie. */
function declaresUtf8(label: string | null): boolean {
  return label !== null && makeDecoder(label)?.encoding === 'utf-8';
}

export interface DecodeFeedOptions {
  /** The feed's configured language (BCP 47, e.g. `ko`, `uk`): weights charset detection. */
  readonly languageHint?: string | undefined;
}

/**
 * Decodes a feed body as {@link decodeBody} does, then:
 * - bytes with no declaration (no BOM, no header or XML-declaration charset), or that declare
 *   UTF-8, and are not UTF-8 ({@link utf8Verdict} `invalid`) are decoded in the charset
 *   {@link detectCharset} finds: a declared UTF-8 that the bytes contradict is the most common
 *   lie (a CMS template or server default over a legacy-charset body);
 * - such bytes that are mostly UTF-8 keep UTF-8, their stray bytes read as windows-1252;
 * - valid UTF-8, and every other declaration, are decoded as declared;
 * - the text is repaired ({@link repairFeedText}): windows-1252 references, double-encoded UTF-8.
 */
export function decodeFeedBody(bytes: Uint8Array, contentType: string | null, options: DecodeFeedOptions = {}): DecodedBody {
  const decoded = decodeBody(bytes, contentType);
  let { text, charset } = decoded;
  const headerLabel = charsetFromContentType(contentType);
  const declared = sniffBom(bytes) ?? headerLabel ?? sniffUtf16WithoutBom(bytes) ?? declarationOf(bytes);
  // A label nobody knows declares nothing: the bytes are then read as if undeclared.
  const utf8Read = charset.startsWith('utf-8') && (declared === null || declaresUtf8(declared) || !knownLabel(declared));
  if (utf8Read && sniffBom(bytes) === null) {
    const verdict = utf8Verdict(bytes);
    if (verdict === 'mostly') {
      text = decodeUtf8WithCp1252Fallback(bytes);
      charset = 'utf-8 (stray bytes read as windows-1252)';
    } else if (verdict === 'invalid') {
      const found = detectCharset(bytes, options.languageHint);
      const detected = strictDecode(bytes, found.encoding) ?? new TextDecoder(found.encoding).decode(bytes);
      text = detected;
      const why = declared === null ? 'nothing declared' : `declared ${JSON.stringify(declared)} but not valid UTF-8`;
      charset = `${found.encoding} (detected; ${why})`;
    }
  }
  return { text: repairFeedText(text), charset };
}
