/**
 * Charsets outside the WHATWG list that Node's TextDecoder knows: DOS and Mac code pages
 * (cp437, cp850, cp866's relatives, koi8-t, macroman, maccyrillic …) through iconv-lite, and the
 * EBCDIC code pages through tables of our own ({@link EBCDIC_TABLES}). Old feeds still declare
 * them; read as UTF-8, every letter outside ASCII would be lost.
 */
import { createRequire } from 'node:module';
import { EBCDIC_TABLES } from './ebcdic-tables.js';

export interface LegacyDecoder {
  /** The canonical name, e.g. `cp437`, `maccyrillic`, `cp037`. */
  readonly encoding: string;
  decode(bytes: Uint8Array): string;
}

type EbcdicPage = keyof typeof EBCDIC_TABLES;

type IconvLite = typeof import('iconv-lite');
let iconvLite: IconvLite | undefined;
/**
 * iconv-lite and its code-page tables, loaded the first time a body needs a legacy decoder
 * (CommonJS, so synchronously): a run over UTF-8 feeds never loads them (~25 ms, ~4 MB; ADR 15).
 */
function iconv(): IconvLite {
  iconvLite ??= createRequire(import.meta.url)('iconv-lite') as IconvLite;
  return iconvLite;
}

/** EBCDIC labels (IANA names and the aliases Python and IBM use) → the table. */
const EBCDIC_LABELS: Readonly<Record<string, EbcdicPage>> = {
  cp037: 'cp037', ibm037: 'cp037', csibm037: 'cp037', '037': 'cp037', ibm039: 'cp037', cp039: 'cp037',
  'ebcdic-cp-us': 'cp037', 'ebcdic-cp-ca': 'cp037', 'ebcdic-cp-wt': 'cp037', 'ebcdic-cp-nl': 'cp037',
  cp500: 'cp500', ibm500: 'cp500', csibm500: 'cp500', '500': 'cp500', 'ebcdic-cp-be': 'cp500', 'ebcdic-cp-ch': 'cp500',
  cp875: 'cp875', ibm875: 'cp875', '875': 'cp875',
  cp1140: 'cp1140', ibm1140: 'cp1140', '1140': 'cp1140', ccsid01140: 'cp1140',
};

/** Spellings iconv-lite does not know for code pages it has. */
const ICONV_ALIASES: Readonly<Record<string, string>> = {
  maccentraleurope: 'maccenteuro',
  maclatin2: 'maccenteuro',
  'x-mac-ce': 'maccenteuro',
  'cp-is': 'cp861',
};

function normalise(label: string): string {
  return label.trim().toLowerCase().replace(/_/g, '-');
}

function ebcdicDecoder(page: EbcdicPage): LegacyDecoder {
  const table = EBCDIC_TABLES[page];
  return {
    encoding: page,
    decode(bytes) {
      const parts: string[] = [];
      for (let start = 0; start < bytes.byteLength; start += 8192) {
        let chunk = '';
        const end = Math.min(bytes.byteLength, start + 8192);
        for (let i = start; i < end; i++) chunk += table[bytes[i] ?? 0] ?? '\uFFFD';
        parts.push(chunk);
      }
      return parts.join('');
    },
  };
}

/** A decoder for a label TextDecoder refused, or null when nobody knows the label. */
export function legacyDecoderFor(label: string): LegacyDecoder | null {
  const name = normalise(label);
  const page = EBCDIC_LABELS[name];
  if (page !== undefined) return ebcdicDecoder(page);
  const iconvName = ICONV_ALIASES[name] ?? name;
  if (!iconv().encodingExists(iconvName)) return null;
  return { encoding: iconvName, decode: (bytes) => iconv().decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), iconvName, { stripBOM: false }) };
}

/** `<?xm` in EBCDIC: the document's declaration, and so its whole text, is EBCDIC. */
export function looksLikeEbcdicXml(bytes: Uint8Array): boolean {
  return bytes[0] === 0x4c && bytes[1] === 0x6f && bytes[2] === 0xa7 && bytes[3] === 0x94;
}

/**
 * The encoding an EBCDIC XML declaration names, read through cp037 (the characters of a
 * declaration are the same in every EBCDIC page); cp037 when it names none.
 */
export function ebcdicDeclaredLabel(bytes: Uint8Array): string {
  const head = ebcdicDecoder('cp037').decode(bytes.subarray(0, 200));
  return /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1] ?? 'cp037';
}
