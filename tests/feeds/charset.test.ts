import { describe, expect, it } from 'vitest';
import { charsetFromContentType, charsetFromXmlDeclaration, charsetsForLanguage, decodeBody, decodeFeedBody, decodeUtf32, detectCharset, utf8Verdict } from '../../src/feeds/charset.js';

const KOREAN = '평양, 서울 정상회담 재개 논의';
const UKRAINIAN = 'Київ: відновлення енергосистеми триває';
const RUSSIAN = 'Москва и Киев обменялись пленными';
const LATIN1 = 'Café crème à Genève: « déjà vu »';

/** TextEncoder only writes UTF-8, so UTF-16 is built from Buffer's utf16le. */
function encodeUtf16(text: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  if (endian === 'be') le.swap16();
  const prefix = bom ? (endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  return Uint8Array.from([...prefix, ...le]);
}

describe('decodeBody', () => {
  it('GIVEN a UTF-8 BOM and a contradicting header THEN the BOM wins and is stripped', () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from(`<rss>${KOREAN}</rss>`)]);
    const out = decodeBody(bytes, 'text/xml; charset=windows-1251');
    expect(out).toEqual({ text: `<rss>${KOREAN}</rss>`, charset: 'utf-8' });
  });

  it('GIVEN UTF-16LE and UTF-16BE with BOM THEN both decode to the same text', () => {
    const xml = `<?xml version="1.0" encoding="UTF-16"?><rss>${UKRAINIAN}</rss>`;
    expect(decodeBody(encodeUtf16(xml, 'le', true), null)).toEqual({ text: xml, charset: 'utf-16le' });
    expect(decodeBody(encodeUtf16(xml, 'be', true), null)).toEqual({ text: xml, charset: 'utf-16be' });
  });

  it('GIVEN UTF-16LE without BOM THEN the zero bytes around "<?" reveal it', () => {
    const xml = `<?xml version="1.0"?><rss>${KOREAN}</rss>`;
    expect(decodeBody(encodeUtf16(xml, 'le', false), null).text).toBe(xml);
  });

  it('GIVEN EUC-KR bytes and a Content-Type charset THEN Korean text comes out', () => {
    // "평양" in EUC-KR.
    const bytes = Uint8Array.from([0x3c, 0x61, 0x3e, 0xc6, 0xf2, 0xbe, 0xe7, 0x3c, 0x2f, 0x61, 0x3e]);
    expect(decodeBody(bytes, 'application/rss+xml; charset="EUC-KR"')).toEqual({ text: '<a>평양</a>', charset: 'euc-kr' });
  });

  it('GIVEN Windows-1251 bytes and only an XML declaration THEN Cyrillic text comes out', () => {
    // "Киев" in Windows-1251.
    const head = Buffer.from('<?xml version="1.0" encoding="windows-1251"?><t>', 'latin1');
    const bytes = Uint8Array.from([...head, 0xca, 0xe8, 0xe5, 0xe2, ...Buffer.from('</t>')]);
    expect(decodeBody(bytes, 'text/xml')).toEqual({ text: '<?xml version="1.0" encoding="windows-1251"?><t>Киев</t>', charset: 'windows-1251' });
  });

  it('GIVEN KOI8-U bytes THEN Ukrainian letters (і, ї, є) come out', () => {
    // "Київ" in KOI8-U: К=0xEB, и=0xC9, ї=0xA7 (a KOI8-U addition to KOI8-R), в=0xD7.
    const bytes = Uint8Array.from([0xeb, 0xc9, 0xa7, 0xd7]);
    expect(decodeBody(bytes, 'text/xml; charset=koi8-u')).toEqual({ text: 'Київ', charset: 'koi8-u' });
  });

  it('GIVEN ISO-8859-1 bytes THEN accented Latin text comes out', () => {
    const bytes = Uint8Array.from(Buffer.from(LATIN1, 'latin1'));
    const out = decodeBody(bytes, 'text/xml; charset=ISO-8859-1');
    expect(out.text).toBe(LATIN1);
    // WHATWG maps the latin1 label to its superset windows-1252.
    expect(out.charset).toBe('windows-1252');
  });

  it('GIVEN no BOM, no header charset and no declaration THEN UTF-8 is used', () => {
    expect(decodeBody(Buffer.from(`<rss>${RUSSIAN}</rss>`), 'application/xml')).toEqual({ text: `<rss>${RUSSIAN}</rss>`, charset: 'utf-8' });
  });

  it('GIVEN an unknown label THEN UTF-8 is used and the label is reported', () => {
    const out = decodeBody(Buffer.from(`<rss>${KOREAN}</rss>`), 'text/xml; charset=x-klingon');
    expect(out.text).toBe(`<rss>${KOREAN}</rss>`);
    expect(out.charset).toBe('utf-8 (unknown label "x-klingon")');
  });

  it('GIVEN DOS and Mac code pages TextDecoder does not know THEN they are decoded, under their usual spellings', () => {
    // cp437: é is 0x82, ü is 0x81. Mac Cyrillic: К 0x8A, и 0xE8, е 0xE5, в 0xE2.
    expect(decodeBody(Uint8Array.from([0x3c, 0x74, 0x3e, 0x43, 0x61, 0x66, 0x82, 0x20, 0x81, 0x3c, 0x2f, 0x74, 0x3e]), 'text/xml; charset=cp437')).toEqual({ text: '<t>Café ü</t>', charset: 'cp437' });
    const kyiv = Uint8Array.from([0x3c, 0x74, 0x3e, 0x8a, 0xe8, 0xe5, 0xe2, 0x3c, 0x2f, 0x74, 0x3e]);
    for (const label of ['maccyrillic', 'mac-cyrillic', 'x-mac-cyrillic']) expect(decodeBody(kyiv, `text/xml; charset=${label}`).text).toBe('<t>Киев</t>');
    expect(decodeBody(Uint8Array.from([0x3c, 0x74, 0x3e, 0x82, 0x3c, 0x2f, 0x74, 0x3e]), 'text/xml; charset=IBM850').text).toBe('<t>é</t>');
    expect(decodeBody(Uint8Array.from([0x3c, 0x74, 0x3e, 0x82, 0x3c, 0x2f, 0x74, 0x3e]), 'text/xml; charset=windows_1252').text).toBe('<t>‚</t>');
  });

  it('GIVEN an EBCDIC document whose XML declaration names its code page THEN the declaration is read in EBCDIC and the page is honoured', () => {
    // '<?xml version="1.0" encoding="cp500"?><rss><title>Café [Kyiv] 10?</title></rss>' in cp500,
    // where [ and ] sit at other bytes than in cp037.
    const cp500 = Buffer.from('4c6fa7949340a58599a28996957e7ff14bf07f4085958396848995877e7f8397f5f0f07f6f6e4c99a2a26e4ca389a393856ec3818651404ad2a889a55a40f1f06f4c61a389a393856e4c6199a2a26e', 'hex');
    expect(decodeBody(cp500, 'application/xml')).toEqual({ text: '<?xml version="1.0" encoding="cp500"?><rss><title>Café [Kyiv] 10?</title></rss>', charset: 'cp500' });
    expect(decodeBody(cp500, 'application/xml; charset=ebcdic-cp-be').charset).toBe('cp500');
    const cp037 = Buffer.from('4c6fa7949340a58599a28996957e7ff14bf07f4085958396848995877e7f8397f0f3f77f6f6e4ca36e96924c61a36e', 'hex');
    expect(decodeBody(cp037, null)).toEqual({ text: '<?xml version="1.0" encoding="cp037"?><t>ok</t>', charset: 'cp037' });
  });

  it('GIVEN a header charset and a different XML declaration THEN the header wins', () => {
    const bytes = Buffer.from(`<?xml version="1.0" encoding="windows-1251"?><t>${RUSSIAN}</t>`);
    expect(decodeBody(bytes, 'text/xml; charset=utf-8').text).toContain(RUSSIAN);
  });

  it('GIVEN an 8-bit body that claims UTF-16 THEN it is read as UTF-8, with a note', () => {
    const out = decodeBody(Buffer.from(`<?xml version="1.0" encoding="utf-16"?><t>${KOREAN}</t>`), null);
    expect(out.text).toContain(KOREAN);
    expect(out.charset).toMatch(/^utf-8 \(declared "utf-16"/);
  });
});

