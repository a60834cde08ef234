import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { classified, makeStory } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOUR_MS = 3_600_000;
const GUILD = '400000000000000001';

/**
 * A database with stories stored through the store, a feeds.json naming two feeds, and one
 * feed a server added from Discord. Returns the environment the CLI runs with.
 */
function seed(): Record<string, string> {
  const dir = tempDir();
  const feeds = join(dir, 'feeds.json');
  writeFileSync(feeds, JSON.stringify({
    feeds: [
      { id: 'reuters', name: 'Reuters', url: 'https://reuters.example/rss', language: 'en', kind: 'wire' },
      { id: 'ap', name: 'AP', url: 'https://ap.example/rss', language: 'en', kind: 'wire' },
    ],
  }));
  const db = join(dir, 'w.db');
  const store = createStore(db);
  const now = Date.now();
  const add = (title: string, scores: Record<string, number>, hoursAgo: number, extra: { feedId?: string; summary?: string; url?: string } = {}): void => {
    const at = now - hoursAgo * HOUR_MS;
    const story = makeStory({ title, summary: extra.summary ?? 'Details follow.', feedId: extra.feedId ?? 'reuters', publishedAt: at, firstSeenAt: at, ...(extra.url ? { url: extra.url } : {}) });
    store.stories.insert(story, classified(scores));
  };
  store.addedFeeds.add({ id: 'desk-a', url: 'https://desk-a.example/rss', name: 'Desk A', language: 'en', kind: 'outlet', addedBy: '700000000000000001', guildId: GUILD, addedAt: now });
  add('Russia strikes Kyiv power grid overnight', { ukraine: 6 }, 1, { url: 'https://news.example/kyiv?token=hunter2secret' });
  add('Pyongyang fires ballistic missile test into the sea', { 'north-korea': 7 }, 2, { feedId: 'ap', summary: 'The missile flew 600 km before landing.' });
  add('Seoul and Pyongyang trade warnings at the border', { 'south-korea': 4, 'north-korea': 3 }, 3);
  add('Kyiv exclusive from a server desk', { ukraine: 5 }, 4, { feedId: 'desk-a' });
  add('Pyongyang fires ballistic missile test into the sea again', { 'north-korea': 6 }, 2.5);
  add('Odesa port reopens after a week', { ukraine: 5 }, 30);
  store.close();
  return { WATCHFLOOR_DB: db, WATCHFLOOR_FEEDS: feeds };
}

