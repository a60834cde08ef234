import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/config/rules.js';
import { colorDot } from '../../../src/core/compose/colors.js';

const RULES_DIR = join(import.meta.dirname, '../../../rules');

describe('the shipped topics', () => {
  it('GIVEN the rules/ files THEN every topic has its own colour and its own colour dot', () => {
    const topics = loadRules(RULES_DIR).topics;
    expect(topics.length).toBeGreaterThanOrEqual(3);
    const colours = topics.map((t) => t.color);
    const dots = topics.map((t) => colorDot(t.color));
    expect(new Set(colours).size, colours.join(', ')).toBe(topics.length);
    expect(new Set(dots).size, topics.map((t, i) => `${t.id} ${dots[i]}`).join(', ')).toBe(topics.length);
    expect(Object.fromEntries(topics.map((t, i) => [t.id, dots[i]]))).toEqual({ 'north-korea': '🔴', 'south-korea': '🔵', ukraine: '🟡' });
  });
});
