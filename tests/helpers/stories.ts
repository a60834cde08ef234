import { Writable } from 'node:stream';
import type { Classification, Story, TopicInfo, TopicVerdict } from '../../src/core/types.js';
import { createLogger, type Logger } from '../../src/app/logger.js';
import type { NewSubscription } from '../../src/store/subscriptions.js';

/** Topic infos as the classifier would report them. */
export const TEST_TOPICS: readonly TopicInfo[] = [
  { id: 'ukraine', label: 'Ukraine', color: 0x0057b7 },
  { id: 'north-korea', label: 'North Korea', color: 0xc8102e },
  { id: 'south-korea', label: 'South Korea', color: 0x78b159 },
];

/** Source names and kinds for alerts. */
export const TEST_FEEDS = new Map([
  ['reuters', { name: 'Reuters', kind: 'wire' as const }],
  ['ap', { name: 'AP', kind: 'wire' as const }],
  ['kcna', { name: 'KCNA Watch', kind: 'state-media' as const }],
]);

let counter = 0;

/** A normalised story; unique id and URL unless overridden. */
export function makeStory(overrides: Partial<Story> = {}): Story {
  counter++;
  const now = overrides.firstSeenAt ?? Date.now();
  return {
    id: `story-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    feedId: 'reuters',
    guid: null,
    url: `https://news.example/${counter}/${Math.random().toString(36).slice(2, 8)}`,
    title: `Russia strikes Kyiv power grid overnight (${counter})`,
    summary: 'Air raid alerts sounded across Ukraine.',
    author: null,
    publishedAt: now - 60_000,
    publishedEstimated: false,
    firstSeenAt: now,
    language: 'en',
    categories: [],
    ...overrides,
  };
}

/** A matched verdict with a keyword and a model reason; `overrides` change any field. */
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

/** A verdict that matched with the given score, on a keyword alone. */
export function matchedVerdict(topic: string, score: number): TopicVerdict {
  return verdict(topic, score, { reasons: [{ kind: 'pattern', pattern: 'Kyiv', matched: 'Kyiv', field: 'title', weight: 3 }] });
}

/** A classification matching the given topics with their scores. */
export function classified(scores: Record<string, number>): Classification {
  const verdicts = Object.entries(scores).map(([topic, score]) => matchedVerdict(topic, score));
  return { verdicts, matched: verdicts.map((v) => v.topic) };
}

/** A JSON logger whose lines the test can read. */
export function capturingLogger(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = createLogger({ level: 'debug', format: 'json', destination: stream });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A writable that keeps what the console sink prints. */
export function captureOutput(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** A subscription to add in a test: console, instant, Ukraine, 24 h maximum age, unless overridden. */
export function newSubscription(overrides: Partial<NewSubscription> = {}): NewSubscription {
  return {
    target: { kind: 'console' },
    topics: ['ukraine'],
    mode: 'instant',
    schedule: null,
    timezone: 'UTC',
    minScore: 0,
    mentionRoleId: null,
    maxAgeMs: 86_400_000,
    postEmptyDigest: false,
    createdAt: Date.now(),
    createdBy: 'test',
    ...overrides,
  };
}
