import { describe, expect, it } from 'vitest';
import { charsetFromContentType, charsetFromXmlDeclaration, decodeBody } from '../../src/feeds/charset.js';

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
