/**
 * Contracts of the feed shell: what a fetch returns and how it fails.
 * Failures are a closed union so the poll cycle, `status` and metrics can sort them.
 */

import type { RawItem } from '../core/types.js';

/** What the poller remembers about a feed between polls (kept in SQLite). */
export interface Validators {
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** sha256 (hex) of the last body we parsed; lets us skip re-parsing servers that send no validators. */
  readonly bodyHash: string | null;
}

export type FetchFailureKind =
  | 'invalid-url' // not http(s) nor a readable local path
  | 'dns' // host name does not resolve
  | 'network' // connection refused/reset, TLS, socket errors
  | 'timeout' // total or idle timeout
  | 'too-large' // body exceeded the size cap while streaming
  | 'too-many-redirects'
  | 'http' // any non-2xx/304 status not covered below
  | 'rate-limited' // 429 or 503 (Retry-After honoured)
  | 'not-a-feed' // HTML page, empty body, or XML that is not RSS/Atom
  | 'parse' // malformed or truncated XML
  | 'file' // local file missing/unreadable
  | 'storage'; // the database refused the feed's stories (disk full, I/O error, locked past the busy timeout)

export interface FetchFailure {
  readonly ok: false;
  readonly kind: FetchFailureKind;
  /** One line: what happened, where, and (when we know) how to fix it. */
  readonly message: string;
  readonly status: number | null;
  /** From Retry-After on 429/503, in ms; null when absent. */
  readonly retryAfterMs: number | null;
  readonly url: string;
  readonly cause?: unknown;
}

export interface FetchNotModified {
  readonly ok: true;
  readonly notModified: true;
  /** 'http-304' when the server said so; 'same-hash' when the body hash is unchanged. */
  readonly reason: 'http-304' | 'same-hash';
  readonly status: number;
  readonly validators: Validators;
  readonly finalUrl: string;
  readonly bytes: number;
}

export interface FetchFresh {
  readonly ok: true;
  readonly notModified: false;
  readonly status: number;
  /** Decoded text (BOM, then Content-Type charset, then XML declaration, else UTF-8). */
  readonly text: string;
  /** The charset used to decode, lower case (e.g. `utf-8`, `euc-kr`). */
  readonly charset: string;
  readonly validators: Validators;
  /** URL after redirects; relative links resolve against it. */
  readonly finalUrl: string;
  /**
   * The server's Content-Location (resolved against `finalUrl`), when it sent one: the document's
   * own URL, against which relative references and `xml:base` resolve instead of `finalUrl`.
   */
  readonly contentLocation?: string;
  /** Bytes on the wire after decompression. */
  readonly bytes: number;
}

export type FetchResult = FetchFailure | FetchNotModified | FetchFresh;

/** One parsed entry: the shared {@link RawItem} plus what only the feed shell knows. */
export interface ParsedItem extends RawItem {
  /** An image for the entry (media:content/thumbnail or an image enclosure), absolute or as written. */
  readonly imageUrl: string | undefined;
}

/** A feed document after parsing, before normalisation. Has no `ok` field, unlike failures. */
export interface ParsedFeed {
  /** 'rss' (0.9x/2.0), 'rdf' (RSS 1.0) or 'atom'. */
  readonly format: 'rss' | 'rdf' | 'atom';
  readonly title: string | undefined;
  readonly link: string | undefined;
  readonly items: readonly ParsedItem[];
  /**
   * What was repaired before rss-parser could read the document (a missing `<channel>`, a
   * prefixed root, unknown entities, a truncated tail), one phrase each; absent when nothing was.
   */
  readonly repairs?: readonly string[];
}
