/**
 * Repairs applied to a feed's decoded text before it is parsed, as browsers and careful feed
 * readers do. Each is a pure function that leaves correct text unchanged.
 *
 * - {@link fixCp1252References}: `&#146;` means ’ (windows-1252 0x92), not the C1 control U+0092.
 * - {@link repairMojibake}: UTF-8 that was decoded as windows-1252/latin-1 and re-encoded
 *   ("â€™" for ’, "Ã©" for é) is turned back, only where the run re-decodes cleanly as UTF-8.
 */

/** windows-1252 bytes 0x80–0x9F; `undefined` where the code page assigns nothing (0x81, 0x8D, 0x8F, 0x90, 0x9D). */
const CP1252_C1: readonly (string | undefined)[] = [
  '€', undefined, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', undefined, 'Ž', undefined,
  undefined, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', undefined, 'ž', 'Ÿ',
];

/** Character → the windows-1252 byte it came from (0x80–0x9F only; 0xA0–0xFF equal their code point). */
const CP1252_BYTE = new Map<string, number>(
  CP1252_C1.flatMap((ch, i): [string, number][] => (ch === undefined ? [] : [[ch, 0x80 + i]])),
);

/** `&#128;`–`&#159;` and `&#x80;`–`&#x9F;` (leading zeros allowed). */
const C1_REFERENCE = /&#(?:0*(1(?:2[89]|[34][0-9]|5[0-9]))|[xX]0*([89][0-9a-fA-F]));/g;

/**
 * Replaces numeric character references to 128–159 with references to the windows-1252
 * character they mean (`&#146;` → `&#8217;`), as the HTML standard and feed readers do. The
 * replacement is itself a reference, so it means the same inside text, attributes and CDATA
 * (whose content is HTML that is decoded later). References to the five unassigned positions are
 * left alone. Raw C1 control characters (U+0080–U+009F) are mapped the same way: they have no
 * use in news text and come from the same windows-1252 confusion.
 */
export function fixCp1252References(text: string): string {
  let out = text;
  if (out.includes('&#')) {
    out = out.replace(C1_REFERENCE, (whole, dec: string | undefined, hex: string | undefined) => {
      const code = dec === undefined ? Number.parseInt(hex ?? '', 16) : Number(dec);
      const ch = CP1252_C1[code - 0x80];
      return ch === undefined ? whole : `&#${ch.codePointAt(0) ?? code};`;
    });
  }
  return /[\u0080-\u009f]/.test(out) ? out.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80] ?? c) : out;
}

/** The byte a character stands for when UTF-8 was misread as windows-1252 (or latin-1), or null. */
function mojibakeByte(ch: string): number | null {
  const fromCp1252 = CP1252_BYTE.get(ch);
  if (fromCp1252 !== undefined) return fromCp1252;
  const code = ch.charCodeAt(0);
  return ch.length === 1 && code >= 0x80 && code <= 0xff ? code : null;
}

/** Characters that stand for a UTF-8 continuation byte (0x80–0xBF) under windows-1252 or latin-1. */
const CONT = `[\\u0080-\\u00bf${[...CP1252_BYTE.keys()].join('')}]`;
/**
 * A run of UTF-8-shaped sequences: lead 0xC2–0xDF + 1, 0xE0–0xEF + 2, 0xF0–0xF4 + 3 continuation
 * characters. Correct text in Latin scripts almost never has an accented capital or letter
 * followed by one to three of "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ" or U+00A0–U+00BF.
 */
const MOJIBAKE_RUN = new RegExp(`(?:[\\u00c2-\\u00df]${CONT}|[\\u00e0-\\u00ef]${CONT}{2}|[\\u00f0-\\u00f4]${CONT}{3})+`, 'g');

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Repairs double-encoded UTF-8 ("â€™" → ’, "Ã©" → é, "Ð\u009aÐ¸Ñ\u0097Ð²" → Київ). A run is
 * replaced only when its characters map back to bytes that are valid UTF-8 and decode to
 * something other than latin-1 controls; anything else, and every correct text, is unchanged.
 */
export function repairMojibake(text: string): string {
  // Fast path: every mojibake run starts with a character in U+00C2–U+00F4.
  if (!/[\u00c2-\u00f4]/.test(text)) return text;
  return text.replace(MOJIBAKE_RUN, (run) => {
    const bytes: number[] = [];
    for (const ch of run) {
      const byte = mojibakeByte(ch);
      if (byte === null) return run;
      bytes.push(byte);
    }
    let decoded: string;
    try {
      decoded = strictUtf8.decode(Uint8Array.from(bytes));
    } catch {
      return run;
    }
    // A repair that yields C1 controls is not a repair.
      return /[\u0080-\u009f]/.test(decoded) ? run : decoded;
  });
}

/** Both repairs in the order that keeps them independent: mojibake first (it reads raw C1 characters as bytes). */
export function repairFeedText(text: string): string {
  return fixCp1252References(repairMojibake(text));
}
