import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { classified, makeStory } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const SERVER = '210000000000000001';
const OTHER = '220000000000000002';

/** A database with two stored stories: one matched Ukraine, one matched North Korea and Ukraine. */
function seed(): { db: string; ukraine: { rowid: number; url: string }; both: { rowid: number; id: string } } {
  const db = join(tempDir(), 'w.db');
  const store = createStore(db);
  const a = makeStory({ title: 'Kyiv briefing: key events' });
  const b = makeStory({ title: 'Pyongyang sends shells to Russia for the war in Ukraine' });
  const ukraine = { rowid: store.stories.insert(a, classified({ ukraine: 6 })).rowid, url: a.url ?? '' };
  const both = { rowid: store.stories.insert(b, classified({ 'north-korea': 7, ukraine: 5 })).rowid, id: b.id };
  store.close();
  return { db, ukraine, both };
}

describe('GIVEN a set-up without a bot', () => {
  it('THEN `feedback add` rates a story by link or id for its matched topics, `list` shows it, `remove` and `reset` take it back', async () => {
    const { db, ukraine, both } = seed();
    const env = { WATCHFLOOR_DB: db };
    const byUrl = await runCli(['feedback', 'add', '--server', SERVER, '--story', ukraine.url, '--verdict', 'down', '--member', 'desk-1'], env);
    expect(byUrl.stderr).toBe('');
    expect(byUrl.code).toBe(0);
    expect(byUrl.stdout).toContain(`Rated: story ${ukraine.rowid} not relevant for ukraine in server ${SERVER} (member cli:desk-1)`);
    const byId = await runCli(['feedback', 'add', '--server', SERVER, '--story', both.id, '--verdict', 'up'], env);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain('for north-korea, ukraine');
    const changed = await runCli(['feedback', 'add', '--server', SERVER, '--story', String(both.rowid), '--topic', 'ukraine', '--verdict', 'down'], env);
    expect(changed.stdout).toContain('Changed:');

    const list = await runCli(['feedback', 'list', '--server', SERVER, '--json'], env);
    const rows = JSON.parse(list.stdout) as { id: number; memberId: string; storyRowid: number; topic: string; rating: number; source: string }[];
    expect(rows.map((r) => [r.memberId, r.storyRowid, r.topic, r.rating, r.source]).sort()).toEqual(
      [
        ['cli:desk-1', ukraine.rowid, 'ukraine', -1, 'cli'],
        ['cli:operator', both.rowid, 'north-korea', 1, 'cli'],
        ['cli:operator', both.rowid, 'ukraine', -1, 'cli'],
      ].sort(),
    );
    // Another server sees none of them.
    expect((await runCli(['feedback', 'list', '--server', OTHER], env)).stdout).toContain(`Server ${OTHER} has no ratings`);

    const first = rows.find((r) => r.memberId === 'cli:desk-1');
    const removeOther = await runCli(['feedback', 'remove', '--server', OTHER, String(first?.id)], env);
    expect(removeOther.code).toBe(1);
    expect(removeOther.stderr).toContain(`server ${OTHER} has no such rating`);
    const remove = await runCli(['feedback', 'remove', '--server', SERVER, String(first?.id)], env);
    expect(remove.code).toBe(0);
    expect(remove.stdout).toContain('1 rating(s) removed');

    const reset = await runCli(['feedback', 'reset', '--server', SERVER, '--topic', 'ukraine'], env);
    expect(reset.stdout).toContain('Removed 1 rating(s)');
    const store = createStore(db);
    try {
      expect(store.feedback.list(SERVER).map((r) => r.topic)).toEqual(['north-korea']);
    } finally {
      store.close();
    }
  });

  it('THEN bad arguments exit 2 naming the flag and the fix, and nothing is stored', async () => {
    const { db, ukraine } = seed();
    const env = { WATCHFLOOR_DB: db };
    const cases: [string[], string][] = [
      [['feedback', 'add', '--server', 'nope', '--story', ukraine.url, '--verdict', 'up'], '--server'],
      [['feedback', 'add', '--server', SERVER, '--story', ukraine.url, '--verdict', 'maybe'], '--verdict'],
      [['feedback', 'add', '--server', SERVER, '--story', 'https://nowhere.example/x', '--verdict', 'up'], '--story'],
      [['feedback', 'add', '--server', SERVER, '--story', ukraine.url, '--verdict', 'up', '--topic', 'south-korea'], '--topic'],
      [['feedback', 'reset', '--server', SERVER], '--topic'],
    ];
    for (const [args, flag] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(flag);
      expect(result.stderr).toContain('fix:');
    }
    const store = createStore(db);
    try {
      expect(store.feedback.list(SERVER)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('THEN `explain --server` adds the server’s line and `train --with-feedback` learns from the ratings', async () => {
    const db = join(tempDir(), 'w.db');
    const store = createStore(db);
    for (let i = 0; i < 12; i++) {
      const roundup = i % 2 === 0;
      const story = makeStory({ title: roundup ? `Morning briefing ${i}: Kyiv, markets and more` : `Russian drones hit Kharkiv power station ${i}` });
      const { rowid } = store.stories.insert(story, classified({ ukraine: 6 }));
      store.feedback.record({ guildId: SERVER, memberId: i < 6 ? 'a' : 'b', storyRowid: rowid, topic: 'ukraine', rating: roundup ? -1 : 1, matchedThen: true, scoreThen: 6, source: 'cli', now: Date.now() }, { maxPerMember: 100, maxPerWindow: 100, rateWindowMs: 1 });
    }
    store.close();
    const env = { WATCHFLOOR_DB: db };
    const explained = await runCli(['explain', '--server', SERVER, 'Morning briefing: Kyiv, markets and more'], env);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(new RegExp(`Server ${SERVER}: This server's ratings`, 'u'));
    const other = await runCli(['explain', '--server', OTHER, 'Morning briefing: Kyiv, markets and more'], env);
    expect(other.stdout).toContain(`Server ${OTHER}: no ratings from this server.`);
    const trained = await runCli(['train', '--with-feedback'], env);
    expect(trained.stderr).not.toMatch(/error/iu);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain('12 rated stories from 12 ratings');
  });
});
