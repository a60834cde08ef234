import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../src/charts/render.js';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { readPng } from '../helpers/png.js';
import { classified, makeStory } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOUR_MS = 3_600_000;

function seededDb(dir: string): string {
  const path = join(dir, 'w.db');
  const store = createStore(path);
  try {
    for (let i = 0; i < 40; i++) {
      const at = Date.now() - (i % 10) * 12 * HOUR_MS - i * 60_000;
      store.stories.insert(makeStory({ title: `Pyongyang story ${i}`, publishedAt: at, firstSeenAt: at }), classified({ 'north-korea': 5 }));
    }
    store.trends.recordSurge({ topic: 'north-korea', hour: Math.floor((Date.now() - 30 * HOUR_MS) / HOUR_MS) * HOUR_MS, score: { count: 12, median: 1, mad: 0, z: 6, baselineDays: 5, surging: true }, storyRowids: [], now: Date.now() });
  } finally {
    store.close();
  }
  return path;
}

describe('watchfloor trend --out', () => {
  it('writes a valid PNG of the chart and reports it', async () => {
    const dir = tempDir();
    const db = seededDb(dir);
    const out = join(dir, 'chart.png');
    const result = await runCli(['trend', '--out', out, '--topic', 'north-korea', '--days', '7', '--json'], { WATCHFLOOR_DB: db });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const bytes = readFileSync(out);
    expect(readPng(bytes)).toMatchObject({ width: 1000, height: 500 });
    expect(bytes.length).toBeLessThan(MAX_ATTACHMENT_BYTES);
    const report = JSON.parse(result.stdout) as { bytes: number; unit: string; topics: { topic: string; stories: number }[]; surges: unknown[] };
    expect(report.bytes).toBe(bytes.length);
    expect(report.unit).toBe('day');
    expect(report.topics).toEqual([{ topic: 'north-korea', stories: 40 }]);
    expect(report.surges).toHaveLength(1);
  });

  it('bad arguments: one precise message each, exit 2, nothing written', async () => {
    const dir = tempDir();
    const db = seededDb(dir);
    const unknown = await runCli(['trend', '--out', join(dir, 'a.png'), '--topic', 'mars'], { WATCHFLOOR_DB: db });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--topic.*unknown topic "mars".*north-korea/u);
    // The CLI's usual heading, then one line for the one problem.
    expect(unknown.stderr.trim().split('\n').filter((l) => l.startsWith('  '))).toHaveLength(1);

    const days = await runCli(['trend', '--out', join(dir, 'b.png'), '--days', '31'], { WATCHFLOOR_DB: db });
    expect(days.code).toBe(2);
    expect(days.stderr).toMatch(/--days.*"31" is not a whole number from 1 to 30/u);

    const missing = join(dir, 'no-such-folder', 'c.png');
    const folder = await runCli(['trend', '--out', missing], { WATCHFLOOR_DB: db });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/--out.*folder ".*no-such-folder" does not exist/u);

    mkdirSync(join(dir, 'charts'));
    const directory = await runCli(['trend', '--out', join(dir, 'charts')], { WATCHFLOOR_DB: db });
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/--out.*is a directory/u);

    for (const name of ['a.png', 'b.png']) expect(existsSync(join(dir, name))).toBe(false);
  });
});

describe('watchfloor subscribe --surges --quiet-hours', () => {
  it('stores the surge settings with the subscription and says so', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    const result = await runCli(['subscribe', '--console', '--topics', 'north-korea', '--surges', 'on', '--quiet-hours', '23-06', '--timezone', 'Europe/Kyiv'], { WATCHFLOOR_DB: db });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('surges on, quiet 23-06');
    const store = createStore(db);
    try {
      const [created] = store.subscriptions.list().filter((s) => s.createdBy === 'cli');
      expect(store.trends.settings(created?.id ?? 0)).toEqual({ surges: true, quietHours: { start: 23, end: 6 } });
    } finally {
      store.close();
    }
    const listed = await runCli(['subscriptions', '--json'], { WATCHFLOOR_DB: db });
    const entries = JSON.parse(listed.stdout) as { createdBy: string; surges?: unknown }[];
    expect(entries.find((e) => e.createdBy === 'cli')?.surges).toEqual({ enabled: true, quietHours: '23-06' });
  });

  it('bad values: exit 2, every problem named with its fix, nothing saved', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    const result = await runCli(['subscribe', '--console', '--topics', 'north-korea', '--surges', 'maybe', '--quiet-hours', '8pm-6am'], { WATCHFLOOR_DB: db });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--surges.*"maybe" is neither on nor off/u);
    expect(result.stderr).toMatch(/--quiet-hours.*"8pm-6am".*--quiet-hours 22-07/u);
    expect(existsSync(db)).toBe(false);
  });
});