describe('charset helpers', () => {
  it('GIVEN header variants THEN the charset parameter is found or null', () => {
    expect(charsetFromContentType('text/xml;charset=UTF-8')).toBe('UTF-8');
    expect(charsetFromContentType('text/xml; boundary=x; charset="koi8-u"')).toBe('koi8-u');
    expect(charsetFromContentType('text/xml')).toBeNull();
    expect(charsetFromContentType(null)).toBeNull();
  });

  it('GIVEN an XML declaration with single quotes THEN its encoding is read', () => {
    expect(charsetFromXmlDeclaration(Buffer.from("<?xml version='1.0' encoding='EUC-KR'?><rss/>"))).toBe('EUC-KR');
    expect(charsetFromXmlDeclaration(Buffer.from('<rss encoding="x"/>'))).toBeNull();
  });
});

/** A single-byte encoder built by inverting TextDecoder, as the fixture generator does. */
function encodeSingleByte(text: string, label: string): Uint8Array {
  const decoder = new TextDecoder(label);
  const table = new Map<string, number>();
  for (let byte = 255; byte >= 0; byte--) table.set(decoder.decode(Uint8Array.of(byte)), byte);
  return Uint8Array.from(Array.from(text, (ch) => {
    const byte = table.get(ch);
    if (byte === undefined) throw new Error(`${label} cannot encode ${ch}`);
    return byte;
  }));
}