describe('watchfloor latest', () => {
  it('GIVEN matched stories THEN latest lists the newest within 24 h with source, time, topics with scores and link, every feed included, secrets redacted', async () => {
    const env = seed();
    const result = await runCli(['latest', '--count', '10'], env);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Latest: all topics — 5 stories published in the last 24 h/u);
    // Newest first; the 30-hour-old story is outside the default window.
    const order = ['Russia strikes Kyiv', 'Pyongyang fires ballistic missile test into the sea\n', 'again', 'Seoul and Pyongyang', 'Kyiv exclusive'].map((t) => out.indexOf(t));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).not.toContain('Odesa');
    expect(out).toMatch(/UTC · AP\n {2}Pyongyang fires ballistic missile test into the sea\n {2}north-korea 7\n {2}https:\/\/news\.example\//u);
    expect(out).toContain('south-korea 4 · north-korea 3');
    // The operator sees stories of feeds a server added (a server sees only its own).
    expect(out).toContain('UTC · Desk A');
    expect(out).not.toContain('hunter2secret');
    expect(out).toContain('https://news.example/kyiv?token=');
  }, 60_000);

  it('GIVEN --json, --topic and --limit THEN exactly one JSON object with only that topic, newest first, cut at the limit', async () => {
    const env = seed();
    const result = await runCli(['latest', '--json', '--topic', 'North Korea', '--limit', '2'], env);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { topic: string; count: number; stories: { title: string; source: { name: string }; topics: { topic: string; score: number }[]; publishedAt: string }[] };
    expect(parsed.topic).toBe('north-korea');
    expect(parsed.count).toBe(2);
    expect(parsed.stories.map((s) => s.title)).toEqual(['Pyongyang fires ballistic missile test into the sea', 'Pyongyang fires ballistic missile test into the sea again']);
    expect(parsed.stories[0]).toMatchObject({ source: { name: 'AP' }, topics: [{ topic: 'north-korea', score: 7 }] });
    expect(Number.isNaN(Date.parse(parsed.stories[0]!.publishedAt))).toBe(false);
  }, 60_000);

  it('GIVEN bad flags THEN exit 2 naming each flag and the fix, nothing on stdout', async () => {
    const env = seed();
    const result = await runCli(['latest', '--topic', 'mars', '--count', '0', '--since', '9d'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('(--topic): unknown topic "mars"; use one of north-korea, south-korea, ukraine');
    expect(result.stderr).toContain('(--count): "0" is not a whole number from 1 to 100');
    expect(result.stderr).toContain('(--since): "9d" reaches back further than 168 h');
  }, 60_000);
});

describe('watchfloor search', () => {
  it('GIVEN a query with hits THEN the matches are listed best first with the words marked, source and link', async () => {
    const env = seed();
    const result = await runCli(['search', 'missile', 'NOT', 'again'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Search: missile NOT again — 1 result in the last 30 days, best match first/u);
    expect(result.stdout).toContain('1. Pyongyang fires ballistic **missile** test into the sea\n   AP · ');
    expect(result.stdout).toContain('> The **missile** flew 600 km before landing.');
    expect(result.stdout).not.toContain('again\n');
  }, 60_000);

  it('GIVEN a query nothing matches, with --json THEN one JSON object with no hits and exit 0', async () => {
    const env = seed();
    const result = await runCli(['search', 'sanction*', '--json', '--topic', 'ukraine'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ query: { terms: ['sanction*'], ignored: [] }, topic: 'ukraine', total: 0, hits: [] });
  }, 60_000);

  it('GIVEN a query with nothing searchable THEN exit 2 with the message /news search gives', async () => {
    const env = seed();
    const result = await runCli(['search', '*** ((( """'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(QUERY): Nothing searchable in that query. Type words, "a phrase in quotes", a prefix such as `sanction*`');
  }, 60_000);
});

describe('watchfloor digest', () => {
  it('GIVEN matched stories THEN the digest is printed as the console prints one: grouped by topic, near-duplicates merged, old stories left out', async () => {
    const env = seed();
    const result = await runCli(['digest'], env);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^── digest ─+\n■ Watchfloor digest: 5 stories in 4 entries\n/u);
    // Each topic its own group, in the rules' order; the strongest topic of a story decides its group.
    const groups = ['North Korea — 2 stories', 'South Korea — 1 story', 'Ukraine — 2 stories'].map((g) => out.indexOf(g));
    expect(groups.every((at) => at >= 0)).toBe(true);
    expect([...groups].sort((a, b) => a - b)).toEqual(groups);
    expect(out).toMatch(/• Pyongyang fires ballistic missile test into the sea <https:\/\/news\.example\/[^>]+> — AP \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n {4}↳ also reported by Reuters/u);
    expect(out).not.toContain('Odesa');
    expect(out).not.toContain('hunter2secret');
  }, 60_000);

  it('GIVEN --json and --topics THEN one JSON object with the groups of those topics and their entries', async () => {
    const env = seed();
    const result = await runCli(['digest', '--json', '--topics', 'ukraine', '--hours', '48'], env);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { topics: string[]; stories: number; groups: { topic: string; entries: { title: string; source: { name: string } }[] }[] };
    expect(parsed.topics).toEqual(['ukraine']);
    expect(parsed.stories).toBe(3);
    expect(parsed.groups.map((g) => g.topic)).toEqual(['ukraine']);
    expect(parsed.groups[0]!.entries.map((e) => e.title)).toEqual(['Russia strikes Kyiv power grid overnight', 'Kyiv exclusive from a server desk', 'Odesa port reopens after a week']);
    expect(parsed.groups[0]!.entries[1]!.source.name).toBe('Desk A');
  }, 60_000);
});
