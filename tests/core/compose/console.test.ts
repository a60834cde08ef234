import { describe, expect, it } from 'vitest';
import { composeAlert } from '../../../src/core/compose/alert.js';
import { colorDot } from '../../../src/core/compose/colors.js';
import { plainText, renderMessageText } from '../../../src/core/compose/console.js';
import { SOURCES, TOPICS, verdict } from './fixtures.js';

describe('console rendering', () => {
  it('GIVEN an alert THEN the text shows title, link, source, UTC time and why without Discord syntax', () => {
    const message = composeAlert({
      story: { title: 'Kyiv *metro* reopens', summary: 'Trains run again.', url: 'https://k.example/m', publishedAt: Date.UTC(2026, 10, 22, 6, 5), publishedEstimated: false, feedId: 'bbc' },
      verdicts: [verdict('ukraine', 5)],
      topics: TOPICS,
      source: SOURCES.get('bbc'),
      mentionRoleId: null,
    });
    const text = renderMessageText(message, 'alert');
    expect(text).toContain('■ Kyiv *metro* reopens');
    expect(text).toContain('https://k.example/m');
    expect(text).toContain('[BBC News · outlet]');
    expect(text).toContain('Published: 2026-11-22 06:05 UTC\n');
    expect(text).not.toContain('<t:');
    expect(text).toContain('Why: 🔵 Ukraine: “Kyiv” in title (+3)');
  });

  it('GIVEN a masked link THEN it reads as text <url>', () => {
    expect(plainText('[A \\[b\\] c](https://x.example/)')).toBe('A [b] c <https://x.example/>');
  });
});

describe('colour dots', () => {
  it.each([
    [0x0057b7, '🔵'],
    [0x003478, '🔵'],
    [0xc8102e, '🔴'],
    [0x78b159, '🟢'],
    [0xffd500, '🟡'],
    [0x7a4a1d, '🟤'],
    [0x808080, '⚪'],
    [0x202020, '⚫'],
  ])('GIVEN colour %s THEN the dot is %s', (color, dot) => {
    expect(colorDot(color)).toBe(dot);
  });
});
