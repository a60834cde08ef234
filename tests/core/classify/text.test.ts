import { describe, expect, it } from 'vitest';
import { clauseEnd, isCutFromSummary, sentenceEnd, tokenize, unshout, withoutHeadlineEcho, type Token } from '../../../src/core/classify/text.js';
import { DERIVED_TITLE_MAX_CHARS, truncateText } from '../../../src/core/story.js';

describe('tokenize', () => {
  it('GIVEN Latin text with diacritics and punctuation THEN tokens are folded and keep their offsets', () => {
    const text = 'Zelenskyy’s Odésa visit';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text)).toEqual(['zelenskyy', 's', 'odesa', 'visit']);
    const odesa = tokens[2];
    expect(odesa && text.slice(odesa.start, odesa.end)).toBe('Odésa');
    expect(odesa?.cased).toBe('Odesa');
  });

  it('GIVEN Hangul THEN syllables are kept composed (not split into jamo)', () => {
    expect(tokenize('북한이 평양에서').map((t) => t.text)).toEqual(['북한이', '평양에서']);
  });

  it('GIVEN Latin or Hanja written against Hangul THEN the word is cut where the script changes (digits never cut)', () => {
    expect(tokenize('DMZ에서 北미사일 IAEA는 2일 3000명').map((t) => t.text)).toEqual(['dmz', '에서', '北', '미사일', 'iaea', '는', '2일', '3000명']);
    const tokens = tokenize('K팝');
    expect(tokens.map((t) => [t.cased, t.start, t.end])).toEqual([['K', 0, 1], ['팝', 1, 2]]);
  });

  it('GIVEN Cyrillic and full-width Latin THEN they are case-folded and compatibility-folded', () => {
    expect(tokenize('КИЇВ ＮＩＳ').map((t) => t.text)).toEqual(['киів', 'nis']);
  });

  it('GIVEN mixed scripts, marks, digits, dashes and astral characters THEN tokens and offsets are the runs /[\\p{L}\\p{N}\\p{M}]+/u finds', () => {
    const text = "SEOUL, Dec 3 (Reuters) — Kim Jong-un’s 2nd test: N.K. fires 10 missiles!_x\tBTS's Jin @ 5pm; Odésa Київ 북한이 ＮＩＳ 𝐀𝐁 x\u0301y \ud800 end x\ud800yz café’s";
    const reference = [...text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    const tokens = tokenize(text);
    expect(tokens.map((t) => ({ start: t.start, end: t.end }))).toEqual(reference);
    expect(tokens.slice(0, 5).map((t) => t.text)).toEqual(['seoul', 'dec', '3', 'reuters', 'kim']);
    expect(tokens[0]).toEqual({ text: 'seoul', cased: 'SEOUL', start: 0, end: 5 });
    expect(tokens.find((t) => t.cased === 'Odesa')?.text).toBe('odesa');
  });
});

/** Where sentences (or clauses) end in `text`: the words after each end, as written. */
function endsIn(text: string, end: (text: string, left: Token, right: Token) => boolean): string[] {
  const t = tokenize(text);
  return t.slice(1).flatMap((right, k) => {
    const left = t[k];
    return left && end(text, left, right) ? [right.cased] : [];
  });
}

describe('sentenceEnd and clauseEnd', () => {
  it('GIVEN full stops, semicolons, "!" and "?" THEN each ends a sentence, closing quotes and brackets included', () => {
    expect(endsIn('Kim left. Moon stayed; talks ended! Why? "It is over." Then silence (as planned.) Later', sentenceEnd)).toEqual(['Moon', 'talks', 'Why', 'It', 'Then', 'Later']);
  });

  it('GIVEN abbreviations, numbers and dotted words THEN no sentence ends inside them', () => {
    // One-letter abbreviations, a month before its day, a title before a name, a decimal point, a domain.
    expect(endsIn('U.S. officials met N. Korea on Aug. 14 with Mr. Kim over a $2.6bn deal from Amazon.com today.', sentenceEnd)).toEqual([]);
    // A month's abbreviation before a word, or a title before a lower-case word, still ends one.
    expect(endsIn('It happened in Jan. Then it was over. The talks were led by Gen. staff', sentenceEnd)).toEqual(['Then', 'The', 'staff']);
  });

  it('GIVEN commas, colons, brackets and dashes THEN each ends a clause, and every sentence end does too', () => {
    expect(endsIn('SEOUL -- Kim, the leader: in Pyongyang (state media) \u2014 said. Later U.S. aid', clauseEnd)).toEqual(['Kim', 'the', 'in', 'state', 'said', 'Later']);
  });
});

describe('a shouted headline', () => {
  it('GIVEN a field in capitals THEN title case, the acronyms and two-letter abbreviations kept, at the same length', () => {
    const shouted = "TRUMP SAYS HE WILL MEET KIM AT THE DMZ, NK AND ROK OFFICIALS SAY";
    expect(unshout(shouted)).toBe("Trump Says He Will Meet Kim At The DMZ, NK And ROK Officials Say");
    expect(unshout(shouted)).toHaveLength(shouted.length);
    expect(unshout('КИЇВ ПІД ОБСТРІЛОМ ВНОЧІ')).toBe('Київ Під Обстрілом Вночі');
  });

  it('GIVEN any lower-case letter, a short field or text without case THEN it is returned as it is', () => {
    for (const text of ['Trump says he will meet Kim', 'NATO SUMMIT', '북한 미사일 발사 - 연합뉴스', 'BREAKING: Kim meets Putin']) expect(unshout(text)).toBe(text);
  });
});

describe('a summary that repeats the headline', () => {
  it('GIVEN a summary that opens with the headline (or is only the headline) THEN the repeat is dropped', () => {
    expect(withoutHeadlineEcho('Paper lanterns light up Seoul', 'Paper lanterns light up Seoul. Thousands walked along the stream.')).toBe('Thousands walked along the stream.');
    expect(withoutHeadlineEcho('Paper lanterns light up Seoul', 'paper lanterns light up SEOUL')).toBe('');
    expect(withoutHeadlineEcho("Kim's sister warns Seoul", 'Kim’s sister warns Seoul — the statement came hours after the drills.')).toBe('the statement came hours after the drills.');
  });

  it('GIVEN a summary that only begins like the headline, or a headline of two words THEN nothing changes', () => {
    expect(withoutHeadlineEcho('Paper lanterns light up Seoul', 'Paper lanterns lit up the city on Friday.')).toBe('Paper lanterns lit up the city on Friday.');
    expect(withoutHeadlineEcho('Seoul votes', 'Seoul votes today in a close race.')).toBe('Seoul votes today in a close race.');
  });
});

describe('a headline cut from the summary', () => {
  it('GIVEN the headline normalisation makes for an item without one THEN it is recognised as the summary\'s own opening', () => {
    const summary = 'The Treasury said the firms helped Moscow buy machine tools and chips for weapons used against Ukraine, and froze their US assets on Tuesday.';
    expect(isCutFromSummary(truncateText(summary, DERIVED_TITLE_MAX_CHARS), summary)).toBe(true);
  });

  it('GIVEN a real headline, one ending in "…" that the summary does not open with, or a short summary taken whole THEN not', () => {
    expect(isCutFromSummary('Treasury sanctions firms over chips', 'The Treasury said the firms helped Moscow.')).toBe(false);
    expect(isCutFromSummary('Kim warns Seoul…', 'North Korea\'s leader said on Monday that…')).toBe(false);
    expect(isCutFromSummary('Markets rally', 'Markets rally')).toBe(false);
  });
});