function encodeUtf32(text: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const codes = Array.from(bom ? `\uFEFF${text}` : text, (ch) => ch.codePointAt(0) ?? 0);
  const out = Buffer.alloc(codes.length * 4);
  codes.forEach((code, i) => (endian === 'le' ? out.writeUInt32LE(code, i * 4) : out.writeUInt32BE(code, i * 4)));
  return out;
}

describe('UTF-32', () => {
  const xml = `<?xml version="1.0" encoding="UTF-32"?><rss>${KOREAN} ${UKRAINIAN} 👍</rss>`;

  it('GIVEN a UTF-32LE BOM (which starts like UTF-16LE\'s) THEN UTF-32LE wins over UTF-16LE', () => {
    expect(decodeBody(encodeUtf32(xml, 'le', true), 'text/xml; charset=utf-16')).toEqual({ text: xml, charset: 'utf-32le' });
  });

  it('GIVEN a UTF-32BE BOM THEN UTF-32BE', () => {
    expect(decodeBody(encodeUtf32(xml, 'be', true), null)).toEqual({ text: xml, charset: 'utf-32be' });
  });

  it('GIVEN UTF-32 without a BOM THEN the zero bytes around "<" or the declared label reveal it', () => {
    expect(decodeBody(encodeUtf32(xml, 'le', false), null)).toEqual({ text: xml, charset: 'utf-32le' });
    expect(decodeBody(encodeUtf32(xml, 'be', false), 'text/xml; charset=UTF-32')).toEqual({ text: xml, charset: 'utf-32be' });
  });

  it('GIVEN invalid units or a cut-off tail THEN U+FFFD, not a crash', () => {
    const bytes = Uint8Array.from([...encodeUtf32('a', 'le', false), 0x00, 0xd8, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f, 0x62, 0x00]);
    expect(decodeUtf32(bytes, 'le')).toBe('a\uFFFD\uFFFD\uFFFD');
  });
});

describe('utf8Verdict', () => {
  it('GIVEN valid, mostly valid and legacy bytes THEN valid, mostly and invalid', () => {
    expect(utf8Verdict(Buffer.from(`${KOREAN} ${UKRAINIAN}`))).toBe('valid');
    expect(utf8Verdict(Uint8Array.from([...Buffer.from(`Seoul`), 0x92, ...Buffer.from(`s ${KOREAN}`)]))).toBe('mostly');
    expect(utf8Verdict(encodeSingleByte(RUSSIAN, 'koi8-r'))).toBe('invalid');
    expect(utf8Verdict(encodeSingleByte(UKRAINIAN, 'windows-1251'))).toBe('invalid');
    // Overlong forms and surrogates are not UTF-8.
    expect(utf8Verdict(Uint8Array.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]))).toBe('invalid');
  });

  it('GIVEN many byte strings near UTF-8 THEN "valid" exactly when a strict UTF-8 decoder accepts them', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const accepts = (bytes: Uint8Array): boolean => {
      try {
        strict.decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const text = Buffer.from(`Seoul 서울 Київ ${KOREAN}`);
    let invalidSeen = 0;
    for (let n = 0; n < 2000; n++) {
      // Real text with one to three bytes replaced by anything: boundaries, overlongs, surrogates.
      const bytes = Uint8Array.from(text);
      for (let k = 0; k < 1 + Math.floor(next() * 3); k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const valid = accepts(bytes);
      if (!valid) invalidSeen++;
      expect(utf8Verdict(bytes) === 'valid').toBe(valid);
    }
    expect(invalidSeen).toBeGreaterThan(500);
  });
});

