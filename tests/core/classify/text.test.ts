import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/core/classify/text.js';

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

  it('GIVEN Cyrillic and full-width Latin THEN they are case-folded and compatibility-folded', () => {
    expect(tokenize('КИЇВ ＮＩＳ').map((t) => t.text)).toEqual(['киів', 'nis']);
  });
});
