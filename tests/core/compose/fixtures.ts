import type { TopicInfo, TopicVerdict } from '../../../src/core/types.js';
import type { SourceInfo } from '../../../src/core/compose/alert.js';

export const TOPICS = new Map<string, TopicInfo>([
  ['ukraine', { id: 'ukraine', label: 'Ukraine', color: 0x0057b7 }],
  ['north-korea', { id: 'north-korea', label: 'North Korea', color: 0xc8102e }],
  ['south-korea', { id: 'south-korea', label: 'South Korea', color: 0x78b159 }],
]);

export const SOURCES = new Map<string, SourceInfo>([
  ['reuters', { name: 'Reuters', kind: 'wire' }],
  ['ap', { name: 'AP', kind: 'wire' }],
  ['bbc', { name: 'BBC News', kind: 'outlet' }],
  ['kcna', { name: 'KCNA Watch', kind: 'state-media' }],
]);

export function verdict(topic: string, score: number, overrides: Partial<TopicVerdict> = {}): TopicVerdict {
  return {
    topic,
    matched: true,
    score,
    threshold: 3,
    keywordScore: score,
    modelProbability: 0.9,
    reasons: [
      { kind: 'pattern', pattern: 'Kyiv', matched: 'Kyiv', field: 'title', weight: 3 },
      { kind: 'model', probability: 0.91, weight: 1.5 },
    ],
    ...overrides,
  };
}