describe('detectCharset and the language hint', () => {
  it('GIVEN a language tag THEN its preferred legacy charsets', () => {
    expect(charsetsForLanguage('ko')).toEqual(['euc-kr']);
    expect(charsetsForLanguage('uk-UA')[0]).toBe('koi8-u');
    expect(charsetsForLanguage('zh-Hant-TW')[0]).toBe('big5');
    expect(charsetsForLanguage('zh-CN')[0]).toBe('gb18030');
    expect(charsetsForLanguage('fr')).toEqual(['windows-1252']);
    expect(charsetsForLanguage(undefined)).toEqual([]);
  });

  it('GIVEN Russian text that KOI8-R and KOI8-U encode alike THEN the feed language decides between them', () => {
    const bytes = encodeSingleByte(`<rss><title>${RUSSIAN}</title><description>Правительство утвердило новый бюджет на следующий год</description></rss>`, 'koi8-r');
    expect(detectCharset(bytes, 'ru').encoding).toBe('koi8-r');
    expect(detectCharset(bytes, 'uk').encoding).toBe('koi8-u');
  });

  it('GIVEN bytes no candidate decodes THEN a fallback that never fails', () => {
    // 0x81 is unassigned in windows-1252 too: the non-fatal decoder still reads it.
    const out = decodeFeedBody(Uint8Array.from([0x3c, 0x61, 0x3e, 0x81, 0x81, 0x81, 0x3c, 0x2f, 0x61, 0x3e]), null);
    expect(out.text.startsWith('<a>')).toBe(true);
    expect(out.charset).toMatch(/\(detected; nothing declared\)$/);
  });
});

describe('decodeFeedBody', () => {
  it('GIVEN valid UTF-8 and any language hint THEN UTF-8, untouched', () => {
    const text = `<rss>${KOREAN} ${UKRAINIAN} ${LATIN1}</rss>`;
    for (const languageHint of ['ko', 'uk', 'ru', undefined]) expect(decodeFeedBody(Buffer.from(text), null, { languageHint })).toEqual({ text, charset: 'utf-8' });
  });

  it('GIVEN KOI8-U bytes with nothing declared THEN they are detected', () => {
    const out = decodeFeedBody(encodeSingleByte(`<rss><title>${UKRAINIAN}</title><d>Її історія: волонтерка з Ірпеня</d></rss>`, 'koi8-u'), 'application/xml', { languageHint: 'uk' });
    expect(out.text).toContain(UKRAINIAN);
    expect(out.charset).toBe('koi8-u (detected; nothing declared)');
  });

  it('GIVEN a header that says UTF-8 over windows-1251 bytes THEN the bytes win, and the lie is reported', () => {
    const out = decodeFeedBody(encodeSingleByte(`<rss><title>${RUSSIAN}</title><d>Следующий раунд назначен на четверг.</d></rss>`, 'windows-1251'), 'text/xml; charset=utf-8', { languageHint: 'ru' });
    expect(out.text).toContain(RUSSIAN);
    expect(out.charset).toBe('windows-1251 (detected; declared "utf-8" but not valid UTF-8)');
  });

  it('GIVEN a label nobody knows over legacy bytes THEN the label counts as no declaration and the bytes are detected', () => {
    const out = decodeFeedBody(encodeSingleByte(`<rss><title>${UKRAINIAN}</title><d>Її історія: волонтерка з Ірпеня</d></rss>`, 'koi8-u'), 'text/xml; charset=x-klingon', { languageHint: 'uk' });
    expect(out.text).toContain(UKRAINIAN);
    expect(out.charset).toBe('koi8-u (detected; declared "x-klingon" but not valid UTF-8)');
  });

  it('GIVEN a legacy charset declared THEN it is trusted, no detection', () => {
    const bytes = encodeSingleByte(`<?xml version="1.0" encoding="koi8-r"?><t>${RUSSIAN}</t>`, 'koi8-r');
    expect(decodeFeedBody(bytes, null, { languageHint: 'uk' })).toEqual({ text: `<?xml version="1.0" encoding="koi8-r"?><t>${RUSSIAN}</t>`, charset: 'koi8-r' });
  });

  it('GIVEN UTF-8 with one stray windows-1252 quote THEN UTF-8 stays and the quote is read as windows-1252', () => {
    const bytes = Uint8Array.from([...Buffer.from('<t>Seoul'), 0x92, ...Buffer.from(`s ${KOREAN}</t>`)]);
    expect(decodeFeedBody(bytes, null, { languageHint: 'ko' })).toEqual({ text: `<t>Seoul’s ${KOREAN}</t>`, charset: 'utf-8 (stray bytes read as windows-1252)' });
  });

  it('GIVEN windows-1252 references and mojibake THEN the text is repaired', () => {
    expect(decodeFeedBody(Buffer.from('<t>Seoul&#146;s CafÃ©</t>'), null).text).toBe('<t>Seoul&#8217;s Café</t>');
  });
});
