import { describe, expect, it } from 'vitest';
import { fixCp1252References, repairFeedText, repairMojibake } from '../../src/feeds/text-repair.js';

/** UTF-8 bytes read as windows-1252 (latin-1 for its five holes), as a misconfigured CMS does. */
function doubleEncode(text: string): string {
  const cp1252 = new TextDecoder('windows-1252');
  return Array.from(Buffer.from(text, 'utf8'), (byte) => ([0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(byte) ? String.fromCharCode(byte) : cp1252.decode(Uint8Array.of(byte)))).join('');
}
/** The same through latin-1 only (PHP's utf8_encode): 0x80–0x9F become C1 controls. */
function doubleEncodeLatin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const CORRECT = [
  '평양, 서울 정상회담 재개 논의',
  'Київ: відновлення енергосистеми триває; ґрафік, Її, Єдина',
  'Café crème à Genève: « déjà vu » — São Paulo, Øresund, naïve, Straße, ÀÉÎÕÜ',
  'Zürich talks: “constructive” 👍🏽 👨‍👩‍👧 — €5m…',
  'Ã alone or ÃO, ÂB, â and €; Ð and Ñ stand alone; ¿Qué? ¡Sí! ½ ¼ ° ± × ÷',
  '北朝鮮が弾道ミサイルを発射 · 北韓試射彈道飛彈 · ראש הממשלה',
];

describe('fixCp1252References', () => {
  it('GIVEN decimal and hex references to 128–159 THEN they mean the windows-1252 characters', () => {
    expect(fixCp1252References('Seoul&#146;s &#147;envoy&#148; &#150; &#151; &#128;5m &#133;')).toBe('Seoul&#8217;s &#8220;envoy&#8221; &#8211; &#8212; &#8364;5m &#8230;');
    expect(fixCp1252References('&#x92;&#X93;&#x0094;&#0146;&#x9f;')).toBe('&#8217;&#8220;&#8221;&#8217;&#376;');
  });

  it('GIVEN references outside 128–159, unassigned positions or escaped ampersands THEN nothing changes', () => {
    const text = '&#8217; &#127; &#160; &#1460; &#129; &#x8D; &#x8f; &#144; &#x9d; &amp;#146; &#14; &#1466;';
    expect(fixCp1252References(text)).toBe(text);
  });

  it('GIVEN raw C1 control characters THEN they are read as windows-1252 too; unassigned ones stay', () => {
    expect(fixCp1252References('Seoul\u0092s \u0093x\u0094 \u0081')).toBe('Seoul’s “x” \u0081');
  });

  it('GIVEN correct text THEN it is returned unchanged', () => {
    for (const text of CORRECT) expect(fixCp1252References(text)).toBe(text);
  });
});

describe('repairMojibake', () => {
  it('GIVEN the classic patterns THEN they are repaired', () => {
    expect(repairMojibake('Seoulâ€™s â€œtalksâ€\u009d')).toBe('Seoul’s “talks”');
    expect(repairMojibake('CafÃ© in ZÃ¼rich')).toBe('Café in Zürich');
  });

  it('GIVEN Korean, Cyrillic, CJK and emoji double-encoded through windows-1252 or latin-1 THEN they come back', () => {
    for (const text of CORRECT) {
      expect(repairMojibake(doubleEncode(text))).toBe(text);
      expect(repairMojibake(doubleEncodeLatin1(text))).toBe(text);
    }
  });

  it('GIVEN correct text in Korean, Ukrainian, French, emoji … THEN it is unchanged', () => {
    for (const text of CORRECT) expect(repairMojibake(text)).toBe(text);
  });

  it('GIVEN a run that is UTF-8-shaped but does not decode cleanly THEN it is left alone', () => {
    // "Ã" + "©©": 0xC3 0xA9 0xA9 is a lead with one continuation, then a stray continuation.
    expect(repairMojibake('xÃ©© y')).toBe('xé© y');
    // 0xE2 0x80 then "A": an incomplete sequence.
    expect(repairMojibake('â€A')).toBe('â€A');
    // Overlong 0xC0/0xC1 and surrogates (0xED 0xA0 0x80) are not UTF-8.
    expect(repairMojibake('í\u00a0€')).toBe('í\u00a0€');
  });

  it('GIVEN mojibake beside correct text in one document THEN only the mojibake changes', () => {
    const doc = `<title>${doubleEncode('Київ’s “grid”')}</title><p>${CORRECT.join(' | ')}</p>`;
    expect(repairMojibake(doc)).toBe(`<title>Київ’s “grid”</title><p>${CORRECT.join(' | ')}</p>`);
  });
});

describe('repairFeedText', () => {
  it('GIVEN latin-1 mojibake whose bytes are C1 controls THEN mojibake repair runs before the C1 mapping', () => {
    expect(repairFeedText(doubleEncodeLatin1('Seoul’s'))).toBe('Seoul’s');
    expect(repairFeedText('Seoul&#146;s')).toBe('Seoul&#8217;s');
  });
});
